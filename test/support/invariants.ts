/**
 * The planner's invariants, checked independently of the planner's own deadline logic: a
 * second reading of "a minimum frequency is a maximum gap" so a planner bug cannot hide behind
 * the same code that produced it.
 */
import { addMonths, firstDayOfMonthIndex, lastDayOfMonthIndex, monthIndex, toCivil, toDay, type Day } from '../../src/calendar/civil.js';
import { isWorkingDay } from '../../src/calendar/working-days.js';
import { resolveRole, type ResolveOptions } from '../../src/policy/resolve.js';
import type { Offset, Pack } from '../../src/policy/schema.js';
import type { Plan, PlanOptions } from '../../src/schedule/types.js';

function at(start: Day, offset: Offset): Day {
  return 'weeks' in offset ? start + offset.weeks * 7 : addMonths(start, offset.months);
}

export function planViolations(pack: Pack, plan: Plan, options: PlanOptions & ResolveOptions = {}): string[] {
  const violations: string[] = [];
  const start = toDay(plan.start);
  const until = toDay(plan.until);
  const leave = (options.unavailable ?? []).map((r) => [toDay(r.from), toDay(r.to)] as const);
  const onLeave = (d: Day) => leave.some(([f, t]) => d >= f && d <= t);
  const unmeetable = plan.warnings.some((w) => w.code === 'interval-unmeetable' || w.code === 'month-unmeetable');

  for (const s of plan.sessions) {
    const d = toDay(s.date);
    if (!isWorkingDay(d)) violations.push(`${s.date} is not a working day`);
    if (onLeave(d) && !unmeetable) violations.push(`${s.date} is during leave`);
    if (d < start) violations.push(`${s.date} is before the start ${plan.start}`);
    if (d > until) violations.push(`${s.date} is after ${plan.until}`);
    if (s.start !== `${s.date}T${plan.time}`) violations.push(`${s.date} starts at ${s.start}, not ${plan.time}`);
  }

  const resolved = resolveRole(pack, plan.role, options);
  for (const stream of resolved.streams) {
    const phases = stream.phases.map((p) => ({ p, from: at(start, p.from), end: p.until === null ? Infinity : at(start, p.until) }));
    const phaseAt = (d: Day) => phases.find((x) => d >= x.from && d < x.end) ?? phases[phases.length - 1];
    const dates = plan.sessions.filter((s) => s.stream === stream.id).map((s) => toDay(s.date));
    const maxNext = (phase: (typeof phases)[number], from: Day): Day | undefined => {
      const f = phase.p.frequency;
      if (f.rule === 'interval') return from + f.weeks * 7;
      if (f.rule === 'interval-months') return addMonths(from, f.months);
      return undefined;
    };
    const firstPhase = phaseAt(start);
    const first = dates[0];
    if (firstPhase && first !== undefined) {
      const limit = maxNext(firstPhase, start);
      if (limit !== undefined && first > limit && !unmeetable) violations.push(`${stream.id}: first session ${toCivil(first)} later than ${toCivil(limit)}`);
    }
    if (pack.firstSession && first !== undefined && stream.id === resolved.streams[0]?.id) {
      const within = pack.firstSession.within;
      const days = 'days' in within ? within.days : 'weeks' in within ? within.weeks * 7 : Infinity;
      if (first - start > days) violations.push(`${stream.id}: first session ${toCivil(first)} misses the first-session rule`);
    }
    for (let i = 1; i < dates.length; i++) {
      const a = dates[i - 1] as Day;
      const b = dates[i] as Day;
      const pb = phaseAt(b);
      const limitB = pb && b < until + 1 ? maxNext(pb, a) : undefined;
      if (limitB !== undefined && b > limitB && !unmeetable) violations.push(`${stream.id}: gap ${toCivil(a)} → ${toCivil(b)} exceeds "${pb?.p.label}"`);
      const pa = phaseAt(a);
      const limitA = pa ? maxNext(pa, a) : undefined;
      if (pa && limitA !== undefined && limitA < pa.end && b > limitA && !unmeetable) {
        violations.push(`${stream.id}: gap ${toCivil(a)} → ${toCivil(b)} exceeds "${pa.p.label}"`);
      }
    }
    if (dates.length === 0 && !unmeetable) violations.push(`${stream.id}: no sessions`);
    for (const phase of phases) {
      if (phase.p.frequency.rule !== 'calendar-month') continue;
      const from = Math.max(phase.from, start);
      const to = Math.min(phase.end - 1, until);
      for (let m = monthIndex(from); m <= monthIndex(to); m++) {
        let lastWorking = lastDayOfMonthIndex(m);
        while (!isWorkingDay(lastWorking)) lastWorking--;
        if (lastWorking < from || lastWorking > to) continue;
        const has = dates.some((d) => d >= firstDayOfMonthIndex(m) && d <= lastDayOfMonthIndex(m));
        if (!has && !unmeetable) violations.push(`${stream.id}: no session in ${toCivil(firstDayOfMonthIndex(m)).slice(0, 7)}`);
      }
    }
  }

  // A move earlier is only allowed when moving later would have broken the gap.
  for (const s of plan.sessions) {
    if (!s.movedFrom || s.date >= s.movedFrom) continue;
    const original = toDay(s.movedFrom);
    const stream = resolved.streams.find((x) => x.id === s.stream);
    const phase = stream?.phases.find((p) => p.id === s.phase);
    if (!phase || phase.frequency.rule === 'calendar-month') continue;
    const previous = plan.sessions.filter((x) => x.stream === s.stream && x.date < s.date).at(-1);
    if (!previous) continue;
    const limit = phase.frequency.rule === 'interval' ? toDay(previous.date) + phase.frequency.weeks * 7 : addMonths(toDay(previous.date), phase.frequency.months);
    for (let d = original + 1; d <= original + 6; d++) {
      if (isWorkingDay(d) && !onLeave(d) && d <= limit) violations.push(`${s.date} moved earlier from ${s.movedFrom} although ${toCivil(d)} kept the gap`);
    }
  }
  return violations;
}
