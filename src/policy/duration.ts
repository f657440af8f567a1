import { addMonths, type Day } from '../calendar/civil.js';
import { endOfLondonDay, londonDayOf } from '../calendar/london.js';
import { addWorkingDays } from '../calendar/working-days.js';
import type { Duration } from './schema.js';

/**
 * The last day a duration allows from a day: "within 5 working days" of a Monday session is
 * the next Monday; "within 1 month" of 31 January is 28 February. Hours round up to days.
 */
export function dayDeadline(from: Day, duration: Duration): Day {
  if ('days' in duration) return from + duration.days;
  if ('weeks' in duration) return from + duration.weeks * 7;
  if ('months' in duration) return addMonths(from, duration.months);
  if ('workingDays' in duration) return addWorkingDays(from, duration.workingDays);
  return from + Math.ceil(duration.hours / 24);
}

/**
 * The deadline instant a duration allows from an instant: hours count exactly ("within 48
 * hours"), anything in days ends at the end of that London day.
 */
export function instantDeadline(from: number, duration: Duration): number {
  if ('hours' in duration) return from + duration.hours * 3_600_000;
  return endOfLondonDay(dayDeadline(londonDayOf(from), duration));
}

export function durationText(duration: Duration): string {
  const [unit, n] = Object.entries(duration)[0] as [string, number];
  const words: Record<string, [string, string]> = {
    hours: ['hour', 'hours'],
    days: ['day', 'days'],
    workingDays: ['working day', 'working days'],
    weeks: ['week', 'weeks'],
    months: ['month', 'months'],
  };
  const [one, many] = words[unit] ?? [unit, unit];
  return `${n} ${n === 1 ? one : many}`;
}
