/**
 * Retention as a job in the persisted job table: one run per London day at 02:00, deleting
 * through the records repository, and nothing more however often the runner is woken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { retentionJobKind, runGovernanceJobs } from '../../../src/governance/jobs.js';
import type { GovernanceDeps } from '../../../src/governance/service.js';
import { openGovernanceStore } from '../../../src/governance/store.js';
import { SqliteJobStore } from '../../../src/jobs/store.js';
import { getPack } from '../../../src/policy/packs.js';
import { RecordsRepository } from '../../../src/records/repository.js';
import { MemoryListPort } from '../../support/memory-services.js';
import { cancellation, session, staff } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'governance-jobs-'));
  dirs.push(dir);
  const records = new RecordsRepository(new MemoryListPort());
  // sup-1 supervises both; the leaver is no longer in the directory.
  await records.create('staff', staff('leaver', '2018-03-31'));
  await records.create('staff', staff('stayer'));
  await records.create('sessionRecords', session('s-old', 'leaver', '2018-01-10'));
  await records.create('cancellations', cancellation('c-old', 'leaver', '2017-12-01'));
  await records.create('sessionRecords', session('s-stayer', 'stayer', '2010-01-10'));
  const store = openGovernanceStore(':memory:');
  const jobs = new SqliteJobStore(join(dir, 'governance-jobs.sqlite'));
  const directory = {
    everyone: async () => [{ id: 'sup-1' }, { id: 'stayer' }],
    person: async (id: string) => (id === 'sup-1' || id === 'stayer' ? { id } : undefined),
  };
  const deps: GovernanceDeps = { pack: getPack('birmingham'), records, directory, store, now: () => new Date('2024-04-01T01:00:00Z') };
  return { records, store, jobs, deps };
}

describe('the retention job', () => {
  it('waits for 02:00 London time, then deletes what is past retention once, auditing each deletion', async () => {
    const { records, store, jobs, deps } = await setUp();
    try {
      // 01:30 BST on 1 April: planned, not yet due.
      const early = await runGovernanceJobs(deps, jobs, new Date('2024-04-01T00:30:00Z'));
      expect(early.planned).toBe(2);
      expect(early.done).toBe(0);
      expect(await records.get('sessionRecords', 's-old')).toBeDefined();

      const due = await runGovernanceJobs(deps, jobs, new Date('2024-04-01T01:00:00Z'));
      expect(due.outcomes).toEqual([{ key: `${retentionJobKind}|2024-04-01`, kind: retentionJobKind, status: 'done' }]);
      expect(await records.get('sessionRecords', 's-old')).toBeUndefined();
      expect(await records.get('cancellations', 'c-old')).toBeUndefined();
      expect(await records.get('staff', 'staff-leaver')).toBeUndefined();
      expect(await records.get('sessionRecords', 's-stayer')).toBeDefined();
      expect(store.audit.entries().map((e) => [e.actorId, e.action, e.recordId, e.org, e.purpose]).sort()).toEqual([
        ['retention-job', 'delete', 'c-old', 'birmingham', 'retention'],
        ['retention-job', 'delete', 's-old', 'birmingham', 'retention'],
        ['retention-job', 'delete', 'staff-leaver', 'birmingham', 'retention'],
      ]);

      // Woken again the same day: retention is done; nothing is planned or deleted twice (only
      // the day's notice retry is due, with no bot to send through).
      const again = await runGovernanceJobs(deps, jobs, new Date('2024-04-01T15:00:00Z'));
      expect(again.planned).toBe(0);
      expect(again.outcomes).toEqual([{ key: 'audit-notices|2024-04-01', kind: 'audit-notices', status: 'skipped', reason: 'no-bot' }]);
      expect(store.audit.entries()).toHaveLength(3);

      // The next day has its own run.
      const next = await runGovernanceJobs(deps, jobs, new Date('2024-04-02T01:00:00Z'));
      expect(next.outcomes.map((o) => [o.key, o.status])).toEqual([[`${retentionJobKind}|2024-04-02`, 'done']]);
    } finally {
      jobs.close();
      store.close();
    }
  });

  it('deletes nothing while the six years are not over', async () => {
    const { records, jobs, store, deps } = await setUp();
    try {
      const report = await runGovernanceJobs(deps, jobs, new Date('2024-03-31T01:00:00Z'));
      expect(report.done).toBe(1);
      expect(await records.get('sessionRecords', 's-old')).toBeDefined();
      expect(store.audit.entries()).toEqual([]);
    } finally {
      jobs.close();
      store.close();
    }
  });

  it('tells supervisees whose audit notice is still pending, at 09:00 London time', async () => {
    const { jobs, store, deps } = await setUp();
    try {
      const told: string[] = [];
      store.samples.create({
        id: 'sample-1',
        org: 'birmingham',
        reviewId: 'audit',
        period: { from: '2024-01-01', to: '2025-01-01' },
        seed: 1,
        drawnBy: 'sm-1',
        drawnAt: '2024-03-30T10:00:00Z',
        notifySupervisee: true,
        items: [{ list: 'sessionRecords', recordId: 's-stayer', superviseeId: 'stayer', supervisorId: 'sup-1', sessionDate: '2024-02-01' }],
        notices: [{ userId: 'stayer', status: 'pending', at: '2024-03-30T10:00:00Z' }],
      });
      const withBot: GovernanceDeps = {
        ...deps,
        notify: async (userId) => {
          told.push(userId);
          return 'sent';
        },
      };
      const report = await runGovernanceJobs(withBot, jobs, new Date('2024-04-01T08:00:00Z'));
      expect(report.outcomes.find((o) => o.kind === 'audit-notices')).toMatchObject({ status: 'done' });
      expect(told).toEqual(['stayer']);
      expect(store.samples.get('sample-1')?.sample.notices).toEqual([{ userId: 'stayer', status: 'sent', at: '2024-04-01T01:00:00.000Z' }]);
    } finally {
      jobs.close();
      store.close();
    }
  });
});
