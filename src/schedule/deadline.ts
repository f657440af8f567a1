import { addMonths, type Day } from '../calendar/civil.js';
import { latestFirst, latestNext, type ConcreteFrequency } from '../policy/frequency.js';
import type { ResolvedPhase } from '../policy/resolve.js';
import type { Offset } from '../policy/schema.js';

export interface PhaseWindow<P extends { frequency: ConcreteFrequency } = ResolvedPhase> {
  phase: P;
  /** First day of the phase. */
  from: Day;
  /** First day after the phase (Infinity when open-ended). */
  end: Day;
}

export function offsetDay(start: Day, offset: Offset): Day {
  return 'weeks' in offset ? start + offset.weeks * 7 : addMonths(start, offset.months);
}

/** Where each phase of a cadence falls for a relationship starting on `start`. */
export function phaseWindows(phases: readonly ResolvedPhase[], start: Day): PhaseWindow[] {
  return phases.map((phase) => ({
    phase,
    from: offsetDay(start, phase.from),
    end: phase.until === null ? Number.POSITIVE_INFINITY : offsetDay(start, phase.until),
  }));
}

/**
 * The latest day the next session may fall, given the last one (or, with none yet, the
 * start): the rule of the phase in force, or of the next phase when the gap runs past the
 * end of this one — weekly for six weeks then fortnightly means that after a session in week
 * six the next is due a fortnight later, not a week.
 */
export function nextDue(windows: readonly PhaseWindow[], last: Day | null, start: Day): Day {
  const from = last ?? start;
  let index = windows.findIndex((w) => from < w.end);
  if (index < 0) index = windows.length - 1;
  let due = Number.POSITIVE_INFINITY;
  for (; index < windows.length; index++) {
    const window = windows[index] as PhaseWindow;
    const rule = window.phase.frequency;
    due = last === null ? latestFirst(rule, from) : latestNext(rule, from);
    if (due < window.end) break;
  }
  return due;
}
