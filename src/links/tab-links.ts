/**
 * Links into the personal tab, for cards and meeting bodies. In a tenant they are Teams deep
 * links to the tab with a sub-entity (teams-docs "Deep link to an application": 
 * `https://teams.microsoft.com/l/entity/<appId>/<entityId>?webUrl=…&label=…&context={"subEntityId":…}`,
 * every part URI-encoded), because the bare app URL opened outside Teams only says "open this
 * from Teams". The tab reads the sub-entity back from its context (`page.subPageId`) and opens
 * that view. Locally there is no Teams: the link is the tab's own URL with the view in its hash.
 *
 * The sub-entity id is the tab's hash route without `#/` (`record/<id>`), so one format
 * serves the deep link, the web fallback and the tab's router.
 */

/** The personal tab's `entityId` in manifest/manifest.json. */
export const tabEntityId = 'supervision';

/**
 * Where a link lands. `session/<superviseeId>` is a supervisee's sessions, opened as their own
 * page by the supervisee and as that person's schedule by anyone else.
 */
export type TabTarget =
  | { view: 'home' }
  | { view: 'record'; recordId: string }
  | { view: 'agreement'; superviseeId: string }
  | { view: 'schedule'; superviseeId: string }
  | { view: 'session'; superviseeId: string };

export interface TabLinkSettings {
  /** The app's public origin (`https://<APP_DOMAIN>`), or the local server's. */
  appUrl: string;
  /**
   * The Teams app id deep links name: the org catalog id for an app published to the
   * catalog (the manifest id for one uploaded as a custom app). Absent: no Teams, web links.
   */
  teamsAppId?: string | undefined;
}

/** The sub-entity id (and hash route) of a target. */
export function subEntityId(target: TabTarget): string {
  switch (target.view) {
    case 'home':
      return '';
    case 'record':
      return `record/${encodeURIComponent(target.recordId)}`;
    case 'agreement':
    case 'schedule':
    case 'session':
      return `${target.view}/${encodeURIComponent(target.superviseeId)}`;
  }
}

/** The tab's own URL for a target: the deep link's web fallback, and the link itself locally. */
export function tabWebUrl(settings: TabLinkSettings, target: TabTarget): string {
  const route = subEntityId(target);
  return `${settings.appUrl.replace(/\/+$/, '')}/tab${route ? `#/${route}` : ''}`;
}

/** The link a card button or a meeting body uses to open `target`, labelled `label` in Teams. */
export function tabLink(settings: TabLinkSettings, target: TabTarget, label: string): string {
  const webUrl = tabWebUrl(settings, target);
  if (!settings.teamsAppId) return webUrl;
  const route = subEntityId(target);
  const query = [`webUrl=${encodeURIComponent(webUrl)}`, `label=${encodeURIComponent(label)}`, ...(route ? [`context=${encodeURIComponent(JSON.stringify({ subEntityId: route }))}`] : [])];
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(settings.teamsAppId)}/${tabEntityId}?${query.join('&')}`;
}

/** The tab itself, for "Open the Supervision tab". */
export function tabHome(settings: TabLinkSettings): string {
  return tabLink(settings, { view: 'home' }, 'Supervision');
}
