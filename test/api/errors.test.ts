import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people, startHarness, testNow, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: testNow });
});
afterAll(() => h.close());

type ErrorBody = { error: { code: string; field?: string; message: string } };

describe('one error shape, naming the field', () => {
  it('invalid JSON is 400 on the body', async () => {
    const res = await h.as('supervisor').post<ErrorBody>('/api/bookings', '{"superviseeId":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'body: not valid JSON', field: 'body' } });
  });

  it('a missing, malformed or unknown property names its path', async () => {
    const missing = await h.as('supervisor').post<ErrorBody>('/api/bookings', {});
    expect(missing.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'superviseeId' });
    const date = await h.as('supervisor').post<ErrorBody>('/api/bookings', { superviseeId: people.supervisee, start: '2026-02-30' });
    expect(date.body.error.field).toBe('start');
    expect(date.body.error.message).toContain('YYYY-MM-DD');
    const extra = await h.as('supervisor').post<ErrorBody>('/api/bookings', { superviseeId: people.supervisee, colour: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('INVALID_INPUT');
  });

  it('unknown operations are 404 in the same shape; the API is never cached', async () => {
    const res = await h.as('supervisor').get<ErrorBody>('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Nor hashed for an ETag: a no-store answer is never revalidated.
    const me = await h.as('supervisor').get('/api/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('etag')).toBeNull();
  });

  it('serves health and the tab shell with a frame-ancestors policy for Teams and Outlook', async () => {
    const health = await h.as(null).get<{ status: string }>('/healthz');
    expect(health.body.status).toBe('ok');
    const tab = await h.as(null).get<string>('/tab');
    expect([200, 503]).toContain(tab.status);
    const csp = tab.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain('https://teams.microsoft.com');
    expect(tab.headers.get('x-frame-options')).toBeNull();
  });
});
