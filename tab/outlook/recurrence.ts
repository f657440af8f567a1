/**
 * Pure mapping from a supervisee's policy plan (GET /api/supervisees/{id}/plan) to what the
 * Outlook task pane does with the appointment being composed:
 *
 * - a single-phase one-to-one cadence of "every N weeks" becomes one Office.js weekly
 *   recurrence (`item.recurrence.setAsync`), starting at the next planned session;
 * - anything else (phases, calendar-month or hours rules) is booked through the API instead,
 *   because one Outlook series cannot express it.
 *
 * Office.js names: recurrenceType "weekly", days "mon".."fri", and SeriesTime months are
 * 0-based (`setStartDate(2026, 10, 24)` is 24 November 2026).
 */
import type { PlanView } from '../../src/server/api/schemas.js';

export type Weekday = PlanView['weekday'];

/** The plan fields the mapping reads. */
export type PlanLike = Pick<PlanView, 'weekday' | 'time' | 'until' | 'phases' | 'sessions'>;

/** A civil date as Office.js SeriesTime wants it: `month` is 0-based. */
export interface OfficeDate {
  year: number;
  month: number;
  day: number;
}

/** Everything `item.recurrence.setAsync` needs, as plain data (SeriesTime is filled from it). */
export interface RecurrenceSpec {
  recurrenceType: 'weekly';
  recurrenceProperties: { interval: number; days: [Weekday]; firstDayOfWeek: 'mon' };
  recurrenceTimeZone: { name: string };
  seriesTime: { startDate: OfficeDate; endDate: OfficeDate; startTime: { hours: number; minutes: number }; durationMinutes: number };
}

export type Decision =
  | { kind: 'recurrence'; interval: number; firstDate: string; spec: RecurrenceSpec; phase: PlanView['phases'][number] }
  | { kind: 'book'; reason: string; phases: PlanView['phases'] };

/** Windows time zone name Outlook uses for UK local time (GMT/BST). */
export const londonTimeZone = 'GMT Standard Time';

const weekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** "2026-11-24" → { year: 2026, month: 10, day: 24 } (0-based month, as Office.js expects). */
export function officeDate(civil: string): OfficeDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(civil);
  if (!match) throw new Error(`not a date: ${civil}`);
  return { year: Number(match[1]), month: Number(match[2]) - 1, day: Number(match[3]) };
}

/** The weekday of a civil date, or undefined at weekends. */
export function weekdayOf(civil: string): Weekday | undefined {
  const { year, month, day } = officeDate(civil);
  const index = new Date(Date.UTC(year, month, day)).getUTCDay();
  return index >= 1 && index <= 5 ? weekdays[index - 1] : undefined;
}

/** "every week" → 1, "every 4 weeks" → 4; anything else is not a weekly interval. */
export function weeklyInterval(frequency: string): number | undefined {
  if (frequency === 'every week') return 1;
  const match = /^every (\d+) weeks$/.exec(frequency);
  return match ? Number(match[1]) : undefined;
}

/** The phases of the stream the plan's one-to-one (individual) sessions belong to. */
export function individualPhases(plan: Pick<PlanLike, 'phases' | 'sessions'>): PlanView['phases'] {
  const rules = new Set(plan.sessions.filter((s) => s.kind === 'individual').map((s) => s.ruleId));
  const streams = new Set(plan.phases.filter((p) => rules.has(p.ruleId)).map((p) => p.stream));
  return plan.phases.filter((p) => streams.has(p.stream));
}

/** Applies the policy as one weekly recurrence when it can be, otherwise says to book. */
export function decide(plan: PlanLike, today: string): Decision {
  const phases = individualPhases(plan);
  if (phases.length === 0) return { kind: 'book', reason: 'The policy plans no one-to-one sessions for this supervisee.', phases };
  if (phases.length > 1) return { kind: 'book', reason: `The policy has ${phases.length} phases, which one Outlook series cannot express.`, phases };
  const phase = phases[0]!;
  const interval = weeklyInterval(phase.frequency);
  if (interval === undefined) return { kind: 'book', reason: `"${phase.frequency}" is not a weekly interval, which one Outlook series cannot express.`, phases };
  const first = plan.sessions.find((s) => s.kind === 'individual' && s.ruleId === phase.ruleId && s.date >= today && weekdayOf(s.date) === plan.weekday);
  if (!first) return { kind: 'book', reason: 'The plan has no session still to come to start the series from.', phases };
  const [hours, minutes] = plan.time.split(':').map(Number) as [number, number];
  return {
    kind: 'recurrence',
    interval,
    firstDate: first.date,
    phase,
    spec: {
      recurrenceType: 'weekly',
      recurrenceProperties: { interval, days: [plan.weekday], firstDayOfWeek: 'mon' },
      recurrenceTimeZone: { name: londonTimeZone },
      seriesTime: { startDate: officeDate(first.date), endDate: officeDate(plan.until), startTime: { hours, minutes }, durationMinutes: first.durationMinutes },
    },
  };
}

/** The part of Office.SeriesTime the task pane sets. */
export interface SeriesTimeLike {
  setStartDate(year: number, month: number, day: number): void;
  setEndDate(year: number, month: number, day: number): void;
  setStartTime(hours: number, minutes: number): void;
  setDuration(minutes: number): void;
}

/** The Office.js recurrence pattern for `item.recurrence.setAsync`, with a SeriesTime filled in. */
export function officePattern<T extends SeriesTimeLike>(spec: RecurrenceSpec, seriesTime: T) {
  const { startDate, endDate, startTime, durationMinutes } = spec.seriesTime;
  seriesTime.setStartDate(startDate.year, startDate.month, startDate.day);
  seriesTime.setEndDate(endDate.year, endDate.month, endDate.day);
  seriesTime.setStartTime(startTime.hours, startTime.minutes);
  seriesTime.setDuration(durationMinutes);
  return {
    recurrenceType: spec.recurrenceType,
    recurrenceProperties: { ...spec.recurrenceProperties, days: [...spec.recurrenceProperties.days] },
    recurrenceTimeZone: { ...spec.recurrenceTimeZone },
    seriesTime,
  };
}

/** Today's civil date in UK local time. */
export function londonToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
