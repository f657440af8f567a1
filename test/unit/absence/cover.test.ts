/**
 * Supervisor absence beyond the pack's limit needs cover (issue 8 §1). One table per pack,
 * named after the rule and the seed section it comes from, each pinned at its boundary: an
 * absence of exactly the limit needs no cover, one day more does; calendar-month limits are
 * counted across month ends (31 January + 1 month = 28/29 February).
 */
import { describe, expect, it } from 'vitest';
import { absenceFromAutomaticReplies, absenceFromLeave, coverNeed, coverSupervisorOn, mergeAbsences, type AbsencePeriod } from '../../../src/absence/absence.js';
import { evaluate } from '../../../src/compliance/evaluate.js';
import { isBreach } from '../../../src/compliance/findings.js';
import { personHistorySchema } from '../../../src/compliance/input.js';
import { getPack } from '../../../src/policy/packs.js';

const leave = (from: string, to?: string): AbsencePeriod => absenceFromLeave({ from, to });

interface Row {
  absence: [string, string?];
  asOf: string;
  /** The cover due date, or null when no cover is needed. */
  due: string | null;
  why: string;
}

interface PackTable {
  org: string;
  rule: string;
  section: string;
  rows: Row[];
}

const fourWeeks = (org: string, rule: string, section: string): PackTable => ({
  org,
  rule,
  section,
  rows: [
    // Monday 1 March 2027: four weeks are 1–28 March; 29 March is the first day beyond them.
    { absence: ['2027-03-01', '2027-03-28'], asOf: '2027-03-10', due: null, why: 'exactly four weeks away is not longer than four weeks' },
    { absence: ['2027-03-01', '2027-03-29'], asOf: '2027-03-10', due: '2027-03-29', why: 'four weeks and a day: flagged from the first day so cover is arranged in time' },
    { absence: ['2027-03-01', '2027-03-29'], asOf: '2027-02-26', due: null, why: 'nothing before the absence starts' },
    { absence: ['2027-03-01', '2027-03-29'], asOf: '2027-03-30', due: null, why: 'nothing once the supervisor is back' },
    { absence: ['2027-03-01'], asOf: '2027-03-28', due: null, why: 'open-ended: not yet longer than four weeks' },
    { absence: ['2027-03-01'], asOf: '2027-03-29', due: '2027-03-29', why: 'open-ended: longer than four weeks from the 29th' },
  ],
});

const tables: PackTable[] = [
  fourWeeks('northumberland', 'supervisor absent longer than four weeks: alternative formal supervision', 'Appendix C Principles of Supervision Statement'),
  fourWeeks('birmingham', 'supervisor absent longer than 4 weeks (product default: the seed sets no rule)', 'product default'),
  {
    org: 'shropshire',
    rule: 'supervisor absent more than one month: line manager arranges cover',
    section: 'Frequency of Supervision',
    rows: [
      { absence: ['2027-03-01', '2027-03-31'], asOf: '2027-03-15', due: null, why: 'all of March is exactly one calendar month' },
      { absence: ['2027-03-01', '2027-04-01'], asOf: '2027-03-15', due: '2027-04-01', why: 'one month and a day' },
      { absence: ['2027-01-31', '2027-02-27'], asOf: '2027-02-10', due: null, why: '31 January + 1 month is 28 February (clamped): away to the 27th is within the month' },
      { absence: ['2027-01-31', '2027-02-28'], asOf: '2027-02-10', due: '2027-02-28', why: 'away on 28 February is more than a month from 31 January' },
      { absence: ['2028-01-31', '2028-02-28'], asOf: '2028-02-10', due: null, why: 'leap year: a month from 31 January 2028 runs to 28 February' },
      { absence: ['2028-01-31', '2028-02-29'], asOf: '2028-02-10', due: '2028-02-29', why: 'leap year: away on 29 February is more than a month' },
      { absence: ['2027-03-31'], asOf: '2027-04-29', due: null, why: 'open-ended from 31 March: within a month until 29 April' },
      { absence: ['2027-03-31'], asOf: '2027-04-30', due: '2027-04-30', why: 'open-ended from 31 March: more than a month on 30 April' },
      { absence: ['2027-12-15'], asOf: '2028-01-15', due: '2028-01-15', why: 'across the year end' },
    ],
  },
];

