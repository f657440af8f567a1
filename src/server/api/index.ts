/**
 * The HTTP API under /api, built only on AppServices. Every operation is declared once
 * (src/server/api/routes/*) and appears in /api/openapi.json.
 */
import express, { type Router } from 'express';
import { SupervisionError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ServerConfig } from '../config.js';
import type { AppServices } from '../services.js';
import type { ApiDeps } from './deps.js';
import { ApiBuilder, errorMiddleware } from './http.js';
import { bearerTokenOf, devIdentityAllowed, identityMiddleware, type Identity, type TokenVerifier } from './identity.js';
import { isDelegating } from '../graph-services.js';
import { agreementRoutes } from './routes/agreements.js';
import { cancellationRoutes } from './routes/cancellations.js';
import { complianceRoutes } from './routes/compliance.js';
import { coverRoutes } from './routes/cover.js';
import { governanceRoutes } from './routes/governance.js';
import { peopleRoutes } from './routes/people.js';
import { recordRoutes } from './routes/records.js';
import { scheduleRoutes } from './routes/schedule.js';
import { superviseeRoutes } from './routes/supervisee.js';
import { z } from 'zod';

export interface ApiOptions {
  config: ServerConfig;
  services: AppServices;
  logger: Logger;
  /** Replaces Entra token validation (tests sign tokens with a local key). */
  verifyToken?: TokenVerifier;
  version?: string;
}

export interface Api {
  router: Router;
  /** Operation ids, in declaration order. */
  operations: readonly string[];
  openapi(): Record<string, unknown>;
}

export function createApi(options: ApiOptions): Api {
  const { config, services, logger } = options;
  const servicesFor = (identity: Identity): AppServices => {
    const token = bearerTokenOf(identity);
    return token !== undefined && isDelegating(services) ? services.forUser(token) : services;
  };
  const deps: ApiDeps = { config, services, logger, servicesFor };
  const api = new ApiBuilder(logger);

  let document: Record<string, unknown> | undefined;
  const openapi = () => (document ??= api.document({ version: options.version ?? '0.1.0', mode: config.mode }));
  api.route({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tags: ['meta'],
    public: true,
    response: z.record(z.string(), z.unknown()),
    handler: async () => openapi(),
  });
  peopleRoutes(api, deps);
  scheduleRoutes(api, deps);
  agreementRoutes(api, deps);
  recordRoutes(api, deps);
  superviseeRoutes(api, deps);
  complianceRoutes(api, deps);
  cancellationRoutes(api, deps);
  governanceRoutes(api, deps);
  coverRoutes(api, deps);

  const router = express.Router();
  router.use(express.json({ limit: '512kb' }));
  router.use((_req, res, next) => {
    // Supervision data is personal: never cached by browsers or proxies.
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(identityMiddleware({ config, services, logger, ...(options.verifyToken ? { verifyToken: options.verifyToken } : {}) }));
  router.use('/dev', (req, _res, next) => {
    next(devIdentityAllowed(config, req) ? undefined : new SupervisionError('NOT_FOUND', 'The dev identity picker exists only in local mode on loopback.'));
  });
  router.use(api.router);
  router.use((req, _res, next) => next(new SupervisionError('NOT_FOUND', `no API operation ${req.method} ${req.path}`)));
  router.use(errorMiddleware(logger));
  return { router, operations: api.operations, openapi };
}
