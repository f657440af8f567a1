/**
 * Rearranging a one-to-one, shared by the bot's `reschedule` and the answer to a session
 * cancelled in Outlook: the reason the policy asks for, free slots for both people inside the
 * window the policy allows for rearranging, then the same cancel-and-rebook the tab does (same cancellation record id and meeting transactionId,
 * so doing it in both places, or twice, books one meeting).
 */
import { transactionIdFor } from '../booking/booking.js';
import { reasonPermitted } from '../policy/cancellation.js';
import { toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import { londonToInstant } from '../calendar/london.js';
import { isWorkingDay } from '../calendar/working-days.js';
import type { Pack } from '../policy/schema.js';
import type { Cancellation, Staff } from '../records/models.js';
import { bookReplacement, loadPerson, rearrangeWords, rebookBy, streamMinutes, todayOf } from './api/supervision.js';
import type { OccurrenceView } from './api/schemas.js';
import type { AppServices } from './services.js';

export interface Slot {
  date: CivilDate;
  time: string;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function clock(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** A reason the pack accepts, or the message saying why not. */
export function checkReason(pack: Pack, reason: string): { ok: true; reason: string | undefined } | { ok: false; message: string } {
  const rules = pack.cancellation;
  const trimmed = reason.trim().slice(0, 1000);
  if (!trimmed) return rules.reasonRequired ? { ok: false, message: 'Your organisation asks for a reason whenever a supervision session is moved.' } : { ok: true, reason: undefined };
  if (!reasonPermitted(rules, trimmed)) {
    return { ok: false, message: `Your organisation's policy permits moving supervision only for: ${(rules.permittedReasons ?? []).join('; ')}.` };
  }
  return { ok: true, reason: trimmed };
}

export interface RescheduleWindow {
  from: CivilDate;
  to: CivilDate;
  words: string;
}

export function windowFor(services: AppServices, occurrence: OccurrenceView): RescheduleWindow {
  const today = todayOf(services);
  return { from: toCivil(toDay(today) + 1), to: rebookBy(services.pack, occurrence.originalDate), words: rearrangeWords(services.pack) };
}

/**
 * Start times inside the window when the supervisor and the supervisee are both free for the
 * whole session, at most `perDay` a day and `max` in all, earliest first.
 */
export async function freeSlots(services: AppServices, staff: Staff, occurrence: OccurrenceView, window: RescheduleWindow, options: { max?: number; perDay?: number } = {}): Promise<Slot[]> {
  if (window.to < window.from) return [];
  const minutes = occurrence.durationMinutes ?? streamMinutes(services.pack, staff.role, 'individual');
  const organizer = occurrence.organizerId;
  const busy = await services.calendar.busy([...new Set([organizer, staff.supervisorId, staff.userId])], window.from, toCivil(toDay(window.to) + 1));
  // The session being moved is busy time too; it must not hide its own neighbourhood.
  const ownStart = occurrence.time ? londonToInstant(occurrence.date, occurrence.time) : undefined;
  const others = busy.filter((b) => ownStart === undefined || b.start !== ownStart);
  const { start, end } = services.pack.scheduling.workingHours;
  const now = services.now().getTime();
  const slots: Slot[] = [];
  for (let day = toDay(window.from); day <= toDay(window.to); day++) {
    if (!isWorkingDay(day)) continue;
    const date = toCivil(day);
    let today = 0;
    for (let t = minutesOf(start); t + minutes <= minutesOf(end); t += 30) {
      const slotStart = londonToInstant(date, clock(t));
      const slotEnd = slotStart + minutes * 60_000;
      if (slotStart <= now || others.some((b) => b.start < slotEnd && b.end > slotStart)) continue;
      slots.push({ date, time: clock(t) });
      if (++today >= (options.perDay ?? 2) || slots.length >= (options.max ?? 8)) break;
    }
    if (slots.length >= (options.max ?? 8)) break;
  }
  return slots;
}

export type RebookOutcome =
  | { status: 'rebooked'; date: CivilDate; time: string; eventId: string }
  | { status: 'already'; date?: CivilDate }
  | { status: 'refused'; message: string };

/** Cancels the occurrence with the reason and books the chosen slot, as the tab does. */
export async function rebook(services: AppServices, staff: Staff, occurrenceId: string, reason: string | undefined, slot: Slot, byUserId: string): Promise<RebookOutcome> {
  const data = await loadPerson(services, staff);
  const occurrence = data.occurrences.find((o) => o.id === occurrenceId);
  const cancellationId = `cancellation-${transactionIdFor(`${staff.userId}/${occurrenceId}`)}`;
  const previous = data.cancellations.find((c) => c.record.id === cancellationId);
  if (previous) return { status: 'already', ...(previous.record.rearrangedTo ? { date: previous.record.rearrangedTo } : {}) };
  if (!occurrence || occurrence.status !== 'planned' || !occurrence.scheduleId) return { status: 'refused', message: 'That session is no longer booked, so it cannot be moved from here.' };
  const window = windowFor(services, occurrence);
  if (slot.date < window.from || slot.date > window.to) return { status: 'refused', message: `Choose a date between ${window.from} and ${window.to} (${window.words}).` };
  const free = await freeSlots(services, staff, occurrence, { ...window, from: slot.date, to: slot.date }, { perDay: 100, max: 100 });
  if (!free.some((s) => s.time === slot.time)) return { status: 'refused', message: 'That time is no longer free for both of you. Choose another.' };
  const schedule = await services.records.get('schedules', occurrence.scheduleId);
  if (!schedule || schedule.record.status !== 'booked') return { status: 'refused', message: 'That session is no longer booked.' };
  const minutes = occurrence.durationMinutes ?? streamMinutes(services.pack, staff.role, 'individual');

  await services.calendar.cancelMeeting(occurrence.organizerId, occurrence.id, reason ? `Supervision rearranged: ${reason}` : 'Supervision rearranged');
  const cancellation: Cancellation = {
    id: cancellationId,
    superviseeId: staff.userId,
    supervisorId: staff.supervisorId,
    org: services.pack.id,
    originalDate: occurrence.originalDate,
    eventId: occurrence.id,
    origin: 'app',
    cancelledBy: byUserId,
    cancelledAt: services.now().toISOString(),
    rearrangedTo: slot.date,
    ...(reason ? { reason } : {}),
  };
  await services.records.create('cancellations', cancellation);
  const { eventId: id } = await bookReplacement(services, {
    staff,
    scheduleId: schedule.record.id,
    organizerId: occurrence.organizerId,
    originalDate: occurrence.originalDate,
    ruleId: occurrence.ruleId,
    date: slot.date,
    time: slot.time,
    minutes,
    idempotencyKey: `${schedule.record.id}/rebook/${occurrence.id}`,
  });
  return { status: 'rebooked', date: slot.date, time: slot.time, eventId: id };
}
