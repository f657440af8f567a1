/**
 * The five packs, rule by rule: each case is one rule of one seed, named after the rule and
 * the seed section it comes from, and checks what the planner makes of it over a year.
 *
 * Expectations are written from the policy digest and the seeds, not from the packs, so a
 * pack that misreads its seed fails here.
 */
import { describe, expect, it } from 'vitest';
import { addMonths, toCivil, toDay, type Day } from '../../../src/calendar/civil.js';
import { getPack } from '../../../src/policy/packs.js';
import type { Offset } from '../../../src/policy/schema.js';
import { plan } from '../../../src/schedule/plan.js';
import type { PlanOptions, PlannedSession } from '../../../src/schedule/types.js';
import { planViolations } from '../../support/invariants.js';

/** A Monday clear of bank holidays, so the first weeks show the rule rather than a move. */
const START = '2027-01-04';

type Cadence = { step: number } | 'calendar-month';

interface Window {
  from: Offset;
  until: Offset | null;
  cadence: Cadence;
  stream?: string;
}

interface RuleCase {
  org: string;
  role: string;
  rule: string;
  section: string;
  options?: PlanOptions;
  windows: Window[];
  warning?: string;
}

const weekly = { step: 7 };
const fortnightly = { step: 14 };
const fourWeekly = { step: 28 };
const sixWeekly = { step: 42 };
const eightWeekly = { step: 56 };
const twelveWeekly = { step: 84 };
const monthly = 'calendar-month' as const;
const always = (cadence: Cadence, stream?: string): Window => ({ from: { weeks: 0 }, until: null, cadence, ...(stream ? { stream } : {}) });

