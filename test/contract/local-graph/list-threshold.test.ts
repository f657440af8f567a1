/**
 * SharePoint list scale through Graph, as SharePoint Online behaves (contract §5; "Manage
 * large lists and libraries"): the 5,000-item list view threshold, indexes added to a list
 * already past it, and columns that enforce unique values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, localDevAuth } from '../../../src/graph/index.js';
import { GraphListPort } from '../../../src/server/graph-services.js';
import { siteId, startHarness, type Collection, type GraphErrorBody, type Harness } from './harness.js';

let g: Harness;
let now = Date.parse('2027-01-04T09:00:00Z');
let listId: string;
const site = `/sites/${siteId}`;
const prefer = { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' };
const items = () => `${site}/lists/${listId}/items`;

/** 5,200 records: 5,100 'booked' (indexed Status), 100 'draft'; Team is not indexed. */
beforeAll(async () => {
  g = await startHarness({ clock: () => new Date(now), limits: { sharePointUnitsPerMinute: 1_000_000 } });
  const created = await g.call<{ id: string }>('POST', `${site}/lists`, {
    body: {
      displayName: 'SupervisionSchedule',
      columns: [
        { name: 'RecordKey', text: {}, indexed: true, enforceUniqueValues: true },
        { name: 'Status', text: {}, indexed: true },
        { name: 'SuperviseeId', text: {}, indexed: true },
        { name: 'Team', text: {} },
      ],
    },
  });
  listId = created.body.id;
  const rows = Array.from({ length: 5_200 }, (_, i) => ({ RecordKey: `schedule-${i}`, Status: i < 5_100 ? 'booked' : 'draft', SuperviseeId: `person-${i}`, Team: `Team ${i % 7}` }));
  for (let i = 0; i < rows.length; i += 20) {
    const requests = rows.slice(i, i + 20).map((fields, j) => ({ id: String(j), method: 'POST', url: `/sites/${siteId}/lists/${listId}/items`, headers: { 'Content-Type': 'application/json' }, body: { fields } }));
    const reply = await g.call<{ responses: { status: number }[] }>('POST', '/$batch', { body: { requests } });
    expect(reply.body.responses.every((r) => r.status === 201)).toBe(true);
  }
}, 120_000);

afterAll(async () => {
  await g.stop();
});

function expectThreshold(reply: { status: number; body: unknown; headers: Headers }): void {
  expect(reply.status).toBe(429);
  expect((reply.body as GraphErrorBody).error).toMatchObject({ code: 'notSupported', message: 'The request is unprocessable because it uses too many resources', innerError: { code: 'tooManyResources' } });
  // Waiting does not help: there is nothing to retry after.
  expect(reply.headers.get('retry-after')).toBeNull();
}

