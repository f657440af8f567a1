/**
 * Calendar events as stored, and how Graph shows them: single instances and series masters
 * are stored; occurrences and exceptions are derived from the master on read, with ids that
 * encode the occurrence's original start so they stay stable across reads and restarts.
 *
 * An attendee's copy of a meeting is its own stored event in the attendee's mailbox (same
 * iCalUId), kept in step with the organiser's copy by the calendar handlers.
 */
import { randomBytes } from 'node:crypto';
import { findOccurrence, occurrencesBetween, type PatternedRecurrence, type SeriesTiming } from './recurrence.js';
import { formatUtcTimestamp, instantToLocal, localToInstant, resolveTimeZone, toDateTimeTimeZone, utcZone, type LocalDateTime, type TimeZone } from './time-zones.js';

export const showAsValues = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const;
export type ShowAs = (typeof showAsValues)[number];
export type ResponseType = 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';

/** A wall-clock time in the zone the client wrote it in. */
export interface EventTime {
  local: LocalDateTime;
  zone: string;
}

export interface EmailAddress {
  address: string;
  name: string;
}

export interface StoredAttendee {
  emailAddress: EmailAddress;
  type: 'required' | 'optional' | 'resource';
  response: ResponseType;
  time: string;
}

export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}

/** What a single occurrence changes from its series (making it an exception). */
export interface OccurrenceOverride {
  subject?: string;
  body?: ItemBody;
  start?: EventTime;
  end?: EventTime;
  location?: Record<string, unknown>;
  showAs?: ShowAs;
  importance?: string;
  sensitivity?: string;
  categories?: string[];
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  /** An attendee's own answer for this occurrence (kept per copy, see StoredEvent.occurrenceResponses). */
  response?: ResponseType;
  /** The organiser's attendee list for this occurrence, when someone answered it alone. */
  attendees?: StoredAttendee[];
  changeKey: string;
  lastModified: number;
}

/** The properties shared between the organiser's copy and every attendee's copy. */
export interface SharedEventFields {
  iCalUId: string;
  organizer: EmailAddress;
  subject: string;
  body: ItemBody;
  start: EventTime;
  end: EventTime;
  isAllDay: boolean;
  location: Record<string, unknown>;
  locations: Record<string, unknown>[];
  attendees: StoredAttendee[];
  /** The organiser's free/busy status; an attendee's copy derives its own from it and their answer. */
  meetingShowAs: ShowAs;
  importance: string;
  sensitivity: string;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  joinUrl: string | null;
  recurrence: PatternedRecurrence | null;
  /** Keyed by the occurrence's original start (epoch ms, as a string). */
  exceptions: Record<string, OccurrenceOverride>;
  /** Original starts (epoch ms) of occurrences the organiser cancelled or deleted. */
  cancelledOccurrences: number[];
}