const cases: RuleCase[] = [
  // Birmingham, seed 000
  ...['social-worker', 'supervising-fostering-social-worker', 'adoption-support-worker', 'iro', 'team-manager', 'head-of-service', 'early-help-practitioner', 'rights-participation', 'family-support-locality'].map(
    (role): RuleCase => ({ org: 'birmingham', role, rule: 'monthly one-to-one', section: 'Frequency of supervision', windows: [always(monthly)] }),
  ),
  { org: 'birmingham', role: 'support-services', rule: '6-weekly one-to-one', section: 'Frequency of supervision', windows: [always(sixWeekly)] },
  {
    org: 'birmingham',
    role: 'asye',
    rule: 'weekly for 6 weeks, fortnightly to the 6-month review, monthly after',
    section: 'Frequency of supervision',
    windows: [
      { from: { weeks: 0 }, until: { weeks: 6 }, cadence: weekly },
      { from: { weeks: 6 }, until: { months: 6 }, cadence: fortnightly },
      { from: { months: 6 }, until: null, cadence: monthly },
    ],
  },
  { org: 'birmingham', role: 'project-officer', rule: 'bi-monthly one-to-one (every 8 weeks)', section: 'Appendix v', windows: [always(eightWeekly, 'one-to-one')] },
  {
    org: 'birmingham',
    role: 'yos-new-staff',
    rule: 'weekly for the first month, then fortnightly (main table and appendix v disagree)',
    section: 'Frequency of supervision / Appendix v',
    windows: [
      { from: { weeks: 0 }, until: { months: 1 }, cadence: weekly },
      { from: { months: 1 }, until: { months: 3 }, cadence: fortnightly },
    ],
    warning: 'policy-conflict',
  },
  { org: 'birmingham', role: 'yos-support-role', rule: '6-weekly', section: 'Appendix v', windows: [always(sixWeekly)] },
  { org: 'birmingham', role: 'yos-senior-leadership', rule: '6-weekly', section: 'Appendix v', windows: [always(sixWeekly)] },
  { org: 'birmingham', role: 'yos-case-manager', rule: 'every 4 weeks', section: 'Appendix v', windows: [always(fourWeekly)] },
  { org: 'birmingham', role: 'yos-team-manager', rule: 'every 4 weeks', section: 'Appendix v', windows: [always(fourWeekly)] },

  // Northumberland, seed 001
  { org: 'northumberland', role: 'asye', rule: 'fortnightly for the whole ASYE year', section: '7. Frequency', windows: [always(fortnightly)] },

  { org: 'northumberland', role: 'social-worker', rule: 'full-time established staff at least monthly', section: '7. Frequency', windows: [always(monthly)] },
  {
    org: 'northumberland',
    role: 'social-worker',
    rule: 'more than eight direct reports: 6-weekly with the line manager’s recorded authorisation',
    section: '7. Frequency',
    options: { facts: { supervisorDirectReports: 11 }, authorisations: { 'six-weekly-large-team': { by: 'line-manager@wrenfield.example' } } },
    windows: [always(sixWeekly)],
  },
  {
    org: 'northumberland',
    role: 'social-worker',
    rule: 'more than eight direct reports without authorisation stays monthly and warns',
    section: '7. Frequency',
    options: { facts: { supervisorDirectReports: 11 } },
    windows: [always(monthly)],
    warning: 'variant-needs-authorisation',
  },

  // Dudley, seed 002
  ...['social-worker', 'early-help', 'foster-carer', 'residential', 'registered-manager', 'supervising-fostering-social-worker', 'advanced-practitioner', 'iro', 'team-manager', 'service-manager', 'head-of-service', 'service-director', 'business-support-manager'].map(
    (role): RuleCase => ({ org: 'dudley', role, rule: 'once per calendar month', section: 'Frequency of Supervision / Appendix 3', windows: [always(monthly)] }),
  ),
  {
    org: 'dudley',
    role: 'asye',
    rule: 'weekly for 6 weeks, every 2 weeks to 6 months, then monthly',
    section: 'Frequency of Supervision (ASYE)',
    windows: [
      { from: { weeks: 0 }, until: { weeks: 6 }, cadence: weekly },
      { from: { weeks: 6 }, until: { months: 6 }, cadence: fortnightly },
      { from: { months: 6 }, until: null, cadence: monthly },
    ],
  },
  {
    org: 'dudley',
    role: 'returner',
    rule: 'every 2 weeks for an agreed period, then monthly',
    section: 'Frequency of Supervision (returners)',
    windows: [{ from: { weeks: 0 }, until: { weeks: 12 }, cadence: fortnightly }, { from: { weeks: 12 }, until: null, cadence: monthly }],
    warning: 'agreed-period-default',
  },
  { org: 'dudley', role: 'student', rule: 'weekly, alternating on-site supervisor and practice educator', section: 'Frequency of Supervision (students)', windows: [always(weekly)] },
  { org: 'dudley', role: 'business-support', rule: 'no more than 8 weeks apart', section: 'Frequency of Supervision (business support)', windows: [always(eightWeekly)] },

  // Shropshire, seed 003
  ...['service-manager', 'team-manager', 'social-worker', 'social-worker-non-case-holding', 'targeted-youth-worker', 'support-services', 'support-services-non-case-holding', 'residential'].map(
    (role): RuleCase => ({ org: 'shropshire', role, rule: '90 minutes every 4 working weeks', section: 'Appendix 5', windows: [always(fourWeekly)] }),
  ),
  {
    org: 'shropshire',
    role: 'asye',
    rule: 'every week for 6 weeks, then every 2 weeks for the first 6 months',
    section: 'Appendix 5',
    windows: [
      { from: { weeks: 0 }, until: { weeks: 6 }, cadence: weekly },
      { from: { weeks: 6 }, until: { months: 6 }, cadence: fortnightly },
      { from: { months: 6 }, until: null, cadence: fourWeekly },
    ],
  },
  { org: 'shropshire', role: 'residential-part-time', rule: 'part-time residential at least 6-weekly', section: 'Residential supervision', windows: [always(sixWeekly)] },
  {
    org: 'shropshire',
    role: 'residential-casual',
    rule: 'casual staff on fewer than 5 shifts a month at least every 12 weeks',
    section: 'Residential supervision',
    options: { facts: { shiftsPerMonth: 3 } },
    windows: [always(twelveWeekly)],
  },
  {
    org: 'shropshire',
    role: 'residential-casual',
    rule: 'casual staff on full-time hours as full-time staff (4-weekly)',
    section: 'Residential supervision',
    options: { facts: { shiftsPerMonth: 16, contractBasis: 'full-time' } },
    windows: [always(fourWeekly)],
  },

  // Bristol, seed 004
  {
    org: 'bristol',
    role: 'social-worker',
    rule: 'one-to-one every four weeks and group reflective supervision every four weeks',
    section: '3.4 and 6.1',
    windows: [always(fourWeekly, 'one-to-one'), always(fourWeekly, 'group')],
  },
  {
    org: 'bristol',
    role: 'casual',
    rule: 'monthly or every 74 hours worked, whichever is the least frequent (37 hours a week → monthly)',
    section: '3.5',
    options: { facts: { hoursWorkedPerWeek: 37 } },
    windows: [always(monthly, 'one-to-one')],
  },
  {
    org: 'bristol',
    role: 'casual',
    rule: 'monthly or every 74 hours worked, whichever is the least frequent (7.4 hours a week → every 10 weeks)',
    section: '3.5',
    options: { facts: { hoursWorkedPerWeek: 7.4 } },
    windows: [always({ step: 70 }, 'one-to-one')],
  },
];

