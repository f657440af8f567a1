/**
 * Who the task pane calls the API as. Local mode (the server on loopback): the organiser's
 * mailbox address as `x-dev-user`. Hosted: an access token for the app's API from MSAL nested
 * app authentication, brokered by Outlook (no pop-up unless consent is needed).
 */
import type { Credentials } from '../src/api.js';

export interface PaneConfig {
  mode: 'local' | 'tenant';
  clientId?: string;
  appDomain?: string;
}

/** The server writes the configuration into the page's `supervision-config` meta tag. */
export function paneConfig(doc: Document = document): PaneConfig {
  const content = doc.querySelector('meta[name="supervision-config"]')?.getAttribute('content');
  try {
    const parsed = content ? (JSON.parse(content) as Partial<PaneConfig>) : {};
    return { mode: parsed.mode === 'tenant' ? 'tenant' : 'local', ...(parsed.clientId ? { clientId: parsed.clientId } : {}), ...(parsed.appDomain ? { appDomain: parsed.appDomain } : {}) };
  } catch {
    return { mode: 'local' };
  }
}

export async function credentialsFor(config: PaneConfig, organiserMail: string | undefined): Promise<Credentials> {
  if (config.mode === 'local') return organiserMail ? { devUser: organiserMail } : {};
  if (!config.clientId || !config.appDomain) throw new Error('The server did not say which app registration to sign in with.');
  const { createNestablePublicClientApplication } = await import(/* webpackChunkName: "msal" */ '@azure/msal-browser');
  const pca = await createNestablePublicClientApplication({ auth: { clientId: config.clientId, authority: 'https://login.microsoftonline.com/organizations' } });
  const scopes = [`api://${config.appDomain}/${config.clientId}/access_as_user`];
  return {
    getToken: async () => {
      try {
        return (await pca.acquireTokenSilent({ scopes })).accessToken;
      } catch {
        return (await pca.acquireTokenPopup({ scopes })).accessToken;
      }
    },
  };
}
