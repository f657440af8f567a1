import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { createLogger, type Logger } from '../logger.js';
import { allPacks, getPack } from '../policy/packs.js';
import { privacyPage, termsPage } from './pages.js';
import { createApi, type Api } from './api/index.js';
import type { TokenVerifier } from './api/identity.js';
import type { ServerConfig } from './config.js';
import type { AppServices } from './services.js';
import type { PaneConfig } from '../../tab/outlook/auth.js';

export interface AppContext {
  config: ServerConfig;
  /** Without services the app serves only /healthz and the tab (the API answers 503). */
  services?: AppServices;
  logger?: Logger;
  /** Directory of the built tab (webpack output); default dist/tab. */
  tabDir?: string;
  /** Replaces Entra token validation (tests). */
  verifyToken?: TokenVerifier;
}

export type SupervisionApp = Express & { api?: Api };

/** A path inside the repository, from this module's location (or the cwd in a DOM test environment). */
function repositoryPath(...parts: string[]): string {
  try {
    return join(fileURLToPath(new URL('../../', import.meta.url)), ...parts);
  } catch {
    // Hosts that give modules non-file URLs (a DOM test environment): the repository root is the cwd.
    return join(process.cwd(), ...parts);
  }
}

function defaultTabDir(): string {
  return repositoryPath('dist', 'tab');
}

/** Hosts allowed to frame the tab: Teams, Outlook and the Microsoft 365 app. */
const frameAncestors = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.live.com',
  'https://*.microsoft365.com',
];

/** The HTTP surface: one process, one port (tab, API, bot and, locally, Graph). */
/** What the task pane needs for MSAL: the app registration and the SSO resource's bot id. */
export function taskPaneConfig(config: ServerConfig): PaneConfig {
  return config.mode === 'tenant' ? { mode: 'tenant', clientId: config.CLIENT_ID, appDomain: config.APP_DOMAIN, botId: config.BOT_ID ?? config.CLIENT_ID } : { mode: 'local' };
}

export function createApp(context: AppContext): SupervisionApp {
  const { config } = context;
  const logger = context.logger ?? createLogger({ level: config.LOG_LEVEL });
  const app: SupervisionApp = express();
  app.disable('x-powered-by');
  // API answers are no-store, so an ETag (a hash of every JSON body) buys nothing and costs CPU.
  app.disable('etag');
  const local = config.mode === 'local';
  app.use(
    helmet({
      // Teams, Outlook and Microsoft 365 show the tab in a frame: CSP frame-ancestors decides who may.
      frameguard: false,
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: local ? false : { maxAge: 31_536_000, includeSubDomains: true },
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // Fluent UI (Griffel) inserts its styles at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:', 'https://res-1.cdn.office.net', 'https://static2.sharepointonline.com'],
          connectSrc: ["'self'"],
          frameAncestors,
          upgradeInsecureRequests: local ? null : [],
        },
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', mode: config.mode, org: config.SUPERVISION_ORG });
  });

  if (context.services) {
    const api = createApi({ config, services: context.services, logger, ...(context.verifyToken ? { verifyToken: context.verifyToken } : {}) });
    app.api = api;
    app.use('/api', api.router);
  } else {
    app.use('/api', (_req, res) => {
      res.status(503).json({ error: { code: 'CONFIGURATION', message: 'The API is starting or has no services configured.' } });
    });
  }

  // The Outlook add-in's ribbon icons, named by the manifest.
  app.use('/outlook/icons', express.static(repositoryPath('manifest', 'addin-icons'), { index: false, maxAge: '1d' }));

  // Named by the manifest (developer.privacyUrl, developer.termsOfUseUrl); Teams links to them.
  const pack = getPack(config.SUPERVISION_ORG);
  app.get('/privacy', (_req, res) => {
    res.type('html').send(privacyPage(pack, allPacks()));
  });
  app.get('/terms', (_req, res) => {
    res.type('html').send(termsPage(pack));
  });

  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  const tabDir = context.tabDir ?? defaultTabDir();
  const indexHtml = join(tabDir, 'index.html');
  // Asset names carry a content hash, so they never change once served.
  app.use('/assets', express.static(join(tabDir, 'assets'), { index: false, immutable: true, maxAge: '365d' }));
  app.get(['/', '/tab', '/tab/{*rest}'], (_req, res) => {
    if (!existsSync(indexHtml)) {
      res
        .status(503)
        .type('html')
        .send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Supervision</title></head><body><main><h1>Supervision for Teams</h1><p>The tab has not been built yet: run <code>npm run build</code>, then reload.</p></main></body></html>');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });

  // The Outlook add-in's task pane (the manifest's runtime page), built next to the tab. Its
  // CSP also allows Office.js from Microsoft's CDN; the page learns the mode and, hosted, the
  // app registration for MSAL nested app authentication from a meta tag.
  const taskpaneHtml = join(tabDir, 'outlook', 'taskpane.html');
  const paneConfig = JSON.stringify(taskPaneConfig(config));
  const paneMeta = `<meta name="supervision-config" content="${paneConfig.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}" />`;
  app.get('/outlook/taskpane.html', (_req, res) => {
    if (!existsSync(taskpaneHtml)) {
      res.status(503).type('html').send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Schedule supervision</title></head><body><main><h1>Schedule supervision</h1><p>The task pane has not been built yet: run <code>npm run build</code>, then reload.</p></main></body></html>');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.set(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self' https://appsforoffice.microsoft.com",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data: https://res-1.cdn.office.net https://static2.sharepointonline.com",
        "connect-src 'self' https://login.microsoftonline.com",
        `frame-ancestors ${frameAncestors.join(' ')}`,
        "base-uri 'self'",
        "object-src 'none'",
      ].join('; '),
    );
    res.type('html').send(readFileSync(taskpaneHtml, 'utf8').replace(/<meta name="?supervision-config"?[^>]*>/, paneMeta));
  });
  return app;
}
