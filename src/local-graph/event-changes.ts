/**
 * Changing events: PATCH on a series master or single event (with the series rules: moving
 * its time or pattern drops exceptions), PATCH on an occurrence (which makes an exception),
 * DELETE, organiser-only cancel (202), and attendees' accept/tentativelyAccept/decline.
 * Organiser changes flow to attendee copies; answers flow back to the organiser.
 */
import { z } from 'zod';
import { attendeesFrom, checkIfMatch, joinUrl, now, responseZone, target, withSelect, type Target } from './calendar-common.js';
import type { MailboxContext } from './context.js';
import { param } from './context.js';
import { GraphError, itemNotFound } from './errors.js';
import { checkRecurrence, checkTimes, eventTime, itemBody, parseEventInput, type EventInput } from './event-input.js';
import {
  attendeeShowAs,
  instantOf,
  newChangeKey,
  noResponseTime,
  occurrenceOf,
  renderEvent,
  renderInstance,
  seriesTiming,
  zoneOf,
  type Instance,
  type OccurrenceOverride,
  type ResponseType,
  type StoredEvent,
} from './event-model.js';
import { cancelCopies, mergeAttendees, organiserCopy, recordAnswer, syncCopies } from './meetings.js';
import type { Store, StoredUser } from './store.js';
import { emptyResponse, jsonResponse, parseBody, type GraphResponse } from './protocol.js';
import { occurrencesBetween } from './recurrence.js';
import { formatUtcTimestamp, instantToLocal } from './time-zones.js';

const DAY = 86_400_000;

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

/**
 * An answer to one occurrence reaches the organiser's copy of that occurrence (which becomes
 * an exception carrying its own attendee list), as Exchange tracks responses per occurrence:
 * calendarView/delta then shows the organiser who declined which session.
 */
function recordOccurrenceAnswer(store: Store, attendeeCopy: StoredEvent, user: StoredUser, originalStart: number, response: ResponseType, time: string, t: number): void {
  const organiser = organiserCopy(store, attendeeCopy);
  if (!organiser) return;
  // Attendees are addressed by SMTP address: the mail, or the UPN standing in for an alias.
  const addresses = new Set([user.mail.toLowerCase(), user.userPrincipalName.toLowerCase()]);
  const previous = organiser.exceptions[String(originalStart)];
  const attendees = (previous?.attendees ?? organiser.attendees).map((a) => (addresses.has(a.emailAddress.address.toLowerCase()) ? { ...a, response, time } : a));
  const override: OccurrenceOverride = { ...previous, attendees, changeKey: newChangeKey(), lastModified: t };
  store.putEvent({ ...organiser, exceptions: { ...organiser.exceptions, [String(originalStart)]: override }, lastModifiedDateTime: t, changeKey: newChangeKey() });
}

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
      recordOccurrenceAnswer(ctx.store, event, ctx.user, originalStart, response, time, t);
      return;
    }
    // A declined meeting leaves the attendee's calendar, as Outlook moves it to Deleted Items.
    if (response === 'declined') ctx.store.deleteEvent(event.id);
    else ctx.store.putEvent({ ...event, response, responseTime: time, showAs: attendeeShowAs(response, event.meetingShowAs), lastModifiedDateTime: t, changeKey: newChangeKey() });
    recordAnswer(ctx.store, event, ctx.user, response, time, t);
  });
  return emptyResponse(202);
}
