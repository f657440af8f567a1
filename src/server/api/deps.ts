import type { Logger } from '../../logger.js';
import type { ServerConfig } from '../config.js';
import type { AppServices } from '../services.js';

/** What every route module is given. */
export interface ApiDeps {
  services: AppServices;
  config: ServerConfig;
  logger: Logger;
}
