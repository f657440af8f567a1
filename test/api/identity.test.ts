import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { createTokenVerifier, devIdentityAllowed } from '../../src/server/api/identity.js';
import { applicationIdUri } from '../../src/server/api/sso.js';
import { taskPaneConfig } from '../../src/server/app.js';
import { paneScopes } from '../../tab/outlook/auth.js';
import { createTokenSigner, people, startHarness, tenantEnv, tenantSettings, testNow, v1Claims, v2Claims, type Harness, type TokenSigner } from './harness.js';

const { tenant, otherTenant, clientId, botId, appDomain } = tenantSettings;

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
  let tokens: TokenSigner;

  beforeAll(async () => {
    tokens = await createTokenSigner();
    const verifyToken = createTokenVerifier({ clientId, appDomain, botId, allowedTenants: [tenant], keys: tokens.keys });
    h = await startHarness({ now: testNow, env: tenantEnv, context: { verifyToken } });
  });
  afterAll(() => h.close());

  const v2 = (overrides: Record<string, unknown> = {}) => ({ ...v2Claims(people.supervisor), preferred_username: 'idris.penhallow@wrenfield.example', ...overrides });
  const v1 = (overrides: Record<string, unknown> = {}) => ({ ...v1Claims(people.supervisor), ...overrides });

  const me = async (token: string) => h.as(null, { authorization: `Bearer ${token}` }).get<{ id?: string; error?: { code: string; message: string } }>('/api/me');

  it('accepts a v2 token (audience: the client id) and maps oid to the directory person', async () => {
    const res = await me(await tokens.sign(v2()));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(people.supervisor);
  });

  it('accepts a v1 token (audience: the Application ID URI api://<domain>/botid-<bot id>)', async () => {
    expect(applicationIdUri(appDomain, botId)).toBe(`api://${appDomain}/botid-${botId}`);
    const res = await me(await tokens.sign(v1()));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(people.supervisor);
  });

  it.each([
    ['the old Application ID URI api://<domain>/<client id>', v1({ aud: `api://${appDomain}/${clientId}` }), {}],
    ['the botid URI built on the client id instead of the bot id', v1({ aud: `api://${appDomain}/botid-${clientId}` }), {}],
    ['the botid URI on another domain', v1({ aud: `api://elsewhere.example/botid-${botId}` }), {}],
    ['the bot id alone', v2({ aud: botId }), {}],
    ['both audiences at once', v2({ aud: [clientId, applicationIdUri(appDomain, botId)] }), {}],
    ['another audience', v2({ aud: 'api://elsewhere.example/abc' }), {}],
    ['a v2 audience with the v1 issuer', v2({ iss: `https://sts.windows.net/${tenant}/` }), {}],
    ['a v1 audience with the v2 issuer', v1({ iss: `https://login.microsoftonline.com/${tenant}/v2.0` }), {}],
    ['an issuer of another tenant', v2({ iss: `https://login.microsoftonline.com/${otherTenant}/v2.0` }), {}],
    ['a tenant not on the allow-list', v2Claims(people.supervisor, otherTenant), {}],
    ['no access_as_user scope', v2({ scp: 'User.Read' }), {}],
    ['an expired token', v2(), { expiresIn: '-5m' }],
    ['a signature from an unknown key', v2(), { key: 'stranger' as const }],
  ])('refuses %s with 401', async (_label, claims, options) => {
    const res = await me(await tokens.sign(claims, options));
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a garbage token and a non-bearer header', async () => {
    expect((await me('not.a.token')).status).toBe(401);
    const basic = await h.as(null, { authorization: 'Basic abc' }).get('/api/me');
    expect(basic.status).toBe(401);
  });

  it('answers 403 for a valid token of someone outside the directory', async () => {
    const res = await me(await tokens.sign(v2({ oid: 'ffffffff-ffff-4fff-8fff-ffffffffffff' })));
    expect(res.status).toBe(403);
  });

  it('ignores x-dev-user and hides the dev picker in tenant mode', async () => {
    const res = await h.as('supervisor').get<{ error: { message: string } }>('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('only in local mode');
    expect((await h.as(null).get('/api/dev/people')).status).toBe(404);
  });
});

describe('the bot id in the Application ID URI', () => {
  it('defaults to the client id when BOT_ID is unset (one registration for tab and bot)', async () => {
    const tokens = await createTokenSigner();
    const verify = createTokenVerifier({ clientId, appDomain, allowedTenants: [tenant], keys: tokens.keys });
    await expect(verify(await tokens.sign(v1Claims(people.supervisor)))).rejects.toThrow(/not for this app/);
    const claims = await verify(await tokens.sign({ ...v1Claims(people.supervisor), aud: `api://${appDomain}/botid-${clientId}` }));
    expect(claims.oid).toBe(people.supervisor);
  });

  it('names the URI in the configuration error for a malformed BOT_ID', () => {
    expect(() => loadConfig({ ...tenantEnv, BOT_ID: 'not-a-guid' })).toThrow(/BOT_ID: .*api:\/\/<APP_DOMAIN>\/botid-<BOT_ID>/);
  });
});

describe('the Outlook task pane configuration', () => {
  it('carries the bot id of the SSO resource, so the pane asks for the scope the API accepts', () => {
    const withBot = taskPaneConfig(loadConfig(tenantEnv));
    expect(withBot).toEqual({ mode: 'tenant', clientId, appDomain, botId });
    expect(paneScopes(withBot)).toEqual([`${applicationIdUri(appDomain, botId)}/access_as_user`]);
    const { BOT_ID: _unset, ...oneRegistration } = tenantEnv;
    expect(taskPaneConfig(loadConfig(oneRegistration))).toMatchObject({ botId: clientId });
    expect(taskPaneConfig(loadConfig({}))).toEqual({ mode: 'local' });
  });
});
