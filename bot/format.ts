/** Dates and times as people in England read them in a chat message. */
import { toDay, weekdayIndex, type CivilDate } from '../src/calendar/civil.js';
import { instantToLondon } from '../src/calendar/london.js';

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "Tuesday 3 March 2026" */
export function longDate(date: CivilDate): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${weekdayNames[weekdayIndex(toDay(date))]} ${d} ${monthNames[(m ?? 1) - 1]} ${y}`;
}

/** "Tue 3 Mar" */
export function shortDate(date: CivilDate): string {
  const [, m, d] = date.split('-').map(Number);
  return `${weekdayNames[weekdayIndex(toDay(date))]!.slice(0, 3)} ${d} ${monthNames[(m ?? 1) - 1]!.slice(0, 3)}`;
}

/** "Tuesday 3 March 2026 at 10:00" */
export function when(date: CivilDate, time?: string): string {
  return time ? `${longDate(date)} at ${time}` : longDate(date);
}

/** London wall-clock time of an instant, "14:05". */
export function clockTime(instant: number): string {
  return instantToLondon(instant).time;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Card text is Markdown-ish: keep people's own words from being read as formatting. */
export function plain(text: string): string {
  return text.replace(/([\\`*_[\]<>#])/g, '\\$1');
}
