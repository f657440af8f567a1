/**
 * Calendar resources of one mailbox: creating events (transactionId makes a retried POST
 * return the original), reading them, series instances, calendarView and the calendar
 * itself; changes live in event-changes.ts. As Graph documents (contract §1): instances and
 * calendarView leave out cancelled occurrences, and times come back in UTC unless
 * `Prefer: outlook.timezone` names a zone.
 */
import { attendeesFrom, joinUrl, now, responseZone, target, timeWindow, withSelect } from './calendar-common.js';
import type { MailboxContext } from './context.js';
import { param } from './context.js';
import { GraphError, propertyValidation } from './errors.js';
import { checkRecurrence, checkTimes, eventTime, itemBody, parseEventInput } from './event-input.js';
import {
  expandSeries,
  instancesOf,
  newChangeKey,
  newEventId,
  newICalUId,
  noResponseTime,
  renderEvent,
  renderInstance,
  sortInstances,
  type StoredEvent,
} from './event-model.js';
import { syncCopies } from './meetings.js';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './odata-filter.js';
import { collection, jsonResponse, pageWindow, paginate, queryParam, type GraphRequest, type GraphResponse } from './protocol.js';

// ---------------------------------------------------------------------------------------------
// Create

export function createEvent(ctx: MailboxContext): GraphResponse {
  const input = parseEventInput(ctx.request.body);
  const { zone, headers } = responseZone(ctx.request);
  const location = (id: string) => ({ Location: `${ctx.request.baseUrl}/users/${ctx.user.id}/events/${id}` });
  if (input.transactionId) {
    const existingId = ctx.store.transactionEvent(ctx.user.id, input.transactionId);
    const existing = existingId ? ctx.store.getEvent(existingId) : undefined;
    if (existing) {
      // Graph answers a repeated transactionId with 201 and the original event, creating nothing.
      ctx.faults.countIdempotentReplay();
      return jsonResponse(201, withSelect(ctx.request, renderEvent(existing, zone)), { ...headers, ...location(existing.id) });
    }
  }
  if (!input.start) throw propertyValidation("At least one property failed validation. The property 'start' is required.");
  if (!input.end) throw propertyValidation("At least one property failed validation. The property 'end' is required.");
  const start = eventTime(input.start, 'start');
  const end = eventTime(input.end, 'end');
  const isAllDay = input.isAllDay ?? false;
  checkTimes(start, end, isAllDay);
  const recurrence = input.recurrence === undefined || input.recurrence === null ? null : checkRecurrence(input.recurrence, start);
  const t = now(ctx);
  const showAs = input.showAs ?? 'busy';
  const isOnlineMeeting = input.isOnlineMeeting ?? false;
  const event: StoredEvent = {
    id: newEventId(),
    mailbox: ctx.user.id,
    iCalUId: newICalUId(),
    organizer: { address: ctx.user.mail, name: ctx.user.displayName },
    isOrganizer: true,
    transactionId: input.transactionId ?? null,
    subject: input.subject ?? '',
    body: itemBody(input.body ?? {}),
    start,
    end,
    isAllDay,
    location: input.location ?? { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} },
    locations: input.locations ?? [],
    attendees: attendeesFrom(input.attendees ?? []),
    meetingShowAs: showAs,
    showAs,
    importance: input.importance ?? 'normal',
    sensitivity: input.sensitivity ?? 'normal',
    categories: input.categories ?? [],
    isReminderOn: input.isReminderOn ?? true,
    reminderMinutesBeforeStart: input.reminderMinutesBeforeStart ?? 15,
    responseRequested: input.responseRequested ?? true,
    allowNewTimeProposals: input.allowNewTimeProposals ?? true,
    hideAttendees: input.hideAttendees ?? false,
    isOnlineMeeting,
    onlineMeetingProvider: isOnlineMeeting ? (input.onlineMeetingProvider ?? 'teamsForBusiness') : 'unknown',
    joinUrl: isOnlineMeeting ? joinUrl() : null,
    recurrence,
    exceptions: {},
    cancelledOccurrences: [],
    isCancelled: false,
    response: 'organizer',
    responseTime: noResponseTime,
    removedOccurrences: [],
    occurrenceResponses: {},
    createdDateTime: t,
    lastModifiedDateTime: t,
    changeKey: newChangeKey(),
  };
  ctx.store.transaction(() => {
    ctx.store.putEvent(event);
    if (event.transactionId) ctx.store.recordTransaction(ctx.user.id, event.transactionId, event.id);
    syncCopies(ctx.store, event, t, false);
  });
  ctx.faults.countEventCreated();
  return jsonResponse(201, withSelect(ctx.request, renderEvent(event, zone)), { ...headers, ...location(event.id) });
}

