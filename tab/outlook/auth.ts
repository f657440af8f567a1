/**
 * Who the task pane calls the API as. Local mode (the server on loopback): the organiser's
 * mailbox address as `x-dev-user`. Hosted: an access token for the app's API from MSAL nested
 * app authentication, brokered by Outlook (no pop-up unless consent is needed).
 */
import { ssoScope } from '../../src/server/api/sso.js';
import type { Credentials } from '../src/api.js';
import { askGraphConsent, loadMsal, nestedClient, type MsalLoader } from '../src/consent.js';

export interface PaneConfig {
  mode: 'local' | 'tenant';
  clientId?: string;
  appDomain?: string;
  /** The bot's app id in the Application ID URI; absent, the client id (one registration). */
  botId?: string;
}

/** The server writes the configuration into the page's `supervision-config` meta tag. */
export function paneConfig(doc: Document = document): PaneConfig {
  const content = doc.querySelector('meta[name="supervision-config"]')?.getAttribute('content');
  try {
    const parsed = content ? (JSON.parse(content) as Partial<Record<keyof PaneConfig, unknown>>) : {};
    const config: PaneConfig = { mode: parsed.mode === 'tenant' ? 'tenant' : 'local' };
    for (const key of ['clientId', 'appDomain', 'botId'] as const) {
      const value = parsed[key];
      if (typeof value === 'string' && value) config[key] = value;
    }
    return config;
  } catch {
    return { mode: 'local' };
  }
}

/** The scope the pane asks for: `api://<APP_DOMAIN>/botid-<BOT_ID>/access_as_user`. */
export function paneScopes(config: PaneConfig): string[] {
  if (!config.clientId || !config.appDomain) throw new Error('The server did not say which app registration to sign in with.');
  return [ssoScope(config.appDomain, config.botId ?? config.clientId)];
}

export async function credentialsFor(config: PaneConfig, organiserMail: string | undefined, msal: MsalLoader = loadMsal): Promise<Credentials> {
  if (config.mode === 'local') return organiserMail ? { devUser: organiserMail } : {};
  const scopes = paneScopes(config);
  const pca = await nestedClient(config.clientId!, msal);
  return {
    getToken: async () => {
      try {
        return (await pca.acquireTokenSilent({ scopes })).accessToken;
      } catch {
        return (await pca.acquireTokenPopup({ scopes })).accessToken;
      }
    },
    consent: () => askGraphConsent(pca),
  };
}
