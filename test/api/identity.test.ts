import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { createTokenVerifier, devIdentityAllowed } from '../../src/server/api/identity.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

const tenant = '5f0e0b8e-1c4a-4e43-9d6e-0f3c1a2b3c4d';
const otherTenant = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const clientId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const appDomain = 'supervision.example';
const tenantEnv = { TENANT_ID: tenant, CLIENT_ID: clientId, CLIENT_SECRET: 'not-a-real-secret', SHAREPOINT_SITE_ID: 'site', APP_DOMAIN: appDomain };

describe('local mode identity (x-dev-user)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: testNow });
  });
  afterAll(() => h.close());

  it('answers 401 in the error shape when nobody is chosen', async () => {
    const res = await h.as(null).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('identity picker') } });
  });

  it('accepts a directory user id or a UPN', async () => {
    const byId = await h.as('supervisor').get<{ displayName: string; supervises: number; mode: string }>('/api/me');
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ displayName: 'Idris Penhallow', mode: 'local' });
    expect(byId.body.supervises).toBeGreaterThan(0);
    const byUpn = await h.as('idris.penhallow@wrenfield.example').get<{ id: string }>('/api/me');
    expect(byUpn.body.id).toBe(people.supervisor);
  });

  it('refuses someone not in the directory', async () => {
    const res = await h.as('nobody@wrenfield.example').get<{ error: { code: string } }>('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('lists the seeded people for the picker, without an identity', async () => {
    const res = await h.as(null).get<{ id: string; displayName: string }[]>('/api/dev/people');
    expect(res.status).toBe(200);
    expect(res.body.map((p) => p.displayName)).toEqual(expect.arrayContaining(['Idris Penhallow', 'Orla Fenwright', 'Marisol Thackeray']));
  });

  it('trusts the header only on a loopback socket from a loopback peer', () => {
    const config = loadConfig({});
    const req = (local: string, remote: string) => ({ socket: { localAddress: local, remoteAddress: remote } }) as unknown as Request;
    expect(devIdentityAllowed(config, req('127.0.0.1', '127.0.0.1'))).toBe(true);
    expect(devIdentityAllowed(config, req('::1', '::1'))).toBe(true);
    expect(devIdentityAllowed(config, req('10.0.0.5', '127.0.0.1'))).toBe(false);
    expect(devIdentityAllowed(config, req('127.0.0.1', '192.168.1.9'))).toBe(false);
    expect(devIdentityAllowed(loadConfig(tenantEnv), req('127.0.0.1', '127.0.0.1'))).toBe(false);
  });
});

describe('tenant mode identity (Teams SSO token)', () => {
  let h: Harness;
  let sign: (claims: Record<string, unknown>, options?: { expiresIn?: string; key?: 'trusted' | 'stranger' }) => Promise<string>;

  beforeAll(async () => {
    const trusted = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'trusted', alg: 'RS256', use: 'sig' };
    const keys = createLocalJWKSet({ keys: [jwk] });
    sign = async (claims, options = {}) => {
      const key = options.key === 'stranger' ? stranger.privateKey : trusted.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'trusted' })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '1h')
        .sign(key);
    };
    const verifyToken = createTokenVerifier({ clientId, appDomain, allowedTenants: [tenant], keys });
    h = await startHarness({ now: testNow, env: tenantEnv, context: { verifyToken } });
  });
  afterAll(() => h.close());

  const good = (overrides: Record<string, unknown> = {}) => ({
    aud: `api://${appDomain}/${clientId}`,
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    tid: tenant,
    oid: people.supervisor,
    scp: 'access_as_user',
    preferred_username: 'idris.penhallow@wrenfield.example',
    ...overrides,
  });

  const me = async (token: string) => h.as(null, { authorization: `Bearer ${token}` }).get<{ id?: string; error?: { code: string; message: string } }>('/api/me');

  it('accepts a valid token and maps oid to the directory person', async () => {
    const res = await me(await sign(good()));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(people.supervisor);
  });

  it('accepts the client id as audience (v2 tokens)', async () => {
    expect((await me(await sign(good({ aud: clientId })))).status).toBe(200);
  });

  it.each([
    ['another audience', good({ aud: 'api://elsewhere.example/abc' }), {}],
    ['a tenant not on the allow-list', good({ tid: otherTenant, iss: `https://login.microsoftonline.com/${otherTenant}/v2.0` }), {}],
    ['an issuer that is not the tenant\'s v2 issuer', good({ iss: `https://sts.windows.net/${tenant}/` }), {}],
    ['no access_as_user scope', good({ scp: 'User.Read' }), {}],
    ['an expired token', good(), { expiresIn: '-5m' }],
    ['a signature from an unknown key', good(), { key: 'stranger' as const }],
  ])('refuses %s with 401', async (_label, claims, options) => {
    const res = await me(await sign(claims, options));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a garbage token and a non-bearer header', async () => {
    expect((await me('not.a.token')).status).toBe(401);
    const basic = await h.as(null, { authorization: 'Basic abc' }).get('/api/me');
    expect(basic.status).toBe(401);
  });

  it('answers 403 for a valid token of someone outside the directory', async () => {
    const res = await me(await sign(good({ oid: 'ffffffff-ffff-4fff-8fff-ffffffffffff' })));
    expect(res.status).toBe(403);
  });

  it('ignores x-dev-user and hides the dev picker in tenant mode', async () => {
    const res = await h.as('supervisor').get<{ error: { message: string } }>('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('only in local mode');
    expect((await h.as(null).get('/api/dev/people')).status).toBe(404);
  });
});