function at(start: Day, offset: Offset): Day {
  return 'weeks' in offset ? start + offset.weeks * 7 : addMonths(start, offset.months);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function inWindow(sessions: PlannedSession[], from: Day, end: Day): Day[] {
  return sessions.map((s) => toDay(s.date)).filter((d) => d >= from && d < end);
}

describe.each(cases)('$org § $section: $role — $rule', ({ org, role, options, windows, warning }) => {
  const pack = getPack(org);
  const result = plan(pack, role, START, options);
  const start = toDay(START);
  const until = toDay(result.until);

  it.each(windows)('window from $from until $until follows the rule', (window) => {
    const streamId = window.stream ?? 'one-to-one';
    const sessions = result.sessions.filter((s) => s.stream === streamId);
    const from = at(start, window.from);
    const end = Math.min(window.until === null ? until + 1 : at(start, window.until), until + 1);
    const days = inWindow(sessions, from, end);
    expect(days.length, `sessions in ${toCivil(from)}..${toCivil(end - 1)}`).toBeGreaterThan(0);

    if (window.cadence === 'calendar-month') {
      for (let month = from; month < end; month = addMonths(month, 1)) {
        const key = toCivil(month).slice(0, 7);
        if (toCivil(end - 1).slice(0, 7) < key) break;
        // A month straddling the phase start may be covered by a session of the phase before.
        expect(sessions.some((x) => x.date.startsWith(key)), `a session in ${key}`).toBe(true);
      }
      const gaps = days.slice(1).map((d, i) => d - (days[i] as Day));
      expect(median(gaps)).toBeGreaterThanOrEqual(28);
      expect(median(gaps)).toBeLessThanOrEqual(35);
    } else {
      const { step } = window.cadence;
      const withEdge = [...sessions.map((s) => toDay(s.date)).filter((d) => d < from).slice(-1), ...days];
      const gaps = withEdge.slice(1).map((d, i) => d - (withEdge[i] as Day));
      for (const gap of gaps) expect(gap).toBeLessThanOrEqual(step);
      if (gaps.length > 0) expect(median(gaps), 'the typical gap is the rule’s interval, not something stricter').toBe(step);
    }
  });

  it('breaks no planner invariant over a year', () => {
    expect(planViolations(pack, result, options)).toEqual([]);
  });

  if (warning) {
    it(`warns: ${warning}`, () => {
      expect(result.warnings.map((w) => w.code)).toContain(warning);
    });
  }
});

describe('northumberland § Appendix C: new starters get additional supervision in their first and third week', () => {
  const result = plan(getPack('northumberland'), 'social-worker', START, { facts: { newStarter: true } });
  const extra = result.sessions.filter((s) => s.placement === 'additional');

  it('adds one session in week 1 and one in week 3', () => {
    const start = toDay(START);
    expect(extra.map((s) => Math.floor((toDay(s.date) - start) / 7) + 1)).toEqual([1, 3]);
  });

  it('never puts an additional session on a day that already has one', () => {
    const dates = result.sessions.map((s) => s.date);
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('adds nothing for someone who is not a new starter', () => {
    expect(plan(getPack('northumberland'), 'social-worker', START).sessions.filter((s) => s.placement === 'additional')).toEqual([]);
  });
});
