import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCivil, toDay } from '../../../src/calendar/civil.js';
import { isWorkingDay } from '../../../src/calendar/working-days.js';
import { SupervisionError } from '../../../src/errors.js';
import { plan } from '../../../src/schedule/plan.js';
import type { PlanOptions, WorkingWeekday } from '../../../src/schedule/types.js';
import { planViolations } from '../../support/invariants.js';
import { miniPack, phase, role } from '../../support/mini-pack.js';

const pack = miniPack();
const dates = (p: ReturnType<typeof plan>) => p.sessions.map((s) => s.date);

describe('planner: phased cadence (weekly for 6 weeks, fortnightly to month 6, monthly after)', () => {
  const asye = plan(pack, 'asye', '2026-09-01', { weekday: 'tue' });

  it('plans weekly sessions for the first six weeks, starting on the first preferred weekday', () => {
    expect(dates(asye).slice(0, 6)).toEqual(['2026-09-01', '2026-09-08', '2026-09-15', '2026-09-22', '2026-09-29', '2026-10-06']);
    expect(asye.sessions.slice(0, 6).every((s) => s.phase === 'weekly')).toBe(true);
  });

  it('continues fortnightly from the last weekly session until month 6', () => {
    const fortnightly = asye.sessions.filter((s) => s.phase === 'fortnightly');
    expect(fortnightly[0]?.date).toBe('2026-10-20');
    expect(fortnightly.every((s, i, all) => i === 0 || toDay(s.date) - toDay(all[i - 1]!.date) <= 14)).toBe(true);
    expect(fortnightly.at(-1)!.date < '2027-03-01').toBe(true);
  });

  it('then plans one session in every calendar month on the same weekday of the month', () => {
    const monthly = asye.sessions.filter((s) => s.phase === 'monthly');
    expect(monthly.map((s) => s.date.slice(0, 7))).toEqual(['2027-03', '2027-04', '2027-05', '2027-06', '2027-07', '2027-08']);
  });

  it('carries the rule and its source on every session', () => {
    for (const s of asye.sessions) {
      expect(s.ruleId).toMatch(/^asye\/one-to-one\//);
      expect(s.source).toBeDefined();
      expect(s.durationMinutes).toBe(90);
    }
    expect(asye.warnings).toEqual([]);
  });

  it('has no invariant violations', () => {
    expect(planViolations(pack, asye)).toEqual([]);
  });
});

describe('planner: bank holidays and leave', () => {
  it('adds a bridge when New Year moves the last fortnightly session earlier and the next pattern date is past the phase end', () => {
    // Found by the property test: Wednesday pattern, 1 January 2025 moved to 31 December; the
    // fortnightly phase ends 15 January, so without a bridge the gap would be 15 days.
    const result = plan(pack, 'asye', '2024-07-15', { weekday: 'wed' });
    expect(planViolations(pack, result, { weekday: 'wed' })).toEqual([]);
    expect(result.sessions.find((s) => s.date === '2025-01-08')?.placement).toBe('bridge');
  });

  it('moves a weekly session off Easter Monday to the working day before and adds a bridge so no gap exceeds a week', () => {
    const p = plan(pack, 'asye', '2026-03-02', { weekday: 'mon' });
    const easter = p.sessions.filter((s) => s.date >= '2026-03-30' && s.date <= '2026-04-13');
    expect(easter.map((s) => [s.date, s.placement, s.movedFrom ?? null])).toEqual([
      ['2026-03-30', 'pattern', null],
      ['2026-04-02', 'moved', '2026-04-06'],
      ['2026-04-07', 'bridge', null],
    ]);
    expect(easter[1]?.movedBecause).toBe('bank-holiday');
    expect(planViolations(pack, p, { weekday: 'mon' })).toEqual([]);
  });

  it('restarts a fortnightly pattern a week earlier on the same weekday when a pattern date is a bank holiday', () => {
    const p = plan(pack, 'asye', '2026-03-02', { weekday: 'mon' });
    expect(dates(p)).toContain('2026-04-27');
    expect(dates(p)).not.toContain('2026-05-04');
    expect(p.sessions.filter((s) => s.phase === 'fortnightly').every((s) => s.date.length === 10 && new Date(s.date).getUTCDay() === 1)).toBe(true);
  });

  it('moves a four-weekly session later within the week when the gap allows, earlier otherwise', () => {
    const p = plan(pack, 'bi-monthly', '2026-11-03', { weekday: 'fri', until: '2027-12-31' });
    // Every 2 months planned 8-weekly: the pattern has slack, so a holiday moves later.
    const christmas = p.sessions.find((s) => s.movedFrom === '2026-12-25' || s.movedFrom === '2027-12-31');
    if (christmas) expect(christmas.date > christmas.movedFrom!).toBe(true);
    expect(planViolations(pack, p, { weekday: 'fri' })).toEqual([]);
  });

  it('never books during the supervisee’s leave and keeps every gap', () => {
    const options: PlanOptions = { weekday: 'wed', unavailable: [{ from: '2026-10-12', to: '2026-10-23', who: 'supervisee', reason: 'annual leave' }] };
    const p = plan(pack, 'four-weekly', '2026-09-02', options);
    expect(dates(p).filter((d) => d >= '2026-10-12' && d <= '2026-10-23')).toEqual([]);
    expect(planViolations(pack, p, options)).toEqual([]);
  });

  it('warns when leave makes a weekly rule impossible and names the window', () => {
    const options: PlanOptions = { weekday: 'tue', unavailable: [{ from: '2026-09-07', to: '2026-09-25', who: 'supervisor' }] };
    const p = plan(pack, 'asye', '2026-09-01', options);
    expect(p.warnings.map((w) => w.code)).toContain('interval-unmeetable');
    expect(dates(p).filter((d) => d >= '2026-09-07' && d <= '2026-09-25')).toEqual([]);
  });
});

describe('planner: bad input names the field', () => {
  it.each([
    ['start', () => plan(pack, 'asye', '2026-13-01')],
    ['until', () => plan(pack, 'asye', '2026-09-01', { until: '2026-08-01' })],
    ['weekday', () => plan(pack, 'asye', '2026-09-01', { weekday: 'sat' as WorkingWeekday })],
    ['time', () => plan(pack, 'asye', '2026-09-01', { time: '16:30' })],
    ['role', () => plan(pack, 'wizard', '2026-09-01')],
  ])('%s', (field, run) => {
    try {
      run();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SupervisionError);
      expect((error as SupervisionError).field).toBe(field);
    }
  });
});

