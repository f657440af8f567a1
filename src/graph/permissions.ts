/**
 * The Microsoft Graph permissions the app needs, as data: every call the gateway makes, the
 * documentation page it follows, and the permissions Graph accepts for it, delegated (the
 * tab's signed-in user, through on-behalf-of) and application (jobs, the bot, sync); then the
 * permissions the app requests, each the least privileged that covers its calls, and why.
 *
 * One table serves three readers: docs/tenant-setup.md's permission tables are generated from
 * it (and a test fails when they differ), the contract tests are named after its pages, and
 * the embedded service enforces it, refusing a token without an accepted permission as Graph
 * does. Permissions per call are the API pages' "Permissions" tables (least privileged first).
 */

export type PermissionKind = 'delegated' | 'application';

/** Where an administrator grants a permission. */
export type Grant =
  /** API permissions in the Entra app registration, then admin consent. */
  | 'entra'
  /** An Exchange Online RBAC for Applications role assignment, scoped to supervisors' mailboxes (not in Entra). */
  | 'exchange-rbac'
  /** Entra `Sites.Selected`, which grants nothing until the site grant (`POST /sites/{id}/permissions`). */
  | 'site-grant';

export interface CallPermissions {
  /** Graph's least-privileged permission for this call. */
  least: string;
  /** Every permission Graph accepts for it, least privileged first. */
  accepted: readonly string[];
}

export interface GatewayCall {
  /** The gateway method (class.method). */
  call: string;
  /** Method and path template as the embedded service routes it; `{id}` stands for any segment. */
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** The Graph documentation page the call follows (its contract test carries this name). */
  page: string;
  docs: string;
  /** Who makes the call in this app; absent kinds are never used for it. */
  delegated?: CallPermissions;
  application?: CallPermissions;
  /**
   * Made only by the local seed against the embedded service (in a tenant an administrator
   * uploads the package in the Teams admin center), so the app requests no permission for it.
   */
  localOnly?: true;
}

const calendarsRead = ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'];
const calendarsWrite = ['Calendars.ReadWrite'];
const sitesRead = ['Sites.Selected', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];
const sitesWrite = ['Sites.Selected', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];
const sitesManage = ['Sites.Selected', 'Sites.Manage.All', 'Sites.FullControl.All'];
const usersRead = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

const allowed = (accepted: readonly string[]): CallPermissions => ({ least: accepted[0] as string, accepted });

