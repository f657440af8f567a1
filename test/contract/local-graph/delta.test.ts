import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, meeting, startHarness, users, weekly, type Collection, type GraphErrorBody, type GraphEvent, type Harness } from './harness.js';

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

const ann = `/users/${users.ann.id}`;
const window = 'startDateTime=2025-06-01T00:00:00Z&endDateTime=2025-07-01T00:00:00Z';

async function create(subject: string, day: string, extra: Record<string, unknown> = {}): Promise<GraphEvent> {
  const reply = await g.call<GraphEvent>('POST', `${ann}/events`, {
    body: meeting({ subject, start: at(`2025-06-${day}T10:00:00`), end: at(`2025-06-${day}T11:00:00`), ...extra }),
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

/** Follows nextLinks to the end of a round; returns every entry and the deltaLink. */
async function drain(first: Collection<GraphEvent>): Promise<{ entries: GraphEvent[]; deltaLink: string; pages: number }> {
  const entries = [...first.value];
  let page = first;
  let pages = 1;
  while (page['@odata.nextLink']) {
    page = (await g.follow<Collection<GraphEvent>>(page['@odata.nextLink'])).body;
    entries.push(...page.value);
    pages += 1;
  }
  expect(page['@odata.deltaLink']).toBeDefined();
  return { entries, deltaLink: page['@odata.deltaLink'] as string, pages };
}

describe('calendarView/delta', () => {
  it('pages the first round with skipToken, then reports only changes, with @removed for deleted and cancelled items', async () => {
    const a = await create('A', '02');
    const b = await create('B', '03');
    const c = await create('C', '04');
    await create('Outside', '30', { start: at('2025-07-15T10:00:00'), end: at('2025-07-15T11:00:00') });

    const first = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView/delta?${window}`, { headers: { Prefer: 'odata.maxpagesize=2' } });
    expect(first.status).toBe(200);
    expect(first.body['@odata.nextLink']).toContain('$skiptoken=');
    const round1 = await drain(first.body);
    expect(round1.pages).toBe(2);
    expect(round1.entries.map((e) => e.subject)).toEqual(['A', 'B', 'C']);
    expect(round1.deltaLink).toContain('$deltatoken=');

    const quiet = await g.follow<Collection<GraphEvent>>(round1.deltaLink);
    expect(quiet.body.value).toEqual([]);

    expect((await g.call('DELETE', `${ann}/events/${a.id}`)).status).toBe(204);
    expect((await g.call('POST', `${ann}/events/${b.id}/cancel`, { body: { comment: 'Sick' } })).status).toBe(202);
    await g.call('PATCH', `${ann}/events/${c.id}`, { body: { subject: 'C renamed' } });

    const round2 = await drain((await g.follow<Collection<GraphEvent>>(quiet.body['@odata.deltaLink'] as string)).body);
    const removed = round2.entries.filter((e) => e['@removed']).map((e) => e.id);
    expect(removed.sort()).toEqual([a.id, b.id].sort());
    expect(round2.entries.filter((e) => !e['@removed']).map((e) => e.subject)).toEqual(['C renamed']);
    expect(round2.entries.find((e) => e.id === a.id)?.['@removed']).toEqual({ reason: 'deleted' });
  });

  it('reports a cancelled occurrence of a series as @removed under the occurrence id', async () => {
    const series = await g.call<GraphEvent>('POST', `${ann}/events`, {
      body: meeting({ start: at('2025-06-02T09:00:00'), end: at('2025-06-02T10:00:00'), recurrence: weekly('2025-06-02', { type: 'numbered', numberOfOccurrences: 4 }) }),
    });
    const round1 = await drain((await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView/delta?${window}`)).body);
    expect(round1.entries.map((e) => e.type)).toEqual(['occurrence', 'occurrence', 'occurrence', 'occurrence']);
    const second = round1.entries[1] as GraphEvent;
    expect(second.seriesMasterId).toBe(series.body.id);

    await g.call('POST', `${ann}/events/${second.id}/cancel`, { body: {} });
    const round2 = await drain((await g.follow<Collection<GraphEvent>>(round1.deltaLink)).body);
    expect(round2.entries).toEqual([{ '@odata.type': '#microsoft.graph.event', id: second.id, '@removed': { reason: 'deleted' } }]);
  });

  it('survives a restart: a stored deltaLink still works', async () => {
    await create('A', '02');
    const round1 = await drain((await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView/delta?${window}`)).body);
    const token = new URL(round1.deltaLink).searchParams.get('$deltatoken');
    await g.restart();
    await create('B', '05');
    const round2 = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView/delta?$deltatoken=${token}`);
    expect(round2.body.value.map((e) => e.subject)).toEqual(['B']);
  });

  it('requires the window on the first call and rejects unknown tokens', async () => {
    const missing = await g.call<GraphErrorBody>('GET', `${ann}/calendarView/delta`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('StartDateTime');
    const unknown = await g.call<GraphErrorBody>('GET', `${ann}/calendarView/delta?$deltatoken=00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(410);
    expect(unknown.body.error.code).toBe('SyncStateNotFound');
  });
});
