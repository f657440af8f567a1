/**
 * After Outlook: a session cancelled, declined or moved there is recorded by sync with no
 * reason (or the supervisee's decline as its reason) and nothing rearranged. This is what the
 * bot card and the tab banner share: which of those still want something from the
 * supervisor, recording the reason, the free slots inside the pack's window, and booking the
 * replacement through the same calendar port and schedule as every other rebooking, so a
 * rearranged session counts for compliance like any other and a reason shows with the
 * cancellation.
 */
import { toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import { declinedReason } from './sync-calendars.js';
import type { Pack } from '../policy/schema.js';
import type { Cancellation, Schedule, Staff } from '../records/models.js';
import type { Versioned } from '../records/repository.js';
import type { OccurrenceView } from '../server/api/schemas.js';
import { bookReplacement, loadPerson, rebookBy, streamMinutes, todayOf } from '../server/api/supervision.js';
import type { AppServices } from '../server/services.js';
import { checkReason, freeSlots, windowFor, type RescheduleWindow, type Slot } from '../server/rearrange.js';

export interface PendingState {
  needsReason: boolean;
  needsRearranging: boolean;
}

/**
 * What a cancellation still asks of the supervisor. Only ones sync found in Outlook: the app's
 * own cancellations were made with their reason and rebooking at hand. A moved session was
 * rearranged already (to its new date) but still owes its reason. A supervisee's decline is a
 * reason only where the pack does not list the reasons it accepts; where it does, the
 * supervisor still gives one of them, as compliance will ask.
 */
export function pendingState(cancellation: Cancellation, pack: Pack): PendingState | undefined {
  if (cancellation.origin === 'app' || cancellation.origin === 'app-moved') return undefined;
  const reasonAccepted = cancellation.reason !== undefined && checkReason(pack, cancellation.reason).ok;
  const state = { needsReason: !reasonAccepted, needsRearranging: !cancellation.rearrangedTo && cancellation.origin !== 'outlook-moved' };
  return state.needsReason || state.needsRearranging ? state : undefined;
}

export interface Pending {
  cancellation: Cancellation;
  version: string;
  state: PendingState;
  /** Latest date the pack allows for the replacement. */
  rebookBy: CivilDate;
}

/** Pending cancellations of one supervisor's supervisees, oldest session first. */
export async function pendingForSupervisor(services: AppServices, supervisorId: string): Promise<Pending[]> {
  const rows = await services.records.where('cancellations', 'supervisorId', supervisorId);
  const pending: Pending[] = [];
  for (const row of rows) {
    const state = pendingState(row.record, services.pack);
    if (state) pending.push({ cancellation: row.record, version: row.version, state, rebookBy: rebookBy(services.pack, row.record.originalDate) });
  }
  return pending.sort((a, b) => (a.cancellation.originalDate < b.cancellation.originalDate ? -1 : a.cancellation.originalDate > b.cancellation.originalDate ? 1 : a.cancellation.id < b.cancellation.id ? -1 : 1));
}

/** The supervisor's reason, keeping that the supervisee declined when that is what happened. */
function withDecline(cancellation: Cancellation, reason: string): string {
  return cancellation.reason === declinedReason ? `${reason} (${declinedReason})`.slice(0, 1000) : reason;
}

export type ReasonOutcome = { status: 'saved'; cancellation: Versioned<Cancellation> } | { status: 'refused'; message: string };

/** Records the supervisor's reason, checked against the pack as every cancellation reason is. */
export async function recordReason(services: AppServices, cancellationId: string, reason: string): Promise<ReasonOutcome> {
  const checked = checkReason(services.pack, reason);
  if (!checked.ok) return { status: 'refused', message: checked.message };
  if (!checked.reason) return { status: 'refused', message: 'Give the reason the session did not go ahead.' };
  for (let attempt = 0; ; attempt++) {
    const found = await services.records.get('cancellations', cancellationId);
    if (!found) return { status: 'refused', message: 'That cancellation no longer exists.' };
    try {
      return { status: 'saved', cancellation: await services.records.update('cancellations', { ...found.record, reason: withDecline(found.record, checked.reason) }, found.version) };
    } catch (error) {
      // Sync may have just updated the Outlook facts; the reason goes on top of them.
      if ((error as { code?: string }).code !== 'CONFLICT' || attempt >= 4) throw error;
    }
  }
}

/** The cancelled session as the API shows it (its organiser, length and schedule). */
async function occurrenceOf(services: AppServices, staff: Staff, cancellation: Cancellation): Promise<OccurrenceView> {
  const data = await loadPerson(services, staff);
  const id = cancellation.eventId ?? `cancellation:${cancellation.id}`;
  const found = data.occurrences.find((o) => o.id === id) ?? data.occurrences.find((o) => o.status === 'cancelled' && o.originalDate === cancellation.originalDate);
  return {
    ...(found ?? { id, organizerId: cancellation.supervisorId, originalDate: cancellation.originalDate, date: cancellation.originalDate, kind: 'individual' as const, status: 'cancelled' as const }),
    durationMinutes: found?.durationMinutes ?? streamMinutes(services.pack, staff.role, 'individual'),
  };
}

/**
 * From tomorrow to the pack's latest date; once that has passed, the next two weeks, since
 * "as soon as possible" is then all the policy can still ask.
 */
export function rearrangeWindow(services: AppServices, occurrence: OccurrenceView): RescheduleWindow {
  const window = windowFor(services, occurrence);
  if (window.to >= window.from) return window;
  return { from: window.from, to: toCivil(toDay(window.from) + 14), words: `as soon as possible: the policy's window (${window.words}) ended on ${window.to}` };
}

export interface SlotOffer {
  window: RescheduleWindow;
  slots: Slot[];
}

export async function slotsFor(services: AppServices, staff: Staff, cancellation: Cancellation, options: { max?: number; perDay?: number } = {}): Promise<SlotOffer> {
  const occurrence = await occurrenceOf(services, staff, cancellation);
  const window = rearrangeWindow(services, occurrence);
  return { window, slots: await freeSlots(services, staff, occurrence, window, options) };
}

export type RearrangeOutcome =
  | { status: 'rearranged'; date: CivilDate; time: string; eventId: string; cancellation: Cancellation }
  | { status: 'already'; date: CivilDate }
  | { status: 'refused'; message: string; field?: 'date' | 'time' | 'reason' };

async function bookedScheduleFor(services: AppServices, staff: Staff, occurrence: OccurrenceView): Promise<Versioned<Schedule> | undefined> {
  if (occurrence.scheduleId) {
    const found = await services.records.get('schedules', occurrence.scheduleId);
    if (found?.record.status === 'booked') return found;
  }
  const all = await services.records.where('schedules', 'superviseeId', staff.userId);
  return all.find((s) => s.record.status === 'booked' && s.record.supervisorId === staff.supervisorId) ?? all.find((s) => s.record.status === 'booked');
}

/**
 * Books the replacement in the organiser's calendar and records it. Safe to repeat: the
 * meeting's transactionId derives from the cancellation, the schedule keeps one single per
 * meeting, and the cancellation is marked rearranged last.
 */
export async function rearrange(services: AppServices, staff: Staff, cancellationId: string, slot: Slot, reason?: string): Promise<RearrangeOutcome> {
  const found = await services.records.get('cancellations', cancellationId);
  if (!found || found.record.superviseeId !== staff.userId) return { status: 'refused', message: 'That cancellation no longer exists.' };
  if (found.record.rearrangedTo) return { status: 'already', date: found.record.rearrangedTo };
  let checkedReason: string | undefined;
  if (reason !== undefined && reason.trim() !== '') {
    const checked = checkReason(services.pack, reason);
    if (!checked.ok) return { status: 'refused', message: checked.message, field: 'reason' };
    checkedReason = checked.reason;
  }
  const occurrence = await occurrenceOf(services, staff, found.record);
  const window = rearrangeWindow(services, occurrence);
  if (slot.date < window.from || slot.date > window.to) return { status: 'refused', message: `Choose a date between ${window.from} and ${window.to} (${window.words}).`, field: 'date' };
  if (slot.date < todayOf(services)) return { status: 'refused', message: `${slot.date} is in the past.`, field: 'date' };
  const free = await freeSlots(services, staff, occurrence, { ...window, from: slot.date, to: slot.date }, { perDay: 100, max: 100 });
  if (!free.some((s) => s.time === slot.time)) return { status: 'refused', message: 'That time is no longer free for both of you. Choose another.', field: 'time' };
  const schedule = await bookedScheduleFor(services, staff, occurrence);
  if (!schedule) return { status: 'refused', message: 'There is no booked schedule to add the session to; book supervision first.' };
  const minutes = occurrence.durationMinutes ?? streamMinutes(services.pack, staff.role, 'individual');
  const { eventId: id } = await bookReplacement(services, {
    staff,
    scheduleId: schedule.record.id,
    organizerId: occurrence.organizerId,
    originalDate: found.record.originalDate,
    ruleId: occurrence.ruleId,
    date: slot.date,
    time: slot.time,
    minutes,
    idempotencyKey: `${found.record.id}/rearrange`,
  });
  for (let attempt = 0; ; attempt++) {
    const current = await services.records.get('cancellations', cancellationId);
    if (!current) return { status: 'refused', message: 'That cancellation no longer exists.' };
    const next: Cancellation = { ...current.record, rearrangedTo: slot.date, ...(checkedReason ? { reason: withDecline(current.record, checkedReason) } : {}) };
    try {
      const saved = await services.records.update('cancellations', next, current.version);
      return { status: 'rearranged', date: slot.date, time: slot.time, eventId: id, cancellation: saved.record };
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT' || attempt >= 4) throw error;
    }
  }
}
