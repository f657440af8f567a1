/**
 * What the calendar handlers share: the response zone from `Prefer: outlook.timezone`, the
 * required time window, resolving an id to a stored event or to an occurrence of a series,
 * and the change-key precondition.
 */
import { randomBytes } from 'node:crypto';
import type { MailboxContext } from './context.js';
import { GraphError, itemNotFound, timeWindowRequired } from './errors.js';
import type { EventInput } from './event-input.js';
import { noResponseTime, occurrenceOf, parseOccurrenceId, type Instance, type StoredAttendee, type StoredEvent } from './event-model.js';
import { preferences, project, queryParam, selectList, type GraphRequest } from './protocol.js';
import { parseIsoInstant, preferredTimeZone, type TimeZone } from './time-zones.js';

/** The zone responses use, and the Preference-Applied header acknowledging it. */
export function responseZone(request: GraphRequest): { zone: TimeZone | undefined; headers: Record<string, string> } {
  const zone = preferredTimeZone(preferences(request.headers));
  return { zone, headers: zone ? { 'Preference-Applied': `outlook.timezone="${zone.name}"` } : {} };
}

export function now(ctx: MailboxContext): number {
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

export function ownEvent(ctx: MailboxContext, id: string): StoredEvent {
  const event = ctx.store.getEvent(id);
  if (!event || event.mailbox !== ctx.user.id) throw itemNotFound();
  return event;
}

export type Target = { kind: 'event'; event: StoredEvent } | { kind: 'occurrence'; master: StoredEvent; instance: Instance };

/** An id names a stored event, or an occurrence/exception of a stored series. */
export function target(ctx: MailboxContext, id: string): Target {
  const occurrence = parseOccurrenceId(id);
  if (!occurrence) return { kind: 'event', event: ownEvent(ctx, id) };
  const master = ownEvent(ctx, occurrence.masterId);
  const instance = occurrenceOf(master, occurrence.originalStart);
  if (!instance) throw itemNotFound();
  return { kind: 'occurrence', master, instance };
}

export function checkIfMatch(request: GraphRequest, changeKey: string): void {
  const header = request.headers['if-match'];
  if (!header || header.trim() === '*') return;
  const wanted = header.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (wanted !== changeKey) {
    throw new GraphError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
  }
}

/** What Exchange accepts as a recipient: an SMTP address (`local@domain`), nothing else. */
export function isSmtpAddress(value: string): boolean {
  return /^[^@\s<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value.trim());
}

/** Attendees as stored; an address Exchange cannot send to fails the whole request, as it does in a tenant. */
export function attendeesFrom(input: NonNullable<EventInput['attendees']>): StoredAttendee[] {
  if (input.some((a) => !isSmtpAddress(a.emailAddress.address))) throw new GraphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid.");
  return input.map((a) => ({
    emailAddress: { address: a.emailAddress.address, name: a.emailAddress.name ?? a.emailAddress.address },
    type: a.type ?? 'required',
    response: 'none',
    time: noResponseTime,
  }));
}

export function joinUrl(): string {
  const thread = randomBytes(16).toString('hex');
  return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${thread}%40thread.v2/0`;
}

export function withSelect(request: GraphRequest, entity: Record<string, unknown>): Record<string, unknown> {
  return project(entity, selectList(request), ['id']);
}