/** Every call the gateway makes (src/graph and the port adapters in src/server/graph-services.ts). */
export const gatewayCalls: readonly GatewayCall[] = [
  // Outlook calendar
  { call: 'GraphCalendar.createEvent', method: 'POST', path: '/users/{id}/events', page: 'Create event', docs: 'https://learn.microsoft.com/graph/api/user-post-events', delegated: allowed(calendarsWrite), application: allowed(calendarsWrite) },
  { call: 'GraphCalendar.createEvents', method: 'POST', path: '/$batch', page: 'Combine multiple HTTP requests using JSON batching', docs: 'https://learn.microsoft.com/graph/json-batching', delegated: allowed(calendarsWrite), application: allowed(calendarsWrite) },
  { call: 'GraphCalendar.getEvent', method: 'GET', path: '/users/{id}/events/{id}', page: 'Get event', docs: 'https://learn.microsoft.com/graph/api/event-get', delegated: allowed(calendarsRead), application: allowed(calendarsRead) },
  { call: 'GraphCalendar.listInstances', method: 'GET', path: '/users/{id}/events/{id}/instances', page: 'List instances', docs: 'https://learn.microsoft.com/graph/api/event-list-instances', delegated: allowed(calendarsRead), application: allowed(calendarsRead) },
  { call: 'GraphCalendar.calendarView', method: 'GET', path: '/users/{id}/calendarView', page: 'List calendarView', docs: 'https://learn.microsoft.com/graph/api/user-list-calendarview', delegated: allowed(calendarsRead), application: allowed(calendarsRead) },
  { call: 'GraphCalendar.patchEvent', method: 'PATCH', path: '/users/{id}/events/{id}', page: 'Update event', docs: 'https://learn.microsoft.com/graph/api/event-update', delegated: allowed(calendarsWrite), application: allowed(calendarsWrite) },
  { call: 'GraphCalendar.cancelEvent', method: 'POST', path: '/users/{id}/events/{id}/cancel', page: 'event: cancel', docs: 'https://learn.microsoft.com/graph/api/event-cancel', delegated: allowed(calendarsWrite), application: allowed(calendarsWrite) },
  { call: 'GraphCalendar.deleteEvent', method: 'DELETE', path: '/users/{id}/events/{id}', page: 'Delete event', docs: 'https://learn.microsoft.com/graph/api/event-delete', delegated: allowed(calendarsWrite), application: allowed(calendarsWrite) },
  { call: 'GraphCalendar.getSchedule', method: 'POST', path: '/users/{id}/calendar/getSchedule', page: 'calendar: getSchedule', docs: 'https://learn.microsoft.com/graph/api/calendar-getschedule', delegated: allowed(calendarsRead), application: allowed(calendarsRead) },
  { call: 'GraphCalendar.calendarDelta', method: 'GET', path: '/users/{id}/calendarView/delta', page: 'event: delta', docs: 'https://learn.microsoft.com/graph/api/event-delta', application: allowed(['Calendars.Read', 'Calendars.ReadWrite']) },
  // Change notifications on supervisors' calendars (the resource's permission: Calendars.Read)
  { call: 'GraphSubscriptions.create', method: 'POST', path: '/subscriptions', page: 'Create subscription', docs: 'https://learn.microsoft.com/graph/api/subscription-post-subscriptions', application: allowed(['Calendars.Read', 'Calendars.ReadWrite']) },
  { call: 'GraphSubscriptions.get', method: 'GET', path: '/subscriptions/{id}', page: 'Get subscription', docs: 'https://learn.microsoft.com/graph/api/subscription-get', application: allowed(['Calendars.Read', 'Calendars.ReadWrite']) },
  { call: 'GraphSubscriptions.renew', method: 'PATCH', path: '/subscriptions/{id}', page: 'Update subscription', docs: 'https://learn.microsoft.com/graph/api/subscription-update', application: allowed(['Calendars.Read', 'Calendars.ReadWrite']) },
  { call: 'GraphSubscriptions.delete', method: 'DELETE', path: '/subscriptions/{id}', page: 'Delete subscription', docs: 'https://learn.microsoft.com/graph/api/subscription-delete', application: allowed(['Calendars.Read', 'Calendars.ReadWrite']) },
  // SharePoint lists (records): app-only, on the one site granted to the app
  { call: 'GraphLists.ensureList (lists)', method: 'GET', path: '/sites/{id}/lists', page: 'List lists in a site', docs: 'https://learn.microsoft.com/graph/api/list-list', application: allowed(sitesRead) },
  { call: 'GraphLists.ensureList (create)', method: 'POST', path: '/sites/{id}/lists', page: 'Create list', docs: 'https://learn.microsoft.com/graph/api/list-create', application: allowed(sitesManage) },
  { call: 'GraphLists.ensureList (columns)', method: 'GET', path: '/sites/{id}/lists/{id}/columns', page: 'List columnDefinitions in a list', docs: 'https://learn.microsoft.com/graph/api/list-list-columns', application: allowed(sitesRead) },
  { call: 'GraphLists.ensureList (add column)', method: 'POST', path: '/sites/{id}/lists/{id}/columns', page: 'Create columnDefinition', docs: 'https://learn.microsoft.com/graph/api/list-post-columns', application: allowed(sitesManage) },
  { call: 'GraphLists.ensureList (index column)', method: 'PATCH', path: '/sites/{id}/lists/{id}/columns/{id}', page: 'Update columnDefinition', docs: 'https://learn.microsoft.com/graph/api/columndefinition-update', application: allowed(sitesManage) },
  { call: 'GraphLists.createItem', method: 'POST', path: '/sites/{id}/lists/{id}/items', page: 'Create listItem', docs: 'https://learn.microsoft.com/graph/api/listitem-create', application: allowed(sitesWrite) },
  { call: 'GraphLists.getItem', method: 'GET', path: '/sites/{id}/lists/{id}/items/{id}', page: 'Get listItem', docs: 'https://learn.microsoft.com/graph/api/listitem-get', application: allowed(sitesRead) },
  { call: 'GraphLists.updateItem', method: 'PATCH', path: '/sites/{id}/lists/{id}/items/{id}/fields', page: 'Update listItem', docs: 'https://learn.microsoft.com/graph/api/listitem-update', application: allowed(sitesWrite) },
  { call: 'GraphLists.deleteItem', method: 'DELETE', path: '/sites/{id}/lists/{id}/items/{id}', page: 'Delete listItem', docs: 'https://learn.microsoft.com/graph/api/listitem-delete', application: allowed(sitesWrite) },
  { call: 'GraphLists.queryItems', method: 'GET', path: '/sites/{id}/lists/{id}/items', page: 'List items', docs: 'https://learn.microsoft.com/graph/api/listitem-list', application: allowed(sitesRead) },
  // The directory
  { call: 'GraphDirectory.user', method: 'GET', path: '/users/{id}', page: 'Get user', docs: 'https://learn.microsoft.com/graph/api/user-get', delegated: allowed(usersRead), application: allowed(usersRead) },
  { call: 'GraphDirectory.managerId', method: 'GET', path: '/users/{id}/manager', page: 'List manager', docs: 'https://learn.microsoft.com/graph/api/user-list-manager', delegated: allowed(usersRead), application: allowed(usersRead) },
  { call: 'GraphDirectory.directReports', method: 'GET', path: '/users/{id}/directReports', page: 'List directReports', docs: 'https://learn.microsoft.com/graph/api/user-list-directreports', delegated: allowed(usersRead), application: allowed(usersRead) },
  { call: 'GraphDirectory.everyone', method: 'GET', path: '/users', page: 'List users', docs: 'https://learn.microsoft.com/graph/api/user-list', delegated: allowed(usersRead), application: allowed(usersRead) },
  { call: 'GraphDirectory.automaticReplies', method: 'GET', path: '/users/{id}/mailboxSettings/{id}', page: 'Get user mailbox settings', docs: 'https://learn.microsoft.com/graph/api/user-get-mailboxsettings', application: allowed(['MailboxSettings.Read', 'MailboxSettings.ReadWrite']) },
  // Teams: the bot reaching someone who never chatted with it, and publishing the app
  { call: 'GraphTeamwork.catalogApp', method: 'GET', path: '/appCatalogs/teamsApps', page: 'List teamsApp', docs: 'https://learn.microsoft.com/graph/api/appcatalogs-list-teamsapps', application: allowed(['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All']) },
  { call: 'GraphTeamwork.publishApp', method: 'POST', path: '/appCatalogs/teamsApps', page: 'Publish teamsApp', docs: 'https://learn.microsoft.com/graph/api/teamsapp-publish', delegated: allowed(['AppCatalog.Submit', 'AppCatalog.ReadWrite.All', 'Directory.ReadWrite.All']), localOnly: true },
  { call: 'GraphTeamwork.installForUser', method: 'POST', path: '/users/{id}/teamwork/installedApps', page: 'Install app for user', docs: 'https://learn.microsoft.com/graph/api/userteamwork-post-installedapps', application: allowed(['TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadWriteForUser.All']) },
  { call: 'GraphTeamwork.userInstallation', method: 'GET', path: '/users/{id}/teamwork/installedApps', page: 'List apps installed for user', docs: 'https://learn.microsoft.com/graph/api/userteamwork-list-installedapps', application: allowed(['TeamsAppInstallation.ReadSelfForUser.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsAppInstallation.ReadForUser.All', 'TeamsAppInstallation.ReadWriteForUser.All']) },
  { call: 'GraphTeamwork.chatOf', method: 'GET', path: '/users/{id}/teamwork/installedApps/{id}/chat', page: 'Get chat between user and teamsApp', docs: 'https://learn.microsoft.com/graph/api/userscopeteamsappinstallation-get-chat', application: allowed(['TeamsAppInstallation.ReadSelfForUser.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All', 'Chat.Read.All']) },
];