describe.each(tables)('$org § $section: $rule', ({ org, rows }) => {
  const pack = getPack(org);
  const limit = pack.supervisorAbsence?.coverAfter;

  it('the pack states the limit', () => {
    expect(limit).toBeDefined();
  });

  it.each(rows)('$why ($absence, as of $asOf)', ({ absence, asOf, due }) => {
    const need = coverNeed(limit!, [leave(...absence)], asOf);
    expect(need?.due ?? null).toBe(due);
  });

  it.each(rows)('the compliance finding follows: $why', ({ absence, asOf, due }) => {
    const [from, to] = absence;
    const person = personHistorySchema.parse({ id: 'ps-1', role: pack.roles[0]!.id, start: '2026-09-01', supervisor: 'sv-1', supervisorAbsences: [{ from, ...(to ? { to } : {}) }] });
    const found = evaluate(pack, person, asOf).filter((f) => f.kind === 'supervisor-absent');
    expect(found.map((f) => f.due)).toEqual(due === null ? [] : [due]);
    if (due !== null) {
      expect(found[0]!.ruleId).toBe('supervisorAbsence');
      expect(found[0]!.source).toEqual(pack.supervisorAbsence!.source);
      expect(isBreach(found[0]!)).toBe(asOf > due);
    }
  });

  it('a temporary supervisor in force removes the finding', () => {
    const [from, to] = rows.find((r) => r.due !== null)!.absence;
    const asOf = rows.find((r) => r.due !== null)!.asOf;
    const person = personHistorySchema.parse({ id: 'ps-1', role: pack.roles[0]!.id, start: '2026-09-01', supervisor: 'sv-1', supervisorAbsences: [{ from, ...(to ? { to } : {}), coveredBy: 'cover-1' }] });
    expect(evaluate(pack, person, asOf).filter((f) => f.kind === 'supervisor-absent')).toEqual([]);
  });
});

describe.each(['bristol', 'dudley'])('%s: the seed states no absence limit', (org) => {
  it('never asks for cover, however long the absence', () => {
    const pack = getPack(org);
    expect(pack.supervisorAbsence).toBeUndefined();
    const person = personHistorySchema.parse({ id: 'ps-1', role: pack.roles[0]!.id, start: '2026-09-01', supervisor: 'sv-1', supervisorAbsences: [{ from: '2027-01-04' }] });
    expect(evaluate(pack, person, '2027-06-01').filter((f) => f.kind === 'supervisor-absent')).toEqual([]);
  });
});

describe('a breach only after the due day', () => {
  const limit = { weeks: 4 } as const;
  it('counts days past due, negative before it', () => {
    expect(coverNeed(limit, [leave('2027-03-01', '2027-04-30')], '2027-03-01')?.overdueBy).toBe(-28);
    expect(coverNeed(limit, [leave('2027-03-01', '2027-04-30')], '2027-03-29')?.overdueBy).toBe(0);
    expect(coverNeed(limit, [leave('2027-03-01', '2027-04-30')], '2027-04-05')?.overdueBy).toBe(7);
  });
});

