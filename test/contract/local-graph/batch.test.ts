import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meeting, startHarness, users, type GraphErrorBody, type GraphEvent, type Harness } from './harness.js';

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

function get(id: string, url: string, dependsOn?: string[]): Record<string, unknown> {
  return { id, method: 'GET', url, ...(dependsOn ? { dependsOn } : {}) };
}

async function batch(requests: Record<string, unknown>[]): Promise<Map<string, InnerResponse>> {
  const reply = await g.call<{ responses: InnerResponse[] }>('POST', '/$batch', { body: { requests } });
  expect(reply.status).toBe(200);
  return new Map(reply.body.responses.map((r) => [r.id, r]));
}

describe('$batch', () => {
  it('runs a fully parallel batch and answers 200 overall whatever the inner statuses', async () => {
    const results = await batch([
      get('1', `/users/nobody@contoso.test/events`),
      get('3', `users/${users.bob.mail}`),
      {
        id: '4',
        method: 'POST',
        url: `/users/${users.ann.id}/events`,
        headers: { 'Content-Type': 'application/json' },
        body: meeting({ subject: 'From a batch', transactionId: 'batch-4' }),
      },
    ]);
    expect(results.get('1')?.status).toBe(404);
    expect(results.get('3')).toMatchObject({ status: 200, body: { userPrincipalName: users.bob.userPrincipalName } });
    expect(results.get('4')?.status).toBe(201);
    expect(g.server.graph.stats()).toMatchObject({ requests: 1, batchedRequests: 3 });
  });

  it('runs a fully sequential batch in dependsOn order and answers 424 for the dependants of a failed request', async () => {
    const results = await batch([
      {
        id: '1',
        method: 'POST',
        url: `/users/${users.ann.id}/events`,
        headers: { 'Content-Type': 'application/json' },
        body: meeting({ subject: 'From a batch', transactionId: 'batch-1' }),
      },
      get('2', `/users/${users.ann.id}/events?$select=subject`, ['1']),
      get('3', `/users/nobody@contoso.test/events`, ['2']),
      get('4', `/users/${users.ann.id}/events`, ['3']),
    ]);
    expect(results.get('1')?.status).toBe(201);
    expect((results.get('2')?.body as { value: GraphEvent[] }).value.map((e) => e.subject)).toEqual(['From a batch']);
    expect(results.get('3')?.status).toBe(404);
    expect(results.get('4')?.status).toBe(424);
    expect((results.get('4')?.body as GraphErrorBody).error.code).toBe('FailedDependency');
  });

  it('JSON batching: refuses a batch mixing a dependsOn chain with independent requests ("fully sequential or fully parallel")', async () => {
    const mixed = await g.call<GraphErrorBody>('POST', '/$batch', {
      body: { requests: [get('1', `/users/${users.ann.id}/events`), get('2', `/users/${users.ann.id}/events`, ['1']), get('3', `/users/${users.bob.id}/events`)] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.code).toBe('BadRequest');
    expect(mixed.body.error.message).toContain('fully sequential or fully parallel');
    expect(g.server.graph.stats().batchedRequests).toBe(0);
  });

  it('rejects more than 20 requests, duplicate ids, unknown dependencies and bodies without Content-Type', async () => {
    const twentyOne = Array.from({ length: 21 }, (_, i) => get(String(i + 1), '/users'));
    const tooMany = await g.call<GraphErrorBody>('POST', '/$batch', { body: { requests: twentyOne } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('20');
    expect((await g.call('POST', '/$batch', { body: { requests: twentyOne.slice(0, 20) } })).status).toBe(200);

    const duplicate = await g.call<GraphErrorBody>('POST', '/$batch', { body: { requests: [get('a', '/users'), get('a', '/users')] } });
    expect(duplicate.status).toBe(400);
    const dangling = await g.call('POST', '/$batch', { body: { requests: [get('a', '/users', ['zz'])] } });
    expect(dangling.status).toBe(400);
    const noType = await g.call<GraphErrorBody>('POST', '/$batch', { body: { requests: [{ id: '1', method: 'POST', url: `/users/${users.ann.id}/events`, body: meeting() }] } });
    expect(noType.status).toBe(400);
    expect(noType.body.error.message).toContain('Content-Type');
    const circular = await g.call('POST', '/$batch', { body: { requests: [get('a', '/users', ['b']), get('b', '/users', ['a'])] } });
    expect(circular.status).toBe(400);
  });

  it('throttles inner requests individually, each 429 carrying its own Retry-After', async () => {
    g.server.graph.setFaults({ throttleRate: 1, retryAfterSeconds: 0.05 });
    const reply = await g.call<{ responses: InnerResponse[] }>('POST', '/$batch', { body: { requests: [get('1', '/users'), get('2', `/users/${users.ann.id}`)] } });
    expect(reply.status).toBe(200);
    for (const inner of reply.body.responses) {
      expect(inner.status).toBe(429);
      expect(inner.headers['Retry-After']).toBe('0.05');
      expect((inner.body as GraphErrorBody).error.code).toBe('TooManyRequests');
    }
    expect(g.server.graph.stats().faults[429]).toBe(2);
  });

  it('counts concurrent requests per mailbox, inner batch requests included (at most 4 at a time from one batch)', async () => {
    g.server.graph.setFaults({ latencyMs: 60 });
    const requests = Array.from({ length: 8 }, (_, i) => get(String(i), `/users/${users.ann.id}/events`));
    await batch(requests);
    expect(g.server.graph.stats().maxInFlightPerMailbox).toBe(4);

    g.server.graph.resetStats();
    await Promise.all(Array.from({ length: 4 }, () => g.call('GET', `/users/${users.bob.mail}/events`)));
    expect(g.server.graph.stats().maxInFlightPerMailbox).toBe(4);

    g.server.graph.resetStats();
    await Promise.all([g.call('GET', `/users/${users.ann.id}/events`), g.call('GET', `/users/${users.bob.id}/events`)]);
    expect(g.server.graph.stats().maxInFlightPerMailbox).toBe(1);
  });
});
