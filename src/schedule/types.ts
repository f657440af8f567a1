import type { CivilDate, Weekday } from '../calendar/civil.js';
import type { PolicyWarning, ResolveOptions } from '../policy/resolve.js';
import type { SessionKind, Source } from '../policy/schema.js';

export type WorkingWeekday = Exclude<Weekday, 'sat' | 'sun'>;

/** Leave or other absence: nobody can be supervised on these days. */
export interface Unavailability {
  from: CivilDate;
  /** Inclusive. */
  to: CivilDate;
  who: 'supervisor' | 'supervisee';
  reason?: string;
}

export interface PlanOptions extends ResolveOptions {
  /** Last day planned (inclusive). Default: one year from the start. */
  until?: CivilDate;
  /** Preferred weekday. Default: the pack's. */
  weekday?: WorkingWeekday;
  /** Preferred local start time `HH:mm` (Europe/London). Default: the pack's. */
  time?: string;
  unavailable?: readonly Unavailability[];
}

/**
 * Why a session is where it is:
 * - `pattern`: on the recurring pattern;
 * - `moved`: a pattern date that fell on a bank holiday or leave, moved to the nearest day that keeps every gap within the rule;
 * - `bridge`: an extra session keeping a weekly rule when a pattern date had to move earlier;
 * - `additional`: required in addition to the cadence (e.g. new starters' first and third week);
 * - `first-session`: brought forward to meet a first-session deadline or to cover the start month.
 */
export type Placement = 'pattern' | 'moved' | 'bridge' | 'additional' | 'first-session';

export interface PlannedSession {
  /** Local date `YYYY-MM-DD`. */
  date: CivilDate;
  /** Local start `YYYY-MM-DDTHH:mm` (Europe/London). */
  start: string;
  durationMinutes: number;
  kind: SessionKind;
  stream: string;
  phase: string;
  /** `<role>/<stream>/<phase>` or `<role>/additional/<id>`: the rule that requires the session. */
  ruleId: string;
  source: Source;
  placement: Placement;
  /** The pattern date this session stands in for, when moved. */
  movedFrom?: CivilDate;
  movedBecause?: 'bank-holiday' | 'leave';
  /** Key of the segment (recurring series) holding this session; absent for one-off sessions. */
  segment?: string;
  /** Which supervisor takes the session when the policy alternates supervisors. */
  supervisorSlot?: string;
}

export type SegmentPattern =
  | {
      type: 'weekly';
      /** Days between consecutive pattern dates (7, 14, 28, 42, 56, 84 ...). */
      stepDays: number;
      weekday: WorkingWeekday;
    }
  | {
      type: 'monthly';
      weekday: WorkingWeekday;
      /** Which weekday of the month: 1..4 or 'last'. */
      ordinal: 1 | 2 | 3 | 4 | 'last';
    };

/**
 * A run of sessions one recurring Outlook series can hold: a pattern from `first` to `last`
 * (both pattern dates, inclusive). Every pattern date in the range is a session, on the date or
 * moved; the series compiler turns each segment into Graph recurrences.
 */
export interface Segment {
  key: string;
  stream: string;
  phase: string;
  ruleId: string;
  source: Source;
  pattern: SegmentPattern;
  first: CivilDate;
  last: CivilDate;
  time: string;
  durationMinutes: number;
  /**
   * Kinds or supervisors that take turns along the pattern: occurrence k (0-based from `first`)
   * has `rotation[k % rotation.length]`.
   */
  rotation?: { kinds?: readonly SessionKind[]; supervisorSlots?: readonly string[] };
  kind: SessionKind;
}

export interface PlanPhase {
  stream: string;
  id: string;
  label: string;
  from: CivilDate;
  /** Inclusive; null when open-ended beyond the plan. */
  until: CivilDate | null;
  frequency: string;
  ruleId: string;
  source: Source;
}

export interface Plan {
  org: string;
  role: string;
  start: CivilDate;
  until: CivilDate;
  weekday: WorkingWeekday;
  time: string;
  sessions: PlannedSession[];
  segments: Segment[];
  phases: PlanPhase[];
  warnings: PolicyWarning[];
}
