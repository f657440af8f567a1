/**
 * Path → handler, and the pipeline every request (top-level or inside `$batch`) goes through:
 * counted, held in flight against its mailbox for the configured latency, possibly failed
 * by fault injection, then dispatched, with any failure turned into a Graph error body.
 */
import { randomUUID } from 'node:crypto';
import { calendarView, createEvent, getCalendar, getEvent, listCalendars, listEvents, listInstances } from './calendar.js';
import { cancelEvent, deleteEvent, respondToEvent, updateEvent } from './event-changes.js';
import type { MailboxContext, RequestContext, ServiceState } from './context.js';
import { calendarViewDelta } from './delta.js';
import { getMailboxSettings, getManager, getUser, listDirectReports, listUsers, updateMailboxSettings } from './directory.js';
import { directoryNotFound, errorBody, GraphError, invalidUser, isGraphError, methodNotAllowed, segmentNotFound } from './errors.js';
import { createItem, deleteItem, getFields, getItem, listItems, updateFields, updateItem } from './list-items.js';
import { createColumn, createList, deleteList, getColumn, getList, getSite, listColumns, listLists, updateColumn } from './lists.js';
import type { GraphRequest, GraphResponse } from './protocol.js';
import { getSchedule } from './schedule.js';
import { getInstallationChat, getInstalledApp, installApp, listCatalogApps, listInstalledApps, publishCatalogApp } from './teamwork.js';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, renewSubscription } from './subscriptions.js';
import { endpointKey } from './permissions.js';
import { checkQueryOptions, querySupport, type GraphWorkload, type QuerySupport } from './query-options.js';
import type { StoredUser } from './store.js';

type Handler<C> = (ctx: C) => GraphResponse | Promise<GraphResponse>;

type Route =
  | { method: string; path: string; scope: 'root'; query: QuerySupport; handler: Handler<RequestContext> }
  | { method: string; path: string; scope: 'mailbox' | 'directory'; query: QuerySupport; handler: Handler<MailboxContext> };

function withAction(action: string): Handler<MailboxContext> {
  return (ctx) => respondToEvent({ ...ctx, params: { ...ctx.params, action } });
}

const sitePath = 'sites/:site/lists/:list';

// Query options per endpoint, from each API page's "Optional query parameters" and the v1.0
// CSDL capability annotations (user/events and user/calendarView: Searchable and Expandable
// false; subscription: no filter, sort, select, top, skip, count or expand; calendarView
// delta: none but its state tokens).
const none = (workload: GraphWorkload) => querySupport(workload);
const outlook = none('outlook');
const sharepoint = none('sharepoint');
const teams = none('teams');
const subscriptions = none('subscriptions');

/** Paths under a user (`/users/{id}/…` or `/me/…`) are relative to the user. */
const routes: Route[] = [
  { method: 'GET', path: '', scope: 'directory', query: querySupport('directory', ['select'], ['expand']), handler: getUser },
  { method: 'GET', path: 'manager', scope: 'directory', query: querySupport('directory', ['select'], ['expand']), handler: getManager },
  { method: 'GET', path: 'directReports', scope: 'directory', query: querySupport('directory', ['select', 'top', 'skiptoken'], ['filter', 'count', 'orderby', 'search', 'expand']), handler: listDirectReports },
  { method: 'GET', path: 'mailboxSettings', scope: 'mailbox', query: querySupport('outlook', [], ['select']), handler: getMailboxSettings },
  { method: 'PATCH', path: 'mailboxSettings', scope: 'mailbox', query: outlook, handler: updateMailboxSettings },
  { method: 'GET', path: 'mailboxSettings/:property', scope: 'mailbox', query: outlook, handler: getMailboxSettings },
  { method: 'GET', path: 'calendar', scope: 'mailbox', query: querySupport('outlook', ['select']), handler: getCalendar },
  { method: 'GET', path: 'calendars', scope: 'mailbox', query: querySupport('outlook', [], ['select', 'filter', 'orderby', 'top', 'skip', 'count']), handler: listCalendars },
  { method: 'POST', path: 'calendar/getSchedule', scope: 'mailbox', query: outlook, handler: getSchedule },
  { method: 'GET', path: 'events', scope: 'mailbox', query: querySupport('outlook', ['select', 'filter', 'top', 'skip'], ['orderby', 'count']), handler: listEvents },
  { method: 'POST', path: 'events', scope: 'mailbox', query: outlook, handler: createEvent },
  { method: 'GET', path: 'events/:eventId', scope: 'mailbox', query: querySupport('outlook', ['select']), handler: getEvent },
  { method: 'PATCH', path: 'events/:eventId', scope: 'mailbox', query: outlook, handler: updateEvent },
  { method: 'DELETE', path: 'events/:eventId', scope: 'mailbox', query: outlook, handler: deleteEvent },
  { method: 'POST', path: 'events/:eventId/cancel', scope: 'mailbox', query: outlook, handler: cancelEvent },
  { method: 'POST', path: 'events/:eventId/accept', scope: 'mailbox', query: outlook, handler: withAction('accept') },
  { method: 'POST', path: 'events/:eventId/decline', scope: 'mailbox', query: outlook, handler: withAction('decline') },
  { method: 'POST', path: 'events/:eventId/tentativelyAccept', scope: 'mailbox', query: outlook, handler: withAction('tentativelyAccept') },
  { method: 'GET', path: 'events/:eventId/instances', scope: 'mailbox', query: querySupport('outlook', ['select', 'top', 'skip'], ['filter', 'orderby', 'count']), handler: listInstances },
  { method: 'GET', path: 'calendarView', scope: 'mailbox', query: querySupport('outlook', ['select', 'filter', 'top', 'skip'], ['orderby', 'count']), handler: calendarView },
  { method: 'GET', path: 'calendarView/delta', scope: 'mailbox', query: querySupport('outlook', ['skiptoken', 'deltatoken']), handler: calendarViewDelta },
  { method: 'GET', path: 'teamwork/installedApps', scope: 'directory', query: querySupport('teams', ['filter', 'expand'], ['select']), handler: listInstalledApps },
  { method: 'POST', path: 'teamwork/installedApps', scope: 'directory', query: teams, handler: installApp },
  { method: 'GET', path: 'teamwork/installedApps/:installation', scope: 'directory', query: querySupport('teams', ['expand'], ['select']), handler: getInstalledApp },
  { method: 'GET', path: 'teamwork/installedApps/:installation/chat', scope: 'directory', query: querySupport('teams', [], ['select']), handler: getInstallationChat },
];

