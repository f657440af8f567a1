import type { PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import { monthIndex, toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import { londonWindowsTimeZone } from '../calendar/london.js';
import type { SessionKind, Source } from '../policy/schema.js';
import type { Placement, Plan, PlannedSession, Segment, WorkingWeekday } from './types.js';

const graphWeekday: Record<WorkingWeekday, 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday'> = {
  mon: 'monday',
  tue: 'tuesday',
  wed: 'wednesday',
  thu: 'thursday',
  fri: 'friday',
};

const graphIndex = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', last: 'last' } as const;

/** One recurring Outlook series to create. */
export interface CompiledSeries {
  /** Stable key: the plan segment, plus the turn when a rotation splits it. */
  key: string;
  stream: string;
  phase: string;
  ruleId: string;
  source: Source;
  kind: SessionKind;
  supervisorSlot?: string;
  /** Local date and time of the first occurrence (Europe/London). */
  firstDate: CivilDate;
  time: string;
  durationMinutes: number;
  recurrence: PatternedRecurrence;
  /** Every date the series produces, in order (before moves). */
  occurrences: CivilDate[];
}

/** An occurrence of a series to patch to another day after the series is created. */
export interface CompiledMove {
  seriesKey: string;
  originalDate: CivilDate;
  newDate: CivilDate;
  time: string;
  reason: 'bank-holiday' | 'leave';
}

/** A one-off meeting outside any series (a bridge, an additional or a first session). */
export interface CompiledSingle {
  key: string;
  date: CivilDate;
  time: string;
  durationMinutes: number;
  kind: SessionKind;
  supervisorSlot?: string;
  stream: string;
  phase: string;
  ruleId: string;
  source: Source;
  placement: Placement;
}

export interface CompiledPlan {
  series: CompiledSeries[];
  moves: CompiledMove[];
  singles: CompiledSingle[];
}

function occurrenceDates(segment: Segment, offset: number, stride: number): CivilDate[] {
  const first = toDay(segment.first);
  const last = toDay(segment.last);
  const dates: CivilDate[] = [];
  if (segment.pattern.type === 'weekly') {
    for (let d = first + offset * segment.pattern.stepDays; d <= last; d += stride * segment.pattern.stepDays) dates.push(toCivil(d));
  }
  return dates;
}

function sessionToSingle(session: PlannedSession, key: string): CompiledSingle {
  const single: CompiledSingle = {
    key,
    date: session.date,
    time: session.start.slice(11, 16),
    durationMinutes: session.durationMinutes,
    kind: session.kind,
    stream: session.stream,
    phase: session.phase,
    ruleId: session.ruleId,
    source: session.source,
    placement: session.placement,
  };
  if (session.supervisorSlot) single.supervisorSlot = session.supervisorSlot;
  return single;
}

/**
 * Turns a plan into the fewest Outlook recurring series: one per plan segment (a segment is
 * already the longest run one pattern can hold), split in two where kinds or supervisors take
 * turns, since one Graph series has one set of attendees. Occurrences moved off a bank holiday
 * or leave become patches of the series; bridges, additional sessions and single-occurrence
 * segments become one-off meetings.
 */
export function compilePlan(plan: Plan): CompiledPlan {
  const series: CompiledSeries[] = [];
  const moves: CompiledMove[] = [];
  const singles: CompiledSingle[] = [];
  const bySegment = new Map<string, PlannedSession[]>();
  for (const session of plan.sessions) {
    if (session.segment === undefined) {
      singles.push(sessionToSingle(session, `${session.ruleId}/${session.date}`));
      continue;
    }
    const list = bySegment.get(session.segment) ?? [];
    list.push(session);
    bySegment.set(session.segment, list);
  }

  for (const segment of plan.segments) {
    const sessions = bySegment.get(segment.key) ?? [];
    if (sessions.length <= 1) {
      for (const session of sessions) singles.push(sessionToSingle(session, `${segment.key}/${session.date}`));
      continue;
    }
    const turns = segment.rotation?.kinds ?? segment.rotation?.supervisorSlots;
    const stride = turns?.length ?? 1;
    for (let turn = 0; turn < stride; turn++) {
      const key = stride === 1 ? segment.key : `${segment.key}/${turn}`;
      const compiled = compileSegment(segment, key, turn, stride, sessions);
      if (!compiled) continue;
      if (compiled.occurrences.length === 1) {
        // A turn with a single occurrence is a one-off meeting, not a series.
        const only = sessions.find((s) => (s.movedFrom ?? s.date) === compiled.occurrences[0]);
        if (only) singles.push(sessionToSingle(only, `${key}/${only.date}`));
        continue;
      }
      series.push(compiled);
      for (const session of sessions) {
        if (session.movedFrom !== undefined && compiled.occurrences.includes(session.movedFrom)) {
          moves.push({
            seriesKey: key,
            originalDate: session.movedFrom,
            newDate: session.date,
            time: session.start.slice(11, 16),
            reason: session.movedBecause ?? 'bank-holiday',
          });
        }
      }
    }
  }
  singles.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { series, moves, singles };
}

function compileSegment(segment: Segment, key: string, turn: number, stride: number, sessions: PlannedSession[]): CompiledSeries | undefined {
  const pattern = segment.pattern;
  let occurrences: CivilDate[];
  let recurrencePattern: PatternedRecurrence['pattern'];
  if (pattern.type === 'weekly') {
    occurrences = occurrenceDates(segment, turn, stride);
    recurrencePattern = {
      type: 'weekly',
      interval: (pattern.stepDays * stride) / 7,
      daysOfWeek: [graphWeekday[pattern.weekday]],
      firstDayOfWeek: 'monday',
    };
  } else {
    const patternDates = new Set(sessions.map((s) => s.movedFrom ?? s.date));
    occurrences = [...patternDates].filter((d) => (monthIndex(toDay(d)) - monthIndex(toDay(segment.first))) % stride === turn).sort();
    recurrencePattern = {
      type: 'relativeMonthly',
      interval: stride,
      daysOfWeek: [graphWeekday[pattern.weekday]],
      index: graphIndex[pattern.ordinal],
    };
  }
  const firstDate = occurrences[0];
  const lastDate = occurrences[occurrences.length - 1];
  if (firstDate === undefined || lastDate === undefined) return undefined;
  const compiled: CompiledSeries = {
    key,
    stream: segment.stream,
    phase: segment.phase,
    ruleId: segment.ruleId,
    source: segment.source,
    kind: segment.rotation?.kinds?.[turn] ?? segment.kind,
    firstDate,
    time: segment.time,
    durationMinutes: segment.durationMinutes,
    recurrence: {
      pattern: recurrencePattern,
      // Graph requires the range to start on the date of the first occurrence and ends it inclusively.
      range: { type: 'endDate', startDate: firstDate, endDate: lastDate, recurrenceTimeZone: londonWindowsTimeZone },
    },
    occurrences,
  };
  const slot = segment.rotation?.supervisorSlots?.[turn];
  if (slot) compiled.supervisorSlot = slot;
  return compiled;
}
