/**
 * Calendar resources of one mailbox: events (create with transactionId idempotency, get,
 * update, delete, cancel, respond), series instances and calendarView. Semantics follow
 * the Graph pages cited in shared/graph-contract.md §1: occurrence PATCH makes an exception,
 * cancel is organiser-only and answers 202, instances and calendarView leave out cancelled
 * occurrences, and times come back in UTC unless `Prefer: outlook.timezone` names a zone.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { MailboxContext } from './context.js';
import { param } from './context.js';
import { GraphError, itemNotFound, propertyValidation, timeWindowRequired } from './errors.js';
import { checkRecurrence, checkTimes, eventTime, itemBody, parseEventInput, type EventInput } from './event-input.js';
import {
  attendeeShowAs,
  instancesOf,
  instantOf,
  newChangeKey,
  newEventId,
  newICalUId,
  noResponseTime,
  occurrenceOf,
  parseOccurrenceId,
  renderEvent,
  renderInstance,
  seriesTiming,
  sortInstances,
  expandSeries,
  zoneOf,
  type Instance,
  type OccurrenceOverride,
  type ResponseType,
  type StoredAttendee,
  type StoredEvent,
} from './event-model.js';
import { cancelCopies, mergeAttendees, recordAnswer, syncCopies } from './meetings.js';
import { filterPaths, parseFilter, evaluateFilter, FilterSyntaxError } from './odata-filter.js';
import { collection, emptyResponse, jsonResponse, pageWindow, paginate, parseBody, preferences, project, queryParam, selectList, type GraphRequest, type GraphResponse } from './protocol.js';
import { occurrencesBetween } from './recurrence.js';
import { formatUtcTimestamp, instantToLocal, parseIsoInstant, preferredTimeZone, type TimeZone } from './time-zones.js';

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** The zone responses use, and the Preference-Applied header acknowledging it. */
export function responseZone(request: GraphRequest): { zone: TimeZone | undefined; headers: Record<string, string> } {
  const zone = preferredTimeZone(preferences(request.headers));
  return { zone, headers: zone ? { 'Preference-Applied': `outlook.timezone="${zone.name}"` } : {} };
}

function now(ctx: MailboxContext): number {
  return ctx.clock().getTime();
}

/** The [StartDateTime, EndDateTime) window calendarView, instances and delta require. */
export function timeWindow(request: GraphRequest): { from: number; to: number } {
  const rawStart = queryParam(request.query, 'startDateTime');
  const rawEnd = queryParam(request.query, 'endDateTime');
  if (rawStart === undefined || rawEnd === undefined) throw timeWindowRequired();
  const from = parseIsoInstant(rawStart);
  if (from === undefined) throw new GraphError(400, 'ErrorInvalidParameter', `The value '${rawStart}' of parameter 'StartDateTime' is invalid.`);
  const to = parseIsoInstant(rawEnd);
  if (to === undefined) throw new GraphError(400, 'ErrorInvalidParameter', `The value '${rawEnd}' of parameter 'EndDateTime' is invalid.`);
  return { from, to };
}

function ownEvent(ctx: MailboxContext, id: string): StoredEvent {
  const event = ctx.store.getEvent(id);
  if (!event || event.mailbox !== ctx.user.id) throw itemNotFound();
  return event;
}

type Target = { kind: 'event'; event: StoredEvent } | { kind: 'occurrence'; master: StoredEvent; instance: Instance };

/** An id names a stored event, or an occurrence/exception of a stored series. */
function target(ctx: MailboxContext, id: string): Target {
  const occurrence = parseOccurrenceId(id);
  if (!occurrence) return { kind: 'event', event: ownEvent(ctx, id) };
  const master = ownEvent(ctx, occurrence.masterId);
  const instance = occurrenceOf(master, occurrence.originalStart);
  if (!instance) throw itemNotFound();
  return { kind: 'occurrence', master, instance };
}

function checkIfMatch(request: GraphRequest, changeKey: string): void {
  const header = request.headers['if-match'];
  if (!header || header.trim() === '*') return;
  const wanted = header.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (wanted !== changeKey) {
    throw new GraphError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
  }
}

function attendeesFrom(input: NonNullable<EventInput['attendees']>): StoredAttendee[] {
  return input.map((a) => ({
    emailAddress: { address: a.emailAddress.address, name: a.emailAddress.name ?? a.emailAddress.address },
    type: a.type ?? 'required',
    response: 'none',
    time: noResponseTime,
  }));
}

