import { demoSiteId } from '../demo/organisation.js';
import type { BookingDeps } from '../booking/booking.js';
import { clientCredentialsAuth, createGraphClient, localDevAuth, type GraphClient } from '../graph/index.js';
import { getPack } from '../policy/packs.js';
import type { RecordsRepository } from '../records/repository.js';
import { loadConfig, type ServerConfig } from '../server/config.js';
import { createGraphServices, teamsAppIdOf } from '../server/graph-services.js';
import type { AppServices } from '../server/services.js';
import type { CliIo } from './io.js';

export interface CliServices {
  bookingDeps: BookingDeps;
  records: RecordsRepository;
  appUrl: string;
  /** For Teams deep links in meeting bodies (tenant mode). */
  teamsAppId?: string;
  close(): Promise<void>;
}

/**
 * The CLI talks to Graph through the same gateway and ports as the server: a tenant's Graph
 * with app credentials when tenant settings are in the environment, otherwise the running
 * local app's embedded service (`npm start`), or any base URL given with --graph-url.
 */
export function cliGraphServices(io: CliIo, options: { org?: string | undefined; graphUrl?: string | undefined; now?: () => Date }): { services: AppServices; config: ServerConfig; appUrl: string; client: GraphClient } {
  const config = loadConfig(io.env, io.cwd);
  const pack = getPack(options.org ?? config.SUPERVISION_ORG);
  const tenant = config.mode === 'tenant' && !options.graphUrl;
  const baseUrl = options.graphUrl ?? (tenant ? 'https://graph.microsoft.com/v1.0' : `http://127.0.0.1:${config.PORT}/graph/v1.0`);
  const client = createGraphClient({
    baseUrl,
    auth:
      config.mode === 'tenant' && tenant
        ? clientCredentialsAuth({ tenantId: config.TENANT_ID, clientId: config.CLIENT_ID, ...(config.CLIENT_SECRET ? { clientSecret: config.CLIENT_SECRET } : {}) })
        : localDevAuth('supervision-cli'),
  });
  const appUrl = config.mode === 'tenant' ? `https://${config.APP_DOMAIN}` : `http://localhost:${config.PORT}`;
  const services = createGraphServices({ client, siteId: config.mode === 'tenant' ? config.SHAREPOINT_SITE_ID : demoSiteId, pack, appUrl, ...(options.now ? { now: options.now } : {}) });
  return { services, config, appUrl, client };
}

/** Booking's ports for a CLI run. */
export async function cliServices(io: CliIo, org: string, graphUrl: string | undefined): Promise<CliServices> {
  const { services, appUrl, config, client } = cliGraphServices(io, { org, graphUrl });
  const teamsAppId = config.mode === 'tenant' ? await teamsAppIdOf(client, config.CLIENT_ID) : undefined;
  return {
    bookingDeps: { calendar: services.calendar, directory: services.directory, records: services.records, now: services.now },
    records: services.records,
    appUrl,
    ...(teamsAppId ? { teamsAppId } : {}),
    close: async () => {},
  };
}