describe('planner: agreed frequency from the supervision agreement', () => {
  it('uses a stricter agreed frequency instead of the policy’s', () => {
    const p = plan(pack, 'four-weekly', '2026-09-01', { agreedFrequency: { rule: 'interval', weeks: 2 } });
    expect(p.sessions.slice(0, 3).map((s) => s.date)).toEqual(['2026-09-01', '2026-09-15', '2026-09-29']);
    expect(p.sessions[0]?.ruleId).toBe('four-weekly/one-to-one/four-weekly');
  });

  it('refuses a looser agreed frequency and cites the policy rule', () => {
    expect(() => plan(pack, 'four-weekly', '2026-09-01', { agreedFrequency: { rule: 'interval', weeks: 6 } })).toThrowError(
      expect.objectContaining({ code: 'LOOSER_THAN_POLICY', field: 'agreedFrequency' }),
    );
  });

  it('treats every 4 weeks as at least as strict as monthly, and monthly as looser than every 4 weeks', () => {
    const monthlyPack = miniPack({}, [role('monthly', [phase('monthly', { weeks: 0 }, null, { rule: 'calendar-month' })])]);
    expect(() => plan(monthlyPack, 'monthly', '2026-09-01', { agreedFrequency: { rule: 'interval', weeks: 4 } })).not.toThrow();
    expect(() => plan(pack, 'four-weekly', '2026-09-01', { agreedFrequency: { rule: 'calendar-month' } })).toThrow(SupervisionError);
  });
});

const roleIds = ['asye', 'four-weekly', 'bi-monthly'] as const;
const weekdays: WorkingWeekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const anyDate = fc.integer({ min: toDay('2024-01-01'), max: toDay('2031-12-31') }).map(toCivil);

describe('planner invariants (property-based)', () => {
  it('sessions fall on working days inside [start, until] and no gap exceeds the rule in force', () => {
    fc.assert(
      fc.property(fc.constantFrom(...roleIds), anyDate, fc.constantFrom(...weekdays), (roleId, start, weekday) => {
        const options: PlanOptions = { weekday };
        const p = plan(pack, roleId, start, options);
        expect(planViolations(pack, p, options)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('short leave never breaks a rule: sessions move around it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...roleIds),
        anyDate,
        fc.constantFrom(...weekdays),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 330 }), fc.integer({ min: 0, max: 4 }), fc.constantFrom('supervisor', 'supervisee') as fc.Arbitrary<'supervisor' | 'supervisee'>), { maxLength: 4 }),
        (roleId, start, weekday, ranges) => {
          const unavailable = ranges.map(([offset, length, who]) => ({
            from: toCivil(toDay(start) + offset),
            to: toCivil(toDay(start) + offset + length),
            who,
          }));
          const options: PlanOptions = { weekday, unavailable };
          const p = plan(pack, roleId, start, options);
          expect(planViolations(pack, p, options)).toEqual([]);
          for (const s of p.sessions) expect(isWorkingDay(toDay(s.date))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same inputs give the same plan', () => {
    fc.assert(
      fc.property(fc.constantFrom(...roleIds), anyDate, (roleId, start) => {
        expect(plan(pack, roleId, start)).toEqual(plan(pack, roleId, start));
      }),
      { numRuns: 50 },
    );
  });
});