export interface RequestedPermission {
  kind: PermissionKind;
  permission: string;
  grant: Grant;
  /** What it is for, in words for the administrator. */
  usedFor: string;
  /** Why nothing narrower works and nothing broader is asked for. */
  whyNotBroader: string;
}

/** The permissions the app asks for: the fewest, least privileged, that cover every call above. */
export const requestedPermissions: readonly RequestedPermission[] = [
  { kind: 'delegated', permission: 'User.Read', grant: 'entra', usedFor: 'signing in', whyNotBroader: 'the baseline sign-in permission' },
  {
    kind: 'delegated',
    permission: 'Calendars.ReadWrite',
    grant: 'entra',
    usedFor: "booking, moving and cancelling supervision meetings from the tab in the supervisor's own calendar, and finding free times (getSchedule)",
    whyNotBroader: "the signed-in supervisor organises the meetings in their own calendar; `.Shared` variants aren't needed",
  },
  {
    kind: 'delegated',
    permission: 'User.Read.All',
    grant: 'entra',
    usedFor: 'looking up supervisees, their managers and direct reports for the signed-in user (`/users/{id}`, `manager`, `directReports`)',
    whyNotBroader: '`User.ReadBasic.All` leaves out the job title and department the app shows, and the manager relationships',
  },
  {
    kind: 'application',
    permission: 'Calendars.ReadWrite',
    grant: 'exchange-rbac',
    usedFor: 'prep-prompt timing (calendarView, instances, delta, event subscriptions), free/busy (`getSchedule`) and rebooking from the bot',
    whyNotBroader: "granted in Entra it would open **every** mailbox; the Exchange role is limited to supervisors' mailboxes",
  },
  {
    kind: 'application',
    permission: 'MailboxSettings.Read',
    grant: 'exchange-rbac',
    usedFor: "reading a supervisor's scheduled automatic replies (status and dates only) to flag supervisees for cover",
    whyNotBroader: 'only the automatic-replies setting is read; without it, only leave recorded in the app counts',
  },
  {
    kind: 'application',
    permission: 'Sites.Selected',
    grant: 'site-grant',
    usedFor: 'the supervision lists (agreements, records, actions, …) in **one** SharePoint site: `manage` to provision them, `write` for records',
    whyNotBroader: 'grants nothing until the site grant in step 5; never `Sites.ReadWrite.All` or `Sites.Manage.All`',
  },
  {
    kind: 'application',
    permission: 'AppCatalog.Read.All',
    grant: 'entra',
    usedFor: "finding the app in the organisation's catalog by its manifest id, before installing it for someone (and for the Teams deep links)",
    whyNotBroader: 'read only; `TeamsAppInstallation.ReadWriteSelfForUser.All` does not cover the catalog lookup',
  },
  {
    kind: 'application',
    permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
    grant: 'entra',
    usedFor: 'installing the bot for a supervisee so it can send prep prompts, and finding that chat',
    whyNotBroader: 'installs **this** app only; `Chat.Read.All` would also get the chat, but reads every chat',
  },
  {
    kind: 'application',
    permission: 'User.Read.All',
    grant: 'entra',
    usedFor: 'resolving supervisees and supervisors and their line managers (`manager`, `directReports`)',
    whyNotBroader: '`User.ReadBasic.All` does not cover the manager relationships',
  },
];

