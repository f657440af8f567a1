import type { Logger } from '../../logger.js';
import type { ServerConfig } from '../config.js';
import type { AppServices } from '../services.js';
import type { Identity } from './identity.js';

/** What every route module is given. */
export interface ApiDeps {
  services: AppServices;
  config: ServerConfig;
  logger: Logger;
  /**
   * Services for calls made for the signed-in user (their calendar, free/busy, the directory as
   * they see it): in tenant mode Graph on behalf of that user (OBO from their bearer token);
   * otherwise (local mode, dev identities) the shared services.
   */
  servicesFor(identity: Identity): AppServices;
}

/**
 * The same person asking the same read-only question within a few seconds gets the same
 * computed answer (services.views). Keyed by who asks, so what they may see never leaks.
 */
export function sharedView<T>(deps: ApiDeps, identity: Identity, key: string, compute: () => Promise<T>): Promise<T> {
  const views = deps.services.views;
  return views ? views.get(`${identity.id}:${key}`, compute) : compute();
}
