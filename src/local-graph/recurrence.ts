/**
 * Graph's `patternedRecurrence`: validation as Graph does it, and expansion into occurrences.
 *
 * Pure (no IO, no clock) and written from Graph's documented semantics, independently of any
 * RRULE library: the product's own tests cross-check the series compiler with `rrule`, so this
 * service must not share that code or it could not catch a shared misreading.
 *
 * Semantics implemented (contrib recurrencepattern.md, recurrencerange.md,
 * outlook-schedule-recurring-events.md):
 * - occurrences are civil dates in the recurrence's time zone; each starts at the series'
 *   wall-clock time there, so 09:00 London stays 09:00 across DST and its UTC instant moves;
 * - the first occurrence is the first date on or after `range.startDate` fitting the pattern;
 * - weekly intervals count weeks from the week containing startDate, weeks starting on
 *   `firstDayOfWeek` (default sunday);
 * - monthly/yearly intervals count calendar months/years from startDate's month/year; an
 *   absolute day past the month's end falls on its last day, as Outlook schedules it;
 * - relative patterns take the index-th day of the month matching any of `daysOfWeek`;
 * - `endDate` is inclusive; `numbered` counts occurrences from the first; `noEnd` is open.
 */
import { resolveTimeZone, localToInstant, instantToLocal } from './time-zones.js';

export const daysOfWeek = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type DayOfWeek = (typeof daysOfWeek)[number];
export const weekIndexes = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type WeekIndex = (typeof weekIndexes)[number];
export const patternTypes = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'] as const;
export type PatternType = (typeof patternTypes)[number];
export const rangeTypes = ['endDate', 'noEnd', 'numbered'] as const;
export type RangeType = (typeof rangeTypes)[number];

/** `YYYY-MM-DD` */
export type CivilDate = string;

/** A pattern with every property present, as Graph returns it (0 and defaults for unused ones). */
export interface RecurrencePattern {
  type: PatternType;
  interval: number;
  month: number;
  dayOfMonth: number;
  daysOfWeek: DayOfWeek[];
  firstDayOfWeek: DayOfWeek;
  index: WeekIndex;
}

