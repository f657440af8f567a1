import { describe, expect, it } from 'vitest';
import { bankHolidays, isBankHoliday } from '../../../src/calendar/bank-holidays.js';
import { toDay } from '../../../src/calendar/civil.js';
import { addWorkingDays, isWorkingDay, workingDaysBetween } from '../../../src/calendar/working-days.js';

// Published England and Wales bank holidays (gov.uk/bank-holidays).
const published: Record<number, string[]> = {
  2026: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
  2027: ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28'],
};

describe('England & Wales bank holidays', () => {
  it.each(Object.entries(published))('%s matches the published list, substitute days included', (year, dates) => {
    expect(bankHolidays(Number(year)).map((h) => h.date)).toEqual(dates);
  });

  it('does not treat the weekend date a substitute day replaces as a holiday (Boxing Day 2026 is a Saturday)', () => {
    expect(isBankHoliday(toDay('2026-12-26'))).toBe(false);
    expect(isBankHoliday(toDay('2026-12-28'))).toBe(true);
  });

  it.each([2024, 2025, 2028, 2029, 2030, 2031, 2032])('%i has eight weekday bank holidays', (year) => {
    const holidays = bankHolidays(year);
    expect(holidays).toHaveLength(8);
    for (const h of holidays) expect(isWorkingDay(toDay(h.date))).toBe(false);
  });
});

describe('working days', () => {
  it.each([
    ['a weekday', '2026-11-24', true],
    ['a Saturday', '2026-11-28', false],
    ['a Sunday', '2026-11-29', false],
    ['Christmas Day', '2026-12-25', false],
    ['the Boxing Day substitute', '2026-12-28', false],
  ])('%s (%s) is a working day: %s', (_name, date, expected) => {
    expect(isWorkingDay(toDay(date))).toBe(expected);
  });

  it.each([
    ['Monday + 5 working days is the next Monday', '2026-11-23', 5, '2026-11-30'],
    ['Friday + 1 working day is Monday', '2026-11-27', 1, '2026-11-30'],
    ['5 working days across Easter 2026 (Good Friday and Easter Monday)', '2026-04-01', 5, '2026-04-10'],
    ['2 working days from Christmas Eve 2026 skip Christmas and the Boxing Day substitute', '2026-12-24', 2, '2026-12-30'],
  ])('%s', (_name, from, n, expected) => {
    expect(addWorkingDays(toDay(from), n)).toBe(toDay(expected));
  });

  it('counts working days in a range, excluding the start', () => {
    expect(workingDaysBetween(toDay('2026-12-24'), toDay('2027-01-04'))).toBe(4);
  });
});
