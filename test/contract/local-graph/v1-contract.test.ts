/**
 * The embedded service against Microsoft Graph's own v1.0 metadata and query-option rules:
 * every answer it gives holds only properties the v1.0 types define (no beta-only `uid`,
 * `notificationContentType` or scheduleItem flags), and a query option Graph refuses on an
 * endpoint (by its API page or its CSDL capability annotations) is refused here too, never
 * silently ignored.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beyondV1, v1Source } from '../../support/graph-v1-schema.js';
import { at, meeting, siteId, startHarness, users, weekly, type Collection, type GraphErrorBody, type Harness } from './harness.js';

let g: Harness;
let receiver: Server;
let receiverUrl: string;
let seriesId: string;
let listId: string;
const site = `/sites/${siteId}`;
const ann = `/users/${users.ann.id}`;

beforeAll(async () => {
  g = await startHarness();
  receiver = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    req.resume();
    if (token !== null) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    res.writeHead(202).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const series = await g.call<{ id: string }>('POST', `${ann}/events`, {
    body: meeting({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness', recurrence: weekly('2025-06-02', { type: 'numbered', numberOfOccurrences: 4 }) }),
  });
  seriesId = series.body.id;
  const list = await g.call<{ id: string }>('POST', `${site}/lists`, {
    body: { displayName: 'Records', columns: [{ name: 'RecordKey', text: {}, indexed: true, enforceUniqueValues: true }, { name: 'Score', number: {} }, { name: 'When', dateTime: {} }, { name: 'Owner', personOrGroup: {} }] },
  });
  listId = list.body.id;
  await g.call('POST', `${site}/lists/${listId}/items`, { body: { fields: { Title: 'One', RecordKey: 'r-1', Score: 2 } } });
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await g.stop();
});

async function ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const reply = await g.call<T>(method, path, body === undefined ? {} : { body });
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

describe(`v1.0 metadata (${v1Source})`, () => {
  it('Get event, List events, List calendarView, event: instances and event: delta answer only v1.0 event properties', async () => {
    const window = 'startDateTime=2025-06-01T00:00:00Z&endDateTime=2025-07-01T00:00:00Z';
    const answers: [string, unknown][] = [
      ['Get event', await ok('GET', `${ann}/events/${seriesId}`)],
      ['List events', (await ok<Collection<unknown>>('GET', `${ann}/events`)).value],
      ['List calendarView', (await ok<Collection<unknown>>('GET', `${ann}/calendarView?${window}`)).value],
      ['event: instances', (await ok<Collection<unknown>>('GET', `${ann}/events/${seriesId}/instances?${window}`)).value],
      ['event: delta', (await ok<Collection<unknown>>('GET', `${ann}/calendarView/delta?${window}`)).value],
      ["the attendee's copy", (await ok<Collection<unknown>>('GET', `/users/${users.bob.id}/events`)).value],
    ];
    for (const [page, answer] of answers) expect(beyondV1(answer, 'event'), page).toEqual([]);
  });

  it('calendar: getSchedule answers v1.0 scheduleInformation, with none of the beta scheduleItem flags (isMeeting, isRecurring, isException, isReminderSet)', async () => {
    const answer = await ok<Collection<{ scheduleItems: Record<string, unknown>[] }>>('POST', `${ann}/calendar/getSchedule`, {
      schedules: [users.ann.mail, users.bob.mail, 'nobody@contoso.test'],
      startTime: at('2025-06-02T00:00:00'),
      endTime: at('2025-06-03T00:00:00'),
    });
    expect(answer.value[0]?.scheduleItems.length).toBeGreaterThan(0);
    expect(beyondV1(answer.value, 'scheduleInformation')).toEqual([]);
  });

  it('Create subscription, Get subscription and List subscriptions answer v1.0 subscription properties (no beta notificationContentType)', async () => {
    const created = await ok<{ id: string }>('POST', '/subscriptions', {
      changeType: 'created,updated,deleted',
      notificationUrl: `${receiverUrl}/notify`,
      lifecycleNotificationUrl: `${receiverUrl}/lifecycle`,
      resource: `/users/${users.ann.id}/events`,
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      clientState: 'secret',
    });
    expect(beyondV1(created, 'subscription')).toEqual([]);
    expect(beyondV1(await ok('GET', `/subscriptions/${created.id}`), 'subscription')).toEqual([]);
    expect(beyondV1((await ok<Collection<unknown>>('GET', '/subscriptions')).value, 'subscription')).toEqual([]);
  });

  it('Get user, List users, List manager, List directReports, Get mailboxSettings and Get calendar answer v1.0 properties', async () => {
    expect(beyondV1(await ok('GET', `/users/${users.bob.id}?$select=id,displayName,mail,userPrincipalName,jobTitle,department`), 'user')).toEqual([]);
    expect(beyondV1((await ok<Collection<unknown>>('GET', '/users')).value, 'user')).toEqual([]);
    expect(beyondV1(await ok('GET', `/users/${users.bob.id}/manager`), 'user')).toEqual([]);
    expect(beyondV1((await ok<Collection<unknown>>('GET', `${ann}/directReports`)).value, 'user')).toEqual([]);
    expect(beyondV1(await ok('GET', `${ann}/mailboxSettings`), 'mailboxSettings')).toEqual([]);
    expect(beyondV1(await ok('GET', `${ann}/mailboxSettings/automaticRepliesSetting`), 'automaticRepliesSetting')).toEqual([]);
    expect(beyondV1(await ok('GET', `${ann}/calendar`), 'calendar')).toEqual([]);
  });

  it('Get site, List lists, Get list, List columns, List items and Get listItem answer v1.0 properties', async () => {
    expect(beyondV1(await ok('GET', site), 'site')).toEqual([]);
    expect(beyondV1((await ok<Collection<unknown>>('GET', `${site}/lists`)).value, 'list')).toEqual([]);
    expect(beyondV1(await ok('GET', `${site}/lists/${listId}?$expand=columns`), 'list')).toEqual([]);
    expect(beyondV1((await ok<Collection<unknown>>('GET', `${site}/lists/${listId}/columns`)).value, 'columnDefinition')).toEqual([]);
    const items = await ok<Collection<{ id: string }>>('GET', `${site}/lists/${listId}/items?$expand=fields`);
    expect(beyondV1(items.value, 'listItem')).toEqual([]);
    expect(beyondV1(await ok('GET', `${site}/lists/${listId}/items/${items.value[0]?.id}?$expand=fields`), 'listItem')).toEqual([]);
  });
});

describe('query options Graph refuses are refused', () => {
  const window = 'startDateTime=2025-06-01T00:00:00Z&endDateTime=2025-07-01T00:00:00Z';
  const refused: [string, string][] = [
    ['List calendarView: $search (user/calendarView SearchRestrictions Searchable=false)', `${ann}/calendarView?${window}&$search="supervision"`],
    ['List calendarView: $expand (user/calendarView ExpandRestrictions Expandable=false)', `${ann}/calendarView?${window}&$expand=attachments`],
    ['List events: $search (user/events Searchable=false)', `${ann}/events?$search="supervision"`],
    ['event: delta: $filter (not supported by delta on calendarView)', `${ann}/calendarView/delta?${window}&$filter=subject eq 'x'`],
    ['event: delta: $orderby', `${ann}/calendarView/delta?${window}&$orderby=start/dateTime`],
    ['event: delta: $select', `${ann}/calendarView/delta?${window}&$select=subject`],
    ['List subscriptions: $filter (subscription FilterRestrictions Filterable=false)', `/subscriptions?$filter=resource eq 'x'`],
    ['List subscriptions: $top (subscription TopSupported false)', '/subscriptions?$top=1'],
    ['Get subscription: $select (subscription SelectSupport false)', '/subscriptions/00000000-0000-0000-0000-000000000000?$select=id'],
    ['List items: $skip (SharePoint pages with $skiptoken)', `${site}/lists/Records/items?$skip=1`],
    ['an unknown $-option', `${ann}/events?$frobnicate=1`],
    ['an unknown $-option on a SharePoint list', `${site}/lists?$everything=true`],
  ];
  it.each(refused)('%s → 400', async (_name, path) => {
    const reply = await g.call<GraphErrorBody>('GET', path);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/\$[a-z]+/i);
  });

  it('inside $batch as well', async () => {
    const reply = await g.call<{ responses: { id: string; status: number }[] }>('POST', '/$batch', {
      body: { requests: [{ id: '1', method: 'GET', url: `/users/${users.ann.id}/calendarView?${window}&$search="x"` }] },
    });
    expect(reply.body.responses[0]?.status).toBe(400);
  });

  it('an option Graph takes there but the embedded service does not implement answers 501 rather than being ignored', async () => {
    const reply = await g.call<GraphErrorBody>('GET', `${ann}/events?$orderby=start/dateTime`);
    expect(reply.status).toBe(501);
    expect(reply.body.error.message).toContain('$orderby');
  });

  it('the options the gateway sends are taken', async () => {
    for (const path of [
      `${ann}/events?$select=subject&$top=2&$skip=0`,
      `${ann}/calendarView?${window}&$select=subject&$top=5`,
      `${ann}/events/${seriesId}/instances?${window}&$select=subject`,
      `/users?$select=id,displayName&$top=200`,
      `/users/${users.bob.id}/manager?$select=id`,
      `${site}/lists?$select=id,displayName,name`,
      `${site}/lists/${listId}/items?$expand=fields($select=RecordKey)&$filter=fields/RecordKey eq 'r-1'&$top=200`,
    ]) {
      const reply = await g.call('GET', path);
      expect(reply.status, path).toBe(200);
    }
  });
});

describe('HTTP as Graph answers it', () => {
  it('sends no ETag of its own on collections and never answers 304 to If-None-Match', async () => {
    const first = await g.call('GET', '/users');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBeNull();
    const again = await g.call('GET', '/users', { headers: { 'If-None-Match': first.headers.get('etag') ?? 'W/"anything"' } });
    expect(again.status).toBe(200);
  });
});
