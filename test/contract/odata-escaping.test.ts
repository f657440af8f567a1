/**
 * Issue 8 §3: a value with a quote cannot change a SharePoint list query. The repository's
 * `where` goes through the gateway's $filter builder to the embedded service, whose filter
 * parser follows the OData grammar (a quote inside a string literal is doubled).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSiteId } from '../../src/demo/organisation.js';
import { createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import type { CaseloadEntry } from '../../src/records/models.js';
import { RecordsRepository } from '../../src/records/repository.js';
import { GraphListPort } from '../../src/server/graph-services.js';

let dataDir: string;
let server: RunningLocalGraph;
let records: RecordsRepository;

const entry = (id: string, superviseeId: string): CaseloadEntry => ({ id, superviseeId, caseRef: `LCS-${id.replace(/\D/g, '').padStart(6, '0')}`, category: 'child-in-need', opened: '2027-01-04' });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'odata-escaping-'));
  server = await startLocalGraphServer({ dataDir });
  server.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
  records = new RecordsRepository(new GraphListPort(createGraphClient({ baseUrl: server.url, auth: localDevAuth('odata-test') }), demoSiteId));
  await records.provision();
  await records.create('caseload', entry('c1', "o'brien"));
  await records.create('caseload', entry('c2', 'someone-else'));
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const ids = async (value: string) => (await records.where('caseload', 'superviseeId', value)).map((v) => v.record.id).sort();

describe('OData $filter values are escaped', () => {
  it("finds a value containing a quote exactly, and only it", async () => {
    expect(await ids("o'brien")).toEqual(['c1']);
  });

  it('cannot widen a query with an injected or-clause', async () => {
    expect(await ids("x' or fields/superviseeId ne 'x")).toEqual([]);
    expect(await ids("o'brien' or '1' eq '1")).toEqual([]);
  });

  it('treats any text as one literal: it matches only a stored value equal to it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 24 }), async (text) => {
        const found = await ids(text);
        const expected = ["o'brien", 'someone-else'].includes(text) ? 1 : 0;
        expect(found.length, JSON.stringify(text)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});
