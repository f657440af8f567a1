import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meeting, siteId, startHarness, users, weekly, at, type Collection, type GraphEvent, type Harness } from './harness.js';

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

describe('persistence', () => {
  it('keeps events, attendee copies, transactionIds, lists and items across a restart', async () => {
    const body = meeting({
      transactionId: 'series-1',
      start: at('2025-06-02T09:00:00'),
      end: at('2025-06-02T10:00:00'),
      recurrence: weekly('2025-06-02', { type: 'numbered', numberOfOccurrences: 3 }),
    });
    const created = await g.call<GraphEvent>('POST', `/users/${users.ann.id}/events`, { body });
    const list = await g.call<{ id: string }>('POST', `/sites/${siteId}/lists`, { body: { displayName: 'Staff', columns: [{ name: 'UserId', text: {}, indexed: true }] } });
    const item = await g.call<{ eTag: string }>('POST', `/sites/${siteId}/lists/${list.body.id}/items`, { body: { fields: { UserId: 'u-1' } } });
    expect(existsSync(join(g.dataDir, 'local-graph.sqlite'))).toBe(true);

    await g.restart();
    expect(g.server.graph.isEmpty()).toBe(false);

    const reread = await g.call<GraphEvent>('GET', `/users/${users.ann.id}/events/${created.body.id}`);
    expect(reread.status).toBe(200);
    expect(reread.body).toMatchObject({ type: 'seriesMaster', iCalUId: created.body.iCalUId, changeKey: created.body.changeKey });
    const replay = await g.call<GraphEvent>('POST', `/users/${users.ann.id}/events`, { body });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(created.body.id);
    expect(g.server.graph.stats()).toMatchObject({ eventsCreated: 0, idempotentReplays: 1 });

    const bobView = await g.call<Collection<GraphEvent>>('GET', `/users/${users.bob.id}/calendarView?startDateTime=2025-06-01T00:00:00Z&endDateTime=2025-07-01T00:00:00Z`);
    expect(bobView.body.value).toHaveLength(3);

    const items = await g.call<Collection<{ eTag: string; fields: Record<string, unknown> }>>('GET', `/sites/${siteId}/lists/Staff/items?expand=fields&$filter=fields/UserId eq 'u-1'`);
    expect(items.body.value.map((i) => i.eTag)).toEqual([item.body.eTag]);
  });

  it('reports an empty database until something is seeded', async () => {
    const empty = await startHarness({ seed: false });
    try {
      expect(empty.server.graph.isEmpty()).toBe(true);
      empty.server.graph.upsertUser(users.ann);
      expect(empty.server.graph.isEmpty()).toBe(false);
    } finally {
      await empty.stop();
    }
  });
});
