/**
 * Tenant mode: the tab user's own calendar work (free/busy, booking, rescheduling) goes to
 * Graph on behalf of that user, with a delegated token exchanged from their bearer token.
 * MSAL is a stub (as in test/contract/graph) and Graph a fake fetch that records the token.
 */
import type { AuthenticationResult, OnBehalfOfRequest } from '@azure/msal-node';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphConsentRequiredError, type ConfidentialTokenSource } from '../../src/graph/auth.js';
import { silentLogger } from '../../src/logger.js';
import { toErrorResponse } from '../../src/server/api/http.js';
import { createTokenVerifier } from '../../src/server/api/identity.js';
import { isDelegating, withOnBehalfOf } from '../../src/server/graph-services.js';
import { getPack } from '../../src/policy/packs.js';
import { createMemoryServices } from '../support/memory-services.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

const tenant = '5f0e0b8e-1c4a-4e43-9d6e-0f3c1a2b3c4d';
const clientId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const appDomain = 'supervision.example';
const tenantEnv = { TENANT_ID: tenant, CLIENT_ID: clientId, CLIENT_SECRET: 'not-a-real-secret', SHAREPOINT_SITE_ID: 'site', APP_DOMAIN: appDomain };

function result(accessToken: string): AuthenticationResult {
  return { accessToken, expiresOn: new Date(Date.now() + 3_600_000) } as AuthenticationResult;
}

describe('tenant mode: calendar calls on behalf of the signed-in user', () => {
  let h: Harness;
  let sign: (oid: string, marker: string) => Promise<string>;
  const oboRequests: OnBehalfOfRequest[] = [];
  /** Authorization header and path of every request that reached "Graph". */
  const graphCalls: { authorization: string | null; method: string; path: string }[] = [];
  const ssoOf = new Map<string, string>();
  let refuse: string | undefined;

  beforeAll(async () => {
    const key = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(key.publicKey)), kid: 'k', alg: 'RS256', use: 'sig' };
    const verifyToken = createTokenVerifier({ clientId, appDomain, allowedTenants: [tenant], keys: createLocalJWKSet({ keys: [jwk] }) });
    sign = async (oid, marker) =>
      new SignJWT({ aud: clientId, iss: `https://login.microsoftonline.com/${tenant}/v2.0`, tid: tenant, oid, scp: 'access_as_user', marker })
        .setProtectedHeader({ alg: 'RS256', kid: 'k' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key.privateKey);

    const source: ConfidentialTokenSource = {
      acquireTokenByClientCredential: async () => null,
      acquireTokenOnBehalfOf: async (request) => {
        oboRequests.push(request);
        if (request.oboAssertion === refuse) throw Object.assign(new Error('AADSTS65001'), { errorCode: 'consent_required' });
        return result(`obo:${ssoOf.get(request.oboAssertion) ?? 'unknown'}`);
      },
    };
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      graphCalls.push({ authorization: request.headers.get('authorization'), method: request.method, path: new URL(request.url).pathname });
      return new Response(JSON.stringify({ value: [] }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;

    const pack = getPack('dudley');
    const memory = await createMemoryServices({ serviceManagerIds: [people.serviceManager], pack, now: testNow });
    const services = withOnBehalfOf(memory, { source, baseUrl: 'https://graph.example/v1.0', fetchImpl, consentRetries: 0, sleep: async () => {} });
    h = await startHarness({ now: testNow, env: tenantEnv, context: { verifyToken, services } });
  });
  afterAll(() => h.close());

  const slots = (token: string, superviseeId: string) =>
    h.as(null, { authorization: `Bearer ${token}` }).get<{ days?: unknown[]; error?: { code: string; message: string } }>(`/api/supervisees/${superviseeId}/slots?from=2026-06-22&days=7`);

  it('asks for free/busy with the OBO token of the signed-in user, one exchange per token', async () => {
    const token = await sign(people.supervisor, 'idris');
    ssoOf.set(token, 'idris');
    const first = await slots(token, people.supervisee);
    expect(first.status).toBe(200);
    const second = await slots(token, people.supervisee);
    expect(second.status).toBe(200);
    const schedules = graphCalls.filter((c) => c.path.endsWith('/calendar/getSchedule'));
    expect(schedules.length).toBeGreaterThan(0);
    expect(schedules.every((c) => c.authorization === 'Bearer obo:idris')).toBe(true);
    expect(oboRequests.filter((r) => r.oboAssertion === token)).toHaveLength(1);
  });

  it('gives two users two different tokens', async () => {
    graphCalls.length = 0;
    const idris = await sign(people.supervisor, 'idris-2');
    const corliss = await sign(people.otherManager, 'corliss');
    ssoOf.set(idris, 'idris-2');
    ssoOf.set(corliss, 'corliss');
    expect((await slots(idris, people.supervisee)).status).toBe(200);
    expect((await slots(corliss, people.otherSupervisee)).status).toBe(200);
    const used = new Set(graphCalls.filter((c) => c.path.endsWith('/calendar/getSchedule')).map((c) => c.authorization));
    expect(used).toEqual(new Set(['Bearer obo:idris-2', 'Bearer obo:corliss']));
    expect(oboRequests.map((r) => r.oboAssertion)).toEqual(expect.arrayContaining([idris, corliss]));
  });

  it('answers 403 CONSENT_REQUIRED when the user has not consented', async () => {
    const token = await sign(people.supervisor, 'no-consent');
    refuse = token;
    const res = await slots(token, people.supervisee);
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('CONSENT_REQUIRED');
    expect(res.body.error?.message).toMatch(/consent/i);
  });

  it('maps GraphConsentRequiredError to the error shape', () => {
    const { status, body } = toErrorResponse(new GraphConsentRequiredError('interaction_required', new Error('x')), silentLogger);
    expect(status).toBe(403);
    expect(body.error.code).toBe('CONSENT_REQUIRED');
  });

  it('leaves records and local-mode services alone', async () => {
    const memory = await createMemoryServices({ serviceManagerIds: [], pack: getPack('dudley'), now: testNow });
    expect(isDelegating(memory)).toBe(false);
    const delegating = withOnBehalfOf(memory, { source: { acquireTokenByClientCredential: async () => null, acquireTokenOnBehalfOf: async () => result('t') } });
    const forUser = delegating.forUser('sso');
    expect(forUser.records).toBe(memory.records);
    expect(forUser.calendar).not.toBe(memory.calendar);
    expect(delegating.forUser('sso')).toBe(forUser);
  });
});