export interface RecurrenceRange {
  type: RangeType;
  startDate: CivilDate;
  /** "0001-01-01" when the range type does not use it, as Graph returns it. */
  endDate: CivilDate;
  recurrenceTimeZone: string;
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

export type RecurrenceCheck =
  | { ok: true; recurrence: PatternedRecurrence }
  | { ok: false; code: 'RequestBodyRead' | 'ErrorPropertyValidationFailure'; message: string };

const unsetDate = '0001-01-01';
const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Civil dates as day numbers (days since 1970-01-01), so date arithmetic never meets DST.

function toDay(date: CivilDate): number {
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999, and Graph writes
  // unused dates as "0001-01-01", which clients echo back on PATCH.
  const d = new Date(0);
  d.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return d.getTime() / MS_PER_DAY;
}

function toCivil(day: number): CivilDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isCivilDate(value: unknown): value is CivilDate {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return toCivil(toDay(value)) === value;
}

/** Months since year 0, so intervals in months are plain subtraction. */
function monthIndexOf(day: number): number {
  const d = new Date(day * MS_PER_DAY);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function daysInMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function dayOf(monthIndex: number, dayOfMonth: number): number {
  return Date.UTC(Math.floor(monthIndex / 12), monthIndex % 12, dayOfMonth) / MS_PER_DAY;
}

// ---------------------------------------------------------------------------------------------
// Validation

type Fail = Extract<RecurrenceCheck, { ok: false }>;

function unknownProperty(name: string, type: string): Fail {
  return { ok: false, code: 'RequestBodyRead', message: `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.` };
}

function badLiteral(value: unknown, type: string): Fail {
  return { ok: false, code: 'RequestBodyRead', message: `Cannot convert the literal '${String(value)}' to the expected type 'microsoft.graph.${type}'.` };
}

function invalid(detail: string): Fail {
  return { ok: false, code: 'ErrorPropertyValidationFailure', message: `At least one property failed validation. ${detail}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const patternKeys = new Set(['type', 'interval', 'month', 'dayOfMonth', 'daysOfWeek', 'firstDayOfWeek', 'index', '@odata.type']);
const rangeKeys = new Set(['type', 'startDate', 'endDate', 'recurrenceTimeZone', 'numberOfOccurrences', '@odata.type']);

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/**
 * Validates a `patternedRecurrence` as Graph does: required properties per type, and every
 * present property must hold a valid value even when the type ignores it. `startDate` must be
 * the date of the event's start (in the event's own zone).
 */
export function validateRecurrence(input: unknown, event: { startDate: CivilDate; timeZone: string }): RecurrenceCheck {
  if (!isRecord(input)) return invalid('recurrence must be an object with pattern and range.');
  for (const key of Object.keys(input)) {
    if (key !== 'pattern' && key !== 'range' && key !== '@odata.type') return unknownProperty(key, 'patternedRecurrence');
  }
  const p = input.pattern;
  const r = input.range;
  if (!isRecord(p)) return invalid('recurrence.pattern is required.');
  if (!isRecord(r)) return invalid('recurrence.range is required.');
  for (const key of Object.keys(p)) if (!patternKeys.has(key)) return unknownProperty(key, 'recurrencePattern');
  for (const key of Object.keys(r)) if (!rangeKeys.has(key)) return unknownProperty(key, 'recurrenceRange');

  // Values first: a present property with an unsupported value fails even when ignored.
  if (p.type === undefined || p.type === null) return invalid('recurrence.pattern.type is required.');
  if (!oneOf(patternTypes, p.type)) return badLiteral(p.type, 'recurrencePatternType');
  if (p.interval !== undefined && p.interval !== null && (!isInteger(p.interval) || p.interval < 1 || p.interval > 999)) {
    return invalid(`recurrence.pattern.interval must be an integer from 1 to 999, not ${JSON.stringify(p.interval)}.`);
  }
  if (p.month !== undefined && p.month !== null && (!isInteger(p.month) || p.month < 0 || p.month > 12)) {
    return invalid(`recurrence.pattern.month must be an integer from 1 to 12, not ${JSON.stringify(p.month)}.`);
  }
  if (p.dayOfMonth !== undefined && p.dayOfMonth !== null && (!isInteger(p.dayOfMonth) || p.dayOfMonth < 0 || p.dayOfMonth > 31)) {
    return invalid(`recurrence.pattern.dayOfMonth must be an integer from 1 to 31, not ${JSON.stringify(p.dayOfMonth)}.`);
  }
  let days: DayOfWeek[] = [];
  if (p.daysOfWeek !== undefined && p.daysOfWeek !== null) {
    if (!Array.isArray(p.daysOfWeek)) return invalid('recurrence.pattern.daysOfWeek must be an array.');
    for (const d of p.daysOfWeek) if (!oneOf(daysOfWeek, d)) return badLiteral(d, 'dayOfWeek');
    days = [...new Set(p.daysOfWeek as DayOfWeek[])];
  }
  if (p.firstDayOfWeek !== undefined && p.firstDayOfWeek !== null && !oneOf(daysOfWeek, p.firstDayOfWeek)) return badLiteral(p.firstDayOfWeek, 'dayOfWeek');
  if (p.index !== undefined && p.index !== null && !oneOf(weekIndexes, p.index)) return badLiteral(p.index, 'weekIndex');

  const type = p.type;
  const interval = isInteger(p.interval) ? p.interval : 0;
  const month = isInteger(p.month) ? p.month : 0;
  const dayOfMonth = isInteger(p.dayOfMonth) ? p.dayOfMonth : 0;
  if (interval < 1) return invalid(`recurrence.pattern.interval is required for a ${type} pattern.`);
  if ((type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly') && days.length === 0) {
    return invalid(`recurrence.pattern.daysOfWeek is required for a ${type} pattern.`);
  }
  if ((type === 'absoluteMonthly' || type === 'absoluteYearly') && dayOfMonth < 1) {
    return invalid(`recurrence.pattern.dayOfMonth is required for a ${type} pattern.`);
  }
  if ((type === 'absoluteYearly' || type === 'relativeYearly') && month < 1) {
    return invalid(`recurrence.pattern.month is required for a ${type} pattern.`);
  }
  if (type === 'absoluteYearly' && dayOfMonth > daysInMonth(2000 * 12 + month - 1)) {
    return invalid(`recurrence.pattern.dayOfMonth ${dayOfMonth} does not exist in month ${month}.`);
  }

  if (r.type === undefined || r.type === null) return invalid('recurrence.range.type is required.');
  if (!oneOf(rangeTypes, r.type)) return badLiteral(r.type, 'recurrenceRangeType');
  if (!isCivilDate(r.startDate)) return invalid('recurrence.range.startDate is required and must be a date (YYYY-MM-DD).');
  if (r.endDate !== undefined && r.endDate !== null && !isCivilDate(r.endDate)) return invalid(`recurrence.range.endDate must be a date (YYYY-MM-DD), not ${JSON.stringify(r.endDate)}.`);
  if (r.numberOfOccurrences !== undefined && r.numberOfOccurrences !== null && (!isInteger(r.numberOfOccurrences) || r.numberOfOccurrences < 0)) {
    return invalid(`recurrence.range.numberOfOccurrences must be a non-negative integer, not ${JSON.stringify(r.numberOfOccurrences)}.`);
  }
  let zoneName = event.timeZone;
  if (r.recurrenceTimeZone !== undefined && r.recurrenceTimeZone !== null && r.recurrenceTimeZone !== '') {
    const zone = resolveTimeZone(typeof r.recurrenceTimeZone === 'string' ? r.recurrenceTimeZone : undefined);
    if (!zone) return invalid(`recurrence.range.recurrenceTimeZone '${String(r.recurrenceTimeZone)}' is not a supported time zone.`);
    zoneName = zone.name;
  }
  const endDate = typeof r.endDate === 'string' ? r.endDate : unsetDate;
  const count = isInteger(r.numberOfOccurrences) ? r.numberOfOccurrences : 0;
  if (r.type === 'endDate') {
    if (endDate === unsetDate || r.endDate === undefined || r.endDate === null) return invalid('recurrence.range.endDate is required for an endDate range.');
    if (toDay(endDate) < toDay(r.startDate)) return invalid('recurrence.range.endDate must not be before recurrence.range.startDate.');
  }
  if (r.type === 'numbered' && count < 1) return invalid('recurrence.range.numberOfOccurrences must be positive for a numbered range.');
  if (r.startDate !== event.startDate) {
    return invalid(`recurrence.range.startDate (${r.startDate}) must be the date of the event's start (${event.startDate}).`);
  }

  return {
    ok: true,
    recurrence: {
      pattern: {
        type,
        interval,
        month,
        dayOfMonth,
        daysOfWeek: days,
        firstDayOfWeek: oneOf(daysOfWeek, p.firstDayOfWeek) ? p.firstDayOfWeek : 'sunday',
        index: oneOf(weekIndexes, p.index) ? p.index : 'first',
      },
      range: {
        type: r.type,
        startDate: r.startDate,
        endDate: r.type === 'endDate' ? endDate : unsetDate,
        recurrenceTimeZone: zoneName,
        numberOfOccurrences: r.type === 'numbered' ? count : 0,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Expansion to dates

function dayNumbers(days: readonly DayOfWeek[]): Set<number> {
  return new Set(days.map((d) => daysOfWeek.indexOf(d)));
}

/** The index-th day of a month (or the last) whose weekday is one of `wanted`. */
function relativeDay(monthIndex: number, wanted: Set<number>, index: WeekIndex): number {
  const first = dayOf(monthIndex, 1);
  const matches: number[] = [];
  for (let d = first; d < first + daysInMonth(monthIndex); d += 1) if (wanted.has(weekday(d))) matches.push(d);
  if (index === 'last') return matches[matches.length - 1] as number;
  return matches[weekIndexes.indexOf(index)] ?? (matches[matches.length - 1] as number);
}

/** Candidate dates of the pattern in period order, from the period containing startDate (may precede it). */
function* candidateDays(pattern: RecurrencePattern, start: number): Generator<number> {
  const { interval } = pattern;
  switch (pattern.type) {
    case 'daily':
      for (let d = start; ; d += interval) yield d;
    case 'weekly': {
      const first = daysOfWeek.indexOf(pattern.firstDayOfWeek);
      const wanted = dayNumbers(pattern.daysOfWeek);
      const weekStart = start - ((weekday(start) - first + 7) % 7);
      for (let w = weekStart; ; w += 7 * interval) {
        for (let d = w; d < w + 7; d += 1) if (wanted.has(weekday(d))) yield d;
      }
    }
    case 'absoluteMonthly':
      for (let m = monthIndexOf(start); ; m += interval) yield dayOf(m, Math.min(pattern.dayOfMonth, daysInMonth(m)));
    case 'relativeMonthly': {
      const wanted = dayNumbers(pattern.daysOfWeek);
      for (let m = monthIndexOf(start); ; m += interval) yield relativeDay(m, wanted, pattern.index);
    }
    case 'absoluteYearly': {
      const startYear = Math.floor(monthIndexOf(start) / 12);
      for (let y = startYear; ; y += interval) {
        const m = y * 12 + pattern.month - 1;
        yield dayOf(m, Math.min(pattern.dayOfMonth, daysInMonth(m)));
      }
    }
    case 'relativeYearly': {
      const wanted = dayNumbers(pattern.daysOfWeek);
      const startYear = Math.floor(monthIndexOf(start) / 12);
      for (let y = startYear; ; y += interval) yield relativeDay(y * 12 + pattern.month - 1, wanted, pattern.index);
    }
  }
}

/**
 * Occurrence dates in ascending order, honouring the range, and stopping after `until`
 * (inclusive) so an open series always terminates.
 */
export function* occurrenceDates(recurrence: PatternedRecurrence, until: CivilDate): Generator<CivilDate> {
  const start = toDay(recurrence.range.startDate);
  const last = recurrence.range.type === 'endDate' ? Math.min(toDay(recurrence.range.endDate), toDay(until)) : toDay(until);
  let remaining = recurrence.range.type === 'numbered' ? recurrence.range.numberOfOccurrences : Infinity;
  for (const day of candidateDays(recurrence.pattern, start)) {
    if (day > last || remaining <= 0) return;
    if (day < start) continue;
    remaining -= 1;
    yield toCivil(day);
  }
}

/** The last occurrence date of a bounded series (endDate or numbered); null for noEnd. */
export function lastOccurrenceDate(recurrence: PatternedRecurrence): CivilDate | null {
  if (recurrence.range.type === 'noEnd') return null;
  // A numbered series of n occurrences can't extend beyond n periods of the widest pattern.
  const horizon =
    recurrence.range.type === 'endDate'
      ? recurrence.range.endDate
      : toCivil(toDay(recurrence.range.startDate) + (recurrence.range.numberOfOccurrences + 1) * recurrence.pattern.interval * 366 + 366);
  let last: CivilDate | null = null;
  for (const date of occurrenceDates(recurrence, horizon)) last = date;
  return last;
}

// ---------------------------------------------------------------------------------------------
// Expansion to instants

export interface SeriesTiming {
  recurrence: PatternedRecurrence;
  /** Wall-clock time of day of each occurrence's start in the recurrence zone, `HH:mm:ss`. */
  startTime: string;
  durationMs: number;
  /** IANA zone the recurrence is expanded in. */
  iana: string;
}

export interface Occurrence {
  date: CivilDate;
  /** Instant the occurrence starts (its `originalStart`). */
  start: number;
  end: number;
}

function occurrenceAt(series: SeriesTiming, date: CivilDate): Occurrence {
  const start = localToInstant(`${date}T${series.startTime}`, series.iana);
  return { date, start, end: start + series.durationMs };
}

/** Occurrences overlapping [from, to) — an occurrence of zero length counts when it starts inside. */
export function occurrencesBetween(series: SeriesTiming, from: number, to: number): Occurrence[] {
  const firstDate = toDay(instantToLocal(from - series.durationMs, series.iana).slice(0, 10)) - 1;
  const until = toCivil(toDay(instantToLocal(to, series.iana).slice(0, 10)) + 1);
  const result: Occurrence[] = [];
  for (const date of occurrenceDates(series.recurrence, until)) {
    if (toDay(date) < firstDate) continue;
    const occurrence = occurrenceAt(series, date);
    const overlaps = occurrence.start < to && (occurrence.end > from || (occurrence.end === occurrence.start && occurrence.start >= from));
    if (overlaps) result.push(occurrence);
  }
  return result;
}

/** The occurrence whose original start is exactly `originalStart`, if the pattern has one. */
export function findOccurrence(series: SeriesTiming, originalStart: number): Occurrence | undefined {
  return occurrencesBetween(series, originalStart, originalStart + 1).find((o) => o.start === originalStart);
}

/** First occurrence start and last occurrence end (null when the series has no end). */
export function seriesBounds(series: SeriesTiming): { first: number | null; lastEnd: number | null } {
  const firstDate = occurrenceDates(series.recurrence, toCivil(toDay(series.recurrence.range.startDate) + 366 * (series.recurrence.pattern.interval + 1) + 31)).next();
  const first = firstDate.done ? null : occurrenceAt(series, firstDate.value).start;
  const lastDate = lastOccurrenceDate(series.recurrence);
  if (series.recurrence.range.type === 'noEnd') return { first, lastEnd: null };
  return { first, lastEnd: lastDate === null ? first : occurrenceAt(series, lastDate).end };
}
