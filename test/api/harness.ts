/**
 * The real app on a loopback port with in-memory services, and a small fetch client that
 * acts as a chosen person (x-dev-user), as the tab does in local mode.
 */
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import type { Server } from 'node:http';
import { silentLogger } from '../../src/logger.js';
import { getPack } from '../../src/policy/packs.js';
import { createApp, type AppContext } from '../../src/server/app.js';
import { loadConfig, type ServerConfig } from '../../src/server/config.js';
import { createMemoryServices, type MemoryServices, type MemoryServicesOptions } from '../support/memory-services.js';

export function guid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The demo organisation's people in the capacities the authorisation rule names. */
export const people = {
  /** Orla Fenwright: first demo supervisee (ASYE in packs with that role). */
  supervisee: guid(100),
  /** Idris Penhallow: Orla's supervisor (team manager of Assessment North). */
  supervisor: guid(10),
  /** Marisol Thackeray: Idris's line manager. */
  lineManager: guid(1),
  /** Anselm Gadsby: made the service manager in these tests, so no one holds two capacities. */
  serviceManager: guid(2),
  /** Corliss Abernathy: another team's manager. */
  otherManager: guid(11),
  /** Kofi Ashdown: a supervisee in another team. */
  otherSupervisee: guid(101),
  /** Ewan Castellane: another of Idris's supervisees (index 3 → team 0). */
  teammate: guid(103),
} as const;

export type Who = keyof typeof people;

export interface Response<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Client {
  get<T = unknown>(path: string): Promise<Response<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<Response<T>>;
  put<T = unknown>(path: string, body?: unknown): Promise<Response<T>>;
}

export interface Harness {
  base: string;
  services: MemoryServices;
  config: ServerConfig;
  as(who: Who | string | null, headers?: Record<string, string>): Client;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<MemoryServicesOptions> {
  org?: string;
  env?: Record<string, string>;
  context?: Partial<AppContext>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const pack = options.pack ?? getPack(options.org ?? 'dudley');
  const services = await createMemoryServices({ serviceManagerIds: [people.serviceManager], ...options, pack });
  const config = loadConfig({ SUPERVISION_ORG: pack.id, ...(options.env ?? {}) });
  const app = createApp({ config, services, logger: silentLogger, ...(options.context ?? {}) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const as = (who: Who | string | null, extra: Record<string, string> = {}): Client => {
    const id = who === null ? undefined : ((people as Record<string, string>)[who] ?? who);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<Response<T>> => {
      const headers: Record<string, string> = { ...extra };
      if (id) headers['x-dev-user'] = id;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T, headers: res.headers };
    };
    return {
      get: (path) => call('GET', path),
      post: (path, body) => call('POST', path, body ?? {}),
      put: (path, body) => call('PUT', path, body ?? {}),
    };
  };
  return {
    base,
    services,
    config,
    as,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A fixed clock for reproducible dates: a Wednesday in term time, London summer time. */
export const testNow = new Date('2026-06-17T11:00:00Z');

/** Tenant-mode settings for tests: invented ids, a separate bot registration. */
export const tenantSettings = {
  tenant: '5f0e0b8e-1c4a-4e43-9d6e-0f3c1a2b3c4d',
  otherTenant: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  clientId: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a',
  botId: '7b6a5948-3726-4150-8f9e-8d7c6b5a4938',
  appDomain: 'supervision.example',
} as const;

export const tenantEnv: Record<string, string> = {
  TENANT_ID: tenantSettings.tenant,
  CLIENT_ID: tenantSettings.clientId,
  BOT_ID: tenantSettings.botId,
  CLIENT_SECRET: 'not-a-real-secret',
  SHAREPOINT_SITE_ID: 'site',
  APP_DOMAIN: tenantSettings.appDomain,
};

export interface TokenSigner {
  /** Verifies with the trusted key only, as Entra's published keys would. */
  keys: JWTVerifyGetKey;
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string; key?: 'trusted' | 'stranger' }): Promise<string>;
}

/** Claims of a valid v2 access token (audience: the client id) for `oid` in `tid`. */
export function v2Claims(oid: string, tid: string = tenantSettings.tenant): Record<string, unknown> {
  return { aud: tenantSettings.clientId, iss: `https://login.microsoftonline.com/${tid}/v2.0`, ver: '2.0', tid, oid, scp: 'access_as_user' };
}

/** Claims of a valid v1 access token (audience: the Application ID URI) for `oid` in `tid`. */
export function v1Claims(oid: string, tid: string = tenantSettings.tenant): Record<string, unknown> {
  return { aud: `api://${tenantSettings.appDomain}/botid-${tenantSettings.botId}`, iss: `https://sts.windows.net/${tid}/`, ver: '1.0', tid, oid, scp: 'access_as_user' };
}

/** Signs Entra-shaped access tokens with a local key pair (and a stranger's, for forgeries). */
export async function createTokenSigner(): Promise<TokenSigner> {
  const trusted = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'trusted', alg: 'RS256', use: 'sig' };
  return {
    keys: createLocalJWKSet({ keys: [jwk] }),
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'trusted' })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '1h')
        .sign(options.key === 'stranger' ? stranger.privateKey : trusted.privateKey),
  };
}
