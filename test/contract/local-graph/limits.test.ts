/**
 * Microsoft Graph service-specific throttling limits, enforced by the embedded service as
 * Graph documents them (throttling-limits: "Outlook service limits"; SharePoint: "Avoid
 * getting throttled or blocked in SharePoint Online"): 4 concurrent requests and 10,000
 * requests per 10 minutes per app and mailbox, and SharePoint's resource units per app per
 * minute, each refusal a 429 with Retry-After.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { graphLimits } from '../../../src/local-graph/limits.js';
import { harnessPerTest, siteId, users, type GraphErrorBody } from './harness.js';

const harness = harnessPerTest(afterEach);

/** An unsigned token naming the calling app, as Entra's v1 tokens do with `appid`. */
function appToken(appid: string): Record<string, string> {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return { Authorization: `Bearer ${part({ alg: 'none' })}.${part({ appid, aud: 'https://graph.microsoft.com' })}.` };
}

describe('Outlook service limits', () => {
  it("are Graph's: 4 concurrent requests and 10,000 requests per 10 minutes per app and mailbox; SharePoint 1,250 resource units a minute", () => {
    expect(graphLimits).toMatchObject({ mailboxConcurrency: 4, mailboxRequests: 10_000, mailboxWindowMs: 600_000, sharePointUnitsPerMinute: 1_250 });
  });

  it('answer the fifth of eight overlapping requests to one mailbox 429 ApplicationThrottled MailboxConcurrency, with Retry-After', async () => {
    // Long enough that all eight overlap even on a loaded machine.
    const g = await harness({ faults: { latencyMs: 600 } });
    const replies = await Promise.all(Array.from({ length: 8 }, () => g.call<GraphErrorBody>('GET', `/users/${users.ann.id}/events`)));
    const refused = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(4);
    expect(refused).toHaveLength(4);
    for (const reply of refused) {
      expect(reply.body.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(g.server.graph.stats().limited).toBe(4);
  });

  it('count per app and per mailbox: other mailboxes and other apps are not held back', async () => {
    const g = await harness({ faults: { latencyMs: 80 } });
    const replies = await Promise.all([
      ...Array.from({ length: 4 }, () => g.call('GET', `/users/${users.ann.id}/events`)),
      ...Array.from({ length: 4 }, () => g.call('GET', `/users/${users.bob.id}/events`)),
      ...Array.from({ length: 4 }, () => g.call('GET', `/users/${users.ann.id}/events`, { headers: appToken('another-app') })),
    ]);
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 12 }, () => 200));
  });

  it('hold inside $batch: Graph runs a batch 4 at a time, but two batches to one mailbox at once exceed the limit', async () => {
    const g = await harness({ faults: { latencyMs: 400 } });
    const requests = Array.from({ length: 8 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${users.ann.id}/events` }));
    const one = await g.call<{ responses: { status: number }[] }>('POST', '/$batch', { body: { requests } });
    expect(one.body.responses.every((r) => r.status === 200)).toBe(true);
    const two = await Promise.all([0, 1].map(() => g.call<{ responses: { status: number }[] }>('POST', '/$batch', { body: { requests } })));
    const statuses = two.flatMap((b) => b.body.responses.map((r) => r.status));
    expect(statuses).toContain(429);
    expect(statuses).toContain(200);
  });

  it('refuse requests past the per-mailbox budget of the window until it moves on, throttled ones counting too', async () => {
    let now = Date.parse('2027-01-04T09:00:00Z');
    const g = await harness({ clock: () => new Date(now), limits: { mailboxRequests: 5, mailboxWindowMs: 600_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await g.call('GET', `/users/${users.ann.id}/events`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const over = await g.call<GraphErrorBody>('GET', `/users/${users.ann.id}/calendar`);
    expect(over.body.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxRequests limit.' });
    expect(Number(over.headers.get('retry-after'))).toBe(600);
    expect((await g.call('GET', `/users/${users.bob.id}/events`)).status).toBe(200);
    now += 600_000;
    expect((await g.call('GET', `/users/${users.ann.id}/events`)).status).toBe(200);
  });
});

describe('SharePoint service limits', () => {
  it('cost 2 resource units a query or write and 1 a single read, warn with RateLimit headers from 80% and refuse past the minute budget with 429 and Retry-After', async () => {
    let now = Date.parse('2027-01-04T09:00:00Z');
    const g = await harness({ clock: () => new Date(now), limits: { sharePointUnitsPerMinute: 10 } });
    const site = `/sites/${siteId}`;
    const created = await g.call<{ id: string }>('POST', `${site}/lists`, { body: { displayName: 'Records', columns: [{ name: 'RecordKey', text: {}, indexed: true }] } });
    expect(created.status).toBe(201);
    const item = await g.call<{ id: string }>('POST', `${site}/lists/${created.body.id}/items`, { body: { fields: { RecordKey: 'a' } } });
    expect(item.status).toBe(201);
    expect(item.headers.get('ratelimit-limit')).toBeNull();
    // 2 (list) + 2 (item) + 2 (query) + 1 (read) = 7 of 10: under 80%, no headers yet.
    const query = await g.call('GET', `${site}/lists/${created.body.id}/items?$expand=fields`);
    expect(query.status).toBe(200);
    const read = await g.call('GET', `${site}/lists/${created.body.id}/items/${item.body.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('ratelimit-remaining')).toBeNull();
    const warned = await g.call('GET', `${site}/lists/${created.body.id}/items?$expand=fields`);
    expect(warned.status).toBe(200);
    expect(warned.headers.get('ratelimit-remaining')).toBe('1');
    expect(warned.headers.get('ratelimit-limit')).toBe('10');
    const refused = await g.call<GraphErrorBody>('GET', `${site}/lists/${created.body.id}/items?$expand=fields`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('activityLimitReached');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-limit')).toBe('10');
    // Outlook and the directory have budgets of their own.
    expect((await g.call('GET', `/users/${users.ann.id}/events`)).status).toBe(200);
    now += 60_000;
    expect((await g.call('GET', `${site}/lists/${created.body.id}/items?$expand=fields`)).status).toBe(200);
  });
});