function joinUrl(): string {
  const thread = randomBytes(16).toString('hex');
  return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${thread}%40thread.v2/0`;
}

function withSelect(request: GraphRequest, entity: Record<string, unknown>): Record<string, unknown> {
  return project(entity, selectList(request), ['id']);
}

// ---------------------------------------------------------------------------------------------
// Create

export function createEvent(ctx: MailboxContext): GraphResponse {
  const input = parseEventInput(ctx.request.body);
  const { zone, headers } = responseZone(ctx.request);
  const location = { Location: `${ctx.request.baseUrl}/users/${ctx.user.id}/events/` };
  if (input.transactionId) {
    const existingId = ctx.store.transactionEvent(ctx.user.id, input.transactionId);
    const existing = existingId ? ctx.store.getEvent(existingId) : undefined;
    if (existing) {
      // Graph answers a repeated transactionId with 201 and the original event, creating nothing.
      ctx.faults.countIdempotentReplay();
      return jsonResponse(201, withSelect(ctx.request, renderEvent(existing, zone)), { ...headers, Location: location.Location + existing.id });
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
  return jsonResponse(201, withSelect(ctx.request, renderEvent(event, zone)), { ...headers, Location: location.Location + event.id });
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
  filterPaths(node);
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
// Update

function applyToSeries(ctx: MailboxContext, event: StoredEvent, input: EventInput): { event: StoredEvent; timeChanged: boolean } {
  if (input.transactionId && input.transactionId !== event.transactionId) {
    throw new GraphError(400, 'ErrorInvalidRequest', "The property 'transactionId' can't be changed after the event is created.");
  }
  const start = input.start ? eventTime(input.start, 'start') : event.start;
  const end = input.end ? eventTime(input.end, 'end') : event.end;
  const isAllDay = input.isAllDay ?? event.isAllDay;
  checkTimes(start, end, isAllDay);
  const timeChanged = instantOf(start) !== instantOf(event.start) || instantOf(end) !== instantOf(event.end) || start.zone !== event.start.zone;
  let recurrence = event.recurrence;
  let recurrenceChanged = false;
  if (input.recurrence !== undefined) {
    recurrence = input.recurrence === null ? null : checkRecurrence(input.recurrence, start);
    recurrenceChanged = JSON.stringify(recurrence) !== JSON.stringify(event.recurrence);
  } else if (recurrence && start.local.slice(0, 10) !== event.start.local.slice(0, 10)) {
    // Moving a series' start moves its range with it, so the start stays its first day.
    recurrence = checkRecurrence({ ...recurrence, range: { ...recurrence.range, startDate: start.local.slice(0, 10) } }, start);
    recurrenceChanged = true;
  }
  const showAs = input.showAs ?? event.showAs;
  // Once a Teams meeting exists it can't be switched off or moved to another provider (contract §1.4).
  const isOnlineMeeting = event.isOnlineMeeting || (input.isOnlineMeeting ?? false);
  const attendees = input.attendees ? mergeAttendees(event.attendees, attendeesFrom(input.attendees), timeChanged) : timeChanged ? event.attendees.map((a) => ({ ...a, response: 'none' as const, time: noResponseTime })) : event.attendees;
  const seriesReset = timeChanged || recurrenceChanged;
  const updated: StoredEvent = {
    ...event,
    subject: input.subject ?? event.subject,
    body: input.body ? itemBody(input.body) : event.body,
    start,
    end,
    isAllDay,
    location: input.location ?? event.location,
    locations: input.locations ?? event.locations,
    attendees,
    showAs,
    meetingShowAs: event.isOrganizer ? showAs : event.meetingShowAs,
    importance: input.importance ?? event.importance,
    sensitivity: input.sensitivity ?? event.sensitivity,
    categories: input.categories ?? event.categories,
    isReminderOn: input.isReminderOn ?? event.isReminderOn,
    reminderMinutesBeforeStart: input.reminderMinutesBeforeStart ?? event.reminderMinutesBeforeStart,
    responseRequested: input.responseRequested ?? event.responseRequested,
    allowNewTimeProposals: input.allowNewTimeProposals ?? event.allowNewTimeProposals,
    hideAttendees: input.hideAttendees ?? event.hideAttendees,
    isOnlineMeeting,
    onlineMeetingProvider: event.isOnlineMeeting ? event.onlineMeetingProvider : isOnlineMeeting ? (input.onlineMeetingProvider ?? 'teamsForBusiness') : 'unknown',
    joinUrl: event.joinUrl ?? (isOnlineMeeting ? joinUrl() : null),
    recurrence,
    // Changing a series' time or pattern discards its exceptions and cancellations, as Outlook does.
    exceptions: seriesReset ? {} : event.exceptions,
    cancelledOccurrences: seriesReset ? [] : event.cancelledOccurrences,
    removedOccurrences: seriesReset ? [] : event.removedOccurrences,
    occurrenceResponses: seriesReset ? {} : event.occurrenceResponses,
    lastModifiedDateTime: now(ctx),
    changeKey: newChangeKey(),
  };
  return { event: updated, timeChanged };
}

/** Outlook refuses to move an occurrence onto or past the day of a neighbouring occurrence. */
function checkOccurrenceMove(master: StoredEvent, originalStart: number, newStart: number): void {
  const timing = seriesTiming(master);
  if (!timing) return;
  const span = 800 * DAY;
  const neighbours = occurrencesBetween(timing, originalStart - span, originalStart + span)
    .map((o) => o.start)
    .filter((s) => s !== originalStart && !master.cancelledOccurrences.includes(s));
  const actualStart = (s: number) => {
    const o = master.exceptions[String(s)];
    return o?.start ? instantOf(o.start) : s;
  };
  const day = (instant: number) => instantToLocal(instant, timing.iana).slice(0, 10);
  const previous = neighbours.filter((s) => s < originalStart).pop();
  const next = neighbours.find((s) => s > originalStart);
  const target = day(newStart);
  if ((previous !== undefined && target <= day(actualStart(previous))) || (next !== undefined && target >= day(actualStart(next)))) {
    throw new GraphError(400, 'ErrorOccurrenceCrossingBoundary', 'The modified occurrence is crossing or overlapping adjacent occurrence.');
  }
}

const occurrenceOnly = new Set<keyof EventInput>(['recurrence', 'transactionId', 'attendees', 'isOnlineMeeting', 'onlineMeetingProvider', 'isAllDay']);

function applyToOccurrence(ctx: MailboxContext, master: StoredEvent, instance: Instance, input: EventInput): StoredEvent {
  for (const key of Object.keys(input) as (keyof EventInput)[]) {
    if (occurrenceOnly.has(key) && input[key] !== undefined) {
      throw new GraphError(400, 'ErrorInvalidRequest', `The property '${key}' can't be changed on a single occurrence; update the series master instead.`);
    }
  }
  const originalStart = instance.originalStart as number;
  const previous = master.exceptions[String(originalStart)];
  const timing = seriesTiming(master);
  const start = input.start ? eventTime(input.start, 'start') : previous?.start;
  let end = input.end ? eventTime(input.end, 'end') : previous?.end;
  if (start && !end && timing) {
    // Moving only the start keeps the occurrence's length.
    const zone = zoneOf(start.zone);
    end = { local: instantToLocal(instantOf(start) + timing.durationMs, zone.iana), zone: start.zone };
  }
  if (start && end) checkTimes(start, end, master.isAllDay);
  if (start && input.start) checkOccurrenceMove(master, originalStart, instantOf(start));
  const override: OccurrenceOverride = {
    ...previous,
    ...(input.subject != null ? { subject: input.subject } : {}),
    ...(input.body ? { body: itemBody(input.body) } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    ...(input.location ? { location: input.location } : {}),
    ...(input.showAs ? { showAs: input.showAs } : {}),
    ...(input.importance ? { importance: input.importance } : {}),
    ...(input.sensitivity ? { sensitivity: input.sensitivity } : {}),
    ...(input.categories ? { categories: input.categories } : {}),
    ...(input.isReminderOn != null ? { isReminderOn: input.isReminderOn } : {}),
    ...(input.reminderMinutesBeforeStart != null ? { reminderMinutesBeforeStart: input.reminderMinutesBeforeStart } : {}),
    changeKey: newChangeKey(),
    lastModified: now(ctx),
  };
  return { ...master, exceptions: { ...master.exceptions, [String(originalStart)]: override }, lastModifiedDateTime: now(ctx), changeKey: newChangeKey() };
}

