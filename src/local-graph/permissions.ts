/**
 * Microsoft Graph's permission rules for the endpoints this service implements: the
 * "Permissions" table of each API page (least privileged first), for delegated tokens (`scp`)
 * and app-only tokens (`roles`). A token with none of them is refused as the service behind
 * Graph refuses it (403 with that service's code), so a call the app's registration does not
 * cover fails here, in `npm test`, before it fails in a tenant.
 *
 * `Sites.Selected` grants nothing on its own: the app needs a grant on the site (`read`,
 * `write`, `manage`, `fullcontrol`), which `grantSite` records (a tenant administrator's
 * `POST /sites/{id}/permissions`).
 */
import { GraphError } from './errors.js';
import type { GraphWorkload } from './query-options.js';

export interface EndpointPermissions {
  delegated: readonly string[];
  application: readonly string[];
  /** For SharePoint: the site role Sites.Selected must have been granted. */
  siteRole?: SiteRole;
}

export type SiteRole = 'read' | 'write' | 'manage' | 'fullcontrol';

const siteRoles: readonly SiteRole[] = ['read', 'write', 'manage', 'fullcontrol'];

const calendarsRead = ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'];
const calendarsReadFull = ['Calendars.Read', 'Calendars.ReadWrite'];
const calendarsWrite = ['Calendars.ReadWrite'];
const users = ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const usersFull = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const mailboxSettingsRead = ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'];
const sitesRead = ['Sites.Selected', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];
const sitesWrite = ['Sites.Selected', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];
const sitesManage = ['Sites.Selected', 'Sites.Manage.All', 'Sites.FullControl.All'];
const installedAppsRead = ['TeamsAppInstallation.ReadSelfForUser.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadForUser.All', 'TeamsAppInstallation.ReadWriteForUser.All'];

const both = (delegated: readonly string[], application: readonly string[] = delegated): EndpointPermissions => ({ delegated, application });
const site = (list: readonly string[], siteRole: SiteRole): EndpointPermissions => ({ delegated: list.filter((p) => p !== 'Sites.Selected'), application: list, siteRole });

