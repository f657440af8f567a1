import { toCivil, toDay, type CivilDate, type Day } from './civil.js';

/**
 * Europe/London wall-clock time ⇄ instants. Sessions are agreed in local time ("Tuesdays at
 * 10:00"), so a session keeps its local time across the clocks changing and only its UTC
 * instant moves.
 */
export const londonTimeZone = 'Europe/London';
/** The Windows name Graph expects on writes for Europe/London. */
export const londonWindowsTimeZone = 'GMT Standard Time';

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: londonTimeZone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of London from UTC at an instant, as the time-zone database says (slow: Intl). */
export function londonOffsetMinutesIntl(instant: number): number {
  const w = wallClock(instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** 01:00 UTC on the last Sunday of a month: when UK clocks change (since 1996). */
function lastSundayOneAmUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

interface YearRule {
  from: number;
  to: number;
  summerFrom: number;
  summerTo: number;
}

const years = new Map<number, YearRule>();
let lastYear: YearRule | undefined;

function yearRule(instant: number): YearRule | undefined {
  if (lastYear && instant >= lastYear.from && instant < lastYear.to) return lastYear;
  const year = new Date(instant).getUTCFullYear();
  if (year < 1996 || year > 2199) return undefined;
  let rule = years.get(year);
  if (!rule) {
    rule = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), summerFrom: lastSundayOneAmUtc(year, 2), summerTo: lastSundayOneAmUtc(year, 9) };
    years.set(year, rule);
  }
  lastYear = rule;
  return rule;
}

/**
 * Offset of London from UTC at an instant, in minutes (0 in winter, 60 in summer). Compliance
 * asks this millions of times, so the UK rule (summer time from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October) is computed directly for the years it
 * holds; a test checks it against the time-zone database.
 */
export function londonOffsetMinutes(instant: number): number {
  const rule = yearRule(instant);
  if (!rule) return londonOffsetMinutesIntl(instant);
  return instant >= rule.summerFrom && instant < rule.summerTo ? 60 : 0;
}

const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLocalTime(value: string): boolean {
  return timePattern.test(value);
}

/** The instant of a London wall-clock time. A time inside the spring-forward gap maps to the hour after. */
export function londonToInstant(date: CivilDate, time: string): number {
  const match = timePattern.exec(time);
  if (!match) throw new RangeError(`not an HH:mm time: ${time}`);
  const naive = toDay(date) * 86_400_000 + (Number(match[1]) * 60 + Number(match[2])) * 60_000;
  const first = naive - londonOffsetMinutes(naive) * 60_000;
  const second = naive - londonOffsetMinutes(first) * 60_000;
  return second;
}

export function instantToLondon(instant: number): { date: CivilDate; time: string } {
  const local = instant + londonOffsetMinutes(instant) * 60_000;
  const day = Math.floor(local / 86_400_000);
  const minutes = Math.floor((local - day * 86_400_000) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: toCivil(day), time: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}` };
}

/** London civil day of an instant. */
export function londonDayOf(instant: number): Day {
  return Math.floor((instant + londonOffsetMinutes(instant) * 60_000) / 86_400_000);
}

/** Last millisecond of a London civil day: "by the end of that day" deadlines. */
export function endOfLondonDay(day: Day): number {
  return londonToInstant(toCivil(day + 1), '00:00') - 1;
}

/** `YYYY-MM-DDTHH:mm` in London time. */
export function localDateTime(date: CivilDate, time: string): string {
  return `${date}T${time}`;
}
