/**
 * Civil (wall-calendar) dates as integer day numbers: days since 1970-01-01.
 *
 * Policies speak in calendar days, weeks and months, never in instants, so the core plans
 * on day numbers where "add 14 days" can never be shifted by a DST change. Conversion to
 * instants happens only at the edges (see london.ts).
 */
export type Day = number;
/** `YYYY-MM-DD` */
export type CivilDate = string;
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

const MS_PER_DAY = 86_400_000;
const civilPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export const weekdays: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
export const workingWeekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

// Dates repeat endlessly in compliance runs (every session, deadline and month boundary), and
// Date parsing/formatting dominates a profile without these small caches.
const dayCache = new Map<string, Day>();
const civilCache = new Map<Day, CivilDate>();
const CACHE_LIMIT = 200_000;

export function isCivilDate(value: string): boolean {
  if (dayCache.has(value)) return true;
  const match = civilPattern.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const day = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return new Date(day).toISOString().slice(0, 10) === value;
}

export function toDay(date: CivilDate): Day {
  const cached = dayCache.get(date);
  if (cached !== undefined) return cached;
  const match = civilPattern.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY;
  if (dayCache.size < CACHE_LIMIT) dayCache.set(date, day);
  return day;
}

export function toCivil(day: Day): CivilDate {
  const cached = civilCache.get(day);
  if (cached !== undefined) return cached;
  const civil = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  if (civilCache.size < CACHE_LIMIT) civilCache.set(day, civil);
  return civil;
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayIndex(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function weekdayOf(day: Day): Weekday {
  return weekdays[weekdayIndex(day)] as Weekday;
}

export function weekdayNumber(weekday: Weekday): number {
  return weekdays.indexOf(weekday);
}

export function isWeekend(day: Day): boolean {
  const w = weekdayIndex(day);
  return w === 0 || w === 6;
}

/** First day on or after `day` that falls on `weekday`. */
export function nextOnOrAfter(day: Day, weekday: Weekday): Day {
  return day + ((weekdayNumber(weekday) - weekdayIndex(day) + 7) % 7);
}

/** Last day on or before `day` that falls on `weekday`. */
export function lastOnOrBefore(day: Day, weekday: Weekday): Day {
  return day - ((weekdayIndex(day) - weekdayNumber(weekday) + 7) % 7);
}

export interface YearMonth {
  year: number;
  /** 1..12 */
  month: number;
}

export function yearMonthOf(day: Day): YearMonth {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** Months since January 1970, so consecutive months differ by one. */
export function monthIndex(day: Day): number {
  const { year, month } = yearMonthOf(day);
  return (year - 1970) * 12 + (month - 1);
}

export function firstDayOfMonthIndex(index: number): Day {
  return Date.UTC(1970 + Math.floor(index / 12), ((index % 12) + 12) % 12, 1) / MS_PER_DAY;
}

export function lastDayOfMonthIndex(index: number): Day {
  return firstDayOfMonthIndex(index + 1) - 1;
}

/** Same day number `n` months later, clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: Day, n: number): Day {
  const d = new Date(day * MS_PER_DAY);
  const target = monthIndex(day) + n;
  const last = lastDayOfMonthIndex(target);
  const wanted = firstDayOfMonthIndex(target) + d.getUTCDate() - 1;
  return Math.min(wanted, last);
}

export function yearOf(day: Day): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** 1-based position of `day` among the same weekdays of its month (1 = first Tuesday). */
export function weekdayOrdinalInMonth(day: Day): number {
  return Math.floor((new Date(day * MS_PER_DAY).getUTCDate() - 1) / 7) + 1;
}

/** The n-th (1..5) `weekday` of a month, or the last when n is 'last' or the month has fewer. */
export function nthWeekdayOfMonth(monthIdx: number, weekday: Weekday, n: number | 'last'): Day {
  const first = nextOnOrAfter(firstDayOfMonthIndex(monthIdx), weekday);
  const lastDay = lastDayOfMonthIndex(monthIdx);
  if (n === 'last') return lastOnOrBefore(lastDay, weekday);
  const candidate = first + (n - 1) * 7;
  return candidate <= lastDay ? candidate : lastOnOrBefore(lastDay, weekday);
}
