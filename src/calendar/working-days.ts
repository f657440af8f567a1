import { isBankHoliday } from './bank-holidays.js';
import { isWeekend, type Day } from './civil.js';

/** A weekday that is not an England & Wales bank holiday. */
export function isWorkingDay(day: Day): boolean {
  return !isWeekend(day) && !isBankHoliday(day);
}

/** The n-th working day after `day` (n ≥ 1): "within 5 working days" of a Friday session ends the next Friday. */
export function addWorkingDays(day: Day, n: number): Day {
  let current = day;
  let remaining = n;
  while (remaining > 0) {
    current += 1;
    if (isWorkingDay(current)) remaining -= 1;
  }
  return current;
}

/** Working days in (from, to]. */
export function workingDaysBetween(from: Day, to: Day): number {
  let count = 0;
  for (let d = from + 1; d <= to; d++) if (isWorkingDay(d)) count++;
  return count;
}

export function nextWorkingDayOnOrAfter(day: Day): Day {
  let d = day;
  while (!isWorkingDay(d)) d++;
  return d;
}

export function previousWorkingDayOnOrBefore(day: Day): Day {
  let d = day;
  while (!isWorkingDay(d)) d--;
  return d;
}