export interface StoredEvent extends SharedEventFields {
  id: string;
  /** Directory id of the mailbox holding this copy. */
  mailbox: string;
  isOrganizer: boolean;
  transactionId: string | null;
  showAs: ShowAs;
  categories: string[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  isCancelled: boolean;
  response: ResponseType;
  responseTime: string;
  /** Occurrences this attendee alone declined or deleted (the organiser's series is unaffected). */
  removedOccurrences: number[];
  /** This attendee's answers to single occurrences, by original start (epoch ms). */
  occurrenceResponses: Record<string, ResponseType>;
  createdDateTime: number;
  lastModifiedDateTime: number;
  changeKey: string;
}

export const noResponseTime = '0001-01-01T00:00:00Z';

export function newEventId(): string {
  // Exchange ids are long base64 strings; hex keeps '_' free as the occurrence separator.
  return `AAMkAGI${randomBytes(24).toString('hex')}`;
}

export function newChangeKey(): string {
  return randomBytes(12).toString('base64');
}

/**
 * Outlook's Global Object Id: a fixed class id, a 4-byte date (zero on the series), and a
 * unique tail. An occurrence's iCalUId carries its original date in that slot.
 */
const goidPrefix = '040000008200E00074C5B7101A82E008';

export function newICalUId(): string {
  return `${goidPrefix}00000000${randomBytes(24).toString('hex').toUpperCase()}`;
}

function occurrenceICalUId(iCalUId: string, date: string): string {
  if (!iCalUId.startsWith(goidPrefix)) return `${iCalUId}-${date}`;
  const year = Number(date.slice(0, 4));
  const bytes = [year >> 8, year & 0xff, Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const slot = bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  return `${goidPrefix}${slot}${iCalUId.slice(goidPrefix.length + 8)}`;
}

function compactInstant(instant: number): string {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function occurrenceId(masterId: string, originalStart: number): string {
  return `${masterId}_${compactInstant(originalStart)}`;
}

/** Splits an occurrence id into its master id and original start. */
export function parseOccurrenceId(id: string): { masterId: string; originalStart: number } | undefined {
  const m = /^([A-Za-z0-9]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(id);
  if (!m) return undefined;
  const instant = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
  return Number.isNaN(instant) ? undefined : { masterId: m[1] as string, originalStart: instant };
}

export function zoneOf(name: string): TimeZone {
  return resolveTimeZone(name) ?? utcZone;
}

export function instantOf(time: EventTime): number {
  return localToInstant(time.local, zoneOf(time.zone).iana);
}

export function seriesTiming(event: SharedEventFields): SeriesTiming | undefined {
  if (!event.recurrence) return undefined;
  const start = instantOf(event.start);
  const end = instantOf(event.end);
  const zone = zoneOf(event.recurrence.range.recurrenceTimeZone || event.start.zone);
  return { recurrence: event.recurrence, startTime: instantToLocal(start, zone.iana).slice(11), durationMs: end - start, iana: zone.iana };
}

/** One visible item of a calendar: a single instance, or an occurrence/exception of a series. */
export interface Instance {
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception';
  event: StoredEvent;
  /** Original start of an occurrence or exception. */
  originalStart?: number;
  start: number;
  end: number;
  override?: OccurrenceOverride;
}

function removedFrom(event: StoredEvent): Set<number> {
  return new Set([...event.cancelledOccurrences, ...event.removedOccurrences]);
}

function overlaps(start: number, end: number, from: number, to: number): boolean {
  return start < to && (end > from || (start === end && start >= from));
}

/** The organiser's changes to one occurrence merged with this copy's own answer to it. */
function overrideAt(event: StoredEvent, originalStart: number): OccurrenceOverride | undefined {
  const shared = event.exceptions[String(originalStart)];
  const response = event.occurrenceResponses[String(originalStart)];
  if (!response) return shared;
  return { ...(shared ?? { changeKey: event.changeKey, lastModified: event.lastModifiedDateTime }), response };
}

function overriddenStarts(event: StoredEvent): number[] {
  return [...new Set([...Object.keys(event.exceptions), ...Object.keys(event.occurrenceResponses)])].map(Number);
}

function exceptionInstance(event: StoredEvent, originalStart: number, override: OccurrenceOverride | undefined, timing: SeriesTiming): Instance {
  const start = override?.start ? instantOf(override.start) : originalStart;
  const end = override?.end ? instantOf(override.end) : start + timing.durationMs;
  return {
    id: occurrenceId(event.id, originalStart),
    type: override ? 'exception' : 'occurrence',
    event,
    originalStart,
    start,
    end,
    ...(override ? { override } : {}),
  };
}

/** Occurrences and exceptions of a series overlapping [from, to), cancelled ones left out. */
export function expandSeries(event: StoredEvent, from: number, to: number): Instance[] {
  const timing = seriesTiming(event);
  if (!timing) return [];
  const removed = removedFrom(event);
  const result: Instance[] = [];
  const overridden = new Set(overriddenStarts(event));
  for (const occurrence of occurrencesBetween(timing, from, to)) {
    if (removed.has(occurrence.start) || overridden.has(occurrence.start)) continue;
    result.push(exceptionInstance(event, occurrence.start, undefined, timing));
  }
  // Exceptions are checked by their own times: one moved into the window counts even when its original slot is outside.
  for (const originalStart of overridden) {
    if (removed.has(originalStart)) continue;
    const instance = exceptionInstance(event, originalStart, overrideAt(event, originalStart), timing);
    if (overlaps(instance.start, instance.end, from, to)) result.push(instance);
  }
  return result;
}

/** Everything a calendar view shows of one stored event within [from, to). */
export function instancesOf(event: StoredEvent, from: number, to: number): Instance[] {
  if (event.recurrence) return expandSeries(event, from, to);
  const start = instantOf(event.start);
  const end = instantOf(event.end);
  return overlaps(start, end, from, to) ? [{ id: event.id, type: 'singleInstance', event, start, end }] : [];
}

/** The occurrence or exception named by `originalStart`, if the series has it and it isn't cancelled. */
export function occurrenceOf(event: StoredEvent, originalStart: number): Instance | undefined {
  const timing = seriesTiming(event);
  if (!timing || removedFrom(event).has(originalStart)) return undefined;
  if (!findOccurrence(timing, originalStart)) return undefined;
  return exceptionInstance(event, originalStart, overrideAt(event, originalStart), timing);
}

export function sortInstances(instances: Instance[]): Instance[] {
  return instances.sort((a, b) => a.start - b.start || a.end - b.end || a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------
// Rendering

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** HTML character references as the characters they stand for (`&#39;` → `'`); unknown names stay as written. */
function decodeEntities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return namedEntities[ref.toLowerCase()] ?? whole;
  });
}

/** bodyPreview: the first 255 characters of the body as plain text, as Outlook shows it in a list. */
function text(body: ItemBody): string {
  const plain = body.contentType === 'html' ? decodeEntities(body.content.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')) : body.content;
  return plain.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function attendeesOut(event: Pick<StoredEvent, 'attendees'>): Record<string, unknown>[] {
  return event.attendees.map((a) => ({
    type: a.type,
    status: { response: a.response, time: a.time },
    emailAddress: { name: a.emailAddress.name, address: a.emailAddress.address },
  }));
}

function recurrenceOut(recurrence: PatternedRecurrence): Record<string, unknown> {
  return { pattern: { ...recurrence.pattern }, range: { ...recurrence.range } };
}

/** The free/busy status an attendee's copy shows, from their answer (meeting requests show tentative until accepted). */
export function attendeeShowAs(response: ResponseType, organizerShowAs: ShowAs): ShowAs {
  if (response === 'accepted') return organizerShowAs;
  if (response === 'declined') return 'free';
  return organizerShowAs === 'free' ? 'free' : 'tentative';
}

/** Free/busy of one item as this mailbox sees it. */
function effectiveShowAs(event: StoredEvent, o: OccurrenceOverride | undefined): ShowAs {
  if (event.isOrganizer) return o?.showAs ?? event.showAs;
  if (o?.response) return attendeeShowAs(o.response, o.showAs ?? event.meetingShowAs);
  return event.showAs;
}

/** Graph's JSON for a stored event (single instance or series master). */
export function renderEvent(event: StoredEvent, zone: TimeZone | undefined): Record<string, unknown> {
  return render(event, undefined, zone);
}

/** Graph's JSON for one visible item. */
export function renderInstance(instance: Instance, zone: TimeZone | undefined): Record<string, unknown> {
  return render(instance.event, instance, zone);
}

function render(event: StoredEvent, instance: Instance | undefined, zone: TimeZone | undefined): Record<string, unknown> {
  const o = instance?.override;
  const inSeries = instance !== undefined && instance.type !== 'singleInstance';
  const start = instance ? instance.start : instantOf(event.start);
  const end = instance ? instance.end : instantOf(event.end);
  const response = o?.response ?? event.response;
  const showAs = effectiveShowAs(event, o);
  const changeKey = o?.changeKey ?? event.changeKey;
  const body = o?.body ?? event.body;
  const date = instance?.originalStart !== undefined ? new Date(instance.originalStart).toISOString().slice(0, 10) : '';
  const id = instance ? instance.id : event.id;
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id,
    createdDateTime: formatUtcTimestamp(event.createdDateTime),
    lastModifiedDateTime: formatUtcTimestamp(Math.max(event.lastModifiedDateTime, o?.lastModified ?? 0)),
    changeKey,
    categories: o?.categories ?? event.categories,
    transactionId: inSeries ? null : event.transactionId,
    originalStartTimeZone: o?.start?.zone ?? event.start.zone,
    originalEndTimeZone: o?.end?.zone ?? event.end.zone,
    iCalUId: inSeries ? occurrenceICalUId(event.iCalUId, date) : event.iCalUId,
    reminderMinutesBeforeStart: o?.reminderMinutesBeforeStart ?? event.reminderMinutesBeforeStart,
    isReminderOn: o?.isReminderOn ?? event.isReminderOn,
    hasAttachments: false,
    subject: o?.subject ?? event.subject,
    bodyPreview: text(body),
    importance: o?.importance ?? event.importance,
    sensitivity: o?.sensitivity ?? event.sensitivity,
    isAllDay: event.isAllDay,
    isCancelled: event.isCancelled,
    isOrganizer: event.isOrganizer,
    responseRequested: event.responseRequested,
    seriesMasterId: inSeries ? event.id : null,
    showAs,
    type: instance ? instance.type : event.recurrence ? 'seriesMaster' : 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: event.isOnlineMeeting,
    onlineMeetingProvider: event.isOnlineMeeting ? event.onlineMeetingProvider : 'unknown',
    allowNewTimeProposals: event.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: event.hideAttendees,
    ...(inSeries && instance?.originalStart !== undefined ? { originalStart: new Date(instance.originalStart).toISOString().replace('.000Z', 'Z') } : {}),
    responseStatus: { response, time: event.responseTime },
    body: { contentType: body.contentType, content: body.content },
    start: toDateTimeTimeZone(start, zone ?? utcZone),
    end: toDateTimeTimeZone(end, zone ?? utcZone),
    location: o?.location ?? event.location,
    locations: event.locations,
    recurrence: !instance && event.recurrence ? recurrenceOut(event.recurrence) : null,
    attendees: attendeesOut(o?.attendees ? { attendees: o.attendees } : event),
    organizer: { emailAddress: { name: event.organizer.name, address: event.organizer.address } },
    onlineMeeting: event.joinUrl ? { joinUrl: event.joinUrl } : null,
  };
}
