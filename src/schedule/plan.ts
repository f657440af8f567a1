import {
  addMonths,
  firstDayOfMonthIndex,
  isCivilDate,
  lastDayOfMonthIndex,
  lastOnOrBefore,
  monthIndex,
  nextOnOrAfter,
  nthWeekdayOfMonth,
  toCivil,
  toDay,
  weekdayOrdinalInMonth,
  workingWeekdays,
  type CivilDate,
  type Day,
} from '../calendar/civil.js';
import { isBankHoliday } from '../calendar/bank-holidays.js';
import { isLocalTime } from '../calendar/london.js';
import { isWorkingDay } from '../calendar/working-days.js';
import { invalidInput } from '../errors.js';
import { describeFrequency, patternStepDays, type ConcreteFrequency } from '../policy/frequency.js';
import { primaryStream, resolveRole, type PolicyWarning, type ResolvedStream } from '../policy/resolve.js';
import { nextDue, phaseWindows, type PhaseWindow } from './deadline.js';
import { dayDeadline } from '../policy/duration.js';
import type { Pack, SessionKind } from '../policy/schema.js';
import type {
  Plan,
  PlanOptions,
  PlanPhase,
  PlannedSession,
  Placement,
  Segment,
  SegmentPattern,
  WorkingWeekday,
} from './types.js';

const NEVER = Number.POSITIVE_INFINITY;

interface Calendar {
  available(day: Day): boolean;
  reasonUnavailable(day: Day): 'bank-holiday' | 'leave';
}

function validate(pack: Pack, start: CivilDate, options: PlanOptions): { startDay: Day; untilDay: Day; weekday: WorkingWeekday; time: string } {
  if (!isCivilDate(start)) throw invalidInput('start', `"${start}" is not a date in the form YYYY-MM-DD`);
  const startDay = toDay(start);
  let untilDay = addMonths(startDay, 12) - 1;
  if (options.until !== undefined) {
    if (!isCivilDate(options.until)) throw invalidInput('until', `"${options.until}" is not a date in the form YYYY-MM-DD`);
    untilDay = toDay(options.until);
    if (untilDay < startDay) throw invalidInput('until', `${options.until} is before the start ${start}`);
  }
  const weekday = options.weekday ?? pack.scheduling.defaultWeekday;
  if (!(workingWeekdays as readonly string[]).includes(weekday)) {
    throw invalidInput('weekday', `"${weekday}" is not a working weekday`, workingWeekdays);
  }
  const time = options.time ?? pack.scheduling.defaultTime;
  if (!isLocalTime(time)) throw invalidInput('time', `"${time}" is not a time in the form HH:mm`);
  for (const [i, range] of (options.unavailable ?? []).entries()) {
    if (!isCivilDate(range.from)) throw invalidInput(`unavailable[${i}].from`, `"${range.from}" is not a date in the form YYYY-MM-DD`);
    if (!isCivilDate(range.to)) throw invalidInput(`unavailable[${i}].to`, `"${range.to}" is not a date in the form YYYY-MM-DD`);
    if (toDay(range.to) < toDay(range.from)) throw invalidInput(`unavailable[${i}].to`, `${range.to} is before ${range.from}`);
  }
  return { startDay, untilDay, weekday: weekday as WorkingWeekday, time };
}

/**
 * A second stream (group supervision beside one-to-one) gets its own weekday two working days
 * on, so the two never land on the same day and a supervisee is not booked twice at one time.
 */
