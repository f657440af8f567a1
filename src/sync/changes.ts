/**
 * Pure change detection over one calendarView/delta answer: which booked occurrences were
 * cancelled (removed, or flagged cancelled), declined by the supervisee (their attendee
 * answer on the organiser's occurrence) or moved (start differs from original start).
 * Data in, data out; the orchestration in sync-calendars.ts does the IO.
 */
import type { GraphEvent } from '../graph/calendar.js';
import { instantToLondon } from '../calendar/london.js';
import type { Cancellation } from '../records/models.js';
import type { SeenOccurrence } from './state-store.js';

export type ChangeKind = 'cancelled' | 'declined' | 'moved';

export interface OccurrenceChange {
  kind: ChangeKind;
  /** The booked event id (series master or single) the occurrence belongs to. */
  bookedId: string;
  /** Graph id of the occurrence (absent from the calendar when cancelled). */
  eventId: string;
  originalStart: string;
  /** New start, for moves. */
  start?: string;
}

export interface DeltaAnswer {
  events: readonly GraphEvent[];
  removedIds: readonly string[];
}

export interface DetectInput {
  answer: DeltaAnswer;
  /** What the previous rounds saw (empty on the very first round). */
  seen: Readonly<Record<string, SeenOccurrence>>;
  /** True when the answer is a full round (no deltaLink used): absence then means removal. */
  fullRound: boolean;
  /** The window of this round (epoch ms). */
  from: number;
  to: number;
  /** Booked event ids (series masters and singles) this mailbox's schedules hold. */
  booked: ReadonlySet<string>;
  /**
   * Mail addresses of the supervisee of each booked id (lower case). Without an entry, an
   * occurrence counts as declined only when every attendee declined it.
   */
  supervisees?: ReadonlyMap<string, readonly string[]>;
}

export interface DetectResult {
  changes: OccurrenceChange[];
  seen: Record<string, SeenOccurrence>;
}

/** A Graph dateTimeTimeZone → ISO instant; calendarView answers in UTC unless asked otherwise. */
export function instantOfGraphTime(value: { dateTime?: string | null; timeZone?: string | null } | null | undefined): string | undefined {
  if (!value?.dateTime) return undefined;
  const zone = value.timeZone ?? 'UTC';
  const ms = zone === 'UTC' || zone === 'Etc/UTC' ? Date.parse(`${value.dateTime.replace(/Z$/, '')}Z`) : Date.parse(value.dateTime);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function normalise(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** The booked id an event belongs to: its series master, or itself when it is a single. */
function bookedIdOf(event: GraphEvent): string | undefined {
  if (event.type === 'seriesMaster') return undefined;
  return event.seriesMasterId ?? event.id;
}

const movedThresholdMs = 60_000;

/**
 * Whether the supervisee declined this occurrence. The organiser's copy carries each
 * attendee's answer; a group session declined by one member still happens, so only the
 * supervisee's answer (or, with no supervisee known, everyone's) cancels it.
 */
export function declinedBySupervisee(event: Pick<GraphEvent, 'attendees'>, supervisee: readonly string[] | undefined): boolean {
  const attendees = (event.attendees ?? []).filter((a) => a.type !== 'resource');
  const declined = (a: (typeof attendees)[number]) => a.status?.response === 'declined';
  if (supervisee && supervisee.length > 0) {
    const addresses = new Set(supervisee.map((s) => s.toLowerCase()));
    return attendees.some((a) => addresses.has((a.emailAddress?.address ?? '').toLowerCase()) && declined(a));
  }
  return attendees.length > 0 && attendees.every(declined);
}

export function detectChanges(input: DetectInput): DetectResult {
  const seen: Record<string, SeenOccurrence> = { ...input.seen };
  const changes: OccurrenceChange[] = [];
  const present = new Set<string>();
  const inWindow = (iso: string) => {
    const ms = Date.parse(iso);
    return ms >= input.from && ms < input.to;
  };

  for (const event of input.answer.events) {
    const bookedId = bookedIdOf(event);
    if (!bookedId) continue;
    const start = instantOfGraphTime(event.start);
    if (!start) continue;
    const originalStart = event.originalStart ? normalise(event.originalStart) : seen[event.id]?.originalStart ?? start;
    present.add(event.id);
    // Every item is remembered, booked or not: a booking writes Outlook before its schedule
    // record, so a round can see a series before it counts as booked, and delta never lists
    // an unchanged item again.
    seen[event.id] = { bookedId, originalStart, start };
    if (!input.booked.has(bookedId)) continue;
    if (event.isCancelled) changes.push({ kind: 'cancelled', bookedId, eventId: event.id, originalStart });
    else if (declinedBySupervisee(event, input.supervisees?.get(bookedId))) changes.push({ kind: 'declined', bookedId, eventId: event.id, originalStart });
    else if (Math.abs(Date.parse(start) - Date.parse(originalStart)) >= movedThresholdMs) changes.push({ kind: 'moved', bookedId, eventId: event.id, originalStart, start });
  }

  const lost = (id: string) => {
    const known = seen[id];
    if (!known) return;
    delete seen[id];
    if (!input.booked.has(known.bookedId)) return;
    // Graph also reports events that changed and left the window as @removed: an occurrence
    // whose current start is outside the window was moved away, not cancelled.
    if (!inWindow(known.start) || !inWindow(known.originalStart)) return;
    changes.push({ kind: 'cancelled', bookedId: known.bookedId, eventId: id, originalStart: known.originalStart });
  };
  for (const id of input.answer.removedIds) lost(id);
  if (input.fullRound) {
    // A fresh round lists what exists; anything seen before in this window and not listed now
    // was removed while no deltaLink was tracking it.
    for (const id of Object.keys(input.seen)) if (!present.has(id) && !input.answer.removedIds.includes(id)) lost(id);
  }
  return { changes, seen };
}

/**
 * Whether the app made this change itself and recorded it already: an occurrence it cancelled
 * (any later change to it is moot), or a move to the very day it noted. A move elsewhere, or a
 * cancellation in Outlook after an app move, is still news.
 */
export function madeInApp(change: OccurrenceChange, appRecord: Pick<Cancellation, 'origin' | 'rearrangedTo'> | undefined): boolean {
  if (!appRecord) return false;
  if (appRecord.origin === 'app') return true;
  if (appRecord.origin !== 'app-moved' || change.kind !== 'moved' || !change.start) return false;
  return instantToLondon(Date.parse(change.start)).date === appRecord.rearrangedTo;
}
