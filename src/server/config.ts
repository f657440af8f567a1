import { resolve } from 'node:path';
import { z } from 'zod';
import { organisationIds } from '../policy/canonical.js';
import { SupervisionError } from '../errors.js';

const tenantSchema = z.object({
  TENANT_ID: z.string().uuid({ message: 'must be the Entra tenant id (a GUID)' }),
  CLIENT_ID: z.string().uuid({ message: 'must be the app registration client id (a GUID)' }),
  CLIENT_SECRET: z.string().min(1).optional(),
  CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
  CLIENT_CERTIFICATE_THUMBPRINT: z.string().min(1).optional(),
  SHAREPOINT_SITE_ID: z.string().min(1, { message: 'must be the Graph id of the supervision SharePoint site' }),
  APP_DOMAIN: z.string().min(1, { message: 'must be the public host name serving the app' }),
  // The SSO Application ID URI is api://<APP_DOMAIN>/botid-<BOT_ID> (src/server/api/sso.ts); unset, BOT_ID is CLIENT_ID.
  BOT_ID: z.string().uuid({ message: 'must be the bot app id (a GUID), as in the Application ID URI api://<APP_DOMAIN>/botid-<BOT_ID>' }).optional(),
  ALLOWED_TENANTS: z.string().optional(),
});

const commonSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  SUPERVISION_DATA_DIR: z.string().default('.data'),
  SUPERVISION_ORG: z.enum(organisationIds, { message: `must be one of ${organisationIds.join(', ')}` }).default('dudley'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

// --- the bot's state and conversation references (docs/bot-storage.md) ---------------------
const containerName = z.string().regex(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, { message: 'must be a blob container name: 3 to 63 lower-case letters, digits and single hyphens' });

const botStorageSchema = z.object({
  BOT_STORAGE: z.enum(['sqlite', 'blob'], { message: 'must be sqlite (a file in the data directory, one server) or blob (Azure Blob Storage, any number of servers)' }).default('sqlite'),
  // Never echoed in errors: the URL carries a SAS token.
  BOT_STORAGE_BLOB_URL: z.url({ protocol: /^https?$/, message: 'must be the container URL with a SAS token, https://<account>.blob.core.windows.net/<container>?<sas>' }).optional(),
  BOT_STORAGE_BLOB_CONNECTION_STRING: z
    .string()
    .refine((v) => /(^|;)\s*(AccountName|BlobEndpoint)=/i.test(v) && /(^|;)\s*(AccountKey|SharedAccessSignature)=/i.test(v), { message: 'must be a storage connection string with AccountName (or BlobEndpoint) and AccountKey (or SharedAccessSignature)' })
    .optional(),
  BOT_STORAGE_BLOB_CONTAINER: containerName.default('supervision-bot'),
});

export type BotStorageConfig = { kind: 'sqlite' } | { kind: 'blob'; containerUrl: string } | { kind: 'blob'; connectionString: string; container: string };

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** Where the bot keeps its state; blob needs exactly one way to reach the container. */
function botStorageFrom(env: Readonly<Record<string, string | undefined>>): BotStorageConfig {
  const parsed = botStorageSchema.safeParse(env);
  if (!parsed.success) fail(parsed.error.issues[0]);
  const { BOT_STORAGE, BOT_STORAGE_BLOB_URL: url, BOT_STORAGE_BLOB_CONNECTION_STRING: connectionString, BOT_STORAGE_BLOB_CONTAINER: container } = parsed.data;
  const problem = (field: string, message: string): never => {
    throw new SupervisionError('CONFIGURATION', `${field}: ${message}`, { field });
  };
  if (BOT_STORAGE === 'sqlite') return { kind: 'sqlite' };
  if (url && connectionString) problem('BOT_STORAGE_BLOB_URL', 'set BOT_STORAGE_BLOB_URL or BOT_STORAGE_BLOB_CONNECTION_STRING, not both');
  if (connectionString) return { kind: 'blob', connectionString, container };
  if (!url) return problem('BOT_STORAGE_BLOB_URL', 'BOT_STORAGE=blob needs BOT_STORAGE_BLOB_URL (a container URL with a SAS token) or BOT_STORAGE_BLOB_CONNECTION_STRING');
  const parts = new URL(url);
  // Plain http only reaches a local emulator (Azurite); a SAS must never cross the network in clear.
  if (parts.protocol === 'http:' && !isLoopbackHost(parts.hostname)) problem('BOT_STORAGE_BLOB_URL', 'must use https (http is accepted for a loopback emulator only)');
  const segments = parts.pathname.split('/').filter(Boolean);
  const named = isLoopbackHost(parts.hostname) ? segments[1] : segments[0];
  if (!named || !containerName.safeParse(named).success || segments.length > (isLoopbackHost(parts.hostname) ? 2 : 1)) problem('BOT_STORAGE_BLOB_URL', 'must name one container after the account, e.g. https://<account>.blob.core.windows.net/<container>?<sas>');
  if (!parts.searchParams.has('sig')) problem('BOT_STORAGE_BLOB_URL', 'must carry a SAS token (the query with sig=…): managed identity is not supported');
  return { kind: 'blob', containerUrl: url };
}

export type LocalConfig = z.infer<typeof commonSchema> & { mode: 'local'; host: string; dataDir: string; botStorage?: BotStorageConfig };
export type TenantConfig = z.infer<typeof commonSchema> &
  z.infer<typeof tenantSchema> & { mode: 'tenant'; host: string; dataDir: string; allowedTenants: string[]; botStorage?: BotStorageConfig };
export type ServerConfig = LocalConfig | TenantConfig;

function fail(issue: z.core.$ZodIssue | undefined): never {
  const name = String(issue?.path[0] ?? 'environment');
  throw new SupervisionError('CONFIGURATION', `${name}: ${issue?.message ?? 'invalid'}`, { field: name });
}

/**
 * Local mode unless tenant settings are present: with TENANT_ID in the environment every
 * tenant setting must be valid, and the error names the variable that is not.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): ServerConfig {
  const common = commonSchema.safeParse(env);
  if (!common.success) fail(common.error.issues[0]);
  const dataDir = resolve(cwd, common.data.SUPERVISION_DATA_DIR);
  const botStorage = botStorageFrom(env);
  if (!env.TENANT_ID) return { ...common.data, mode: 'local', host: '127.0.0.1', dataDir, botStorage };
  const tenant = tenantSchema.safeParse(env);
  if (!tenant.success) fail(tenant.error.issues[0]);
  if (!tenant.data.CLIENT_SECRET && !tenant.data.CLIENT_CERTIFICATE_PATH) {
    throw new SupervisionError('CONFIGURATION', 'CLIENT_SECRET: set CLIENT_SECRET or CLIENT_CERTIFICATE_PATH for tenant mode', { field: 'CLIENT_SECRET' });
  }
  const allowedTenants = (tenant.data.ALLOWED_TENANTS ?? tenant.data.TENANT_ID).split(',').map((t) => t.trim()).filter(Boolean);
  return { ...common.data, ...tenant.data, mode: 'tenant', host: env.HOST ?? '0.0.0.0', dataDir, allowedTenants, botStorage };
}