/** By `METHOD /path` with `{id}` for every variable segment (the gateway table's form). */
export const endpointPermissions: Readonly<Record<string, EndpointPermissions>> = {
  'GET /users/{id}': both(users, usersFull),
  'GET /users/{id}/manager': both(usersFull),
  'GET /users/{id}/directReports': both(usersFull),
  'GET /users': both(users, usersFull),
  'GET /users/{id}/mailboxSettings': both(mailboxSettingsRead),
  'GET /users/{id}/mailboxSettings/{id}': both(mailboxSettingsRead),
  'PATCH /users/{id}/mailboxSettings': both(['MailboxSettings.ReadWrite']),
  'GET /users/{id}/calendar': both(calendarsRead),
  'GET /users/{id}/calendars': both(calendarsRead),
  'POST /users/{id}/calendar/getSchedule': both(calendarsRead),
  'GET /users/{id}/events': both(calendarsRead),
  'POST /users/{id}/events': both(calendarsWrite),
  'GET /users/{id}/events/{id}': both(calendarsRead),
  'PATCH /users/{id}/events/{id}': both(calendarsWrite),
  'DELETE /users/{id}/events/{id}': both(calendarsWrite),
  'POST /users/{id}/events/{id}/cancel': both(calendarsWrite),
  'POST /users/{id}/events/{id}/accept': both(calendarsWrite),
  'POST /users/{id}/events/{id}/decline': both(calendarsWrite),
  'POST /users/{id}/events/{id}/tentativelyAccept': both(calendarsWrite),
  'GET /users/{id}/events/{id}/instances': both(calendarsRead),
  'GET /users/{id}/calendarView': both(calendarsRead),
  'GET /users/{id}/calendarView/delta': both(calendarsReadFull),
  'GET /users/{id}/teamwork/installedApps': both(['TeamsAppInstallation.ReadForUser', 'TeamsAppInstallation.ReadWriteForUser', 'TeamsAppInstallation.ReadWriteSelfForUser'], installedAppsRead),
  'POST /users/{id}/teamwork/installedApps': both(['TeamsAppInstallation.ReadWriteSelfForUser', 'TeamsAppInstallation.ReadWriteForUser'], ['TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadWriteForUser.All']),
  'GET /users/{id}/teamwork/installedApps/{id}': both(['TeamsAppInstallation.ReadForUser', 'TeamsAppInstallation.ReadWriteSelfForUser'], installedAppsRead),
  'GET /users/{id}/teamwork/installedApps/{id}/chat': both(['TeamsAppInstallation.ReadForUser', 'TeamsAppInstallation.ReadWriteSelfForUser', 'Chat.Read'], [...installedAppsRead.slice(0, 2), 'Chat.Read.All']),
  'GET /appCatalogs/teamsApps': both(['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All', 'AppCatalog.Submit', 'Directory.Read.All', 'Directory.ReadWrite.All'], ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All']),
  // Graph publishes delegated only: an administrator's upload.
  'POST /appCatalogs/teamsApps': { delegated: ['AppCatalog.Submit', 'AppCatalog.ReadWrite.All', 'Directory.ReadWrite.All'], application: [] },
  // A subscription needs the permission of its resource (events: Calendars.Read).
  'POST /subscriptions': both(calendarsReadFull),
  'GET /subscriptions': both(calendarsReadFull),
  'GET /subscriptions/{id}': both(calendarsReadFull),
  'PATCH /subscriptions/{id}': both(calendarsReadFull),
  'DELETE /subscriptions/{id}': both(calendarsReadFull),
  'GET /sites/{id}': site(sitesRead, 'read'),
  'GET /sites/{id}/lists': site(sitesRead, 'read'),
  'POST /sites/{id}/lists': site(sitesManage, 'manage'),
  'GET /sites/{id}/lists/{id}': site(sitesRead, 'read'),
  'DELETE /sites/{id}/lists/{id}': site(sitesManage, 'manage'),
  'GET /sites/{id}/lists/{id}/columns': site(sitesRead, 'read'),
  'POST /sites/{id}/lists/{id}/columns': site(sitesManage, 'manage'),
  'GET /sites/{id}/lists/{id}/columns/{id}': site(sitesRead, 'read'),
  'PATCH /sites/{id}/lists/{id}/columns/{id}': site(sitesManage, 'manage'),
  'GET /sites/{id}/lists/{id}/items': site(sitesRead, 'read'),
  'POST /sites/{id}/lists/{id}/items': site(sitesWrite, 'write'),
  'GET /sites/{id}/lists/{id}/items/{id}': site(sitesRead, 'read'),
  'PATCH /sites/{id}/lists/{id}/items/{id}': site(sitesWrite, 'write'),
  'DELETE /sites/{id}/lists/{id}/items/{id}': site(sitesWrite, 'write'),
  'GET /sites/{id}/lists/{id}/items/{id}/fields': site(sitesRead, 'read'),
  'PATCH /sites/{id}/lists/{id}/items/{id}/fields': site(sitesWrite, 'write'),
};

/** `GET` + `events/:eventId` (under a user) → `GET /users/{id}/events/{id}`. */
export function endpointKey(method: string, path: string, underUser: boolean): string {
  const template = path
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? '{id}' : s))
    .join('/');
  return `${method} /${underUser ? `users/{id}${template ? `/${template}` : ''}` : template}`;
}

/** What a token lets its holder do: delegated `scp`, or app-only `roles` and the app's site grants. */
export interface PermissionHolder {
  kind: 'app' | 'delegated';
  appId: string;
  scopes: readonly string[];
  roles: readonly string[];
}

const refusal: Record<GraphWorkload, (needed: readonly string[]) => GraphError> = {
  outlook: () => new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  directory: () => new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  sharepoint: () => new GraphError(403, 'accessDenied', 'Access denied'),
  teams: (needed) => new GraphError(403, 'Forbidden', `Missing role permissions on the request. API requires one of '${needed.join(', ')}'.`),
  subscriptions: (needed) => new GraphError(403, 'ExtensionError', `Operation: Create; Exception: [Status Code: Forbidden; Reason: The request requires one of '${needed.join(', ')}']`),
};

/**
 * Throws Graph's 403 when the token carries none of the endpoint's permissions (or, for
 * `Sites.Selected`, when the app holds no sufficient grant on the site).
 */
export function checkPermission(holder: PermissionHolder, permissions: EndpointPermissions, workload: GraphWorkload, siteGrant?: (appId: string) => SiteRole | undefined): void {
  const needed = holder.kind === 'delegated' ? permissions.delegated : permissions.application;
  const held = holder.kind === 'delegated' ? holder.scopes : holder.roles;
  const matching = needed.filter((p) => held.includes(p));
  if (matching.length === 0) throw refusal[workload](needed);
  // Only Sites.Selected: the app's grant on this site decides.
  if (matching.every((p) => p === 'Sites.Selected')) {
    const granted = siteGrant?.(holder.appId);
    const wanted = permissions.siteRole ?? 'read';
    if (!granted || siteRoles.indexOf(granted) < siteRoles.indexOf(wanted)) throw refusal.sharepoint(needed);
  }
}