describe('List items: the list view threshold (5,000)', () => {
  it('refuses a filter on a column without an index, even with the Prefer header, once the list is past it', async () => {
    const unindexed = `${items()}?$expand=fields&$filter=fields/Team eq 'Team 3'`;
    const withoutPrefer = await g.call<GraphErrorBody>('GET', unindexed);
    expect(withoutPrefer.status).toBe(400);
    expectThreshold(await g.call('GET', unindexed, { headers: prefer }));
    expectThreshold(await g.call('GET', `${items()}?$expand=fields&$orderby=fields/Team`, { headers: prefer }));
  });

  it('refuses an indexed filter whose first indexed clause matches more than 5,000 items, whatever narrows it later or $top limits', async () => {
    expectThreshold(await g.call('GET', `${items()}?$expand=fields&$filter=fields/Status eq 'booked'&$top=10`));
    expectThreshold(await g.call('GET', `${items()}?$expand=fields&$filter=fields/Status eq 'booked' and fields/SuperviseeId eq 'person-1'`));
    const narrowFirst = await g.call<Collection<{ fields: { RecordKey: string } }>>('GET', `${items()}?$expand=fields&$filter=fields/SuperviseeId eq 'person-1' and fields/Status eq 'booked'`);
    expect(narrowFirst.status).toBe(200);
    expect(narrowFirst.body.value.map((i) => i.fields.RecordKey)).toEqual(['schedule-1']);
    const under = await g.call<Collection<unknown>>('GET', `${items()}?$expand=fields&$filter=fields/Status eq 'draft'&$top=200`);
    expect(under.status).toBe(200);
    expect(under.body.value).toHaveLength(100);
  });

  it("fails the bot planner's organisation-wide query (schedules with Status 'booked') at this size, as it will in a large council: the read model replaces it", async () => {
    const port = new GraphListPort(createGraphClient({ baseUrl: g.server.url, auth: localDevAuth('planner') }), siteId);
    await expect(port.findItems(listId, [{ column: 'Status', value: 'booked' }])).rejects.toMatchObject({ graphStatus: 429, graphCode: 'tooManyResources' });
    expect(await port.findItems(listId, [{ column: 'SuperviseeId', value: 'person-42' }])).toHaveLength(1);
  });

  it('lets a client page through the whole list without a filter (by the id index)', async () => {
    const first = await g.call<Collection<unknown>>('GET', `${items()}?$top=5000`);
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(5_000);
    const rest = await g.follow<Collection<unknown>>(first.body['@odata.nextLink'] as string);
    expect(rest.body.value).toHaveLength(200);
  });

  it('builds an index added to a list past the threshold in the background: queries cannot use it until it is ready', async () => {
    const columns = await g.call<Collection<{ id: string; name: string }>>('GET', `${site}/lists/${listId}/columns`);
    const team = columns.body.value.find((c) => c.name === 'Team') as { id: string };
    const patched = await g.call<{ indexed: boolean }>('PATCH', `${site}/lists/${listId}/columns/${team.id}`, { body: { indexed: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.indexed).toBe(true);
    const query = `${items()}?$expand=fields&$filter=fields/Team eq 'Team 3'`;
    expectThreshold(await g.call('GET', query, { headers: prefer }));
    now += 10 * 60_000;
    const ready = await g.call<Collection<unknown>>('GET', `${query}&$top=1000`);
    expect(ready.status).toBe(200);
    expect(ready.body.value.length).toBeGreaterThan(700);

    const added = await g.call('POST', `${site}/lists/${listId}/columns`, { body: { name: 'Phase', text: {}, indexed: true } });
    expect(added.status).toBe(201);
    expectThreshold(await g.call('GET', `${items()}?$filter=fields/Phase eq 'x'`, { headers: prefer }));
  });
});

describe('columnDefinition: enforceUniqueValues', () => {
  it('refuses a second item with a value the column already holds (409), and one changed to such a value; racing creates leave one', async () => {
    const duplicate = await g.call<GraphErrorBody>('POST', items(), { body: { fields: { RecordKey: 'SCHEDULE-7', Status: 'draft' } } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('nameAlreadyExists');
    const other = await g.call<{ id: string; eTag: string }>('POST', items(), { body: { fields: { RecordKey: 'schedule-new', Status: 'draft' } } });
    expect(other.status).toBe(201);
    const renamed = await g.call('PATCH', `${items()}/${other.body.id}/fields`, { body: { RecordKey: 'schedule-8' } });
    expect(renamed.status).toBe(409);

    const racing = await Promise.all(Array.from({ length: 6 }, () => g.call('POST', items(), { body: { fields: { RecordKey: 'schedule-raced', Status: 'draft' } } })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('needs an index, and cannot be switched on over values that repeat', async () => {
    const unindexed = await g.call<GraphErrorBody>('POST', `${site}/lists/${listId}/columns`, { body: { name: 'Code', text: {}, enforceUniqueValues: true } });
    expect(unindexed.status).toBe(400);
    const columns = await g.call<Collection<{ id: string; name: string }>>('GET', `${site}/lists/${listId}/columns`);
    const status = columns.body.value.find((c) => c.name === 'Status') as { id: string };
    const repeated = await g.call<GraphErrorBody>('PATCH', `${site}/lists/${listId}/columns/${status.id}`, { body: { enforceUniqueValues: true } });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.message).toContain('duplicate');
  });
});
