/**
 * Compliance under each organisation's own pack: one row per rule where the packs differ,
 * named after the rule and its seed section, each checked on the day of its deadline (on
 * time) and the day after (late). Working-day deadlines straddle Easter 2027 (Good Friday
 * 26 March, Easter Monday 29 March), so a calendar-day reading fails here.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/compliance/evaluate.js';
import { isBreach, type FindingKind } from '../../../src/compliance/findings.js';
import { personHistorySchema } from '../../../src/compliance/input.js';
import { getPack } from '../../../src/policy/packs.js';

type PersonInput = Parameters<typeof personHistorySchema.parse>[0];
type Overrides = Partial<Record<keyof ReturnType<typeof personHistorySchema.parse>, unknown>>;

interface Scenario {
  org: string;
  rule: string;
  section: string;
  kind: FindingKind;
  person: Overrides;
  /** Last day with no breach, and the first day with one. */
  onTime: string;
  late: string;
}

const signed = { signedBySupervisor: '2027-01-04', signedBySupervisee: '2027-01-04' };
const held = (date: string, extra: Record<string, unknown> = {}) => ({ date, kind: 'individual', status: 'held', ...extra });
const defaultCategory = (org: string) => getPack(org).caseDiscussion.defaultCategory;
const oneCase = (category: string, discussions: Record<string, unknown>[]) => [{ ref: 'LCS-100234', category, opened: '2027-01-04', discussions }];

