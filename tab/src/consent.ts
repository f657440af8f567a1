/**
 * Asking the signed-in user to consent when the server answers 403 `CONSENT_REQUIRED` (its
 * on-behalf-of exchange for Graph found no consent). Teams, Outlook and the Microsoft 365 app
 * all broker MSAL nested app authentication, so one interactive request for the app's Graph
 * permissions shows Entra's consent prompt in the host; afterwards the exchange succeeds.
 */
import type { createNestablePublicClientApplication, IPublicClientApplication } from '@azure/msal-browser';
import { graphConsentScopes } from '../../src/server/api/sso.js';

export type MsalLoader = () => Promise<{ createNestablePublicClientApplication: typeof createNestablePublicClientApplication }>;

/** MSAL is a separate chunk: only hosted sessions load it, and only when they need it. */
export const loadMsal: MsalLoader = () => import(/* webpackChunkName: "msal" */ '@azure/msal-browser');

const authority = 'https://login.microsoftonline.com/organizations';

export async function nestedClient(clientId: string, msal: MsalLoader = loadMsal): Promise<IPublicClientApplication> {
  const { createNestablePublicClientApplication } = await msal();
  return createNestablePublicClientApplication({ auth: { clientId, authority } });
}

/** One interactive request for the app's Graph permissions: Entra shows the consent prompt. */
export async function askGraphConsent(client: Pick<IPublicClientApplication, 'acquireTokenPopup'>): Promise<void> {
  await client.acquireTokenPopup({ scopes: [...graphConsentScopes] });
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The app's client id from its own SSO token. The hosted tab is given no configuration (Teams
 * reads the app registration from the manifest), and a v2 token's audience is exactly the
 * client id; a v1 token's audience is the Application ID URI, whose bot id need not be it.
 */
export function clientIdOfToken(token: string): string | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const aud = (JSON.parse(json) as { aud?: unknown }).aud;
    return typeof aud === 'string' && guid.test(aud) ? aud : undefined;
  } catch {
    return undefined;
  }
}

/** The hosted tab's consent prompt, for the app its SSO token was issued to. */
export function consentForToken(getToken: () => Promise<string>, msal: MsalLoader = loadMsal): () => Promise<void> {
  return async () => {
    const clientId = clientIdOfToken(await getToken());
    if (!clientId) throw new Error('consent: the sign-in token does not name the app registration (is it a v2 token?)');
    await askGraphConsent(await nestedClient(clientId, msal));
  };
}
