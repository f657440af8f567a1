import { toCivil, toDay, weekdayOf, type CivilDate } from '../calendar/civil.js';
import { londonToInstant } from '../calendar/london.js';
import type { WorkingWeekday } from './types.js';

/** A busy period in anyone's calendar, as instants (ms). */
export interface BusyInterval {
  start: number;
  end: number;
}

export interface SlotRequest {
  /** Busy periods of everyone who must attend (supervisor and supervisee), merged. */
  busy: readonly BusyInterval[];
  /** Days to try, best first (the preferred weekday, then the rest of its week). */
  days: readonly CivilDate[];
  preferredTime: string;
  durationMinutes: number;
  workingHours: { start: string; end: string };
  /** Granularity of candidate start times. */
  stepMinutes?: number;
}

function minutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function clock(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The first slot everyone is free for the whole session: on the first day that has one, the
 * preferred time if free, else the earliest free start in working hours. Pure, so "why this
 * time?" has one answer whatever calendar backend supplied the busy periods.
 */
export function earliestCommonSlot(request: SlotRequest): { date: CivilDate; time: string } | undefined {
  const step = request.stepMinutes ?? 30;
  const open = minutes(request.workingHours.start);
  const close = minutes(request.workingHours.end);
  const free = (date: CivilDate, start: number): boolean => {
    if (start < open || start + request.durationMinutes > close) return false;
    const from = londonToInstant(date, clock(start));
    const to = from + request.durationMinutes * 60_000;
    return !request.busy.some((b) => b.start < to && b.end > from);
  };
  for (const date of request.days) {
    const preferred = minutes(request.preferredTime);
    if (free(date, preferred)) return { date, time: request.preferredTime };
    for (let start = open; start + request.durationMinutes <= close; start += step) {
      if (free(date, start)) return { date, time: clock(start) };
    }
  }
  return undefined;
}

/** The preferred weekday of the week holding `from` (on or after it), then the other weekdays of that week, nearest first. */
export function candidateDays(from: CivilDate, weekday: WorkingWeekday, isAvailable: (date: CivilDate) => boolean): CivilDate[] {
  const start = toDay(from);
  const week = Array.from({ length: 7 }, (_, i) => start + i).filter((d) => weekdayOf(d) !== 'sat' && weekdayOf(d) !== 'sun');
  const preferred = week.find((d) => weekdayOf(d) === weekday);
  const ordered = preferred === undefined ? week : [preferred, ...week.filter((d) => d !== preferred).sort((a, b) => Math.abs(a - preferred) - Math.abs(b - preferred) || a - b)];
  return ordered.map(toCivil).filter(isAvailable);
}