const rootRoutes: Route[] = [
  { method: 'GET', path: 'users', scope: 'root', query: querySupport('directory', ['select', 'filter', 'top', 'skiptoken'], ['count', 'search', 'orderby', 'expand']), handler: listUsers },
  { method: 'GET', path: 'appCatalogs/teamsApps', scope: 'root', query: querySupport('teams', ['filter'], ['select', 'expand']), handler: listCatalogApps },
  { method: 'POST', path: 'appCatalogs/teamsApps', scope: 'root', query: teams, handler: publishCatalogApp },
  { method: 'POST', path: 'subscriptions', scope: 'root', query: subscriptions, handler: createSubscription },
  { method: 'GET', path: 'subscriptions', scope: 'root', query: subscriptions, handler: listSubscriptions },
  { method: 'GET', path: 'subscriptions/:subscription', scope: 'root', query: subscriptions, handler: getSubscription },
  { method: 'PATCH', path: 'subscriptions/:subscription', scope: 'root', query: subscriptions, handler: renewSubscription },
  { method: 'DELETE', path: 'subscriptions/:subscription', scope: 'root', query: subscriptions, handler: deleteSubscription },
  { method: 'GET', path: 'sites/:site', scope: 'root', query: querySupport('sharepoint', ['select'], ['expand']), handler: getSite },
  { method: 'GET', path: 'sites/:site/lists', scope: 'root', query: querySupport('sharepoint', ['select', 'filter', 'expand', 'top', 'skiptoken'], ['orderby']), handler: listLists },
  { method: 'POST', path: 'sites/:site/lists', scope: 'root', query: sharepoint, handler: createList },
  { method: 'GET', path: sitePath, scope: 'root', query: querySupport('sharepoint', ['select', 'expand']), handler: getList },
  { method: 'DELETE', path: sitePath, scope: 'root', query: sharepoint, handler: deleteList },
  { method: 'GET', path: `${sitePath}/columns`, scope: 'root', query: querySupport('sharepoint', ['select'], ['filter']), handler: listColumns },
  { method: 'POST', path: `${sitePath}/columns`, scope: 'root', query: sharepoint, handler: createColumn },
  { method: 'GET', path: `${sitePath}/columns/:column`, scope: 'root', query: querySupport('sharepoint', ['select']), handler: getColumn },
  { method: 'PATCH', path: `${sitePath}/columns/:column`, scope: 'root', query: sharepoint, handler: updateColumn },
  { method: 'GET', path: `${sitePath}/items`, scope: 'root', query: querySupport('sharepoint', ['expand', 'filter', 'orderby', 'top', 'skiptoken'], ['select']), handler: listItems },
  { method: 'POST', path: `${sitePath}/items`, scope: 'root', query: sharepoint, handler: createItem },
  { method: 'GET', path: `${sitePath}/items/:item`, scope: 'root', query: querySupport('sharepoint', ['expand'], ['select']), handler: getItem },
  { method: 'PATCH', path: `${sitePath}/items/:item`, scope: 'root', query: sharepoint, handler: updateItem },
  { method: 'DELETE', path: `${sitePath}/items/:item`, scope: 'root', query: sharepoint, handler: deleteItem },
  { method: 'GET', path: `${sitePath}/items/:item/fields`, scope: 'root', query: querySupport('sharepoint', ['select']), handler: getFields },
  { method: 'PATCH', path: `${sitePath}/items/:item/fields`, scope: 'root', query: sharepoint, handler: updateFields },
];

