/**
 * Supervisor absence and temporary cover, as pure rules: the evidence (Outlook automatic
 * replies, recorded leave) becomes dated periods; a period longer than the pack's limit needs
 * cover for each supervisee who has no temporary supervisor in force. No clock, no IO: the
 * server reads the evidence and passes the date.
 *
 * Counting, as the packs word it ("absent for a period longer than four weeks", "absent for
 * more than one month"): an absence from day F is within the limit up to the day before
 * `dayDeadline(F, limit)` (F + 28 days for four weeks; the same day number a calendar month
 * later, clamped to a shorter month's end, for one month). Being away on that day makes it
 * longer than the limit, so that day is when cover is due.
 */
import { toCivil, toDay, type CivilDate, type Day } from '../calendar/civil.js';
import { instantToLondon } from '../calendar/london.js';
import { isWorkingDay } from '../calendar/working-days.js';
import { dayDeadline } from '../policy/duration.js';
import type { Duration } from '../policy/schema.js';

export type AbsenceSource = 'automatic-replies' | 'recorded-leave';

export interface AbsencePeriod {
  /** First day away (London civil date). */
  from: CivilDate;
  /** Last day away; missing when the return is not known (open-ended). */
  to?: CivilDate;
  sources: AbsenceSource[];
}

/** What Graph's automaticRepliesSetting says, reduced to what the rule may use (never the messages). */
export interface AutomaticReplies {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  /** Instants (ms) of scheduledStartDateTime / scheduledEndDateTime, when scheduled. */
  start?: number;
  end?: number;
}

/**
 * The absence a scheduled automatic reply describes: from the London day it starts to the
 * London day of its last moment (an end at midnight means back that morning).
 *
 * `alwaysEnabled` has no dates: Graph does not say since when, so it cannot show an absence
 * longer than any limit and yields no period. The cover view shows it as a prompt to record
 * the leave with its real dates; counting weeks from the day the app happened to notice it
 * would flag or miss cover at random.
 */
export function absenceFromAutomaticReplies(replies: AutomaticReplies): AbsencePeriod | null {
  if (replies.status !== 'scheduled' || replies.start === undefined || replies.end === undefined || replies.end <= replies.start) return null;
  return { from: instantToLondon(replies.start).date, to: instantToLondon(replies.end - 1).date, sources: ['automatic-replies'] };
}

/** Recorded leave: first and last day away, the last optional while the return is unknown. */
export function absenceFromLeave(leave: { from: CivilDate; to?: CivilDate | undefined }): AbsencePeriod {
  return leave.to === undefined ? { from: leave.from, sources: ['recorded-leave'] } : { from: leave.from, to: leave.to, sources: ['recorded-leave'] };
}

function lastDay(period: AbsencePeriod): Day {
  return period.to === undefined ? Infinity : toDay(period.to);
}

/** Whether someone back at work on no working day between two absences was away throughout. */
function continues(previousEnd: Day, nextStart: Day): boolean {
  if (nextStart <= previousEnd + 1) return true;
  for (let d = previousEnd + 1; d < nextStart; d++) if (isWorkingDay(d)) return false;
  return true;
}

/**
 * One continuous absence per run of periods that overlap, touch, or are separated only by
 * weekends and bank holidays: two weeks of leave booked as two Monday–Friday entries, or an
 * automatic reply and the leave record of the same trip, are one absence of the supervisor.
 */
export function mergeAbsences(periods: readonly AbsencePeriod[]): AbsencePeriod[] {
  const sorted = [...periods].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : lastDay(a) - lastDay(b)));
  const merged: AbsencePeriod[] = [];
  for (const period of sorted) {
    const current = merged[merged.length - 1];
    if (current && continues(lastDay(current), toDay(period.from))) {
      const end = Math.max(lastDay(current), lastDay(period));
      if (Number.isFinite(end)) current.to = toCivil(end);
      else delete current.to;
      for (const source of period.sources) if (!current.sources.includes(source)) current.sources.push(source);
      continue;
    }
    merged.push({ ...period, sources: [...period.sources] });
  }
  return merged;
}

export interface CoverNeed {
  absence: AbsencePeriod;
  /** The first day the absence is longer than the pack allows: cover is due by then. */
  due: CivilDate;
  /** Days past `due`: 0 on the day, negative while an absence known to exceed the limit has not yet reached it. */
  overdueBy: number;
}

/**
 * Whether the supervisor's absences need cover as of a date, and from when. An absence with
 * a known end needs cover from its first day when that end is past the limit (so cover can be
 * arranged before the limit is reached) and not at all when it is within it; an open-ended
 * absence needs cover once it has lasted longer than the limit. Nothing is needed before an
 * absence starts or after it ends.
 */
export function coverNeed(limit: Duration, periods: readonly AbsencePeriod[], asOf: CivilDate): CoverNeed | null {
  const today = toDay(asOf);
  for (const absence of mergeAbsences(periods)) {
    const from = toDay(absence.from);
    const to = lastDay(absence);
    if (today < from || today > to) continue;
    const due = dayDeadline(from, limit);
    if (absence.to !== undefined ? to < due : today < due) continue;
    return { absence, due: toCivil(due), overdueBy: today - due };
  }
  return null;
}

/** A temporary supervisor as the staff record keeps it. */
export interface CoverAssignment {
  coverSupervisorId?: string | undefined;
  /** First day of cover; missing on cover assigned before periods were kept (in force throughout). */
  coverFrom?: CivilDate | undefined;
  /** Last day of cover; missing while open-ended. */
  coverUntil?: CivilDate | undefined;
}

/** The temporary supervisor in force on a date, or null: outside its period a cover grants nothing. */
export function coverSupervisorOn(cover: CoverAssignment, asOf: CivilDate): string | null {
  if (!cover.coverSupervisorId) return null;
  if (cover.coverFrom !== undefined && asOf < cover.coverFrom) return null;
  if (cover.coverUntil !== undefined && asOf > cover.coverUntil) return null;
  return cover.coverSupervisorId;
}