export function updateEvent(ctx: MailboxContext): GraphResponse {
  const input = parseEventInput(ctx.request.body);
  const { zone, headers } = responseZone(ctx.request);
  const found = target(ctx, param(ctx, 'eventId'));
  const t = now(ctx);
  if (found.kind === 'event') {
    checkIfMatch(ctx.request, found.event.changeKey);
    const { event, timeChanged } = applyToSeries(ctx, found.event, input);
    ctx.store.transaction(() => {
      ctx.store.putEvent(event);
      if (event.isOrganizer) syncCopies(ctx.store, event, t, timeChanged);
    });
    return jsonResponse(200, withSelect(ctx.request, renderEvent(event, zone)), headers);
  }
  const current = found.instance.override?.changeKey ?? found.master.changeKey;
  checkIfMatch(ctx.request, current);
  const master = applyToOccurrence(ctx, found.master, found.instance, input);
  ctx.store.transaction(() => {
    ctx.store.putEvent(master);
    if (master.isOrganizer) syncCopies(ctx.store, master, t, false);
  });
  const updated = occurrenceOf(master, found.instance.originalStart as number);
  if (!updated) throw itemNotFound();
  return jsonResponse(200, withSelect(ctx.request, renderInstance(updated, zone)), headers);
}

// ---------------------------------------------------------------------------------------------
// Delete and cancel