const scenarios: Scenario[] = [
  // record-late
  { org: 'bristol', rule: 'notes shared within 48 hours', section: '5. Recording', kind: 'record-late', person: { sessions: [held('2027-03-02', { start: '10:00' })] }, onTime: '2027-03-03', late: '2027-03-04' },
  { org: 'birmingham', rule: 'notes completed and signed within 5 working days', section: 'Recording supervision', kind: 'record-late', person: { sessions: [held('2027-03-24', { recordSharedAt: '2027-03-24' })] }, onTime: '2027-04-02', late: '2027-04-05' },
  { org: 'northumberland', rule: 'copy of the record to the supervisee within 5 days', section: 'Recording', kind: 'record-late', person: { sessions: [held('2027-03-02', { supervisorSignedAt: '2027-03-02' })] }, onTime: '2027-03-07', late: '2027-03-08' },
  { org: 'shropshire', rule: 'notes shared within 1 week', section: 'Recording', kind: 'record-late', person: { sessions: [held('2027-03-02', { supervisorSignedAt: '2027-03-02' })] }, onTime: '2027-03-09', late: '2027-03-10' },

  // case-direction-late
  { org: 'bristol', rule: 'case direction on LCS/EHM within 24 hours', section: '5. Recording', kind: 'case-direction-late', person: { cases: oneCase(defaultCategory('bristol'), [{ date: '2027-03-02' }]) }, onTime: '2027-03-03', late: '2027-03-04' },
  { org: 'dudley', rule: 'practice supervision on the child’s file within two working days', section: 'Practice supervision', kind: 'case-direction-late', person: { cases: oneCase(defaultCategory('dudley'), [{ date: '2027-03-25' }]) }, onTime: '2027-03-31', late: '2027-04-01' },
  { org: 'shropshire', rule: 'case supervision recorded within 2 working days', section: 'Case supervision', kind: 'case-direction-late', person: { cases: oneCase(defaultCategory('shropshire'), [{ date: '2027-03-25' }]) }, onTime: '2027-03-31', late: '2027-04-01' },
  { org: 'northumberland', rule: 'case recording on Liquid Logic within 5 days', section: 'Recording', kind: 'case-direction-late', person: { cases: oneCase(defaultCategory('northumberland'), [{ date: '2027-03-02' }]) }, onTime: '2027-03-07', late: '2027-03-08' },
  { org: 'northumberland', rule: 'urgent case recording within 24 hours', section: 'Recording', kind: 'case-direction-late', person: { cases: oneCase(defaultCategory('northumberland'), [{ date: '2027-03-02', urgent: true }]) }, onTime: '2027-03-03', late: '2027-03-04' },

  // agreement-missing
  { org: 'northumberland', rule: 'agreement within the first week of employment', section: 'Appendix C', kind: 'agreement-missing', person: { agreement: {}, employmentStart: '2027-01-04' }, onTime: '2027-01-11', late: '2027-01-12' },
  { org: 'dudley', rule: 'agreement signed within four weeks of the relationship starting', section: 'Supervision agreement', kind: 'agreement-missing', person: { agreement: {} }, onTime: '2027-02-01', late: '2027-02-02' },
  { org: 'bristol', rule: 'agreement within the first four weeks', section: 'Supervision agreement', kind: 'agreement-missing', person: { agreement: {} }, onTime: '2027-02-01', late: '2027-02-02' },
  { org: 'birmingham', rule: 'agreement before the first one-to-one', section: 'Supervision agreement', kind: 'agreement-missing', person: { agreement: {}, sessions: [{ date: '2027-01-12', kind: 'individual', status: 'planned' }] }, onTime: '2027-01-12', late: '2027-01-13' },
  { org: 'dudley', rule: 'agreement reviewed at least annually', section: 'Supervision agreement', kind: 'agreement-review-due', person: {}, onTime: '2028-01-04', late: '2028-01-05' },

  // case-discussion-overdue
  { org: 'birmingham', rule: 'child protection discussed monthly', section: 'Situation of those we are supporting', kind: 'case-discussion-overdue', person: { cases: oneCase('child-protection', [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-03-01', late: '2027-03-02' },
  { org: 'birmingham', rule: 'child in need discussed 2-monthly', section: 'Situation of those we are supporting', kind: 'case-discussion-overdue', person: { cases: oneCase('child-in-need', [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-04-01', late: '2027-04-02' },
  { org: 'birmingham', rule: 'children in care discussed 3-monthly', section: 'Situation of those we are supporting', kind: 'case-discussion-overdue', person: { cases: oneCase('child-in-care', [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-05-01', late: '2027-05-02' },
  { org: 'birmingham', rule: 'children in care monthly while planning permanence', section: 'Situation of those we are supporting', kind: 'case-discussion-overdue', person: { cases: oneCase('child-in-care-permanence-planning', [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-03-01', late: '2027-03-02' },
  { org: 'dudley', rule: 'every child at least every eight weeks', section: 'Practice supervision', kind: 'case-discussion-overdue', person: { cases: oneCase(defaultCategory('dudley'), [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-03-29', late: '2027-03-30' },
  { org: 'dudley', rule: 'agreed long-term placements 12-weekly', section: 'Practice supervision', kind: 'case-discussion-overdue', person: { cases: oneCase('long-term-placement', [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-04-26', late: '2027-04-27' },
  { org: 'shropshire', rule: 'every child open to the service at least every 8 weeks', section: 'Case supervision', kind: 'case-discussion-overdue', person: { cases: oneCase(defaultCategory('shropshire'), [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-03-29', late: '2027-03-30' },
  { org: 'shropshire', rule: 'care leavers rated stable 12-weekly', section: 'Case supervision', kind: 'case-discussion-overdue', person: { cases: oneCase('care-leaver-stable', [{ date: '2027-02-01', directionRecordedAt: '2027-02-01' }]) }, onTime: '2027-04-26', late: '2027-04-27' },
  { org: 'bristol', rule: 'children discussed at every supervision', section: '4.8', kind: 'case-discussion-overdue', person: { sessions: [held('2027-03-02', { recordSharedAt: '2027-03-02', supervisorSignedAt: '2027-03-02' })], cases: oneCase(defaultCategory('bristol'), []) }, onTime: '2027-03-01', late: '2027-03-03' },

  // cancellations
  { org: 'northumberland', rule: 'cancelled session rearranged within the next month', section: 'Cancellation', kind: 'cancellation-not-rearranged', person: { sessions: [{ date: '2027-03-02', kind: 'individual', status: 'cancelled', cancelReason: 'Court hearing' }] }, onTime: '2027-04-02', late: '2027-04-03' },

  // sessions
  { org: 'northumberland', rule: 'ASYE fortnightly', section: '7. Frequency', kind: 'session-overdue', person: { role: 'asye', sessions: [held('2027-02-02', { recordSharedAt: '2027-02-02', supervisorSignedAt: '2027-02-02' })] }, onTime: '2027-02-16', late: '2027-02-17' },
  { org: 'dudley', rule: 'personal supervision once per calendar month', section: 'Frequency of Supervision', kind: 'session-overdue', person: { role: 'social-worker', sessions: [held('2027-01-05', { recordSharedAt: '2027-01-05', supervisorSignedAt: '2027-01-05' }), held('2027-02-02', { recordSharedAt: '2027-02-02', supervisorSignedAt: '2027-02-02' })] }, onTime: '2027-03-31', late: '2027-04-01' },
  { org: 'shropshire', rule: 'every 4 working weeks', section: 'Appendix 5', kind: 'session-overdue', person: { role: 'social-worker', sessions: [held('2027-02-02', { recordSharedAt: '2027-02-02', supervisorSignedAt: '2027-02-02' })] }, onTime: '2027-03-02', late: '2027-03-03' },
  { org: 'birmingham', rule: 'support services 6-weekly', section: 'Frequency of supervision', kind: 'session-overdue', person: { role: 'support-services', sessions: [held('2027-02-02', { recordSharedAt: '2027-02-02', supervisorSignedAt: '2027-02-02' })] }, onTime: '2027-03-16', late: '2027-03-17' },
  { org: 'shropshire', rule: 'first supervision set up within 5 days of starting', section: 'Appendix 6', kind: 'first-session-late', person: { role: 'social-worker' }, onTime: '2027-01-09', late: '2027-01-10' },
  { org: 'bristol', rule: 'group reflective supervision every four weeks', section: '6.1', kind: 'group-attendance-low', person: { role: 'social-worker', sessions: [{ date: '2027-02-02', kind: 'group', status: 'held' }] }, onTime: '2027-03-02', late: '2027-03-03' },

  // reviews and absence
  { org: 'northumberland', rule: 'appraisal goals reviewed at least every 6 months', section: 'Appraisal', kind: 'appraisal-review-due', person: {}, onTime: '2027-07-04', late: '2027-07-05' },
  { org: 'northumberland', rule: 'supervisor absent over four weeks: alternative supervision', section: 'Supervisor absence', kind: 'supervisor-absent', person: { supervisorAbsences: [{ from: '2027-03-01' }] }, onTime: '2027-03-29', late: '2027-03-30' },
  { org: 'shropshire', rule: 'supervisor absent more than one month: cover arranged', section: 'Supervisor absence', kind: 'supervisor-absent', person: { supervisorAbsences: [{ from: '2027-03-01' }] }, onTime: '2027-04-01', late: '2027-04-02' },
];

function personFor(org: string, overrides: Overrides) {
  const pack = getPack(org);
  const input = {
    id: 'ps-1',
    role: pack.roles.find((r) => r.id === 'social-worker')?.id ?? 'asye',
    start: '2027-01-04',
    supervisor: 'sv-1',
    agreement: signed,
    ...overrides,
  } as PersonInput;
  return personHistorySchema.parse(input);
}

describe.each(scenarios)('$org § $section: $rule ($kind)', ({ org, kind, person, onTime, late }) => {
  const pack = getPack(org);
  const history = personFor(org, person);
  const breaches = (asOf: string) => evaluate(pack, history, asOf).filter((f) => f.kind === kind && isBreach(f));

  it(`is not a breach on ${onTime}`, () => {
    expect(breaches(onTime)).toEqual([]);
  });

  it(`is a breach on ${late}, citing the seed`, () => {
    const found = breaches(late);
    expect(found).toHaveLength(1);
    const source = found[0]?.source;
    expect(source && 'file' in source ? source.file : undefined).toBe(pack.seed.file);
  });
});
