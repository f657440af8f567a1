import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siteId, startHarness, type Collection, type GraphErrorBody, type Harness } from './harness.js';

interface ListItem {
  id: string;
  eTag: string;
  '@odata.etag': string;
  fields?: Record<string, unknown>;
}

interface GraphList {
  id: string;
  displayName: string;
  list: { template: string };
  columns?: { name: string; indexed: boolean }[];
}

let g: Harness;
let listId: string;
const site = `/sites/${siteId}`;
const prefer = { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' };

const rows = [
  { Title: 'One', SuperviseeId: 'u-1', Status: 'active', Score: 3, Due: '2025-01-10T00:00:00Z' },
  { Title: 'Two', SuperviseeId: "o'brien", Status: 'closed', Score: 7, Due: '2025-02-10T00:00:00Z' },
  { Title: 'Three', SuperviseeId: 'u-3', Status: 'active', Score: 9, Due: '2025-03-10T00:00:00Z' },
  { Title: 'Four', SuperviseeId: 'u-4', Status: 'paused', Score: 1, Due: '2025-04-10T00:00:00Z' },
  { Title: 'Five', SuperviseeId: 'u-5', Status: 'active', Score: 5, Due: '2025-05-10T00:00:00Z' },
];

beforeEach(async () => {
  g = await startHarness();
  const created = await g.call<GraphList>('POST', `${site}/lists`, {
    body: {
      displayName: 'Agreements',
      list: { template: 'genericList' },
      columns: [
        { name: 'SuperviseeId', text: {}, indexed: true },
        { name: 'Status', text: {} },
        { name: 'Score', number: {}, indexed: true },
        { name: 'Due', dateTime: {}, indexed: true },
        { name: 'Owner', personOrGroup: {} },
        { name: 'Payload', text: { allowMultipleLines: true } },
      ],
    },
  });
  expect(created.status).toBe(201);
  listId = created.body.id;
  for (const fields of rows) expect((await g.call('POST', `${site}/lists/${listId}/items`, { body: { fields } })).status).toBe(201);
});
afterEach(async () => {
  await g.stop();
});

async function titles(query: string, headers: Record<string, string> = {}): Promise<string[]> {
  const reply = await g.call<Collection<ListItem>>('GET', `${site}/lists/${listId}/items?expand=fields&${query}`, { headers });
  expect(reply.status).toBe(200);
  return reply.body.value.map((i) => String(i.fields?.['Title']));
}

describe('lists and columns', () => {
  it('addresses a list by id or display name and lists Title plus the declared columns', async () => {
    const byName = await g.call<GraphList>('GET', `${site}/lists/Agreements?$expand=columns`);
    expect(byName.body).toMatchObject({ id: listId, displayName: 'Agreements', list: { template: 'genericList' } });
    expect(byName.body.columns?.map((c) => c.name)).toEqual(expect.arrayContaining(['Title', 'SuperviseeId', 'Status', 'Score', 'Due', 'Owner']));
    const lists = await g.call<Collection<GraphList>>('GET', `${site}/lists?$filter=displayName eq 'Agreements'`);
    expect(lists.body.value.map((l) => l.id)).toEqual([listId]);

    const again = await g.call<GraphErrorBody>('POST', `${site}/lists`, { body: { displayName: 'agreements', list: { template: 'genericList' } } });
    expect(again.status).toBe(409);
    const twoFacets = await g.call<GraphErrorBody>('POST', `${site}/lists/${listId}/columns`, { body: { name: 'Both', text: {}, number: {} } });
    expect(twoFacets.status).toBe(400);
    expect(twoFacets.body.error.message).toContain('Both');

    const added = await g.call('POST', `${site}/lists/${listId}/columns`, { body: { name: 'Team', text: {}, indexed: true } });
    expect(added.status).toBe(201);
    const indexed = await g.call<{ indexed: boolean }>('PATCH', `${site}/lists/${listId}/columns/Status`, { body: { indexed: true } });
    expect(indexed.body.indexed).toBe(true);
    expect(await titles(`$filter=fields/Status eq 'paused'`)).toEqual(['Four']);
  });

  it('returns a 404 for an unknown site or list', async () => {
    expect((await g.call<GraphErrorBody>('GET', `/sites/nope/lists`)).body.error.code).toBe('itemNotFound');
    expect((await g.call('GET', `${site}/lists/Nope/items`)).status).toBe(404);
  });
});

describe('item queries', () => {
  it('refuses a filter on a non-indexed column unless the Prefer header allows it', async () => {
    const refused = await g.call<GraphErrorBody>('GET', `${site}/lists/${listId}/items?expand=fields&$filter=fields/Status eq 'active'`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalidRequest');
    expect(refused.body.error.message).toContain("Field 'Status' cannot be referenced in filter or orderby as it is not indexed");
    expect(await titles(`$filter=fields/Status eq 'active'`, prefer)).toEqual(['One', 'Three', 'Five']);
    const orderRefused = await g.call('GET', `${site}/lists/${listId}/items?expand=fields&$orderby=fields/Status`);
    expect(orderRefused.status).toBe(400);
  });

  it('filters indexed columns with escaped strings, numbers, date-times and and/or', async () => {
    expect(await titles(`$filter=fields/SuperviseeId eq 'o''brien'`)).toEqual(['Two']);
    expect(await titles(`$filter=fields/Score gt 4 and fields/Score le 7`)).toEqual(['Two', 'Five']);
    expect(await titles(`$filter=fields/Due ge '2025-03-10T00:00:00Z'`)).toEqual(['Three', 'Four', 'Five']);
    expect(await titles(`$filter=fields/Due lt 2025-02-01T00:00:00Z or fields/SuperviseeId eq 'u-5'`)).toEqual(['One', 'Five']);
    expect(await titles(`$filter=fields/Score ne 3 and (fields/SuperviseeId eq 'u-3' or fields/SuperviseeId eq 'u-4')`)).toEqual(['Three', 'Four']);
    expect(await titles(`$orderby=fields/Score desc&$top=2`)).toEqual(['Three', 'Two']);
    const bad = await g.call<GraphErrorBody>('GET', `${site}/lists/${listId}/items?$filter=fields/Score gt`);
    expect(bad.status).toBe(400);
  });

  it('pages with $top and @odata.nextLink', async () => {
    const seen: string[] = [];
    let reply = await g.call<Collection<ListItem>>('GET', `${site}/lists/${listId}/items?$expand=fields($select=Title)&$top=2`);
    expect(reply.body.value[0]?.fields).toEqual({ '@odata.etag': reply.body.value[0]?.eTag, Title: 'One' });
    let pages = 1;
    for (;;) {
      seen.push(...reply.body.value.map((i) => String(i.fields?.['Title'])));
      const next = reply.body['@odata.nextLink'];
      if (!next) break;
      reply = await g.follow<Collection<ListItem>>(next);
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(rows.map((r) => r.Title));
  });
});

describe('item writes', () => {
  it('uses "guid,version" eTags: a stale If-Match gets 412 and changes nothing', async () => {
    const item = (await g.call<ListItem>('GET', `${site}/lists/${listId}/items/1?expand=fields`)).body;
    expect(item.eTag).toMatch(/^"[0-9a-f-]{36},1"$/);
    const updated = await g.call<Record<string, unknown>>('PATCH', `${site}/lists/${listId}/items/1/fields`, { body: { Status: 'closed' }, headers: { 'If-Match': item.eTag } });
    expect(updated.status).toBe(200);
    expect(updated.body['Status']).toBe('closed');
    expect(updated.body['@odata.etag']).toBe(item.eTag.replace(',1"', ',2"'));

    const stale = await g.call<GraphErrorBody>('PATCH', `${site}/lists/${listId}/items/1/fields`, { body: { Status: 'lost' }, headers: { 'If-Match': item.eTag } });
    expect(stale.status).toBe(412);
    const now = await g.call<ListItem>('GET', `${site}/lists/${listId}/items/1?expand=fields`);
    expect(now.body.fields?.['Status']).toBe('closed');

    expect((await g.call('DELETE', `${site}/lists/${listId}/items/1`, { headers: { 'If-Match': item.eTag } })).status).toBe(412);
    expect((await g.call('DELETE', `${site}/lists/${listId}/items/1`, { headers: { 'If-Match': now.body.eTag } })).status).toBe(204);
    expect((await g.call('GET', `${site}/lists/${listId}/items/1`)).status).toBe(404);
    const next = await g.call<ListItem>('POST', `${site}/lists/${listId}/items`, { body: { fields: { Title: 'Six' } } });
    expect(next.body.id).toBe('6');
  });

  it('validates fields: unknown names, types, and person ids written as strings', async () => {
    const unknown = await g.call<GraphErrorBody>('POST', `${site}/lists/${listId}/items`, { body: { fields: { Colour: 'red' } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('Colour');
    const wrongType = await g.call<GraphErrorBody>('POST', `${site}/lists/${listId}/items`, { body: { fields: { Score: 'high' } } });
    expect(wrongType.body.error.message).toContain('Score');
    const numericPerson = await g.call<GraphErrorBody>('POST', `${site}/lists/${listId}/items`, { body: { fields: { OwnerLookupId: 12 } } });
    expect(numericPerson.status).toBe(400);
    const person = await g.call<ListItem>('POST', `${site}/lists/${listId}/items`, { body: { fields: { OwnerLookupId: '12', Payload: 'x'.repeat(5000) } } });
    expect(person.status).toBe(201);
    expect(person.body.fields?.['OwnerLookupId']).toBe('12');
  });
});
