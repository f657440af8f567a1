import {
  addMonths,
  lastDayOfMonthIndex,
  monthIndex,
  type Day,
} from '../calendar/civil.js';
import { isWorkingDay } from '../calendar/working-days.js';
import type { Frequency } from './schema.js';

/** A frequency the planner can schedule directly (pro-rata rules are resolved first). */
export type ConcreteFrequency = Exclude<Frequency, { rule: 'hours-worked' }>;

/**
 * Every minimum frequency is a maximum gap: given the last session, the latest day the next
 * one may fall. "At least once in every calendar month" is the same idea: after a session in
 * March, the next must come by the end of April or April has none.
 */
export function latestNext(frequency: ConcreteFrequency, last: Day): Day {
  switch (frequency.rule) {
    case 'interval':
      return last + frequency.weeks * 7;
    case 'interval-months':
      return addMonths(last, frequency.months);
    case 'calendar-month':
      return lastDayOfMonthIndex(monthIndex(last) + 1);
  }
}

/**
 * The latest day for the first session of a relationship starting on `start`. A calendar
 * month that still has a working day left after the start needs its own session.
 */
export function latestFirst(frequency: ConcreteFrequency, start: Day): Day {
  switch (frequency.rule) {
    case 'interval':
      return start + frequency.weeks * 7;
    case 'interval-months':
      return addMonths(start, frequency.months);
    case 'calendar-month': {
      const monthEnd = lastDayOfMonthIndex(monthIndex(start));
      for (let d = start; d <= monthEnd; d++) if (isWorkingDay(d)) return monthEnd;
      return lastDayOfMonthIndex(monthIndex(start) + 1);
    }
  }
}

// Four years cover every month length, leap year and weekday alignment.
const sampleStart = 20454; // 2026-01-01
const sampleDays = 1461;

const strictness = new Map<string, boolean>();

/** True when every schedule meeting `a` also meets `b` ("every 4 weeks" is at least as strict as "monthly"). */
export function isAtLeastAsStrict(a: ConcreteFrequency, b: ConcreteFrequency): boolean {
  const key = `${JSON.stringify(a)}|${JSON.stringify(b)}`;
  let answer = strictness.get(key);
  if (answer === undefined) {
    answer = true;
    for (let d = sampleStart; d < sampleStart + sampleDays && answer; d++) {
      if (latestNext(a, d) > latestNext(b, d)) answer = false;
    }
    strictness.set(key, answer);
  }
  return answer;
}

/**
 * Days between pattern occurrences for a recurring series that always meets the rule:
 * "every 2 months" becomes every 8 weeks, the longest whole-week step never longer than two
 * calendar months.
 */
export function patternStepDays(frequency: Exclude<ConcreteFrequency, { rule: 'calendar-month' }>): number {
  if (frequency.rule === 'interval') return frequency.weeks * 7;
  const known = monthSteps.get(frequency.months);
  if (known !== undefined) return known;
  let shortest = Infinity;
  for (let d = sampleStart; d < sampleStart + sampleDays; d++) {
    shortest = Math.min(shortest, addMonths(d, frequency.months) - d);
  }
  const step = Math.floor(shortest / 7) * 7;
  monthSteps.set(frequency.months, step);
  return step;
}

const monthSteps = new Map<number, number>();

export function describeFrequency(frequency: Frequency): string {
  switch (frequency.rule) {
    case 'interval':
      return frequency.weeks === 1 ? 'every week' : `every ${frequency.weeks} weeks`;
    case 'interval-months':
      return frequency.months === 1 ? 'every month' : `every ${frequency.months} months`;
    case 'calendar-month':
      return 'at least once every calendar month';
    case 'hours-worked':
      return `monthly or after each ${frequency.hours} hours worked, whichever is less frequent`;
  }
}