function split(path: string): string[] {
  return path === '' ? [] : path.split('/');
}

/** Matches segments against a pattern, literals without regard to case as Graph does. */
function match(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i] as string;
    const s = segments[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}

/** `/calendar/events`, `/calendars/{id}/events` and `/calendar/calendarView` address the default calendar's items. */
function normaliseMailboxPath(rest: string[]): string[] {
  const [first, second, third] = rest.map((s) => s.toLowerCase());
  const items = new Set(['events', 'calendarview']);
  if (first === 'calendar' && second !== undefined && items.has(second)) return rest.slice(1);
  if (first === 'calendars' && third !== undefined && items.has(third)) return rest.slice(2);
  return rest;
}

function decodeJwtSubject(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const claims = payload as Record<string, unknown>;
    for (const claim of ['oid', 'upn', 'preferred_username', 'unique_name']) {
      if (typeof claims[claim] === 'string') return claims[claim];
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Who `/me` is: `x-local-user`, or a bearer token that is a JWT (oid/upn claims) or simply names the user. */
export function identity(state: ServiceState, headers: Readonly<Record<string, string>>): StoredUser | undefined {
  const named = headers['x-local-user'];
  if (named) return state.store.findUser(named.trim());
  const auth = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '');
  if (!auth) return undefined;
  const token = (auth[1] as string).trim();
  return state.store.findUser(decodeJwtSubject(token) ?? token);
}

interface Resolved {
  route: Route;
  params: Record<string, string>;
  /** The user segment as written, for mailbox and directory routes. */
  userKey?: string;
  me?: boolean;
}

function resolve(request: GraphRequest): Resolved {
  const [head, ...tail] = request.segments;
  const lowerHead = (head ?? '').toLowerCase();
  let candidates: Route[];
  let segments: string[];
  let userKey: string | undefined;
  let me = false;
  if (lowerHead === 'me') {
    candidates = routes;
    segments = normaliseMailboxPath(tail);
    me = true;
  } else if (lowerHead === 'users' && tail.length > 0) {
    candidates = routes;
    userKey = tail[0] as string;
    segments = normaliseMailboxPath(tail.slice(1));
  } else {
    candidates = rootRoutes;
    segments = request.segments;
  }
  let pathMatched = false;
  for (const route of candidates) {
    const params = match(split(route.path), segments);
    if (!params) continue;
    pathMatched = true;
    if (route.method === request.method) return { route, params, ...(userKey !== undefined ? { userKey } : {}), me };
  }
  if (pathMatched) throw methodNotAllowed(request.method);
  // Graph names the first segment it could not resolve.
  const known = new Set(candidates.flatMap((r) => split(r.path)).map((s) => s.toLowerCase()));
  const unknown = segments.find((s) => !known.has(s.toLowerCase())) ?? segments[segments.length - 1] ?? head ?? '';
  throw segmentNotFound(unknown);
}

/** The mailbox a request is held against, for the per-mailbox concurrency statistic. */
export function mailboxOf(state: ServiceState, request: GraphRequest): string | undefined {
  const [head, user, next] = request.segments.map((s) => s.toLowerCase());
  if (head === 'me') return identity(state, request.headers)?.id ?? 'me';
  if (head !== 'users' || user === undefined || next === undefined || next === 'manager' || next === 'directreports') return undefined;
  return state.store.findUser(user)?.id ?? user;
}

export async function dispatch(state: ServiceState, request: GraphRequest): Promise<GraphResponse> {
  const { route, params, userKey, me } = resolve(request);
  checkQueryOptions(request.query, route.query, `${route.method} ${route.scope === 'root' ? '/' : '/users/{id}/'}${route.path}`);
  const base = { ...state, request, params };
  if (route.scope === 'root') return route.handler(base);
  let user: StoredUser | undefined;
  if (me) {
    user = identity(state, request.headers);
    if (!user) throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  } else {
    user = state.store.findUser(userKey ?? '');
    if (!user) throw route.scope === 'directory' ? directoryNotFound(userKey ?? '') : invalidUser(userKey ?? '');
  }
  return route.handler({ ...base, user });
}

export function errorResponse(error: unknown, requestId: string, date: Date): GraphResponse {
  if (isGraphError(error)) return { status: error.status, headers: { ...error.headers }, body: errorBody(error.code, error.message, requestId, date, error.innerCode) };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, headers: {}, body: errorBody('InternalServerError', `The local Graph service failed: ${message}`, requestId, date) };
}

export function newRequestId(): string {
  return randomUUID();
}

/** Every endpoint this service implements, as `METHOD /path` with `{id}` for variable segments. */
export function endpointKeys(): string[] {
  return [...routes.map((r) => endpointKey(r.method, r.path, true)), ...rootRoutes.map((r) => endpointKey(r.method, r.path, false))];
}
