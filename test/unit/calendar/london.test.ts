import { describe, expect, it } from 'vitest';
import { addMonths, nthWeekdayOfMonth, monthIndex, toCivil, toDay } from '../../../src/calendar/civil.js';
import { endOfLondonDay, instantToLondon, londonOffsetMinutes, londonOffsetMinutesIntl, londonToInstant } from '../../../src/calendar/london.js';

describe('Europe/London local time', () => {
  it.each([
    ['GMT in winter', '2026-01-13', '10:00', '2026-01-13T10:00:00.000Z'],
    ['BST in summer', '2026-07-14', '10:00', '2026-07-14T09:00:00.000Z'],
    ['the day after the clocks go forward (29 March 2026)', '2026-03-30', '10:00', '2026-03-30T09:00:00.000Z'],
    ['the day before the clocks go back (25 October 2026)', '2026-10-24', '10:00', '2026-10-24T09:00:00.000Z'],
    ['the day the clocks go back', '2026-10-25', '10:00', '2026-10-25T10:00:00.000Z'],
    ['a time in the spring-forward gap maps to the hour after', '2026-03-29', '01:30', '2026-03-29T01:30:00.000Z'],
  ])('%s: %s %s is %s', (_name, date, time, iso) => {
    expect(new Date(londonToInstant(date, time)).toISOString()).toBe(iso);
  });

  it('round-trips wall-clock times across both clock changes', () => {
    for (const date of ['2026-03-27', '2026-03-30', '2026-10-23', '2026-10-26']) {
      expect(instantToLondon(londonToInstant(date, '09:30'))).toEqual({ date, time: '09:30' });
    }
  });

  it('ends a London day at local midnight, an hour before UTC midnight in summer', () => {
    expect(new Date(endOfLondonDay(toDay('2026-07-14')) + 1).toISOString()).toBe('2026-07-14T23:00:00.000Z');
    expect(new Date(endOfLondonDay(toDay('2026-12-14')) + 1).toISOString()).toBe('2026-12-15T00:00:00.000Z');
  });
});

describe('London offset: the UK rule agrees with the time-zone database', () => {
  it('matches Intl every 30 minutes around each clock change 2024–2032 and hourly-ish elsewhere', () => {
    const mismatches: string[] = [];
    for (let year = 2024; year <= 2032; year++) {
      for (const month of [2, 9]) {
        const around = Date.UTC(year, month, 24);
        for (let t = around; t < around + 9 * 86_400_000; t += 30 * 60_000) {
          if (londonOffsetMinutes(t) !== londonOffsetMinutesIntl(t)) mismatches.push(new Date(t).toISOString());
        }
      }
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 7_919_000) {
        if (londonOffsetMinutes(t) !== londonOffsetMinutesIntl(t)) mismatches.push(new Date(t).toISOString());
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('civil dates', () => {
  it.each([
    ['31 January + 1 month is the end of February', '2026-01-31', 1, '2026-02-28'],
    ['31 January + 1 month in a leap year', '2028-01-31', 1, '2028-02-29'],
    ['15 March + 6 months', '2026-03-15', 6, '2026-09-15'],
    ['31 August + 6 months', '2026-08-31', 6, '2027-02-28'],
  ])('%s', (_name, from, months, expected) => {
    expect(toCivil(addMonths(toDay(from), months))).toBe(expected);
  });

  it.each([
    ['the first Tuesday of December 2026', '2026-12-01', 'tue', 1, '2026-12-01'],
    ['the last Friday of January 2027', '2027-01-01', 'fri', 'last', '2027-01-29'],
    ['a fifth Monday that does not exist falls back to the last', '2027-02-01', 'mon', 5, '2027-02-22'],
  ] as const)('%s', (_name, inMonth, weekday, n, expected) => {
    expect(toCivil(nthWeekdayOfMonth(monthIndex(toDay(inMonth)), weekday, n))).toBe(expected);
  });
});
