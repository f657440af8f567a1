import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/compliance/evaluate.js';
import type { FindingKind } from '../../../src/compliance/findings.js';
import { personHistorySchema, type PersonHistory } from '../../../src/compliance/input.js';
import { evaluateAll } from '../../../src/compliance/rollup.js';
import { SupervisionError } from '../../../src/errors.js';
import type { Pack } from '../../../src/policy/schema.js';
import { miniPack } from '../../support/mini-pack.js';

const src = { productDefault: 'Test fixture pack for compliance specifications.' };

const pack: Pack = miniPack({
  records: {
    shareWithin: { within: { hours: 48 }, source: src },
    signWithin: { within: { workingDays: 5 }, source: src },
    superviseeConfirms: { text: 'at the next session', source: src },
    caseDirection: { within: { workingDays: 2 }, urgentWithin: { hours: 24 }, system: 'LCS', source: src },
  },
  agreement: { due: { by: 'within', within: { weeks: 4 }, from: 'relationship-start' }, dueSource: src, review: { every: { months: 12 }, onSupervisorChange: true, source: src }, template: 'record' },
  firstSession: { within: { days: 5 }, source: src },
  supervisorAbsence: { coverAfter: { weeks: 4 }, source: src },
  periodicReviews: [{ id: 'appraisal-review', label: 'Appraisal goals review', every: { months: 6 }, by: 'supervisor', source: src }],
});

function person(overrides: Partial<PersonHistory> = {}): PersonHistory {
  return personHistorySchema.parse({
    id: 'p1',
    role: 'four-weekly',
    start: '2026-01-05',
    supervisor: 's1',
    agreement: { signedBySupervisor: '2026-01-06', signedBySupervisee: '2026-01-07' },
    sessions: [{ date: '2026-01-06', kind: 'individual', status: 'held', recordSharedAt: '2026-01-07', supervisorSignedAt: '2026-01-07', superviseeSignedAt: '2026-01-20' }],
    ...overrides,
  });
}

const kinds = (p: PersonHistory, asOf: string) => evaluate(pack, p, asOf).map((f) => f.kind);
const of = (p: PersonHistory, asOf: string, kind: FindingKind) => evaluate(pack, p, asOf).filter((f) => f.kind === kind);

