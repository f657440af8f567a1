/**
 * The series compiler, cross-checked with an independent RFC 5545 implementation (`rrule`):
 * expanding every compiled series, applying the moves and adding the one-off meetings must
 * give back exactly the planned sessions, for every role of every pack.
 *
 * rrule follows the process time zone; vitest.config.ts pins TZ=UTC and the expansion works
 * on floating dates, so the check is about dates, not offsets.
 */
import { RRule, type Weekday as RRuleWeekday } from 'rrule';
import { describe, expect, it } from 'vitest';
import { allPacks } from '../../../src/policy/packs.js';
import { plan } from '../../../src/schedule/plan.js';
import { compilePlan, type CompiledSeries } from '../../../src/schedule/series.js';

const weekdays: Record<string, RRuleWeekday> = { monday: RRule.MO, tuesday: RRule.TU, wednesday: RRule.WE, thursday: RRule.TH, friday: RRule.FR };
const ordinals: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

function utcDate(civil: string): Date {
  return new Date(`${civil}T00:00:00Z`);
}

function expand(series: CompiledSeries): string[] {
  const { pattern, range } = series.recurrence;
  if (!pattern || !range?.startDate || !range.endDate) throw new Error(`series ${series.key} lacks pattern or range`);
  const days = (pattern.daysOfWeek ?? []).map((d) => weekdays[d]!);
  const rule =
    pattern.type === 'weekly'
      ? new RRule({ freq: RRule.WEEKLY, interval: pattern.interval ?? 1, byweekday: days, wkst: RRule.MO, dtstart: utcDate(range.startDate), until: utcDate(range.endDate) })
      : new RRule({ freq: RRule.MONTHLY, interval: pattern.interval ?? 1, byweekday: days.map((d) => d.nth(ordinals[pattern.index ?? 'first']!)), dtstart: utcDate(range.startDate), until: utcDate(range.endDate) });
  return rule.all().map((d) => d.toISOString().slice(0, 10));
}

const targets = allPacks().flatMap((pack) => pack.roles.map((role) => ({ pack, role: role.id, name: `${pack.id}/${role.id}` })));

describe('series compiler vs rrule: expanded series + moves + singles = the plan', () => {
  it.each(targets)('$name', ({ pack, role }) => {
    for (const start of ['2027-01-04', '2027-03-22', '2027-12-13']) {
      const planned = plan(pack, role, start, { unavailable: [{ from: '2027-08-02', to: '2027-08-13', who: 'supervisee' }] });
      const compiled = compilePlan(planned);
      const dates: string[] = [];
      for (const series of compiled.series) {
        const expanded = expand(series);
        expect(expanded, `${series.key} expands to its occurrences`).toEqual(series.occurrences);
        expect(series.recurrence.range?.startDate).toBe(expanded[0]);
        for (const date of expanded) {
          const move = compiled.moves.find((m) => m.seriesKey === series.key && m.originalDate === date);
          dates.push(move ? move.newDate : date);
        }
      }
      dates.push(...compiled.singles.map((s) => s.date));
      expect(dates.sort()).toEqual(planned.sessions.map((s) => s.date).sort());
    }
  });

  it('uses one weekly series per phase for a phased ASYE cadence with no holidays in the way', () => {
    const pack = allPacks().find((p) => p.id === 'dudley')!;
    const compiled = compilePlan(plan(pack, 'asye', '2027-01-04', { until: '2027-06-30' }));
    const weekly = compiled.series.filter((s) => s.recurrence.pattern?.type === 'weekly');
    expect(weekly.map((s) => s.recurrence.pattern?.interval)).toEqual(expect.arrayContaining([1, 2]));
    expect(compiled.series.every((s) => s.recurrence.pattern?.firstDayOfWeek === 'monday' || s.recurrence.pattern?.type !== 'weekly')).toBe(true);
  });
});
