// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { credentialsFor, paneConfig, paneScopes } from '../../../tab/outlook/auth.js';
import type { MsalLoader } from '../../../tab/src/consent.js';

function page(meta?: string): Document {
  const doc = document.implementation.createHTMLDocument('pane');
  if (meta !== undefined) doc.head.innerHTML = `<meta name="supervision-config" content="${meta}">`;
  return doc;
}

const attr = (value: unknown) => JSON.stringify(value).replace(/"/g, '&quot;');
const clientId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const botId = '7b6a5948-3726-4150-8f9e-8d7c6b5a4938';

/** A stand-in for @azure/msal-browser that records what the pane asks for. */
function fakeMsal() {
  const created: string[] = [];
  const silent: string[][] = [];
  const popups: string[][] = [];
  let silentFails = false;
  const loader: MsalLoader = async () => ({
    createNestablePublicClientApplication: (async (config: { auth: { clientId: string } }) => {
      created.push(config.auth.clientId);
      return {
        acquireTokenSilent: async ({ scopes }: { scopes: string[] }) => {
          silent.push(scopes);
          if (silentFails) throw new Error('interaction_required');
          return { accessToken: 'silent-token' };
        },
        acquireTokenPopup: async ({ scopes }: { scopes: string[] }) => {
          popups.push(scopes);
          return { accessToken: 'popup-token' };
        },
      };
    }) as never,
  });
  return { loader, created, silent, popups, failSilent: () => (silentFails = true) };
}

describe('task pane configuration', () => {
  it('reads the mode and app registration the server wrote', () => {
    expect(paneConfig(page(attr({ mode: 'tenant', clientId: 'abc', appDomain: 'supervision.example.org', botId: 'def' })))).toEqual({
      mode: 'tenant',
      clientId: 'abc',
      appDomain: 'supervision.example.org',
      botId: 'def',
    });
  });

  it('falls back to local mode without a usable tag, and ignores values that are not strings', () => {
    expect(paneConfig(page())).toEqual({ mode: 'local' });
    expect(paneConfig(page('{}'))).toEqual({ mode: 'local' });
    expect(paneConfig(page('not json'))).toEqual({ mode: 'local' });
    expect(paneConfig(page(attr({ mode: 'tenant', clientId: 7 })))).toEqual({ mode: 'tenant' });
  });

  it('acts as the organiser\'s mailbox in local mode', async () => {
    expect(await credentialsFor({ mode: 'local' }, 'idris.penhallow@wrenfield.example')).toEqual({ devUser: 'idris.penhallow@wrenfield.example' });
    expect(await credentialsFor({ mode: 'local' }, undefined)).toEqual({});
  });

  it('refuses hosted mode without the app registration', async () => {
    await expect(credentialsFor({ mode: 'tenant' }, 'x@y')).rejects.toThrow(/app registration/);
  });
});

describe('task pane sign-in scope', () => {
  it('asks for access_as_user under api://<APP_DOMAIN>/botid-<BOT_ID>', () => {
    expect(paneScopes({ mode: 'tenant', clientId, appDomain: 'supervision.example.org', botId })).toEqual([`api://supervision.example.org/botid-${botId}/access_as_user`]);
  });

  it('uses the client id as the bot id when the server names no separate bot', () => {
    expect(paneScopes({ mode: 'tenant', clientId, appDomain: 'Supervision.Example.org' })).toEqual([`api://supervision.example.org/botid-${clientId}/access_as_user`]);
  });

  it('gets the token silently through nested app authentication for the app registration, and by pop-up when it must', async () => {
    const msal = fakeMsal();
    const credentials = await credentialsFor({ mode: 'tenant', clientId, appDomain: 'supervision.example.org', botId }, undefined, msal.loader);
    expect(msal.created).toEqual([clientId]);
    expect(await credentials.getToken!()).toBe('silent-token');
    expect(msal.silent).toEqual([[`api://supervision.example.org/botid-${botId}/access_as_user`]]);
    msal.failSilent();
    expect(await credentials.getToken!()).toBe('popup-token');
    expect(msal.popups).toEqual([[`api://supervision.example.org/botid-${botId}/access_as_user`]]);
  });

  it('asks consent for the app\'s Graph permissions with the same client', async () => {
    const msal = fakeMsal();
    const credentials = await credentialsFor({ mode: 'tenant', clientId, appDomain: 'supervision.example.org' }, undefined, msal.loader);
    await credentials.consent!();
    expect(msal.popups).toEqual([['https://graph.microsoft.com/.default']]);
    expect(msal.created).toEqual([clientId]);
  });
});
