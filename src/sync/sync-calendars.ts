/**
 * Outlook-side change detection (contract §6): per supervisor mailbox, run the stored
 * calendarView/delta link over a rolling window, match changed and removed occurrences to the
 * booked schedules, and record each as a Cancellation (origin outlook-cancelled /
 * outlook-declined / outlook-moved) with a deterministic id, so running sync again, or after
 * a crash, records nothing twice. The reason is left empty (except for a supervisee's
 * decline, which is its own reason): compliance flags it, and the supervisor is asked.
 */
import { createHash } from 'node:crypto';
import { instantToLondon } from '../calendar/london.js';
import type { DeltaResult } from '../graph/calendar.js';
import type { Cancellation, Schedule } from '../records/models.js';
import type { RecordsRepository } from '../records/repository.js';
import { detectChanges, madeInApp, type OccurrenceChange } from './changes.js';
import type { SyncStateStore } from './state-store.js';

export interface SyncDeps {
  /** GraphCalendar satisfies this. */
  calendar: { calendarDelta(mailbox: string, from: Date, to: Date, deltaLink?: string): Promise<DeltaResult> };
  records: RecordsRepository;
  store: SyncStateStore;
  now: () => Date;
  /** Resolves supervisees' mail addresses, to tell their declines from other attendees'. */
  directory?: { user(id: string): Promise<{ mail: string } | undefined> };
  /** Told of each Cancellation this run created (not of ones updated or already known). */
  onRecorded?: (cancellation: Cancellation) => void | Promise<void>;
}

/** The reason recorded when the supervisee declined the occurrence in Outlook. */
export const declinedReason = 'declined by supervisee';

export interface SyncWindow {
  from: Date;
  to: Date;
}

export interface SyncOptions {
  /** Supervisor directory user ids (their mailboxes organise the bookings). */
  supervisors: readonly string[];
  window: SyncWindow;
}

export interface MailboxSyncReport {
  mailbox: string;
  fullRound: boolean;
  reset: boolean;
  cancelled: number;
  declined: number;
  moved: number;
  /** Cancellation records written (created or changed) this run. */
  recorded: number;
  /** Changes already recorded by an earlier run. */
  alreadyRecorded: number;
  unmatched: number;
}

export interface SyncReport {
  mailboxes: MailboxSyncReport[];
  /** Mailboxes whose sync failed; the others still ran (error codes, never content). */
  failed: { mailbox: string; error: string }[];
}

const dayMs = 86_400_000;

/**
 * A window from the start of the current week (epoch-aligned, UTC) to `monthsAhead` later.
 * Aligned so that the window, and with it the delta token, stays the same all week: a token
 * encodes its window, and a window moving every call would make every round a full one.
 */
export function rollingWindow(now: Date, monthsAhead = 13): SyncWindow {
  const day = Math.floor(now.getTime() / dayMs);
  const from = new Date((day - (day % 7)) * dayMs);
  const to = new Date(from);
  to.setUTCMonth(to.getUTCMonth() + monthsAhead);
  return { from, to };
}

/** Deterministic: one Cancellation per occurrence, whatever the number of runs. */
export function cancellationIdFor(bookedId: string, originalStart: string): string {
  return `outlook-${createHash('sha256').update(`${bookedId}|${originalStart}`).digest('hex').slice(0, 32)}`;
}

interface Booked {
  schedule: Schedule;
  organizerId: string;
}

async function bookedIndex(records: RecordsRepository, supervisors: readonly string[]): Promise<Map<string, Booked>> {
  const index = new Map<string, Booked>();
  for (const supervisor of new Set(supervisors)) {
    for (const { record } of await records.where('schedules', 'supervisorId', supervisor)) {
      if (record.status === 'cancelled') continue;
      for (const s of record.series) index.set(s.eventId, { schedule: record, organizerId: s.organizerId });
      for (const s of record.singles) index.set(s.eventId, { schedule: record, organizerId: s.organizerId });
    }
  }
  return index;
}

const originOf = { cancelled: 'outlook-cancelled', declined: 'outlook-declined', moved: 'outlook-moved' } as const;

function cancellationOf(change: OccurrenceChange, schedule: Schedule, at: Date): Cancellation {
  return {
    id: cancellationIdFor(change.bookedId, change.originalStart),
    superviseeId: schedule.superviseeId,
    supervisorId: schedule.supervisorId,
    org: schedule.org,
    originalDate: instantToLondon(Date.parse(change.originalStart)).date,
    eventId: change.eventId,
    origin: originOf[change.kind],
    ...(change.kind === 'declined' ? { reason: declinedReason } : {}),
    ...(change.kind === 'moved' && change.start ? { rearrangedTo: instantToLondon(Date.parse(change.start)).date } : {}),
    cancelledAt: at.toISOString(),
  };
}

