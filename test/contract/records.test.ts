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

  it('provisions RecordKey indexed with enforceUniqueValues, so racing creates of one record leave one item, each told what is stored', async () => {
    const lists = (await (await fetch(`${server.url}/sites/${demoSiteId}/lists?$expand=columns`)).json()) as { value: { displayName: string; columns: { name: string; indexed: boolean; enforceUniqueValues: boolean }[] }[] };
    for (const list of lists.value) {
      expect(list.columns.find((c) => c.name === 'RecordKey'), list.displayName).toMatchObject({ indexed: true, enforceUniqueValues: true });
    }
    // Each racer has read "not there" before any of them writes: only the unique column stops a second copy.
    const racers = Array.from({ length: 5 }, () => new RecordsRepository(new GraphListPort(createGraphClient({ baseUrl: server.url, auth: localDevAuth('records-test') }), demoSiteId)));
    const record: SessionRecord = { ...draft, id: 'rec-2027-02-02-u2', superviseeId: 'u2', sessionDate: '2027-02-02' };
    const results = await Promise.all(racers.map((r) => r.create('sessionRecords', record)));
    expect(results.every((r) => JSON.stringify(r.record) === JSON.stringify(record))).toBe(true);
    expect(new Set(results.map((r) => r.version)).size).toBe(1);
    expect(await records.where('sessionRecords', 'superviseeId', 'u2')).toHaveLength(1);
    await expect(racers[0]!.create('sessionRecords', { ...record, sections: { wellbeing: 'Something else.' } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('makes RecordKey unique on a list provisioned before it was (a column PATCH, no new list)', async () => {
    const site = `${server.url}/sites/${demoSiteId}`;
    const old = (await (await fetch(`${site}/lists`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName: 'Legacy', columns: [{ name: 'RecordKey', text: {}, indexed: true }] }) })).json()) as { id: string };
    const port = new GraphListPort(createGraphClient({ baseUrl: server.url, auth: localDevAuth('records-test') }), demoSiteId);
    const result = await port.ensureList({ displayName: 'Legacy', columns: [{ name: 'RecordKey', type: 'text', indexed: true, unique: true }] });
    expect(result).toMatchObject({ id: old.id, created: false });
    const column = (await (await fetch(`${site}/lists/${old.id}/columns/RecordKey`)).json()) as { enforceUniqueValues: boolean };
    expect(column.enforceUniqueValues).toBe(true);
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
