import Holidays from 'date-holidays';
import { firstDayOfMonthIndex, isWeekend, toCivil, toDay, yearOf, type CivilDate, type Day } from './civil.js';

/**
 * England & Wales bank holidays. date-holidays computes them offline for any year; it also
 * lists the weekend date a substitute day replaces (Boxing Day on a Saturday), which is not
 * a day off in its own right, so only weekday public holidays are kept.
 */
const englandAndWales = new Holidays('GB', 'ENG');

export interface BankHoliday {
  date: CivilDate;
  name: string;
}

export function bankHolidays(year: number): BankHoliday[] {
  return englandAndWales
    .getHolidays(year)
    .filter((h) => h.type === 'public')
    .map((h) => ({ date: h.date.slice(0, 10), name: h.name }))
    .filter((h) => !isWeekend(toDay(h.date)));
}

// Planning a year for ten thousand people asks this millions of times: keep one set of day
// numbers over a contiguous range of loaded years and answer with a range check and a lookup.
const holidayDays = new Set<Day>();
let firstLoadedYear = Infinity;
let lastLoadedYear = -Infinity;
let coveredFrom = Infinity;
let coveredTo = -Infinity;

function load(year: number): void {
  for (const h of bankHolidays(year)) holidayDays.add(toDay(h.date));
}

function cover(day: Day): void {
  const year = yearOf(day);
  if (firstLoadedYear === Infinity) {
    load(year);
    firstLoadedYear = lastLoadedYear = year;
  }
  while (year < firstLoadedYear) load(--firstLoadedYear);
  while (year > lastLoadedYear) load(++lastLoadedYear);
  coveredFrom = firstDayOfMonthIndex((firstLoadedYear - 1970) * 12);
  coveredTo = firstDayOfMonthIndex((lastLoadedYear + 1 - 1970) * 12) - 1;
}

export function isBankHoliday(day: Day): boolean {
  if (day < coveredFrom || day > coveredTo) cover(day);
  return holidayDays.has(day);
}

export function bankHolidayName(day: Day): string | undefined {
  const date = toCivil(day);
  return bankHolidays(yearOf(day)).find((h) => h.date === date)?.name;
}