/** The calls a requested permission serves, and the calls of a kind no requested permission covers. */
export function callsCoveredBy(permission: RequestedPermission): GatewayCall[] {
  return gatewayCalls.filter((c) => !c.localOnly && c[permission.kind]?.accepted.includes(permission.permission));
}

export function uncoveredCalls(): { call: GatewayCall; kind: PermissionKind }[] {
  const out: { call: GatewayCall; kind: PermissionKind }[] = [];
  for (const call of gatewayCalls) {
    if (call.localOnly) continue;
    for (const kind of ['delegated', 'application'] as const) {
      const needed = call[kind];
      if (needed && !requestedPermissions.some((p) => p.kind === kind && needed.accepted.includes(p.permission))) out.push({ call, kind });
    }
  }
  return out;
}

const grantNote: Record<Grant, string> = {
  entra: '',
  'exchange-rbac': ' **as an Exchange RBAC role, not in Entra** (step 4)',
  'site-grant': '',
};

/** The "Graph permissions" tables of docs/tenant-setup.md, generated from the table above. */
export function permissionTablesMarkdown(): string {
  const table = (kind: PermissionKind) =>
    [
      '| Permission | Used for | Gateway calls (Graph pages) | Why not something broader |',
      '|---|---|---|---|',
      ...requestedPermissions
        .filter((p) => p.kind === kind)
        .map((p) => `| \`${p.permission}\`${grantNote[p.grant]} | ${p.usedFor} | ${[...new Set(callsCoveredBy(p).map((c) => c.page))].join('; ') || '(sign-in)'} | ${p.whyNotBroader} |`),
    ].join('\n');
  return [
    '### Delegated (the signed-in user, through the tab)',
    '',
    "The tab's token is exchanged on behalf of the user, so these act only on what the user can reach.",
    '',
    table('delegated'),
    '',
    '### Application (jobs and the bot, with no user present)',
    '',
    table('application'),
  ].join('\n');
}