function shiftWorkingWeekday(weekday: WorkingWeekday, by: number): WorkingWeekday {
  const index = workingWeekdays.indexOf(weekday);
  return workingWeekdays[(index + by) % workingWeekdays.length] as WorkingWeekday;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function checkWorkingHours(pack: Pack, time: string, minutes: number): void {
  const end = minutesOf(time) + minutes;
  const { start: open, end: close } = pack.scheduling.workingHours;
  if (minutesOf(time) < minutesOf(open) || end > minutesOf(close)) {
    throw invalidInput('time', `a ${minutes}-minute session at ${time} falls outside working hours (${open}–${close})`);
  }
}

/**
 * Plans the sessions a supervisee must have under their organisation's policy, from the
 * start of the supervisory relationship to `until`: which days, which kind, under which rule
 * of which seed section. Pure: the same inputs always give the same plan.
 *
 * A minimum frequency is a maximum gap. Sessions follow one regular pattern (a weekday and a
 * step) so they book as few recurring Outlook series as possible; a pattern date on a bank
 * holiday or on leave moves to a nearby working day, later only when that keeps the gap since
 * the previous session within the rule, otherwise earlier, then the pattern carries on from
 * there (see planInterval).
 */
export function plan(pack: Pack, roleId: string, start: CivilDate, options: PlanOptions = {}): Plan {
  const { startDay, untilDay, weekday, time } = validate(pack, start, options);
  const resolved = resolveRole(pack, roleId, options);
  const warnings: PolicyWarning[] = [...resolved.warnings];
  const leave = (options.unavailable ?? []).map((r) => ({ from: toDay(r.from), to: toDay(r.to), who: r.who }));
  const calendar: Calendar = {
    available: (day) => isWorkingDay(day) && !leave.some((r) => day >= r.from && day <= r.to),
    reasonUnavailable: (day) => (isBankHoliday(day) ? 'bank-holiday' : 'leave'),
  };

  const sessions: PlannedSession[] = [];
  const segments: Segment[] = [];
  const phases: PlanPhase[] = [];
  const primary = primaryStream(resolved.role);

  resolved.streams.forEach((stream, index) => {
    checkWorkingHours(pack, time, stream.minutes);
    const firstDeadline =
      stream.id === primary.id && pack.firstSession ? dayDeadline(startDay, pack.firstSession.within) : NEVER;
    const streamWeekday = index === 0 ? weekday : shiftWorkingWeekday(weekday, 2 * index);
    const planner = new StreamPlanner(resolved.role.id, stream, { startDay, untilDay, weekday: streamWeekday, time, firstDeadline }, calendar, warnings);
    planner.run();
    sessions.push(...planner.sessions);
    segments.push(...planner.segments);
    phases.push(...planner.phaseSummaries());
  });

  for (const extra of resolved.additionalSessions) {
    const from = startDay + (extra.week - 1) * 7;
    const to = Math.min(from + 6, untilDay);
    // An additional session is in addition: never on a day that already has a session.
    const taken = new Set(sessions.map((s) => s.date));
    const free = (d: Day) => calendar.available(d) && !taken.has(toCivil(d));
    let day: Day | undefined = nextOnOrAfter(from, weekday);
    if (day > to || !free(day)) day = undefined;
    for (let d = from; day === undefined && d <= to; d++) if (free(d)) day = d;
    if (day === undefined) {
      warnings.push({
        code: 'additional-session-unplaceable',
        message: `"${extra.label}" could not be placed: no available working day in week ${extra.week}`,
        source: extra.source,
      });
      continue;
    }
    sessions.push({
      date: toCivil(day),
      start: `${toCivil(day)}T${time}`,
      durationMinutes: extra.minutes,
      kind: extra.kind,
      stream: 'additional',
      phase: extra.id,
      ruleId: `${resolved.role.id}/additional/${extra.id}`,
      source: extra.source,
      placement: 'additional',
    });
  }

  if (pack.supervisorAbsence) {
    const limit = pack.supervisorAbsence;
    for (const range of leave) {
      if (range.who === 'supervisor' && range.to >= dayDeadline(range.from, limit.coverAfter)) {
        warnings.push({
          code: 'supervisor-absence-cover',
          message: `the supervisor is away ${toCivil(range.from)} to ${toCivil(range.to)}, longer than the policy allows without cover: arrange alternative supervision`,
          source: limit.source,
        });
      }
    }
  }

  sessions.sort((a, b) => (a.date === b.date ? a.stream.localeCompare(b.stream) : a.date < b.date ? -1 : 1));
  return {
    org: pack.id,
    role: resolved.role.id,
    start,
    until: toCivil(untilDay),
    weekday,
    time,
    sessions,
    segments,
    phases,
    warnings,
  };
}

interface StreamSettings {
  startDay: Day;
  untilDay: Day;
  weekday: WorkingWeekday;
  time: string;
  /** Latest day for the very first session (a pack's first-session rule), or NEVER. */
  firstDeadline: Day;
}

interface OpenSegment {
  segment: Segment;
  /** Pattern dates covered so far, on the date or moved. */
  lastCovered: Day;
  firstDay: Day;
}

/** Plans one stream of a role (one-to-one, group ...) across its phases. */
class StreamPlanner {
  readonly sessions: PlannedSession[] = [];
  readonly segments: Segment[] = [];
  private prev: Day | null = null;
  private turn = 0;
  private open: OpenSegment | null = null;
  private segmentCount = 0;
  private readonly windows: PhaseWindow[];

  constructor(
    private readonly roleId: string,
    private readonly stream: ResolvedStream,
    private readonly settings: StreamSettings,
    private readonly calendar: Calendar,
    private readonly warnings: PolicyWarning[],
  ) {
    this.windows = phaseWindows(stream.phases, settings.startDay);
  }

  run(): void {
    for (const window of this.windows) {
      const from = Math.max(window.from, this.settings.startDay);
      const end = Math.min(window.end, this.settings.untilDay + 1);
      if (from >= end) continue;
      if (window.phase.frequency.rule === 'calendar-month') this.planMonthly(window, from, end);
      else this.planInterval(window, window.phase.frequency, from, end);
      this.closeSegment();
    }
  }

  phaseSummaries(): PlanPhase[] {
    return this.windows
      .filter((w) => w.from <= this.settings.untilDay)
      .map((w) => ({
        stream: this.stream.id,
        id: w.phase.id,
        label: w.phase.label,
        from: toCivil(Math.max(w.from, this.settings.startDay)),
        until: w.end === NEVER ? null : toCivil(Math.min(w.end - 1, this.settings.untilDay)),
        frequency: describeFrequency(w.phase.frequency),
        ruleId: w.phase.ruleId,
        source: w.phase.source,
      }));
  }

  /** Latest day for the next session; the very first also meets any first-session rule. */
  private deadline(): Day {
    const due = nextDue(this.windows, this.prev, this.settings.startDay);
    return this.prev === null ? Math.min(due, this.settings.firstDeadline) : due;
  }

  private available(day: Day): boolean {
    return this.calendar.available(day);
  }

  private firstAvailable(from: Day, to: Day): Day | undefined {
    for (let d = from; d <= to; d++) if (this.available(d)) return d;
    return undefined;
  }

  private lastAvailable(from: Day, to: Day): Day | undefined {
    for (let d = to; d >= from; d--) if (this.available(d)) return d;
    return undefined;
  }

  /** Latest preferred weekday in [from, to] that is available. */
  private lastAvailableWeekday(from: Day, to: Day): Day | undefined {
    for (let d = lastOnOrBefore(to, this.settings.weekday); d >= from; d -= 7) if (this.available(d)) return d;
    return undefined;
  }

  private rotationFor(): Segment['rotation'] {
    const turns = (list: readonly string[]) => {
      const at = this.turn % list.length;
      return [...list.slice(at), ...list.slice(0, at)];
    };
    if (this.stream.kind === 'alternating') return { kinds: turns(['individual', 'group']) as SessionKind[] };
    if (this.stream.alternateSupervisors) return { supervisorSlots: turns(this.stream.alternateSupervisors) };
    return undefined;
  }

  private baseKind(): SessionKind {
    return this.stream.kind === 'group' ? 'group' : 'individual';
  }

  private openSegment(window: PhaseWindow, first: Day, pattern: SegmentPattern): void {
    this.closeSegment();
    const rotation = this.rotationFor();
    const segment: Segment = {
      key: `${this.roleId}/${this.stream.id}/${this.segmentCount++}`,
      stream: this.stream.id,
      phase: window.phase.id,
      ruleId: window.phase.ruleId,
      source: window.phase.source,
      pattern,
      first: toCivil(first),
      last: toCivil(first),
      time: this.settings.time,
      durationMinutes: this.stream.minutes,
      kind: rotation?.kinds?.[0] ?? this.baseKind(),
      ...(rotation ? { rotation } : {}),
    };
    this.open = { segment, lastCovered: first - 1, firstDay: first };
  }

  private closeSegment(): void {
    if (!this.open) return;
    if (this.open.lastCovered >= this.open.firstDay) {
      this.open.segment.last = toCivil(this.open.lastCovered);
      this.segments.push(this.open.segment);
    }
    this.open = null;
  }

  /** Takes a session; `patternDay` ties it to the open segment (absent for one-offs). */
  private take(window: PhaseWindow, day: Day, placement: Placement, patternDay?: Day): boolean {
    if (day > this.settings.untilDay) return false;
    let kind = this.baseKind();
    let supervisorSlot: string | undefined;
    const inSegment = patternDay !== undefined && this.open !== null;
    const rotation = this.stream.kind === 'alternating' ? ['individual', 'group'] : this.stream.alternateSupervisors;
    if (rotation) {
      // One-off sessions keep the turn of the session they stand beside.
      const at = inSegment ? this.turn : Math.max(0, this.turn - 1);
      const value = rotation[at % rotation.length] as string;
      if (this.stream.kind === 'alternating') kind = value as SessionKind;
      else supervisorSlot = value;
      if (inSegment) this.turn += 1;
    }
    const session: PlannedSession = {
      date: toCivil(day),
      start: `${toCivil(day)}T${this.settings.time}`,
      durationMinutes: this.stream.minutes,
      kind,
      stream: this.stream.id,
      phase: window.phase.id,
      ruleId: window.phase.ruleId,
      source: window.phase.source,
      placement,
    };
    if (supervisorSlot) session.supervisorSlot = supervisorSlot;
    if (inSegment && this.open) {
      session.segment = this.open.segment.key;
      this.open.lastCovered = patternDay;
      if (patternDay !== day) {
        session.movedFrom = toCivil(patternDay);
        session.movedBecause = this.calendar.reasonUnavailable(patternDay);
      }
    }
    this.sessions.push(session);
    this.prev = day;
    return true;
  }

  private warnUnmeetable(window: PhaseWindow, from: Day, to: Day): void {
    this.warnings.push({
      code: 'interval-unmeetable',
      message: `no working day available between ${toCivil(from)} and ${toCivil(to)} (leave or bank holidays): "${window.phase.label}" cannot be met in that window; arrange cover`,
      source: window.phase.source,
    });
  }

  /**
   * A weekly pattern with a fixed step. A pattern date that is not available moves:
   * 1. later, inside the same week, when that still meets the deadline from the previous session;
   * 2. for steps of a fortnight or more, to the same weekday a week earlier, and the pattern
   *    restarts from there (a new series: the weekday and time stay the same);
   * 3. otherwise to the nearest earlier day; a weekly rule then needs a bridge session just
   *    after the original date, or the following gap would exceed a week.
   */
  private planInterval(window: PhaseWindow, frequency: Exclude<ConcreteFrequency, { rule: 'calendar-month' }>, from: Day, end: Day): void {
    const step = patternStepDays(frequency);
    const pattern: SegmentPattern = { type: 'weekly', stepDays: step, weekday: this.settings.weekday };
    let deadline = this.deadline();
    let next: Day;
    if (this.prev === null) {
      next = nextOnOrAfter(from, this.settings.weekday);
      if (next > deadline) {
        // The first-session deadline comes before the preferred weekday: a one-off first session.
        const early = this.firstAvailable(from, deadline);
        if (early !== undefined) this.take(window, early, 'first-session');
        deadline = this.deadline();
        next = this.lastAvailableWeekday(early === undefined ? from : early + 1, deadline) ?? nextOnOrAfter(from, this.settings.weekday);
      }
    } else {
      next = lastOnOrBefore(deadline, this.settings.weekday);
      if (next <= this.prev) next = nextOnOrAfter(this.prev + 1, this.settings.weekday);
    }
    this.openSegment(window, next, pattern);

    while (next < end && next <= this.settings.untilDay) {
      deadline = this.deadline();
      const prev = this.prev;
      if (prev !== null && next > deadline) {
        // Behind the pattern after an earlier move: restart it on the latest weekday the rule allows.
        const restart = this.lastAvailableWeekday(prev + 1, deadline);
        if (restart !== undefined) {
          this.openSegment(window, restart, pattern);
          next = restart;
        } else {
          const bridge = this.lastAvailable(prev + 1, deadline);
          if (bridge !== undefined) {
            this.take(window, bridge, 'bridge');
          } else {
            this.warnUnmeetable(window, prev + 1, deadline);
            const late = this.firstAvailable(deadline + 1, deadline + 366);
            if (late === undefined || !this.take(window, late, 'bridge')) return;
          }
          continue;
        }
      }
      if (this.available(next)) {
        if (!this.take(window, next, 'pattern', next)) return;
        next += step;
        continue;
      }
      const later = this.firstAvailable(next + 1, Math.min(deadline, next + 6));
      if (later !== undefined) {
        if (!this.take(window, later, 'moved', next)) return;
        next += step;
        continue;
      }
      const floor = prev === null ? from : prev + 1;
      if (step >= 14) {
        const restart = this.lastAvailableWeekday(Math.max(floor, next - step + 7), next - 1);
        if (restart !== undefined) {
          this.openSegment(window, restart, pattern);
          if (!this.take(window, restart, 'pattern', restart)) return;
          next = restart + step;
          continue;
        }
      }
      const earlier = this.lastAvailable(Math.max(floor, next - 6), next - 1);
      if (earlier !== undefined) {
        if (!this.take(window, earlier, 'moved', next)) return;
        if (step === 7) {
          const bridge = this.firstAvailable(next + 1, earlier + 7);
          if (bridge !== undefined) this.take(window, bridge, 'bridge');
        }
        next += step;
        continue;
      }
      this.warnUnmeetable(window, floor, Math.max(deadline, next));
      const late = this.firstAvailable(next + 1, next + 366);
      if (late === undefined || !this.take(window, late, 'moved', next)) return;
      next += step;
    }
    // The next pattern date falls past the phase's end, but an earlier move left the rule
    // needing one more session before the phase ends: a bridge keeps the gap.
    const prev = this.prev;
    if (prev !== null) {
      const due = this.deadline();
      if (due < end && due <= this.settings.untilDay && next > due) {
        const bridge = this.lastAvailableWeekday(prev + 1, due) ?? this.lastAvailable(prev + 1, due);
        if (bridge !== undefined) this.take(window, bridge, 'bridge');
      }
    }
  }

  /**
   * At least once in every calendar month: the same weekday of the month (e.g. the second
   * Tuesday), moved later or earlier within the month when unavailable. A month is required
   * when its last working day falls inside the phase.
   */
  private planMonthly(window: PhaseWindow, from: Day, end: Day): void {
    const lastDay = end - 1;
    const required = (month: number) => {
      const monthEnd = Math.min(lastDayOfMonthIndex(month), lastDay);
      const monthStart = Math.max(firstDayOfMonthIndex(month), from);
      for (let d = lastDayOfMonthIndex(month); d >= firstDayOfMonthIndex(month); d--) {
        if (isWorkingDay(d)) return d >= monthStart && d <= monthEnd;
      }
      return false;
    };
    let month = monthIndex(from);
    if (this.prev !== null && monthIndex(this.prev) === month) month += 1;
    const lastMonth = monthIndex(lastDay);

    // The first month may start mid-month: take its first preferred weekday, or any working day left.
    let ordinal: 1 | 2 | 3 | 4 | 'last' | undefined;
    while (month <= lastMonth && ordinal === undefined) {
      const monthStart = Math.max(firstDayOfMonthIndex(month), from, (this.prev ?? -NEVER) + 1);
      const monthEnd = Math.min(lastDayOfMonthIndex(month), lastDay);
      const candidate = nextOnOrAfter(monthStart, this.settings.weekday);
      if (candidate <= monthEnd) {
        const n = weekdayOrdinalInMonth(candidate);
        ordinal = n >= 5 ? 'last' : (n as 1 | 2 | 3 | 4);
        break;
      }
      if (required(month)) {
        const day = this.firstAvailable(monthStart, monthEnd);
        if (day !== undefined) this.take(window, day, 'first-session');
        else this.warnMonth(window, month);
      }
      month += 1;
    }
    if (ordinal === undefined) return;
    this.openSegment(window, nthWeekdayOfMonth(month, this.settings.weekday, ordinal), {
      type: 'monthly',
      weekday: this.settings.weekday,
      ordinal,
    });
    for (; month <= lastMonth; month++) {
      const patternDay = nthWeekdayOfMonth(month, this.settings.weekday, ordinal);
      const monthStart = Math.max(firstDayOfMonthIndex(month), from);
      const monthEnd = Math.min(lastDayOfMonthIndex(month), lastDay);
      if (patternDay > monthEnd || patternDay < monthStart) {
        if (required(month)) {
          const day = this.firstAvailable(monthStart, monthEnd);
          if (day !== undefined) this.take(window, day, 'first-session');
          else this.warnMonth(window, month);
        }
        break;
      }
      if (this.available(patternDay)) {
        this.take(window, patternDay, 'pattern', patternDay);
        continue;
      }
      const moved =
        this.firstAvailable(patternDay + 1, monthEnd) ?? this.lastAvailable(Math.max(monthStart, (this.prev ?? -NEVER) + 1), patternDay - 1);
      if (moved !== undefined) {
        this.take(window, moved, 'moved', patternDay);
        continue;
      }
      this.warnMonth(window, month);
      // A series cannot skip a month: end it here and start a new one next month.
      const pattern = this.open?.segment.pattern;
      this.closeSegment();
      if (pattern && month + 1 <= lastMonth) this.openSegment(window, nthWeekdayOfMonth(month + 1, this.settings.weekday, ordinal), pattern);
    }
  }

  private warnMonth(window: PhaseWindow, month: number): void {
    const first = firstDayOfMonthIndex(month);
    this.warnings.push({
      code: 'month-unmeetable',
      message: `no working day available in ${toCivil(first).slice(0, 7)} (leave or bank holidays): "${window.phase.label}" cannot be met that month; arrange cover`,
      source: window.phase.source,
    });
  }
}

