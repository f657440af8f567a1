import express, { type Express } from 'express';
import type { Logger } from '../logger.js';
import type { ServerConfig } from './config.js';
import type { AppServices } from './services.js';

export interface AppContext {
  config: ServerConfig;
  services?: AppServices;
  logger?: Logger;
}

/** The HTTP surface: one process, one port (tab, API, bot and, locally, Graph). */
export function createApp(context: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', mode: context.config.mode, org: context.config.SUPERVISION_ORG });
  });
  app.get(['/', '/tab'], (_req, res) => {
    res.type('html').send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Supervision</title></head><body><main><h1>Supervision for Teams</h1><p>The tab is being built.</p></main></body></html>');
  });
  return app;
}
