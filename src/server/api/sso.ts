/**
 * The app's single-sign-on resource, shared by the server (token audience), the manifest
 * (`webApplicationInfo.resource`), the tab and the Outlook task pane (token scope), so the four
 * can never disagree. No imports: the browser bundles import this file too.
 *
 * Teams requires the `botid-` form of the Application ID URI when the app has a bot as well as
 * a tab (Microsoft Teams docs, "Configure your tab app in Microsoft Entra ID": "If you're
 * building an app with a bot, a messaging extension, and a tab, enter the application ID URI as
 * `api://fully-qualified-domain-name.com/botid-{YourClientId}`, where {YourClientId} is your bot
 * app ID").
 */

/** The delegated scope the app registration exposes. */
export const ssoScopeName = 'access_as_user';

/**
 * `api://<APP_DOMAIN>/botid-<BOT_ID>`, lower case: Entra matches the URI exactly and Teams on
 * Android rejects upper-case host names.
 */
export function applicationIdUri(appDomain: string, botId: string): string {
  return `api://${appDomain.toLowerCase()}/botid-${botId.toLowerCase()}`;
}

/** The scope a client asks for to call the API: `<Application ID URI>/access_as_user`. */
export function ssoScope(appDomain: string, botId: string): string {
  return `${applicationIdUri(appDomain, botId)}/${ssoScopeName}`;
}

/**
 * What the tab asks the user to consent to when the server's on-behalf-of exchange reports
 * consent missing: every delegated Graph permission the registration lists (`.default`), the
 * same set the server's exchange asks for.
 */
export const graphConsentScopes: readonly string[] = ['https://graph.microsoft.com/.default'];
