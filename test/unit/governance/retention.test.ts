import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../../src/governance/audit-log.js';
import { recordsOfPerson } from '../../../src/governance/person-records.js';
import { applyRetention, retentionReport, type RetentionSubject } from '../../../src/governance/retention.js';
import { getPack } from '../../../src/policy/packs.js';
import { RecordsRepository } from '../../../src/records/repository.js';
import { MemoryListPort } from '../../support/memory-services.js';
import { cancellation, session, staff } from './fixtures.js';

const birmingham = getPack('birmingham');

async function seeded() {
  const records = new RecordsRepository(new MemoryListPort());
  await records.create('staff', staff('leaver', '2018-03-31'));
  await records.create('staff', staff('stayer'));
  await records.create('sessionRecords', session('s-old', 'leaver', '2018-01-10'));
  await records.create('sessionRecords', session('s-late', 'leaver', '2018-06-01'));
  await records.create('cancellations', cancellation('c-old', 'leaver', '2017-12-01'));
  await records.create('sessionRecords', session('s-stayer', 'stayer', '2010-01-10'));
  return records;
}

async function subjects(records: RecordsRepository): Promise<RetentionSubject[]> {
  const out: RetentionSubject[] = [];
  for (const userId of ['leaver', 'stayer']) {
    const held = await recordsOfPerson(records, userId, ['userId', 'superviseeId']);
    const leftAt = held.find((h) => h.list === 'staff')?.record.leftAt as string | undefined;
    out.push({ userId, ...(leftAt ? { leftAt } : {}), records: held });
  }
  return out;
}

describe('retention (Birmingham: six years after the worker leaves)', () => {
  it('lists nothing the day the six years end, and the leaver’s records the day after', async () => {
    const records = await seeded();
    const s = await subjects(records);
    expect(retentionReport(birmingham, '2024-03-31', s).due).toEqual([]);
    const report = retentionReport(birmingham, '2024-04-01', s);
    expect(report.rule).toEqual({ keep: '72 months', after: 'worker-leaves' });
    expect(report.due.map((d) => `${d.list}/${d.id}`).sort()).toEqual(['cancellations/c-old', 'sessionRecords/s-old', 'staff/staff-leaver']);
    // Still employed: kept however old; written after leaving: kept six years from its own date.
    expect(report.kept.stillEmployed).toBe(2);
    expect(report.kept.withinPeriod).toBe(1);
  });

  it('a dry run deletes nothing; a real run deletes exactly the report and audits each deletion', async () => {
    const records = await seeded();
    const report = retentionReport(birmingham, '2024-04-01', await subjects(records));
    const audit = new MemoryAuditLog();
    const at = new Date('2024-04-01T02:00:00Z');
    expect(await applyRetention(records, report, { dryRun: true, actorId: 'retention-job', at, audit })).toEqual({ deleted: 0, skipped: 0, dryRun: true });
    expect(await records.get('sessionRecords', 's-old')).toBeDefined();
    expect(audit.entries()).toEqual([]);

    expect(await applyRetention(records, report, { dryRun: false, actorId: 'retention-job', at, audit })).toEqual({ deleted: 3, skipped: 0, dryRun: false });
    expect(await records.get('sessionRecords', 's-old')).toBeUndefined();
    expect(await records.get('sessionRecords', 's-late')).toBeDefined();
    expect(await records.get('sessionRecords', 's-stayer')).toBeDefined();
    expect(audit.entries().map((e) => [e.action, e.recordId, e.purpose])).toContainEqual(['delete', 's-old', 'retention']);
  });

  it('leaves a record that changed after the report', async () => {
    const records = await seeded();
    const report = retentionReport(birmingham, '2024-04-01', await subjects(records));
    const current = await records.require('sessionRecords', 's-old');
    await records.update('sessionRecords', { ...current.record, superviseeComment: 'late note' }, current.version);
    const result = await applyRetention(records, report, { dryRun: false, actorId: 'retention-job', at: new Date('2024-04-01T02:00:00Z'), audit: new MemoryAuditLog() });
    expect(result).toEqual({ deleted: 2, skipped: 1, dryRun: false });
    expect(await records.get('sessionRecords', 's-old')).toBeDefined();
  });

  it('Northumberland keeps 25 years; a pack without a rule never lists anything', async () => {
    const records = await seeded();
    const s = await subjects(records);
    expect(retentionReport(getPack('northumberland'), '2043-03-31', s).due).toEqual([]);
    expect(retentionReport(getPack('northumberland'), '2043-04-01', s).due).toHaveLength(3);
    const noRule = { ...birmingham, retention: undefined };
    expect(retentionReport(noRule, '2099-01-01', s)).toMatchObject({ rule: null, due: [] });
  });
});
