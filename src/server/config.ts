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

export type LocalConfig = z.infer<typeof commonSchema> & { mode: 'local'; host: string; dataDir: string };
export type TenantConfig = z.infer<typeof commonSchema> &
  z.infer<typeof tenantSchema> & { mode: 'tenant'; host: string; dataDir: string; allowedTenants: string[] };
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
  if (!env.TENANT_ID) return { ...common.data, mode: 'local', host: '127.0.0.1', dataDir };
  const tenant = tenantSchema.safeParse(env);
  if (!tenant.success) fail(tenant.error.issues[0]);
  if (!tenant.data.CLIENT_SECRET && !tenant.data.CLIENT_CERTIFICATE_PATH) {
    throw new SupervisionError('CONFIGURATION', 'CLIENT_SECRET: set CLIENT_SECRET or CLIENT_CERTIFICATE_PATH for tenant mode', { field: 'CLIENT_SECRET' });
  }
  const allowedTenants = (tenant.data.ALLOWED_TENANTS ?? tenant.data.TENANT_ID).split(',').map((t) => t.trim()).filter(Boolean);
  return { ...common.data, ...tenant.data, mode: 'tenant', host: env.HOST ?? '0.0.0.0', dataDir, allowedTenants };
}
