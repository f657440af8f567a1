import { afterEach, describe, expect, it } from 'vitest';
import { harnessPerTest, users, type GraphErrorBody, type Harness } from './harness.js';

const harness = harnessPerTest(afterEach);

async function statuses(g: Harness, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i += 1) result.push((await g.call('GET', `/users/${users.ann.id}`)).status);
  return result;
}

describe('fault injection', () => {
  it('fails the same requests for the same seed, and others for another seed', async () => {
    const faults = { throttleRate: 0.3, unavailableRate: 0.2, seed: 42 };
    const first = await statuses(await harness({ faults }), 30);
    const second = await statuses(await harness({ faults }), 30);
    const other = await statuses(await harness({ faults: { ...faults, seed: 7 } }), 30);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).toContain(429);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('answers 429 and 503 as Graph does, with Retry-After', async () => {
    const g = await harness({ faults: { throttleRate: 1, retryAfterSeconds: 2 } });
    const throttled = await g.call<GraphErrorBody>('GET', `/users/${users.ann.id}`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(throttled.body.error.code).toBe('TooManyRequests');

    g.server.graph.setFaults({ unavailableRate: 1, retryAfterSeconds: 0.5 });
    const unavailable = await g.call<GraphErrorBody>('GET', `/users/${users.ann.id}`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('0.5');
    expect(g.server.graph.stats().faults).toEqual({ 429: 1, 503: 1 });
  });

  it('is administered over HTTP: faults, stats and reset', async () => {
    const g = await harness();
    const admin = g.server.url.replace('/graph/v1.0', '/graph/_admin');
    const put = await fetch(`${admin}/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ throttleRate: 1, seed: 3 }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ throttleRate: 1, seed: 3 });
    expect((await g.call('GET', '/users')).status).toBe(429);
    const stats = (await (await fetch(`${admin}/stats`)).json()) as { requests: number; faults: Record<string, number> };
    expect(stats).toMatchObject({ requests: 1, faults: { 429: 1 } });
    const reset = (await (await fetch(`${admin}/stats/reset`, { method: 'POST' })).json()) as { requests: number };
    expect(reset.requests).toBe(0);
    const invalid = await fetch(`${admin}/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ throttleRate: 2 }) });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as GraphErrorBody).error.message).toContain('throttleRate');
  });

  it('reads LOCAL_GRAPH_* settings from the environment', async () => {
    const saved = { ...process.env };
    process.env['LOCAL_GRAPH_THROTTLE_RATE'] = '1';
    process.env['LOCAL_GRAPH_SEED'] = '9';
    process.env['LOCAL_GRAPH_LATENCY_MS'] = '30';
    try {
      const g = await harness();
      const started = performance.now();
      expect((await g.call('GET', '/users')).status).toBe(429);
      expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    } finally {
      for (const key of ['LOCAL_GRAPH_THROTTLE_RATE', 'LOCAL_GRAPH_SEED', 'LOCAL_GRAPH_LATENCY_MS']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});