describe('session-overdue: the gap since the last held session against the current phase', () => {
  const p = person();
  it.each([
    ['the day before the deadline (due soon, nothing booked)', '2026-02-02', ['session-due-soon']],
    ['the day of the deadline', '2026-02-03', ['session-due-soon']],
    ['the day after the deadline', '2026-02-04', ['session-overdue']],
  ])('%s', (_name, asOf, expected) => {
    expect(kinds(p, asOf).filter((k) => k.startsWith('session'))).toEqual(expected);
  });

  it('does not warn when the next session is booked before the deadline', () => {
    const booked = person({ sessions: [...p.sessions, { date: '2026-02-03', kind: 'individual', status: 'planned' }] });
    expect(kinds(booked, '2026-02-01').filter((k) => k.startsWith('session'))).toEqual([]);
  });

  it('does not count a cancelled session as held', () => {
    const cancelled = person({ sessions: [...p.sessions, { date: '2026-02-03', kind: 'individual', status: 'cancelled', cancelReason: 'sickness', rearrangedTo: '2026-02-05' }] });
    const overdue = of(cancelled, '2026-02-04', 'session-overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ due: '2026-02-03', overdueBy: 1, ruleId: 'roles/four-weekly/one-to-one/four-weekly' });
  });

  it('checks calendar-month rules month by month', () => {
    const asye = person({
      role: 'asye',
      start: '2025-06-02',
      sessions: ['2025-12-09', '2026-01-13', '2026-03-10'].map((date) => ({ date, kind: 'individual' as const, status: 'held' as const })),
    });
    const findings = of(asye, '2026-03-20', 'session-overdue');
    expect(findings.map((f) => f.subject)).toEqual([expect.stringContaining('2026-02')]);
    expect(findings[0]?.due).toBe('2026-02-27');
  });
});

describe('first-session-late', () => {
  it.each([
    ['set up within 5 days', '2026-01-09', []],
    ['first session 6 days after starting', '2026-01-11', ['first-session-late']],
  ])('%s', (_name, date, expected) => {
    const p = person({ sessions: [{ date, kind: 'individual', status: 'held', recordSharedAt: date, supervisorSignedAt: date }] });
    expect(kinds(p, '2026-01-20').filter((k) => k === 'first-session-late')).toEqual(expected);
  });
});

describe('agreement', () => {
  it.each([
    ['the day of the deadline', '2026-02-02', 0],
    ['the day after', '2026-02-03', 1],
  ])('agreement-missing %s', (_name, asOf, count) => {
    expect(of(person({ agreement: undefined }), asOf, 'agreement-missing')).toHaveLength(count);
  });

  it('names the missing signature', () => {
    const [finding] = of(person({ agreement: { signedBySupervisor: '2026-01-06' } }), '2026-02-10', 'agreement-missing');
    expect(finding?.subject).toContain('not signed by the supervisee');
  });

  it('reports an agreement signed late', () => {
    expect(of(person({ agreement: { signedBySupervisor: '2026-02-10', signedBySupervisee: '2026-02-11' } }), '2026-03-01', 'agreement-late')[0]?.overdueBy).toBe(9);
  });

  it('is due for review annually and at a change of supervisor', () => {
    expect(of(person(), '2027-01-08', 'agreement-review-due')[0]?.overdueBy).toBe(1);
    const changed = person({ agreement: { signedBySupervisor: '2026-01-06', signedBySupervisee: '2026-01-07', supervisorSince: '2026-06-01' } });
    expect(of(changed, '2026-06-10', 'agreement-review-due')[0]?.subject).toContain('change of supervisor');
  });
});

describe('record-late', () => {
  it.each([
    ['shared 47 hours after the session', '2026-01-06T10:00', '2026-01-08T09:00:00Z', 0],
    ['shared 49 hours after the session', '2026-01-06T10:00', '2026-01-08T11:00:00Z', 1],
  ])('notes shared within 48 hours: %s', (_name, start, sharedAt, count) => {
    const p = person({ sessions: [{ date: start.slice(0, 10), start: start.slice(11), kind: 'individual', status: 'held', recordSharedAt: sharedAt, supervisorSignedAt: '2026-01-07' }] });
    expect(of(p, '2026-01-20', 'record-late').filter((f) => f.ruleId === 'records/shareWithin')).toHaveLength(count);
  });

  it('counts 5 working days across the Easter bank holiday weekend (Thursday 2 April 2026: due Monday 13 April)', () => {
    const session = (signed?: string) =>
      person({ start: '2026-03-02', sessions: [{ date: '2026-04-02', kind: 'individual', status: 'held', recordSharedAt: '2026-04-02', ...(signed ? { supervisorSignedAt: signed } : {}) }] });
    const sign = (p: PersonHistory, asOf: string) => of(p, asOf, 'record-late').filter((f) => f.ruleId === 'records/signWithin');
    expect(sign(session(), '2026-04-12')).toHaveLength(0);
    expect(sign(session(), '2026-04-13')).toHaveLength(0);
    expect(sign(session(), '2026-04-14')).toHaveLength(1);
    expect(sign(session(), '2026-04-14')[0]?.due).toBe('2026-04-13');
    expect(sign(session('2026-04-13'), '2026-04-20')).toHaveLength(0);
    expect(sign(session('2026-04-16'), '2026-04-20')[0]?.overdueBy).toBe(3);
  });

  it('expects the supervisee to confirm the record by the next session', () => {
    const p = person({
      sessions: [
        { date: '2026-01-06', kind: 'individual', status: 'held', recordSharedAt: '2026-01-07', supervisorSignedAt: '2026-01-07' },
        { date: '2026-02-03', kind: 'individual', status: 'held', recordSharedAt: '2026-02-04', supervisorSignedAt: '2026-02-04' },
      ],
    });
    expect(of(p, '2026-02-10', 'record-late').map((f) => f.ruleId)).toEqual(['records/superviseeConfirms']);
  });
});

describe('case discussions and directions', () => {
  const withCase = (discussions: PersonHistory['cases'][number]['discussions'], category = 'other') =>
    person({ cases: [{ ref: 'LCS-104233', category, opened: '2026-01-05', discussions }] });

  it.each([
    ['recorded 2 working days after (Friday discussion, Tuesday record)', '2026-01-09', '2026-01-13', 0],
    ['recorded 3 working days after', '2026-01-09', '2026-01-14', 1],
  ])('case direction %s', (_name, date, recorded, count) => {
    expect(of(withCase([{ date, directionRecordedAt: recorded }]), '2026-01-20', 'case-direction-late')).toHaveLength(count);
  });

  it('uses the urgent deadline (24 hours, from the end of the discussion day) for urgent discussions', () => {
    expect(of(withCase([{ date: '2026-01-09', urgent: true, directionRecordedAt: '2026-01-11T01:00:00Z' }]), '2026-01-20', 'case-direction-late')).toHaveLength(1);
    expect(of(withCase([{ date: '2026-01-09', directionRecordedAt: '2026-01-11T01:00:00Z' }]), '2026-01-20', 'case-direction-late')).toHaveLength(0);
    expect(of(withCase([{ date: '2026-01-09', urgent: true, directionRecordedAt: '2026-01-10T12:00:00Z' }]), '2026-01-20', 'case-direction-late')).toHaveLength(0);
  });

  it('flags a child not discussed within the category interval (every 3 months)', () => {
    const p = withCase([{ date: '2026-01-09', directionRecordedAt: '2026-01-09' }]);
    expect(of(p, '2026-04-09', 'case-discussion-overdue').filter((f) => f.overdueBy > 0)).toHaveLength(0);
    expect(of(p, '2026-04-10', 'case-discussion-overdue').filter((f) => f.overdueBy > 0)).toHaveLength(1);
  });

  it('refuses an unknown case category and lists the valid ones', () => {
    expect(() => evaluate(pack, withCase([], 'wizardry'), '2026-02-01')).toThrowError(SupervisionError);
    try {
      evaluate(pack, withCase([], 'wizardry'), '2026-02-01', 'people[0]');
    } catch (error) {
      expect((error as SupervisionError).field).toBe('people[0].cases[0].category');
      expect((error as SupervisionError).message).toContain('valid categories: other');
    }
  });

  it('refuses a name where a case reference belongs', () => {
    expect(() => personHistorySchema.parse({ ...person(), cases: [{ ref: 'Amy Smith', category: 'other', opened: '2026-01-05' }] })).toThrow(/case reference/);
  });
});

describe('cancellations, actions, reviews and absence', () => {
  it('flags a cancellation without a reason and one not rearranged within a month', () => {
    const p = person({ sessions: [...person().sessions, { date: '2026-02-03', kind: 'individual', status: 'cancelled' }] });
    expect(kinds(p, '2026-03-03')).toContain('cancellation-reason-missing');
    expect(kinds(p, '2026-03-03')).not.toContain('cancellation-not-rearranged');
    expect(kinds(p, '2026-03-04')).toContain('cancellation-not-rearranged');
  });

  it('flags actions past their due date', () => {
    const p = person({ actions: [{ id: 'a1', due: '2026-01-20' }, { id: 'a2', due: '2026-01-20', doneAt: '2026-01-19' }] });
    expect(of(p, '2026-01-20', 'action-overdue')).toHaveLength(0);
    expect(of(p, '2026-01-21', 'action-overdue').map((f) => f.subject)).toEqual([expect.stringContaining('a1')]);
  });

  it('flags the appraisal review every six months', () => {
    expect(of(person({ reviews: { 'appraisal-review': '2026-01-10' } }), '2026-07-11', 'appraisal-review-due')[0]?.overdueBy).toBe(1);
  });

  it('flags a supervisor absent beyond four weeks without cover', () => {
    const p = person({ supervisorAbsences: [{ from: '2026-03-02' }] });
    expect(of(p, '2026-03-30', 'supervisor-absent')).toHaveLength(1);
    expect(of(person({ supervisorAbsences: [{ from: '2026-03-02', coveredBy: 'tm2' }] }), '2026-04-10', 'supervisor-absent')).toHaveLength(0);
  });
});

describe('roll-up', () => {
  it('counts people on track and findings by kind, and names the person at fault for an unknown role', () => {
    const report = evaluateAll(pack, { people: [person(), person({ id: 'p2', agreement: undefined })] }, '2026-01-20');
    expect(report.summary).toEqual({ people: 2, onTrack: 2, byKind: {} });
    const later = evaluateAll(pack, { people: [person(), person({ id: 'p2', agreement: undefined })] }, '2026-02-03');
    expect(later.summary.onTrack).toBe(1);
    expect(later.summary.byKind['agreement-missing']).toBe(1);
    expect(() => evaluateAll(pack, { people: [person(), person({ role: 'wizard' })] }, '2026-02-03')).toThrowError(/people\[1\]\.role/);
  });
});
