/**
 * Starts the whole app on one port. Local mode mounts the embedded Graph-compatible service at
 * /graph/v1.0 and points the same gateway at it over HTTP (the production code path, only
 * the base URL and token differ), seeding the fictional organisation on first start.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { mountBot } from '../../bot/agent.js';
import { seedLocalOrganisation } from '../demo/seed.js';
import { demoSiteId } from '../demo/organisation.js';
import { GraphCalendar, clientCredentialsAuth, createConfidentialClient, createGraphClient, localDevAuth, type GraphClient } from '../graph/index.js';
import { createLocalGraph, type LocalGraph } from '../local-graph/index.js';
import { startGovernance, type GovernanceRuntime } from '../governance/runtime.js';
import type { Logger } from '../logger.js';
import { getPack } from '../policy/packs.js';
import { createApp } from './app.js';
import { scheduleCalendarSync, type CalendarSyncTimer } from './calendar-sync.js';
import { SqliteSyncStateStore } from '../sync/index.js';
import type { ServerConfig } from './config.js';
import { createGraphServices, withOnBehalfOf } from './graph-services.js';
import type { AppServices } from './services.js';

export interface RunningServer {
  url: string;
  port: number;
  services: AppServices;
  localGraph?: LocalGraph;
  /** Outlook-side changes (cancelled or moved occurrences) → Cancellations, every 15 minutes. */
  calendarSync: CalendarSyncTimer;
  /** Audit log and samples in the data directory; retention runs daily as a job. */
  governance: GovernanceRuntime;
  close(): Promise<void>;
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

function portOf(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

export async function startServer(config: ServerConfig, logger: Logger, options: { now?: () => Date } = {}): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const outer = express();
  outer.disable('x-powered-by');
  let localGraph: LocalGraph | undefined;
  if (config.mode === 'local') {
    const graph = createLocalGraph({ dataDir: join(config.dataDir, 'graph') });
    outer.use('/graph/v1.0', graph.router);
    outer.use('/graph/_admin', graph.adminRouter);
    localGraph = graph;
  }
  const server = await listen(outer, config.PORT, config.host);
  const port = portOf(server, config.PORT);
  const pack = getPack(config.SUPERVISION_ORG);
  const appUrl = config.mode === 'local' ? `http://localhost:${port}` : `https://${config.APP_DOMAIN}`;
  let services: AppServices;
  let appClient: GraphClient;
  if (config.mode === 'local') {
    const client = createGraphClient({ baseUrl: `http://127.0.0.1:${port}/graph/v1.0`, auth: localDevAuth('supervision-app') });
    appClient = client;
    services = createGraphServices({ client, siteId: demoSiteId, pack, appUrl, ...(options.now ? { now: options.now } : {}) });
  } else {
    // One confidential client for the process: app-only tokens (records over Sites.Selected,
    // the bot, identity look-ups) and OBO tokens for the tab user's own calendar share its cache.
    const msal = createConfidentialClient({ tenantId: config.TENANT_ID, clientId: config.CLIENT_ID, ...(config.CLIENT_SECRET ? { clientSecret: config.CLIENT_SECRET } : {}), logger });
    const baseUrl = 'https://graph.microsoft.com/v1.0';
    const client = createGraphClient({ baseUrl, auth: clientCredentialsAuth(msal) });
    appClient = client;
    const appOnly = createGraphServices({ client, siteId: config.SHAREPOINT_SITE_ID, pack, appUrl, ...(options.now ? { now: options.now } : {}) });
    services = withOnBehalfOf(appOnly, { source: msal, baseUrl });
  }
  if (localGraph?.isEmpty()) {
    const seeded = await seedLocalOrganisation(localGraph, services);
    logger.info('local.seeded', { org: pack.id, people: seeded.people, staff: seeded.staff, cases: seeded.cases });
  }
  const governance = startGovernance(config.dataDir, services, logger);
  services = governance.services;
  const syncStore = new SqliteSyncStateStore(join(config.dataDir, 'calendar-sync.sqlite'));
  const calendarSync = scheduleCalendarSync({ calendar: new GraphCalendar(appClient), records: services.records, store: syncStore, now: services.now }, services.directory, logger);
  // The bot answers /api/messages before the API router (which owns the rest of /api).
  const bot = mountBot(outer, services, config, { logger });
  governance.connect(bot.sender);
  outer.use(createApp({ config, services, logger }));
  return {
    url: appUrl,
    port,
    services,
    ...(localGraph ? { localGraph } : {}),
    calendarSync,
    governance,
    close: async () => {
      calendarSync.stop();
      await bot.close();
      await governance.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      syncStore.close();
      localGraph?.close();
    },
  };
}