// ---------------------------------------------------------------------------------------------
// Read

export function getEvent(ctx: MailboxContext): GraphResponse {
  const { zone, headers } = responseZone(ctx.request);
  const found = target(ctx, param(ctx, 'eventId'));
  const body = found.kind === 'event' ? renderEvent(found.event, zone) : renderInstance(found.instance, zone);
  return jsonResponse(200, withSelect(ctx.request, body), headers);
}

/** $filter on events: top-level and nested properties of the rendered event, e.g. `subject eq 'x'`, `start/dateTime ge '…'`. */
function eventFilter(request: GraphRequest): ((entity: Record<string, unknown>) => boolean) | undefined {
  const raw = queryParam(request.query, 'filter');
  if (raw === undefined || raw.trim() === '') return undefined;
  let node;
  try {
    node = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
    throw error;
  }
  return (entity) =>
    evaluateFilter(node, (path) => {
      let value: unknown = entity;
      for (const part of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
      return value;
    });
}

export function listEvents(ctx: MailboxContext): GraphResponse {
  const { zone, headers } = responseZone(ctx.request);
  const filter = eventFilter(ctx.request);
  let rendered = ctx.store.eventsOf(ctx.user.id).map((e) => renderEvent(e, zone));
  if (filter) rendered = rendered.filter(filter);
  const page = paginate(ctx.request, rendered, pageWindow(ctx.request, 10, 1000), 'skip');
  return jsonResponse(200, collection({ ...page, value: page.value.map((e) => withSelect(ctx.request, e)) }), headers);
}

export function calendarView(ctx: MailboxContext): GraphResponse {
  const { from, to } = timeWindow(ctx.request);
  const { zone, headers } = responseZone(ctx.request);
  const filter = eventFilter(ctx.request);
  const instances = sortInstances(ctx.store.eventsOf(ctx.user.id).flatMap((e) => instancesOf(e, from, to)));
  let rendered = instances.map((i) => renderInstance(i, zone));
  if (filter) rendered = rendered.filter(filter);
  const page = paginate(ctx.request, rendered, pageWindow(ctx.request, 10, 1000), 'skip');
  return jsonResponse(200, collection({ ...page, value: page.value.map((e) => withSelect(ctx.request, e)) }), headers);
}

export function listInstances(ctx: MailboxContext): GraphResponse {
  const { from, to } = timeWindow(ctx.request);
  const { zone, headers } = responseZone(ctx.request);
  const found = target(ctx, param(ctx, 'eventId'));
  if (found.kind !== 'event') throw new GraphError(400, 'ErrorInvalidRequest', 'Instances can only be listed for a series master or a single event.');
  const instances = found.event.recurrence ? sortInstances(expandSeries(found.event, from, to)) : instancesOf(found.event, from, to);
  const rendered = instances.map((i) => withSelect(ctx.request, renderInstance(i, zone)));
  const page = paginate(ctx.request, rendered, pageWindow(ctx.request, 10, 1000), 'skip');
  return jsonResponse(200, collection(page), headers);
}

// ---------------------------------------------------------------------------------------------
// The calendar resource itself

export function getCalendar(ctx: MailboxContext): GraphResponse {
  return jsonResponse(200, withSelect(ctx.request, calendarJson(ctx)));
}

function calendarJson(ctx: MailboxContext): Record<string, unknown> {
  return {
    id: `AAMkCal${Buffer.from(ctx.user.id).toString('hex')}`,
    name: 'Calendar',
    color: 'auto',
    isDefaultCalendar: true,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: false,
    owner: { name: ctx.user.displayName, address: ctx.user.mail },
  };
}

export function listCalendars(ctx: MailboxContext): GraphResponse {
  return jsonResponse(200, { value: [calendarJson(ctx)] });
}
