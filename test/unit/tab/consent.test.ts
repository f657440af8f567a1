// @vitest-environment jsdom
/**
 * The tab's answer to 403 CONSENT_REQUIRED: ask the user once (MSAL nested app authentication
 * for the app's Graph permissions), then send the request again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, setCredentials } from '../../../tab/src/api.js';
import { clientIdOfToken, consentForToken, type MsalLoader } from '../../../tab/src/consent.js';

const consentRequired = () =>
  new Response(JSON.stringify({ error: { code: 'CONSENT_REQUIRED', message: 'Approve the consent prompt, then try again.' } }), { status: 403, headers: { 'content-type': 'application/json' } });
const forbidden = () => new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'not yours' } }), { status: 403, headers: { 'content-type': 'application/json' } });
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

function serve(...responses: Response[]) {
  const calls: { path: string; authorization: string | null }[] = [];
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    calls.push({ path: input, authorization: new Headers(init?.headers).get('authorization') });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return next;
  });
  return calls;
}

function tokenFor(aud: unknown): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'RS256' })}.${part({ aud, scp: 'access_as_user' })}.signature`;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCredentials({});
});

describe('consent when the server asks for it', () => {
  it('prompts once and retries the request with a fresh token', async () => {
    const calls = serve(consentRequired(), ok({ id: 'me' }));
    let n = 0;
    const consent = vi.fn(async () => undefined);
    setCredentials({ getToken: async () => `token-${++n}`, consent });
    expect(await api.get('/me')).toEqual({ id: 'me' });
    expect(consent).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([
      { path: '/api/me', authorization: 'Bearer token-1' },
      { path: '/api/me', authorization: 'Bearer token-2' },
    ]);
  });

  it('asks only once: a second CONSENT_REQUIRED reaches the view', async () => {
    serve(consentRequired(), consentRequired());
    const consent = vi.fn(async () => undefined);
    setCredentials({ getToken: async () => 't', consent });
    const error = await api.post('/supervisees/x/book', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'CONSENT_REQUIRED' });
    expect(consent).toHaveBeenCalledTimes(1);
  });

  it('shows the server\'s message when the user declines the prompt, without retrying', async () => {
    const calls = serve(consentRequired());
    setCredentials({ getToken: async () => 't', consent: async () => Promise.reject(new Error('user_cancelled')) });
    await expect(api.get('/me')).rejects.toMatchObject({ code: 'CONSENT_REQUIRED', message: 'Approve the consent prompt, then try again.' });
    expect(calls).toHaveLength(1);
  });

  it('never prompts for other 403s', async () => {
    serve(forbidden());
    const consent = vi.fn(async () => undefined);
    setCredentials({ getToken: async () => 't', consent });
    await expect(api.get('/records/r1')).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(consent).not.toHaveBeenCalled();
  });

  it('has nobody to ask in local mode (dev identity): the error reaches the view', async () => {
    serve(consentRequired());
    setCredentials({ devUser: 'someone' });
    await expect(api.get('/me')).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
  });
});

describe('the hosted tab\'s consent prompt', () => {
  const clientId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';

  it('reads the app\'s client id from a v2 token\'s audience, and nothing else', () => {
    expect(clientIdOfToken(tokenFor(clientId))).toBe(clientId);
    expect(clientIdOfToken(tokenFor(`api://supervision.example/botid-${clientId}`))).toBeUndefined();
    expect(clientIdOfToken(tokenFor([clientId]))).toBeUndefined();
    expect(clientIdOfToken('garbage')).toBeUndefined();
  });

  it('asks Entra, through nested app authentication for that app, for its Graph permissions', async () => {
    const created: string[] = [];
    const popups: string[][] = [];
    const msal: MsalLoader = async () => ({
      createNestablePublicClientApplication: (async (config: { auth: { clientId: string } }) => {
        created.push(config.auth.clientId);
        return { acquireTokenPopup: async ({ scopes }: { scopes: string[] }) => void popups.push(scopes) };
      }) as never,
    });
    await consentForToken(async () => tokenFor(clientId), msal)();
    expect(created).toEqual([clientId]);
    expect(popups).toEqual([['https://graph.microsoft.com/.default']]);
    await expect(consentForToken(async () => tokenFor('api://x/botid-y'), msal)()).rejects.toThrow(/app registration/);
  });
});
