/**
 * The gateway's own behaviour over a scripted fake Graph (no local service): retry and
 * Retry-After, replay safety, the per-mailbox limiter, auth scoping and error hygiene.
 */
import { describe, expect, it } from 'vitest';
import { SupervisionError } from '../../../src/errors.js';
import {
  GraphCalendar,
  GraphConflictError,
  GraphLists,
  GraphRequestError,
  GraphThrottledError,
  createGraphClient,
  isReplaySafe,
} from '../../../src/graph/index.js';
import { backoffMs, mailboxDemand, retryAfterMs } from '../../../src/graph/client.js';
import { base, fakeGraph, graphError, harness } from './fake-graph.js';

const ok = (body: unknown = {}) => ({ status: 200, body });

describe('retry middleware', () => {
  it('waits exactly the Retry-After Graph sends, decimals included, then succeeds', async () => {
    let calls = 0;
    const { client, sleeps, fake } = harness(() => (++calls <= 2 ? graphError(429, 'TooManyRequests', 'slow down', { 'Retry-After': '0.25' }) : ok({ value: [] })));
    const response = await client.request({ method: 'GET', path: '/sites/s1/lists' });
    expect(response.status).toBe(200);
    expect(fake.sent).toHaveLength(3);
    expect(sleeps).toEqual([250, 250]);
  });

  it('reads Retry-After as an HTTP date and honours the longer of Retry-After and RateLimit-Reset', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs((h) => (h === 'retry-after' ? 'Wed, 01 Jan 2025 00:00:03 GMT' : null), now)).toBe(3000);
    expect(retryAfterMs((h) => ({ 'retry-after': '2.128', 'ratelimit-reset': '5' })[h] ?? null, now)).toBe(5000);
    expect(retryAfterMs(() => null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter when Graph sends no Retry-After', async () => {
    let calls = 0;
    const { client, sleeps } = harness(() => (++calls <= 3 ? graphError(503, 'serviceNotAvailable') : ok()), { retry: { maxRetries: 5, maxDelayMs: 10_000, baseDelayMs: 100 } });
    await client.request({ method: 'GET', path: '/sites/s1' });
    // random() = 0.5 puts each wait at 3/4 of its ceiling: 100, 200, 400.
    expect(sleeps).toEqual([75, 150, 300]);
    const jitter = [0, 0.999].map((r) => backoffMs(4, { baseDelayMs: 100, maxDelayMs: 10_000, random: () => r }));
    expect(jitter[0]).toBe(800);
    expect(jitter[1]).toBeGreaterThan(1500);
    expect(backoffMs(20, { baseDelayMs: 100, maxDelayMs: 2_000, random: () => 1 })).toBe(2_000);
  });

  it('gives up after maxRetries with a GraphThrottledError carrying the last Retry-After', async () => {
    const { client, fake } = harness(() => graphError(429, 'TooManyRequests', 'x', { 'Retry-After': '1' }), { retry: { maxRetries: 2, maxDelayMs: 5_000 } });
    const error = await client.request({ method: 'GET', path: '/sites/s1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphThrottledError);
    expect((error as GraphThrottledError).retryAfterMs).toBe(1000);
    expect((error as GraphThrottledError).graphStatus).toBe(429);
    expect(fake.sent).toHaveLength(3);
  });

  it('does not retry early when Graph asks for longer than maxDelayMs', async () => {
    const { client, fake, sleeps } = harness(() => graphError(429, 'TooManyRequests', 'x', { 'Retry-After': '120' }), { retry: { maxRetries: 5, maxDelayMs: 30_000 } });
    const error = await client.request({ method: 'GET', path: '/sites/s1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphThrottledError);
    expect((error as GraphThrottledError).retryAfterMs).toBe(120_000);
    expect(fake.sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('never replays a plain POST (a list item create) that may have run (503) but does replay an event create carrying a transactionId', async () => {
    const lists = harness(() => graphError(503, 'serviceNotAvailable', 'x', { 'Retry-After': '0.01' }));
    await expect(new GraphLists(lists.client).createItem('s1', 'l1', { Title: 'a' })).rejects.toBeInstanceOf(GraphThrottledError);
    expect(lists.fake.sent).toHaveLength(1);

    let calls = 0;
    const events = harness(() =>
      ++calls === 1 ? graphError(504, 'GatewayTimeout') : { status: 201, body: { id: 'ev1', type: 'singleInstance', start: { dateTime: '2025-03-03T10:00:00', timeZone: 'UTC' } } },
    );
    const created = await new GraphCalendar(events.client).createEvent('sup@contoso.test', { subject: 'x', start: { dateTime: '2025-03-03T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2025-03-03T11:00:00', timeZone: 'UTC' } }, 'tx-1');
    expect(created.id).toBe('ev1');
    expect(events.fake.sent).toHaveLength(2);
    expect(events.fake.sent.map((r) => (r.body as { transactionId: string }).transactionId)).toEqual(['tx-1', 'tx-1']);
  });

  it('does resend a plain POST refused with 429: Graph did nothing with a throttled request', async () => {
    let calls = 0;
    const lists = harness(() => (++calls === 1 ? graphError(429, 'TooManyRequests', 'x', { 'Retry-After': '0.01' }) : { status: 201, body: { id: '7', eTag: '"a,1"', fields: { Title: 'a' } } }));
    const created = await new GraphLists(lists.client).createItem('s1', 'l1', { Title: 'a' });
    expect(created.id).toBe('7');
    expect(lists.fake.sent).toHaveLength(2);
  });

  it('classifies replay safety: idempotent verbs, transactionId, getSchedule, and batches of safe requests only', () => {
    expect(isReplaySafe('GET', '/users/a/events', undefined)).toBe(true);
    expect(isReplaySafe('PATCH', '/sites/s/lists/l/items/1/fields', '{}')).toBe(true);
    expect(isReplaySafe('POST', '/users/a/events', '{"subject":"x"}')).toBe(false);
    expect(isReplaySafe('POST', '/users/a/events', '{"subject":"x","transactionId":"t"}')).toBe(true);
    expect(isReplaySafe('POST', '/users/a/calendar/getSchedule', '{}')).toBe(true);
    expect(isReplaySafe('POST', '/users/a/events/e/cancel', '{"comment":"x"}')).toBe(false);
    const batch = (requests: unknown[]) => JSON.stringify({ requests });
    expect(isReplaySafe('POST', '/$batch', batch([{ id: '1', method: 'GET', url: '/users/a/events' }, { id: '2', method: 'POST', url: '/users/a/events', body: { transactionId: 't' } }]))).toBe(true);
    expect(isReplaySafe('POST', '/$batch', batch([{ id: '1', method: 'POST', url: '/sites/s/lists/l/items', body: { fields: {} } }]))).toBe(false);
  });

  it("List items: does not retry SharePoint's list view threshold refusal (429 tooManyResources, no Retry-After) and says what to fix", async () => {
    const refusal = { status: 429, body: { error: { code: 'notSupported', message: 'The request is unprocessable because it uses too many resources', innerError: { code: 'tooManyResources' } } } };
    const { client, fake, sleeps } = harness(() => refusal);
    const error = await new GraphLists(client).queryItems('s', 'l', "fields/Status eq 'booked'").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).not.toBeInstanceOf(GraphThrottledError);
    expect((error as GraphRequestError).graphCode).toBe('tooManyResources');
    expect((error as Error).message).toMatch(/list view threshold/);
    expect(fake.sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry 4xx other than 429', async () => {
    const { client, fake } = harness(() => graphError(400, 'ErrorInvalidRequest'));
    await expect(client.request({ method: 'GET', path: '/users/a/events' })).rejects.toBeInstanceOf(GraphRequestError);
    expect(fake.sent).toHaveLength(1);
  });
});

describe('per-mailbox concurrency limiter', () => {
  it('keeps at most 4 requests in flight per mailbox while other mailboxes proceed', async () => {
    const { client, fake } = harness(() => ok({ value: [] }), { latencyMs: 15 });
    const calls = ['alice@contoso.test', 'bob@contoso.test'].flatMap((m) => Array.from({ length: 12 }, () => client.request({ method: 'GET', path: `/users/${m}/events` })));
    await Promise.all(calls);
    expect(fake.maxInFlight.get('alice@contoso.test')).toBe(4);
    expect(fake.maxInFlight.get('bob@contoso.test')).toBe(4);
    expect(fake.maxInFlightTotal).toBe(8);
  });

  it('treats a UPN and its percent-encoded or differently-cased form as one mailbox', async () => {
    const { client, fake } = harness(() => ok({ value: [] }), { latencyMs: 10 });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.request({ method: 'GET', path: `/users/${i % 2 ? 'Alice%40contoso.test' : 'alice@contoso.test'}/calendarView` })),
    );
    const total = [...fake.maxInFlight.values()].reduce((a, b) => Math.max(a, b), 0);
    expect(total).toBeLessThanOrEqual(4);
    expect(fake.maxInFlightTotal).toBeLessThanOrEqual(4);
  });

  it('honours a lower configured limit and leaves directory and SharePoint calls unlimited', async () => {
    const { client, fake } = harness(() => ok({ value: [] }), { latencyMs: 10, concurrencyPerMailbox: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.request({ method: 'GET', path: '/users/a@contoso.test/events' })));
    expect(fake.maxInFlight.get('a@contoso.test')).toBe(2);
    fake.maxInFlightTotal = 0;
    await Promise.all(Array.from({ length: 6 }, () => client.request({ method: 'GET', path: '/sites/s1/lists/l1/items' })));
    expect(fake.maxInFlightTotal).toBe(6);
  });

  it('counts the inner requests of a $batch against their mailboxes', async () => {
    expect(mailboxDemand('/$batch', JSON.stringify({ requests: Array.from({ length: 7 }, (_, i) => ({ id: String(i), method: 'GET', url: i < 5 ? '/users/A/events' : '/users/b/calendarView' })) }), 4)).toEqual(
      new Map([
        ['a', 4],
        ['b', 2],
      ]),
    );
    // While a batch of 4+ requests for a mailbox is out, no single request for it may be.
    const overlap: string[] = [];
    let batchOut = false;
    const { client } = harness(
      async (r) => {
        if (r.path === '/$batch') {
          batchOut = true;
          await new Promise((resolve) => setTimeout(resolve, 30));
          batchOut = false;
          const requests = (r.body as { requests: { id: string }[] }).requests;
          return ok({ responses: requests.map((q) => ({ id: q.id, status: 200, body: {} })) });
        }
        if (batchOut) overlap.push(r.path);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return ok({ value: [] });
      },
    );
    const batch = client.request({ method: 'POST', path: '/$batch', body: { requests: Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/users/a/events' })) } });
    await new Promise((resolve) => setTimeout(resolve, 1));
    await Promise.all([batch, ...Array.from({ length: 5 }, () => client.request({ method: 'GET', path: '/users/a/events' }))]);
    expect(overlap).toEqual([]);
  });
});

describe('auth and hygiene', () => {
  it('sends the bearer token to the Graph origin and decorates the User-Agent', async () => {
    const { client, fake } = harness(() => ok());
    await client.request({ method: 'GET', path: '/sites/s1' });
    expect(fake.sent[0]?.headers.get('authorization')).toBe('Bearer test-token');
    expect(fake.sent[0]?.headers.get('user-agent')).toMatch(/^NONISV\|/);
    expect(fake.sent[0]?.headers.get('client-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses to follow a nextLink to another host (it would carry our token)', async () => {
    const { client, fake } = harness(() => ok({ value: [{ id: '1' }], '@odata.nextLink': 'https://evil.test/v1.0/users/a/events?$skip=1' }));
    const pages = client.pages({ method: 'GET', path: '/users/a/events' });
    await pages.next();
    await expect(pages.next()).rejects.toMatchObject({ graphCode: 'ForeignLink' });
    expect(fake.sent).toHaveLength(1);
  });

  it('maps Graph error bodies without the personal data Graph quotes in them', async () => {
    const { client } = harness(() => graphError(404, 'ErrorInvalidUser', "The requested user 'jo.oneil@contoso.test' is invalid."));
    const error = (await client.request({ method: 'GET', path: '/users/jo.oneil@contoso.test/calendarView', query: { startDateTime: 'x' } }).catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toBeInstanceOf(SupervisionError);
    expect(error.code).toBe('UPSTREAM');
    expect(error.graphStatus).toBe(404);
    expect(error.graphCode).toBe('ErrorInvalidUser');
    expect(error.requestId).toBe('req-1');
    expect(error.message).toContain('/users/{id}/calendarView');
    expect(error.message).not.toMatch(/oneil|contoso/i);
  });

  it('reports a network failure as a GraphRequestError with no answer, retrying only replay-safe calls', async () => {
    let calls = 0;
    const client = createGraphClient({
      baseUrl: base,
      auth: { getAccessToken: async () => 't' },
      fetchImpl: async () => {
        calls += 1;
        throw new TypeError('fetch failed');
      },
      sleep: async () => {},
      retry: { maxRetries: 2 },
    });
    await expect(client.request({ method: 'GET', path: '/sites/s' })).rejects.toMatchObject({ graphStatus: 0, graphCode: 'NoResponse' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(client.request({ method: 'POST', path: '/sites/s/lists/l/items', body: { fields: {} } })).rejects.toMatchObject({ graphStatus: 0 });
    expect(calls).toBe(1);
  });

  it('rejects a base URL without a version segment', () => {
    expect(() => createGraphClient({ baseUrl: 'https://graph.microsoft.com', auth: { getAccessToken: async () => 't' } })).toThrow(/version/);
  });

  it('works under a base URL with a path prefix, as the local service is mounted', async () => {
    const fake = fakeGraph(() => ok({ value: [], '@odata.nextLink': undefined }));
    const client = createGraphClient({ baseUrl: 'http://127.0.0.1:9/graph/v1.0', auth: { getAccessToken: async () => 't' }, fetchImpl: fake.fetch });
    await client.request({ method: 'GET', path: '/users/a/events' });
    expect(fake.sent[0]?.url.href).toBe('http://127.0.0.1:9/graph/v1.0/users/a/events');
    expect(client.relative('http://127.0.0.1:9/graph/v1.0/users/a/events?$skip=10')).toBe('/users/a/events?$skip=10');
  });
});

describe('If-Match conflicts', () => {
  it('turns a 412 into a GraphConflictError the product answers as CONFLICT', async () => {
    const { client, fake } = harness(() => graphError(412, 'preconditionFailed', "The request ETag value does not match the object's ETag value."));
    const error = await new GraphLists(client).updateItem('s1', 'l1', '7', { Title: 'x' }, '"abc,1"').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphConflictError);
    expect((error as GraphConflictError).code).toBe('CONFLICT');
    expect(fake.sent[0]?.headers.get('if-match')).toBe('"abc,1"');
    expect(fake.sent).toHaveLength(1);
  });
});