describe('one continuous absence from several pieces of evidence', () => {
  const limit = { weeks: 4 } as const;

  it('joins leave booked week by week across weekends into one absence', () => {
    const weeks = [leave('2027-03-01', '2027-03-05'), leave('2027-03-08', '2027-03-12'), leave('2027-03-15', '2027-03-19'), leave('2027-03-22', '2027-03-26'), leave('2027-03-29', '2027-03-29')];
    expect(mergeAbsences(weeks)).toEqual([{ from: '2027-03-01', to: '2027-03-29', sources: ['recorded-leave'] }]);
    expect(coverNeed(limit, weeks, '2027-03-10')?.due).toBe('2027-03-29');
  });

  it('joins across a bank holiday (Good Friday and Easter Monday 2027) but not across a working day', () => {
    expect(mergeAbsences([leave('2027-03-01', '2027-03-25'), leave('2027-03-30', '2027-04-09')])).toHaveLength(1);
    expect(mergeAbsences([leave('2027-03-01', '2027-03-24'), leave('2027-03-30', '2027-04-09')])).toHaveLength(2);
    expect(coverNeed(limit, [leave('2027-03-01', '2027-03-24'), leave('2027-03-26', '2027-04-09')], '2027-03-10')).toBeNull();
  });

  it('merges automatic replies with the leave record of the same trip, keeping both sources', () => {
    const replies = absenceFromAutomaticReplies({ status: 'scheduled', start: Date.parse('2027-03-15T00:00:00Z'), end: Date.parse('2027-04-11T23:00:00Z') })!; // midnight BST
    expect(replies).toEqual({ from: '2027-03-15', to: '2027-04-11', sources: ['automatic-replies'] });
    const merged = mergeAbsences([replies, leave('2027-03-01', '2027-03-16')]);
    expect(merged).toEqual([{ from: '2027-03-01', to: '2027-04-11', sources: ['recorded-leave', 'automatic-replies'] }]);
  });

  it('an open-ended piece makes the whole absence open-ended', () => {
    expect(mergeAbsences([leave('2027-03-01', '2027-03-10'), leave('2027-03-05')])).toEqual([{ from: '2027-03-01', sources: ['recorded-leave'] }]);
  });
});

describe('automatic replies as evidence', () => {
  it('reads a scheduled reply in London days (British Summer Time: 23:00Z is midnight)', () => {
    expect(absenceFromAutomaticReplies({ status: 'scheduled', start: Date.parse('2027-06-06T23:00:00Z'), end: Date.parse('2027-07-09T23:00:00Z') })).toEqual({ from: '2027-06-07', to: '2027-07-09', sources: ['automatic-replies'] });
  });

  it('an end during the day counts that day as away', () => {
    expect(absenceFromAutomaticReplies({ status: 'scheduled', start: Date.parse('2027-01-04T09:00:00Z'), end: Date.parse('2027-02-01T13:00:00Z') })?.to).toBe('2027-02-01');
  });

  it('alwaysEnabled and disabled give no dated absence; nor does an end before the start', () => {
    expect(absenceFromAutomaticReplies({ status: 'alwaysEnabled' })).toBeNull();
    expect(absenceFromAutomaticReplies({ status: 'disabled', start: 0, end: 1 })).toBeNull();
    expect(absenceFromAutomaticReplies({ status: 'scheduled', start: Date.parse('2027-02-01T00:00:00Z'), end: Date.parse('2027-01-01T00:00:00Z') })).toBeNull();
  });
});

describe('a temporary supervisor is in force only during the cover period', () => {
  const cover = { coverSupervisorId: 'cover-1', coverFrom: '2027-03-29', coverUntil: '2027-05-07' };
  it.each([
    ['2027-03-28', null],
    ['2027-03-29', 'cover-1'],
    ['2027-05-07', 'cover-1'],
    ['2027-05-08', null],
  ])('on %s: %s', (asOf, expected) => {
    expect(coverSupervisorOn(cover, asOf)).toBe(expected);
  });
  it('open-ended cover lasts until it is ended; cover without dates (older records) is in force', () => {
    expect(coverSupervisorOn({ coverSupervisorId: 'cover-1', coverFrom: '2027-03-29' }, '2030-01-01')).toBe('cover-1');
    expect(coverSupervisorOn({ coverSupervisorId: 'cover-1' }, '2027-01-01')).toBe('cover-1');
    expect(coverSupervisorOn({}, '2027-01-01')).toBeNull();
  });
});
