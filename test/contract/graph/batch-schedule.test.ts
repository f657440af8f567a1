/**
 * Batching, getSchedule splitting, list queries, delta paging and token providers, over the
 * scripted fake Graph, so the gateway's own logic is pinned independently of the local service.
 */
import { describe, expect, it } from 'vitest';
import {
  GraphCalendar,
  GraphConsentRequiredError,
  GraphLists,
  GraphThrottledError,
  batchBody,
  clientCredentialsAuth,
  equalsFilter,
  localDevAuth,
  odataString,
  onBehalfOfAuth,
  runBatch,
  type BatchRequest,
  type ConfidentialTokenSource,
} from '../../../src/graph/index.js';
import { graphError, harness, type SentRequest } from './fake-graph.js';

interface WireRequest {
  id: string;
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  dependsOn?: string[];
}

const innerOf = (r: SentRequest) => (r.body as { requests: WireRequest[] }).requests;
const batchesSent = (sent: SentRequest[]) => sent.filter((r) => r.path === '/$batch').map(innerOf);

describe('runBatch', () => {
  it('splits into batches of 20, re-batches only the throttled inner requests after their Retry-After, and returns request order', async () => {
    const failOnce = new Map([
      ['3', '0.05'],
      ['7', '0.2'],
      ['15', '0.05'],
      ['22', '0.05'],
      ['41', '0.05'],
    ]);
    const { client, fake, sleeps } = harness((r) => {
      const responses = innerOf(r).map((q) => {
        const wait = failOnce.get(q.id);
        if (wait) {
          failOnce.delete(q.id);
          return { id: q.id, status: 429, headers: { 'Retry-After': wait }, body: { error: { code: 'TooManyRequests', message: 'x' } } };
        }
        return { id: q.id, status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: `ev-${q.id}`, url: q.url } };
      });
      // Graph answers inner requests in any order.
      return { status: 200, body: { responses: responses.reverse() } };
    });
    const requests: BatchRequest[] = Array.from({ length: 45 }, (_, i) => ({ method: 'GET', url: `/users/m${i % 3}@contoso.test/events/e${i + 1}` }));
    const results = await runBatch(client, requests);

    expect(results.map((r) => r.id)).toEqual(requests.map((_, i) => String(i + 1)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.map((r) => (r.body as { url: string }).url)).toEqual(requests.map((r) => r.url));
    expect(results.filter((r) => r.attempts === 2).map((r) => r.id)).toEqual(['3', '7', '15', '22', '41']);

    const batches = batchesSent(fake.sent);
    expect(batches.every((b) => b.length <= 20)).toBe(true);
    expect(batches.slice(0, 3).map((b) => b.length).sort((a, b) => a - b)).toEqual([5, 20, 20]);
    // Every batch's failures go out together in one new batch, not one retry per batch.
    const retries = batches.slice(3).map((b) => b.map((q) => q.id).sort());
    expect(retries).toEqual([['15', '22', '3', '41', '7']]);
    // The longest inner Retry-After of a round is what that round waits, plus up to a quarter
    // more at random so clients refused together do not come back together.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(200);
    expect(sleeps[0]).toBeLessThanOrEqual(250);
  });

  it('JSON batching: sends each dependsOn chain as one sequence in its own batch, independent requests in parallel batches, and retries a 424 with its throttled dependency', async () => {
    let round = 0;
    const { client, fake } = harness((r) => {
      round += 1;
      const status: Record<string, number> = round <= 3 ? { a: 429, b: 424, c: 201, d: 429, e: 201 } : {};
      return { status: 200, body: { responses: innerOf(r).map((q) => ({ id: q.id, status: status[q.id] ?? 201, headers: { 'retry-after': '0.01' }, body: { id: q.id } })) } };
    });
    const event = (tx: string) => ({ subject: 'x', transactionId: tx });
    const results = await runBatch(client, [
      { id: 'a', method: 'POST', url: '/users/m/events', body: event('tx-a') },
      { id: 'b', method: 'POST', url: '/users/m/events', body: event('tx-b'), dependsOn: ['a'] },
      { id: 'c', method: 'POST', url: '/users/m/events', body: event('tx-c') },
      { id: 'd', method: 'POST', url: '/users/m/events', body: event('tx-d'), dependsOn: ['c'] },
      { id: 'e', method: 'POST', url: '/users/m/events', body: event('tx-e') },
    ]);
    expect(results.map((r) => [r.id, r.status, r.attempts])).toEqual([
      ['a', 201, 2],
      ['b', 201, 2],
      ['c', 201, 1],
      ['d', 201, 2],
      ['e', 201, 1],
    ]);
    const batches = batchesSent(fake.sent);
    // Graph: "Batch should be either fully sequential or fully parallel".
    for (const batch of batches) {
      const starts = batch.filter((q) => (q.dependsOn ?? []).length === 0);
      expect(starts.length === batch.length || starts.length === 1).toBe(true);
    }
    expect(batches.slice(0, 3).map((b) => b.map((q) => [q.id, q.dependsOn ?? []]))).toEqual([
      [['a', []], ['b', ['a']]],
      [['c', []], ['d', ['c']]],
      [['e', []]],
    ]);
    expect(batches[0]?.[0]?.headers?.['Content-Type']).toBe('application/json');
    // The retry drops c (done): d runs alone, a and b again as a sequence.
    expect(batches.slice(3).map((b) => b.map((q) => [q.id, q.dependsOn ?? []]))).toEqual([
      [['a', []], ['b', ['a']]],
      [['d', []]],
    ]);
  });

  it('never re-sends an inner POST that may have run (503, no transactionId) and surfaces it as GraphThrottledError', async () => {
    const { client, fake } = harness((r) => ({
      status: 200,
      body: { responses: innerOf(r).map((q) => ({ id: q.id, status: 503, headers: { 'Retry-After': '1' }, body: { error: { code: 'serviceNotAvailable', message: 'x' } } })) },
    }));
    const request: BatchRequest = { method: 'POST', url: '/sites/s/lists/l/items', body: { fields: { Title: 'x' } } };
    const [result] = await runBatch(client, [request]);
    expect(fake.sent).toHaveLength(1);
    expect(result?.status).toBe(503);
    expect(() => batchBody(request, result as never)).toThrow(GraphThrottledError);
  });

  it('re-sends an inner POST refused with 429: Graph did not process it', async () => {
    let calls = 0;
    const { client, fake } = harness((r) => ({
      status: 200,
      body: { responses: innerOf(r).map((q) => (++calls === 1 ? { id: q.id, status: 429, headers: { 'Retry-After': '0.01' }, body: { error: { code: 'TooManyRequests', message: 'x' } } } : { id: q.id, status: 201, body: { id: '9' } })) },
    }));
    const [result] = await runBatch(client, [{ method: 'POST', url: '/sites/s/lists/l/items', body: { fields: { Title: 'x' } } }]);
    expect(fake.sent).toHaveLength(2);
    expect(result?.status).toBe(201);
  });

  it('packs linked requests together and refuses a dependsOn chain longer than one batch', async () => {
    const { client, fake } = harness((r) => ({ status: 200, body: { responses: innerOf(r).map((q) => ({ id: q.id, status: 200, body: {} })) } }));
    const requests: BatchRequest[] = Array.from({ length: 25 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: `/users/m/events/${i}`, ...(i >= 18 && i <= 21 && i > 18 ? { dependsOn: [`r${i - 1}`] } : {}) }));
    await runBatch(client, requests);
    const batches = batchesSent(fake.sent).map((b) => b.map((q) => q.id));
    const holding = batches.find((b) => b.includes('r18'));
    expect(['r19', 'r20', 'r21'].every((id) => holding?.includes(id))).toBe(true);
    expect(batches.every((b) => b.length <= 20)).toBe(true);

    const chain: BatchRequest[] = Array.from({ length: 21 }, (_, i) => ({ id: `c${i}`, method: 'GET', url: '/users/m/events', ...(i > 0 ? { dependsOn: [`c${i - 1}`] } : {}) }));
    await expect(runBatch(client, chain)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runBatch(client, [{ id: 'x', method: 'GET', url: '/a' }, { id: 'x', method: 'GET', url: '/b' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('getSchedule splitting', () => {
  const day = 86_400_000;
  const from = new Date('2025-03-01T00:00:00Z');
  const to = new Date(from.getTime() + 100 * day);
  // A busy item crossing where the first sub-window ends (61 days in, at a 60-minute interval).
  const boundary = new Date(from.getTime() + 61 * day);

  it('splits 45 mailboxes over 100 days into calls of ≤20 schedules and <62 days, and merges them per mailbox in order', async () => {
    const { client, fake } = harness((r) => {
      const body = r.body as { schedules: string[]; startTime: { dateTime: string }; endTime: { dateTime: string }; availabilityViewInterval: number };
      const start = Date.parse(`${body.startTime.dateTime}Z`);
      const end = Date.parse(`${body.endTime.dateTime}Z`);
      const slots = Math.ceil((end - start) / (body.availabilityViewInterval * 60_000));
      const crossing = { status: 'busy', start: { dateTime: new Date(boundary.getTime() - 3_600_000).toISOString().slice(0, 19), timeZone: 'UTC' }, end: { dateTime: new Date(boundary.getTime() + 3_600_000).toISOString().slice(0, 19), timeZone: 'UTC' } };
      return {
        status: 200,
        body: {
          // Answered in reverse to prove results are matched by scheduleId, not position.
          value: [...body.schedules].reverse().map((id) => ({ scheduleId: id, availabilityView: (start === from.getTime() ? '2' : '0').repeat(slots), scheduleItems: [crossing], workingHours: { startTime: '09:00:00' } })),
        },
      };
    });
    const mailboxes = Array.from({ length: 45 }, (_, i) => `user${i}@contoso.test`);
    const result = await new GraphCalendar(client).getSchedule(mailboxes, from, to, 60);

    const calls = fake.sent.filter((r) => r.path.endsWith('/calendar/getSchedule'));
    expect(calls).toHaveLength(6);
    for (const call of calls) {
      const body = call.body as { schedules: string[]; startTime: { dateTime: string; timeZone: string }; endTime: { dateTime: string } };
      expect(body.schedules.length).toBeLessThanOrEqual(20);
      expect(body.startTime.timeZone).toBe('UTC');
      expect(Date.parse(`${body.endTime.dateTime}Z`) - Date.parse(`${body.startTime.dateTime}Z`)).toBeLessThan(62 * day);
      expect(call.path).toBe(`/users/${body.schedules[0]}/calendar/getSchedule`);
    }
    expect(new Set(calls.map((c) => (c.body as { startTime: { dateTime: string } }).startTime.dateTime))).toEqual(new Set(['2025-03-01T00:00:00', '2025-05-01T00:00:00']));

    expect(result.map((r) => r.scheduleId)).toEqual(mailboxes);
    for (const schedule of result) {
      expect(schedule.availabilityView).toHaveLength(100 * 24);
      expect(schedule.availabilityView).toBe('2'.repeat(61 * 24) + '0'.repeat(39 * 24));
      expect(schedule.scheduleItems).toHaveLength(1);
      expect(schedule.workingHours).toEqual({ startTime: '09:00:00' });
    }
  });

  it('makes one call for 20 mailboxes under 62 days, and validates its inputs', async () => {
    const { client, fake } = harness((r) => ({ status: 200, body: { value: (r.body as { schedules: string[] }).schedules.map((id) => ({ scheduleId: id, availabilityView: '0' })) } }));
    const calendar = new GraphCalendar(client);
    await calendar.getSchedule(Array.from({ length: 20 }, (_, i) => `u${i}@c.test`), from, new Date(from.getTime() + 61 * day), 30, { via: 'me', timeZone: 'GMT Standard Time' });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.path).toBe('/me/calendar/getSchedule');
    expect(fake.sent[0]?.headers.get('prefer')).toBe('outlook.timezone="GMT Standard Time"');
    await expect(calendar.getSchedule(['a@c.test'], from, to, 3)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(calendar.getSchedule(['a@c.test'], to, from, 30)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(calendar.getSchedule(['a@c.test'], '2025-03-01T00:00:00', to, 30)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('calendarView delta', () => {
  it('pages to the deltaLink, separates @removed ids, and starts over when the stored link has expired (410)', async () => {
    const link = 'https://graph.test/v1.0/users/m/calendarView/delta?$deltatoken=t2';
    const { client, fake } = harness((r) => {
      if (r.url.searchParams.get('$deltatoken') === 'old') return graphError(410, 'SyncStateNotFound');
      if (!r.url.searchParams.has('$skiptoken')) {
        return { status: 200, body: { value: [{ id: 'e1', type: 'occurrence', seriesMasterId: 's' }], '@odata.nextLink': 'https://graph.test/v1.0/users/m/calendarView/delta?$skiptoken=p2' } };
      }
      return { status: 200, body: { value: [{ id: 'e2', '@removed': { reason: 'deleted' } }], '@odata.deltaLink': link } };
    });
    const calendar = new GraphCalendar(client);
    const first = await calendar.calendarDelta('m', '2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z', undefined, { pageSize: 50 });
    expect(first).toMatchObject({ removedIds: ['e2'], deltaLink: link, reset: false });
    expect(first.events.map((e) => e.id)).toEqual(['e1']);
    expect(fake.sent[0]?.url.searchParams.get('startDateTime')).toBe('2025-03-01T00:00:00Z');
    expect(fake.sent[1]?.headers.get('prefer')).toBe('odata.maxpagesize=50');

    const again = await calendar.calendarDelta('m', '2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z', 'https://graph.test/v1.0/users/m/calendarView/delta?$deltatoken=old');
    expect(again.reset).toBe(true);
    expect(again.deltaLink).toBe(link);
  });
});

describe('list queries', () => {
  it('escapes quotes in OData literals', () => {
    expect(odataString("O'Neil")).toBe("'O''Neil'");
    expect(odataString("''")).toBe("''''''");
    expect(equalsFilter([{ column: 'Surname', value: "O'Neil" }, { column: 'Team', value: 'A&B' }])).toBe("fields/Surname eq 'O''Neil' and fields/Team eq 'A&B'");
    expect(() => equalsFilter([{ column: "x') or (1 eq 1", value: 'a' }])).toThrow(/column/);
  });

  it('follows nextLink, encodes the filter, and sends the non-indexed Prefer header only when told to', async () => {
    const item = (n: number) => ({ id: String(n), eTag: `"g,${n}"`, fields: { '@odata.etag': `"g,${n}"`, Title: `t${n}` } });
    const { client, fake } = harness((r) => {
      const skip = Number(r.url.searchParams.get('$skiptoken') ?? 0);
      const next = skip + 10 < 25 ? { '@odata.nextLink': `https://graph.test/v1.0/sites/s/lists/l/items?$expand=fields&$skiptoken=${skip + 10}` } : {};
      return { status: 200, body: { value: Array.from({ length: Math.min(10, 25 - skip) }, (_, i) => item(skip + i)), ...next } };
    });
    const lists = new GraphLists(client);
    const items = await lists.queryItems('s', 'l', equalsFilter([{ column: 'Surname', value: "O'Neil" }]), { top: 10 });
    expect(items).toHaveLength(25);
    expect(items[24]).toEqual({ id: '24', eTag: '"g,24"', fields: { Title: 't24' } });
    expect(fake.sent).toHaveLength(3);
    expect(fake.sent[0]?.url.searchParams.get('$filter')).toBe("fields/Surname eq 'O''Neil'");
    expect(fake.sent[0]?.url.searchParams.get('$top')).toBe('10');
    expect(fake.sent.every((r) => !r.headers.has('prefer'))).toBe(true);

    fake.sent.length = 0;
    await lists.queryItems('s', 'l', "fields/Notes eq 'x'", { nonIndexed: true, limit: 5 });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.headers.get('prefer')).toBe('HonorNonIndexedQueriesWarningMayFailRandomly');
  });

  it('ensureList adds only missing columns and indexes existing unindexed ones', async () => {
    const { client, fake } = harness((r) => {
      if (r.path === '/sites/s/lists') return { status: 200, body: { value: [{ id: 'other', displayName: 'Other' }, { id: 'L1', displayName: 'Agreements' }] } };
      if (r.path === '/sites/s/lists/L1/columns' && r.method === 'GET') {
        return { status: 200, body: { value: [{ id: 'c1', name: 'Title', indexed: false }, { id: 'c2', name: 'RecordId', indexed: false }, { id: 'c3', name: 'Payload', indexed: false }] } };
      }
      return { status: 201, body: { id: 'new' } };
    });
    const result = await new GraphLists(client).ensureList('s', {
      displayName: 'Agreements',
      columns: [
        { name: 'RecordId', type: 'text', indexed: true },
        { name: 'SupervisorId', type: 'text', indexed: true },
        { name: 'Payload', type: 'note', indexed: false },
      ],
    });
    expect(result).toEqual({ id: 'L1', created: false, addedColumns: ['SupervisorId'], indexedColumns: ['RecordId'] });
    const writes = fake.sent.filter((r) => r.method !== 'GET').map((r) => [r.method, r.path, r.body]);
    expect(writes).toEqual([
      ['PATCH', '/sites/s/lists/L1/columns/c2', { indexed: true }],
      ['POST', '/sites/s/lists/L1/columns', { name: 'SupervisorId', indexed: true, text: {} }],
    ]);
  });
});

describe('token providers', () => {
  const result = (token: string, inMs: number) => ({ accessToken: token, expiresOn: new Date(Date.now() + inMs) }) as never;

  it('client credentials: one acquisition for concurrent callers, reused until near expiry', async () => {
    let calls = 0;
    const source: ConfidentialTokenSource = {
      acquireTokenByClientCredential: async (request) => {
        calls += 1;
        expect(request.scopes).toEqual(['https://graph.microsoft.com/.default']);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return result(`app-${calls}`, calls === 1 ? 60 * 60_000 : 2 * 60_000);
      },
      acquireTokenOnBehalfOf: async () => null,
    };
    const auth = clientCredentialsAuth(source);
    const tokens = await Promise.all([auth.getAccessToken(), auth.getAccessToken(), auth.getAccessToken()]);
    expect(tokens).toEqual(['app-1', 'app-1', 'app-1']);
    expect(await auth.getAccessToken()).toBe('app-1');
    expect(calls).toBe(1);
    // A token within the refresh margin (5 min) is renewed.
    const soon = clientCredentialsAuth(source);
    await soon.getAccessToken();
    await soon.getAccessToken();
    expect(calls).toBe(3);
  });

  it('on-behalf-of: retries consent errors with back-off, then asks for consent', async () => {
    let failures = 2;
    const waits: number[] = [];
    const source: ConfidentialTokenSource = {
      acquireTokenByClientCredential: async () => null,
      acquireTokenOnBehalfOf: async (request) => {
        expect(request.oboAssertion).toBe('sso-token');
        if (failures-- > 0) throw Object.assign(new Error('AADSTS65001 secret-looking text'), { errorCode: 'invalid_grant' });
        return result('obo', 3_600_000);
      },
    };
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    expect(await onBehalfOfAuth(source, 'sso-token', { sleep }).getAccessToken()).toBe('obo');
    expect(waits).toEqual([1000, 2000]);

    failures = 99;
    const error = await onBehalfOfAuth(source, 'sso-token', { sleep, consentRetries: 1 }).getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphConsentRequiredError);
    expect((error as Error).message).not.toContain('sso-token');
    expect((error as Error).message).not.toContain('AADSTS');
  });

  it('localDevAuth issues an unsigned token naming the user', async () => {
    const token = await localDevAuth('user-1').getAccessToken();
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header as string, 'base64url').toString())).toEqual({ alg: 'none', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload as string, 'base64url').toString())).toMatchObject({ oid: 'user-1' });
    expect(signature).toBe('');
  });
});