function removeTarget(ctx: MailboxContext, found: Target): void {
  const t = now(ctx);
  ctx.store.transaction(() => {
    if (found.kind === 'event') {
      if (found.event.isOrganizer) cancelCopies(ctx.store, found.event, t);
      ctx.store.deleteEvent(found.event.id);
      return;
    }
    const { master, instance } = found;
    const originalStart = instance.originalStart as number;
    const exceptions = { ...master.exceptions };
    delete exceptions[String(originalStart)];
    if (master.isOrganizer) {
      const updated: StoredEvent = { ...master, exceptions, cancelledOccurrences: [...master.cancelledOccurrences, originalStart], lastModifiedDateTime: t, changeKey: newChangeKey() };
      ctx.store.putEvent(updated);
      syncCopies(ctx.store, updated, t, false);
    } else {
      ctx.store.putEvent({ ...master, removedOccurrences: [...master.removedOccurrences, originalStart], lastModifiedDateTime: t, changeKey: newChangeKey() });
    }
  });
}

export function deleteEvent(ctx: MailboxContext): GraphResponse {
  const found = target(ctx, param(ctx, 'eventId'));
  removeTarget(ctx, found);
  return emptyResponse(204);
}

const actionBodySchema = z.object({ comment: z.string().nullish(), sendResponse: z.boolean().nullish(), proposedNewTime: z.unknown().optional() });

export function cancelEvent(ctx: MailboxContext): GraphResponse {
  parseBody(actionBodySchema, ctx.request.body ?? {}, 'cancel');
  const found = target(ctx, param(ctx, 'eventId'));
  const event = found.kind === 'event' ? found.event : found.master;
  if (!event.isOrganizer) {
    throw new GraphError(400, 'ErrorAccessDenied', "Your request can't be completed. You need to be an organizer to cancel a meeting.");
  }
  removeTarget(ctx, found);
  return emptyResponse(202);
}

// ---------------------------------------------------------------------------------------------
// Responses (accept / tentativelyAccept / decline)

const answers: Record<string, ResponseType> = { accept: 'accepted', tentativelyaccept: 'tentativelyAccepted', decline: 'declined' };

export function respondToEvent(ctx: MailboxContext): GraphResponse {
  parseBody(actionBodySchema, ctx.request.body ?? {}, 'eventResponse');
  const response = answers[param(ctx, 'action').toLowerCase()];
  if (!response) throw itemNotFound();
  const found = target(ctx, param(ctx, 'eventId'));
  const event = found.kind === 'event' ? found.event : found.master;
  if (event.isOrganizer) throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. You can't respond to a meeting you organized.");
  if (event.isCancelled) throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. The meeting has been cancelled.");
  const t = now(ctx);
  const time = formatUtcTimestamp(t).replace(/\.\d+Z$/, 'Z');
  ctx.store.transaction(() => {
    if (found.kind === 'occurrence') {
      const originalStart = found.instance.originalStart as number;
      const updated: StoredEvent =
        response === 'declined'
          ? { ...event, removedOccurrences: [...event.removedOccurrences, originalStart] }
          : { ...event, occurrenceResponses: { ...event.occurrenceResponses, [String(originalStart)]: response } };
      ctx.store.putEvent({ ...updated, lastModifiedDateTime: t, changeKey: newChangeKey() });
      return;
    }
    // A declined meeting leaves the attendee's calendar, as Outlook moves it to Deleted Items.
    if (response === 'declined') ctx.store.deleteEvent(event.id);
    else ctx.store.putEvent({ ...event, response, responseTime: time, showAs: attendeeShowAs(response, event.meetingShowAs), lastModifiedDateTime: t, changeKey: newChangeKey() });
    recordAnswer(ctx.store, event, ctx.user, response, time, t);
  });
  return emptyResponse(202);
}

// ---------------------------------------------------------------------------------------------
// The calendar resource itself

export function getCalendar(ctx: MailboxContext): GraphResponse {
  return jsonResponse(200, {
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
  });
}

export function listCalendars(ctx: MailboxContext): GraphResponse {
  const calendar = getCalendar(ctx).body;
  return jsonResponse(200, { value: [calendar] });
}