/** Creates the record, or updates it when what happened changed (moved, then cancelled). */
async function record(records: RecordsRepository, cancellation: Cancellation): Promise<'created' | 'written' | 'unchanged'> {
  const existing = await records.get('cancellations', cancellation.id);
  if (!existing) {
    await records.create('cancellations', cancellation);
    return 'created';
  }
  const stored = existing.record;
  if (stored.origin === cancellation.origin && stored.rearrangedTo === cancellation.rearrangedTo) return 'unchanged';
  // Keep what people added (the reason, who); only the Outlook facts change.
  const { rearrangedTo: _dropped, ...rest } = stored;
  const reason = stored.reason ?? cancellation.reason;
  const next: Cancellation = {
    ...rest,
    origin: cancellation.origin,
    eventId: cancellation.eventId ?? stored.eventId,
    ...(reason ? { reason } : {}),
    ...(cancellation.rearrangedTo ? { rearrangedTo: cancellation.rearrangedTo } : {}),
  };
  await records.update('cancellations', next, existing.version);
  return 'written';
}

/** Lower-case addresses (mail and object id) of each booked id's supervisee, when a directory is at hand. */
async function superviseeAddresses(deps: SyncDeps, booked: ReadonlySet<string>, index: Map<string, Booked>): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (!deps.directory) return result;
  const byUser = new Map<string, Promise<string | undefined>>();
  for (const id of booked) {
    const userId = index.get(id)?.schedule.superviseeId;
    if (!userId) continue;
    if (!byUser.has(userId)) byUser.set(userId, deps.directory.user(userId).then((u) => u?.mail.toLowerCase()));
    const mail = await byUser.get(userId);
    // Bookings may address the supervisee by object id rather than mail.
    result.set(id, mail ? [mail, userId.toLowerCase()] : [userId.toLowerCase()]);
  }
  return result;
}

async function syncMailbox(deps: SyncDeps, mailbox: string, window: SyncWindow, index: Map<string, Booked>, appMade: ReadonlyMap<string, Cancellation>): Promise<MailboxSyncReport> {
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const state = deps.store.get(mailbox);
  const sameWindow = state !== undefined && state.from === from && state.to === to;
  const answer = await deps.calendar.calendarDelta(mailbox, window.from, window.to, sameWindow ? state.deltaLink : undefined);
  const fullRound = !sameWindow || answer.reset;
  const booked = new Set([...index].filter(([, b]) => b.organizerId === mailbox).map(([id]) => id));
  const supervisees = await superviseeAddresses(deps, booked, index);
  const { changes, seen } = detectChanges({ answer, seen: state?.occurrences ?? {}, fullRound, from: window.from.getTime(), to: window.to.getTime(), booked, supervisees });
  const report: MailboxSyncReport = { mailbox, fullRound, reset: answer.reset, cancelled: 0, declined: 0, moved: 0, recorded: 0, alreadyRecorded: 0, unmatched: 0 };
  const at = deps.now();
  for (const change of changes) {
    const match = index.get(change.bookedId);
    if (!match) {
      report.unmatched += 1;
      continue;
    }
    // The app cancelled or moved it itself (tab or bot) and recorded that already.
    if (madeInApp(change, appMade.get(change.eventId))) continue;
    report[change.kind] += 1;
    const cancellation = cancellationOf(change, match.schedule, at);
    const outcome = await record(deps.records, cancellation);
    report[outcome === 'unchanged' ? 'alreadyRecorded' : 'recorded'] += 1;
    if (outcome === 'created') await deps.onRecorded?.(cancellation);
  }
  // Saved only after the records are written: a crash before this replays the same round,
  // and the deterministic ids make the replay write nothing twice.
  deps.store.put(mailbox, { from, to, deltaLink: answer.deltaLink, occurrences: seen });
  return report;
}

/** Occurrences the app cancelled or moved itself, by event id: what it recorded about each. */
async function appChanges(records: RecordsRepository, supervisors: readonly string[]): Promise<Map<string, Cancellation>> {
  const byEvent = new Map<string, Cancellation>();
  for (const supervisor of new Set(supervisors)) {
    for (const { record: c } of await records.where('cancellations', 'supervisorId', supervisor)) if ((c.origin === 'app' || c.origin === 'app-moved') && c.eventId) byEvent.set(c.eventId, c);
  }
  return byEvent;
}

export async function syncCalendars(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const index = await bookedIndex(deps.records, options.supervisors);
  const appMade = await appChanges(deps.records, options.supervisors);
  const organizers = new Set([...options.supervisors, ...[...index.values()].map((b) => b.organizerId)]);
  const report: SyncReport = { mailboxes: [], failed: [] };
  for (const mailbox of organizers) {
    try {
      report.mailboxes.push(await syncMailbox(deps, mailbox, options.window, index, appMade));
    } catch (error) {
      // One unreachable mailbox must not stop the others; the next run retries it.
      const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : error instanceof Error ? error.name : 'unknown';
      report.failed.push({ mailbox, error: code });
    }
  }
  return report;
}
