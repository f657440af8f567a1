/**
 * The records repository over SharePoint lists through the gateway, against the embedded
 * service: provisioning is idempotent, models round-trip, and an update carrying a stale
 * version is a conflict that changes nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSiteId } from '../../src/demo/organisation.js';
import { createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import type { SessionRecord } from '../../src/records/models.js';
import { RecordsRepository } from '../../src/records/repository.js';
import { GraphListPort } from '../../src/server/graph-services.js';

let dataDir: string;
let server: RunningLocalGraph;
let records: RecordsRepository;

const draft: SessionRecord = {
  id: 'rec-2027-01-05-u1',
  superviseeId: 'u1',
  supervisorId: 's1',
  org: 'dudley',
  templateId: 'practitioner',
  kind: 'individual',
  sessionDate: '2027-01-05',
  sections: { wellbeing: 'Discussed workload.' },
  cases: [{ ref: 'LCS-100234', category: 'child-in-need' }],
  actions: [],
  status: 'draft',
  updatedAt: '2027-01-05T11:00:00Z',
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'records-contract-'));
  server = await startLocalGraphServer({ dataDir });
  server.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
  records = new RecordsRepository(new GraphListPort(createGraphClient({ baseUrl: server.url, auth: localDevAuth('records-test') }), demoSiteId));
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('records repository on SharePoint lists', () => {
  it('provisions every list once; a second run creates nothing', async () => {
    const first = await records.provision();
    expect(first.every((l) => l.created)).toBe(true);
    const second = await records.provision();
    expect(second.every((l) => !l.created && l.addedColumns.length === 0)).toBe(true);
  });

  it('round-trips a record and finds it by a filter column', async () => {
    const created = await records.create('sessionRecords', draft);
    expect(created.record).toEqual(draft);
    expect((await records.where('sessionRecords', 'superviseeId', 'u1')).map((v) => v.record.id)).toEqual([draft.id]);
  });

  it('answers a retried create with the stored record, and a different one with a conflict', async () => {
    const again = await records.create('sessionRecords', draft);
    expect(again.record).toEqual(draft);
    await expect(records.create('sessionRecords', { ...draft, sections: { wellbeing: 'Other' } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an update made from a stale version and keeps the newer text', async () => {
    const read = await records.require('sessionRecords', draft.id);
    const mine = await records.update('sessionRecords', { ...read.record, sections: { wellbeing: 'Supervisor edit' } }, read.version);
    await expect(records.update('sessionRecords', { ...read.record, sections: { wellbeing: 'Stale edit' } }, read.version)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    const now = await records.require('sessionRecords', draft.id);
    expect(now.record.sections.wellbeing).toBe('Supervisor edit');
    expect(now.version).toBe(mine.version);
  });

  it('rejects a record carrying a name where a case reference belongs, before any write', async () => {
    await expect(records.create('caseload', { id: 'c1', superviseeId: 'u1', caseRef: 'Amy Smith', category: 'child-in-need', opened: '2027-01-04' })).rejects.toThrow(/case reference/);
  });
});
