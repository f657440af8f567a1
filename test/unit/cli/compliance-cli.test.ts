/**
 * `supervision compliance` through the real binary, on hand-made histories for each of the
 * five organisations: each history breaks a rule where that organisation's pack differs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'supervision.js');
const dir = mkdtempSync(join(tmpdir(), 'compliance-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

function historyFile(name: string, people: unknown[]): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ people }));
  return path;
}

const signed = { signedBySupervisor: '2027-01-04', signedBySupervisee: '2027-01-04' };

const cases = [
  {
    org: 'bristol',
    rule: 'notes shared within 48 hours, case directions within 24 hours',
    person: { id: 'p1', role: 'social-worker', start: '2027-01-04', supervisor: 's1', agreement: signed, sessions: [{ date: '2027-03-02', start: '10:00', kind: 'individual', status: 'held' }], cases: [{ ref: 'LCS-100234', category: 'other', opened: '2027-01-04', discussions: [{ date: '2027-03-02' }] }] },
    asOf: '2027-03-05',
    kinds: ['record-late', 'case-direction-late'],
  },
  {
    org: 'birmingham',
    rule: 'child protection discussed monthly; agreement before the first one-to-one',
    person: { id: 'p1', role: 'social-worker', start: '2027-01-04', supervisor: 's1', sessions: [{ date: '2027-01-12', kind: 'individual', status: 'held', recordSharedAt: '2027-01-12', supervisorSignedAt: '2027-01-12' }], cases: [{ ref: 'LCS-200345', category: 'child-protection', opened: '2027-01-04', discussions: [{ date: '2027-01-12' }] }] },
    asOf: '2027-02-20',
    kinds: ['case-discussion-overdue', 'agreement-missing'],
  },
  {
    org: 'northumberland',
    rule: 'cancelled session rearranged within the next month, with a reason; appraisal review 6-monthly',
    person: { id: 'p1', role: 'asye', start: '2027-01-04', supervisor: 's1', agreement: signed, sessions: [{ date: '2027-03-02', kind: 'individual', status: 'cancelled' }] },
    asOf: '2027-07-06',
    kinds: ['cancellation-not-rearranged', 'cancellation-reason-missing', 'appraisal-review-due', 'session-overdue'],
  },
  {
    org: 'dudley',
    rule: 'once per calendar month; every child every eight weeks',
    person: { id: 'p1', role: 'social-worker', start: '2027-01-04', supervisor: 's1', agreement: signed, sessions: [{ date: '2027-01-05', kind: 'individual', status: 'held', recordSharedAt: '2027-01-05', supervisorSignedAt: '2027-01-05' }], cases: [{ ref: 'LCS-300456', category: 'other', opened: '2027-01-04', discussions: [{ date: '2027-01-05', directionRecordedAt: '2027-01-05' }] }] },
    asOf: '2027-03-15',
    kinds: ['session-overdue', 'case-discussion-overdue'],
  },
  {
    org: 'shropshire',
    rule: 'first supervision within 5 days of starting; supervisor absent over a month',
    person: { id: 'p1', role: 'social-worker', start: '2027-01-04', supervisor: 's1', agreement: signed, supervisorAbsences: [{ from: '2027-01-05' }] },
    asOf: '2027-02-10',
    kinds: ['first-session-late', 'supervisor-absent'],
  },
];

describe('supervision compliance on hand-made histories', () => {
  it.each(cases)('$org: $rule', async ({ org, person, asOf, kinds }) => {
    const { code, stdout, stderr } = await cli('compliance', '--org', org, '--input', historyFile(org, [person]), '--as-of', asOf, '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { asOf: string; findings: { kind: string; source: { file?: string } }[]; summary: { people: number; onTrack: number; byKind: Record<string, number> } };
    expect(report.asOf).toBe(asOf);
    expect(report.summary.people).toBe(1);
    expect(report.summary.onTrack).toBe(0);
    for (const kind of kinds) expect(Object.keys(report.summary.byKind), kind).toContain(kind);
    expect(report.findings.every((f) => f.source.file !== undefined || 'productDefault' in f.source)).toBe(true);
  });

  it('prints a readable report grouped by person without --json', async () => {
    const { code, stdout } = await cli('compliance', '--org', 'dudley', '--input', historyFile('text', [cases[3]!.person]), '--as-of', '2027-03-15');
    expect(code).toBe(0);
    expect(stdout).toMatch(/0 of 1 people on track/);
    expect(stdout).toMatch(/p1/);
  });

  it.each([
    ['an unknown role', [{ id: 'p1', role: 'wizard', start: '2027-01-04', supervisor: 's1' }], /wizard.*social-worker/],
    ['an unknown case category', [{ id: 'p1', role: 'social-worker', start: '2027-01-04', supervisor: 's1', cases: [{ ref: 'LCS-1', category: 'dragons', opened: '2027-01-04' }] }], /people\[0\]\.cases\[0\]\.category.*dragons/],
    ['a name where a case reference belongs', [{ id: 'p1', role: 'social-worker', start: '2027-01-04', supervisor: 's1', cases: [{ ref: 'Amy Smith', category: 'other', opened: '2027-01-04' }] }], /people\[0\]\.cases\[0\]\.ref/],
    ['a malformed date', [{ id: 'p1', role: 'social-worker', start: '2027-13-04', supervisor: 's1' }], /people\[0\]\.start/],
  ])('refuses %s with exit 2 and one line naming the field', async (_what, people, message) => {
    const { code, stderr } = await cli('compliance', '--org', 'dudley', '--input', historyFile('bad', people), '--as-of', '2027-03-01');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
