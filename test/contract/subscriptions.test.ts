/**
 * Change notifications (contract §6) end to end over HTTP: the embedded service's
 * /subscriptions (handshake before creation, lifetime limit, renewal, expiry, delivery with
 * the clientState, series changes notified on the master), the subscription manager on the
 * gateway (secret per subscription, renewal, recreation, lifecycle events) and the running
 * app, where a session cancelled or declined in Outlook becomes a Cancellation from the
 * notification alone, with no timer round.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../src/booking/booking.js';
import { demoOrganisation } from '../../src/demo/organisation.js';
import { GraphCalendar, createGraphClient, localDevAuth, type GraphClient } from '../../src/graph/index.js';
import { GraphSubscriptions } from '../../src/graph/subscriptions.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import { getPack } from '../../src/policy/packs.js';
import { startServer, type RunningServer } from '../../src/server/bootstrap.js';
import { loadConfig } from '../../src/server/config.js';
import { createNotificationsEndpoint, type NotificationsEndpoint } from '../../src/server/notifications.js';
import { declinedReason } from '../../src/sync/index.js';
import { MemorySubscriptionStore, SubscriptionManager } from '../../src/sync/subscriptions.js';

const org = demoOrganisation(getPack('dudley'), '2027-01-04');
const manager = org.users.find((u) => u.jobTitle === 'Team Manager')!;
const supervisee = org.users.find((u) => u.managerId === manager.id)!;
const minute = 60_000;

interface Received {
  path: string;
  query: Record<string, unknown>;
  body: unknown;
}

/** A notification receiver under the test's control: it echoes tokens unless told not to. */
async function startReceiver(): Promise<{ url: string; received: Received[]; echo: { on: boolean }; close(): Promise<void> }> {
  const received: Received[] = [];
  const echo = { on: true };
  const app = express();
  app.use(express.json(), express.text());
  app.post('/{*path}', (req, res) => {
    received.push({ path: req.path, query: { ...req.query }, body: req.body });
    const token = req.query['validationToken'];
    if (typeof token === 'string') {
      if (echo.on) res.status(200).type('text/plain').send(token);
      else res.status(200).type('text/plain').send('something else');
      return;
    }
    res.status(202).end();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    echo,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the embedded service /subscriptions', () => {
  let dataDir: string;
  let graph: RunningLocalGraph;
  let client: GraphClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let now = Date.parse('2027-01-04T09:00:00Z');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'subscriptions-graph-'));
    graph = await startLocalGraphServer({ dataDir, clock: () => new Date(now) });
    for (const user of org.users) graph.graph.upsertUser(user);
    client = createGraphClient({ baseUrl: graph.url, auth: localDevAuth('subscriptions-test'), retry: { maxRetries: 0 } });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await graph?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const body = (extra: Record<string, unknown> = {}) => ({
    changeType: 'created,updated,deleted',
    notificationUrl: `${receiver.url}/hook`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    resource: `/users/${manager.id}/events`,
    expirationDateTime: new Date(now + 60 * minute).toISOString(),
    clientState: 'secret-one',
    ...extra,
  });

  const post = (payload: unknown) => client.request({ method: 'POST', path: '/subscriptions', body: payload, accept: [400, 404] });

  it('validates both endpoints with the token before the subscription exists', async () => {
    const res = await post(body());
    expect(res.status).toBe(201);
    const handshakes = receiver.received.filter((r) => typeof r.query['validationToken'] === 'string');
    expect(handshakes.map((h) => h.path).sort()).toEqual(['/hook', '/lifecycle']);
    expect(res.body).toMatchObject({ resource: `/users/${manager.id}/events`, changeType: 'created,updated,deleted', clientState: 'secret-one' });
    const list = await client.request({ method: 'GET', path: '/subscriptions' });
    expect((list.body as { value: unknown[] }).value).toHaveLength(1);
  });

  it('Create subscription: refuses a plain-HTTP notificationUrl off this machine (Graph delivers only over HTTPS)', async () => {
    const plain = await post(body({ notificationUrl: 'http://supervision.example.org/notifications' }));
    expect(plain.status).toBe(400);
    expect(JSON.stringify(plain.body)).toMatch(/https/);
  });

  it('Create subscription through the gateway: no plain-HTTP endpoint reaches a Graph that is not on this machine', async () => {
    const sent: string[] = [];
    const tenantClient = createGraphClient({
      baseUrl: 'https://graph.microsoft.com/v1.0',
      auth: localDevAuth('tenant'),
      retry: { maxRetries: 0 },
      fetchImpl: async (input) => {
        sent.push(String(input));
        return new Response(JSON.stringify({ id: 's', resource: 'r', expirationDateTime: new Date(now + minute).toISOString() }), { status: 201, headers: { 'content-type': 'application/json' } });
      },
    });
    const input = { mailbox: manager.id, notificationUrl: 'http://127.0.0.1:3978/notifications', lifecycleNotificationUrl: 'https://supervision.example.org/notifications/lifecycle', clientState: 'x', expirationDateTime: new Date(now + 60 * minute) };
    await expect(new GraphSubscriptions(tenantClient).create(input)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'notificationUrl' });
    await expect(new GraphSubscriptions(tenantClient).create({ ...input, notificationUrl: 'https://supervision.example.org/notifications', lifecycleNotificationUrl: 'http://supervision.example.org/lifecycle' })).rejects.toMatchObject({ field: 'lifecycleNotificationUrl' });
    expect(sent).toEqual([]);
    await new GraphSubscriptions(tenantClient).create({ ...input, notificationUrl: 'https://supervision.example.org/notifications' });
    expect(sent).toHaveLength(1);
    // The embedded service on loopback posting to the app on loopback: the local mode path.
    const local = await new GraphSubscriptions(client).create({ ...input, notificationUrl: `${receiver.url}/hook`, lifecycleNotificationUrl: `${receiver.url}/lifecycle` });
    expect(local.resource).toBe(`/users/${manager.id}/events`);
    await new GraphSubscriptions(client).delete(local.id);
  });

  it('refuses an endpoint that does not echo the token, calendarView, and a lifetime past the limit', async () => {
    receiver.echo.on = false;
    const unvalidated = await post(body());
    receiver.echo.on = true;
    expect(unvalidated.status).toBe(400);
    expect(JSON.stringify(unvalidated.body)).toMatch(/validation request failed/);

    const view = await post(body({ resource: `/users/${manager.id}/calendarView` }));
    expect(view.status).toBe(400);
    const tooLong = await post(body({ expirationDateTime: new Date(now + 10_081 * minute).toISOString() }));
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toMatch(/10080 minutes/);
    const list = await client.request({ method: 'GET', path: '/subscriptions' });
    expect((list.body as { value: unknown[] }).value).toHaveLength(1);
  });

  it('notifies created, updated and deleted with the clientState; one occurrence changed notifies its series master', async () => {
    const calendar = new GraphCalendar(client);
    const series = await calendar.createEvent(
      manager.id,
      {
        subject: 'Supervision',
        start: { dateTime: '2027-01-05T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2027-01-05T11:00:00', timeZone: 'UTC' },
        recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' }, range: { type: 'numbered', startDate: '2027-01-05', numberOfOccurrences: 4 } },
      },
      'subscriptions-test-series',
    );
    await graph.graph.notifications.settled();
    const instances = await calendar.listInstances(manager.id, series.id, '2027-01-04T00:00:00Z', '2027-02-04T00:00:00Z');
    receiver.received.length = 0;
    await calendar.cancelEvent(manager.id, instances[1]!.id, 'Not needed');
    await graph.graph.notifications.settled();
    const notes = receiver.received.filter((r) => r.path === '/hook').flatMap((r) => (r.body as { value: { changeType: string; resourceData: { id: string }; clientState: string }[] }).value);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((n) => n.clientState === 'secret-one')).toBe(true);
    // Graph names the master, never the occurrence (contract §6, the series caveat).
    expect(notes.filter((n) => n.resourceData.id === series.id).map((n) => n.changeType)).toContain('updated');
    expect(notes.some((n) => n.resourceData.id === instances[1]!.id)).toBe(false);

    receiver.received.length = 0;
    await calendar.deleteEvent(manager.id, series.id);
    await graph.graph.notifications.settled();
    const deleted = receiver.received.filter((r) => r.path === '/hook').flatMap((r) => (r.body as { value: { changeType: string; resourceData: { id: string } }[] }).value);
    expect(deleted).toContainEqual(expect.objectContaining({ changeType: 'deleted', resourceData: expect.objectContaining({ id: series.id }) }));
  });

  it('renews with PATCH within the limit, and an expired subscription is gone', async () => {
    const created = await post(body({ clientState: 'secret-two' }));
    const id = (created.body as { id: string }).id;
    const renewed = await client.request({ method: 'PATCH', path: `/subscriptions/${id}`, body: { expirationDateTime: new Date(now + 3 * 24 * 60 * minute).toISOString() } });
    expect((renewed.body as { expirationDateTime: string }).expirationDateTime).toBe(new Date(now + 3 * 24 * 60 * minute).toISOString());
    const tooFar = await client.request({ method: 'PATCH', path: `/subscriptions/${id}`, body: { expirationDateTime: new Date(now + 8 * 24 * 60 * minute).toISOString() }, accept: [400] });
    expect(tooFar.status).toBe(400);
    now += 3 * 24 * 60 * minute + 1;
    const gone = await client.request({ method: 'GET', path: `/subscriptions/${id}`, accept: [404] });
    expect(gone.status).toBe(404);
  });
});

describe('the subscription manager against the embedded service', () => {
  let dataDir: string;
  let graph: RunningLocalGraph;
  let app: Server;
  let endpoint: NotificationsEndpoint;
  let subscriptions: SubscriptionManager;
  let api: GraphSubscriptions;
  const store = new MemorySubscriptionStore();
  const resynced: string[] = [];
  const synced: string[] = [];
  let now = Date.parse('2027-01-04T09:00:00Z');
  let base = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'subscriptions-manager-'));
    graph = await startLocalGraphServer({ dataDir, clock: () => new Date(now) });
    for (const user of org.users) graph.graph.upsertUser(user);
    const client = createGraphClient({ baseUrl: graph.url, auth: localDevAuth('subscriptions-test'), retry: { maxRetries: 0 } });
    api = new GraphSubscriptions(client);
    const server = express();
    app = await new Promise((resolve) => {
      const s = server.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    subscriptions = new SubscriptionManager({
      api,
      store,
      now: () => new Date(now),
      notificationUrl: `${base}/notifications`,
      lifecycleNotificationUrl: `${base}/notifications/lifecycle`,
      resync: (mailbox) => resynced.push(mailbox),
      lifetimeMinutes: 3 * 24 * 60,
      renewWithinMinutes: 24 * 60,
    });
    endpoint = createNotificationsEndpoint({ subscriptions, requestSync: (mailbox) => synced.push(mailbox), logger: silentLogger });
    server.use(endpoint.router);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => app?.close(() => resolve()));
    await graph?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('subscribes each mailbox once, keeping only a hash of its secret', async () => {
    const first = await subscriptions.ensure([manager.id, manager.id]);
    expect(first).toMatchObject({ created: 1, failed: [] });
    const again = await subscriptions.ensure([manager.id]);
    expect(again).toMatchObject({ created: 0, kept: 1 });
    const record = store.byMailbox(manager.id)!;
    const live = await api.get(record.id);
    expect(live?.['clientState']).toMatch(/^[\w-]{43}$/);
    expect(record.secretHash).not.toContain(String(live?.['clientState']));
  });

  it('acts on a notification carrying the secret and ignores one that does not', async () => {
    const calendar = new GraphCalendar(createGraphClient({ baseUrl: graph.url, auth: localDevAuth('subscriptions-test') }));
    await calendar.createEvent(manager.id, { subject: 'Supervision', start: { dateTime: '2027-01-06T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-01-06T11:00:00', timeZone: 'UTC' } }, 'manager-test-single');
    await graph.graph.notifications.settled();
    expect(synced).toEqual([manager.id]);
    expect(endpoint.counts()).toMatchObject({ accepted: 1, ignored: 0 });

    const id = store.byMailbox(manager.id)!.id;
    const forged = await fetch(`${base}/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: id, clientState: 'guessed', changeType: 'updated', resource: 'x' }] }) });
    expect(forged.status).toBe(202);
    const unknown = await fetch(`${base}/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: 'not-ours', clientState: null, changeType: 'created' }] }) });
    expect(unknown.status).toBe(202);
    expect(endpoint.counts()).toMatchObject({ accepted: 1, ignored: 2 });
    expect(synced).toEqual([manager.id]);

    const malformed = await fetch(`${base}/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: id, changeType: 'exploded' }] }) });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { field: string } }).error.field).toBe('value.0.changeType');
  });

  it('answers the handshake with the decoded token as text/plain', async () => {
    const res = await fetch(`${base}/notifications/lifecycle?validationToken=${encodeURIComponent('Validation: a&b <c>')}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Validation: a&b <c>');
  });

  it('renews before expiry, and recreates (and resyncs) a subscription Graph no longer has', async () => {
    const before = store.byMailbox(manager.id)!;
    now += 2 * 24 * 60 * minute + 1;
    const renewal = await subscriptions.ensure([manager.id]);
    expect(renewal).toMatchObject({ renewed: 1, created: 0 });
    const renewed = store.byMailbox(manager.id)!;
    expect(renewed.id).toBe(before.id);
    expect(Date.parse(renewed.expiresAt)).toBe(now + 3 * 24 * 60 * minute);

    await api.delete(renewed.id);
    now += 2 * 24 * 60 * minute + 1;
    resynced.length = 0;
    const recreated = await subscriptions.ensure([manager.id]);
    expect(recreated).toMatchObject({ created: 1 });
    expect(store.byMailbox(manager.id)!.id).not.toBe(renewed.id);
    expect(resynced).toEqual([manager.id]);
  });

  it('lifecycle: missed resyncs, subscriptionRemoved recreates and resyncs, reauthorizationRequired renews', async () => {
    resynced.length = 0;
    const current = store.byMailbox(manager.id)!;
    expect(await graph.graph.notifications.sendLifecycle(current.id, 'missed')).toBe(true);
    await endpoint.settled();
    expect(resynced).toEqual([manager.id]);

    now += 60 * minute;
    expect(await graph.graph.notifications.sendLifecycle(current.id, 'reauthorizationRequired')).toBe(true);
    await endpoint.settled();
    expect(Date.parse(store.byId(current.id)!.expiresAt)).toBe(now + 3 * 24 * 60 * minute);

    expect(await graph.graph.notifications.sendLifecycle(current.id, 'subscriptionRemoved')).toBe(true);
    await endpoint.settled();
    const replacement = store.byMailbox(manager.id)!;
    expect(replacement.id).not.toBe(current.id);
    expect(await api.get(replacement.id)).toBeDefined();
    expect(store.byId(current.id)).toBeUndefined();
    expect(resynced).toEqual([manager.id, manager.id]);
  });
});

describe('the running app follows Outlook from notifications', () => {
  let dataDir: string;
  let server: RunningServer;
  const lines: string[] = [];
  let calendar: GraphCalendar;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'subscriptions-app-'));
    server = await startServer(loadConfig({ PORT: '0', SUPERVISION_DATA_DIR: dataDir, LOG_LEVEL: 'info' }), createLogger({ level: 'info', sink: (line) => lines.push(line) }), { notificationDebounceMs: 0 });
    await server.changeNotifications.timer.ready;
    calendar = new GraphCalendar(createGraphClient({ baseUrl: `http://127.0.0.1:${server.port}/graph/v1.0`, auth: localDevAuth(manager.id) }));
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const settle = async () => {
    await server.localGraph!.notifications.settled();
    await server.changeNotifications.settled();
  };
  const notifiedRounds = () => lines.map((l) => JSON.parse(l) as { msg?: string; event?: string; trigger?: string }).filter((e) => e.trigger === 'notification').length;

  it('subscribes every supervisor mailbox at start', async () => {
    const report = await server.changeNotifications.timer.ready;
    expect(report?.failed).toEqual([]);
    expect(report!.created + report!.kept).toBe(new Set(org.users.map((u) => u.managerId).filter((m) => m !== null)).size);
  });

  it('records an occurrence cancelled in Outlook from the notification, with no timer round', async () => {
    const start = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const booked = await book(server.services, { org: 'dudley', role: 'social-worker', supervisor: manager.id, supervisee: supervisee.id, start, time: '11:00', bookedBy: manager.id, appUrl: server.url });
    // The booking itself is notified, and its round is what first sees the occurrences.
    await settle();
    const occurrences = await calendar.listInstances(manager.id, booked.series[0]!.id, new Date(`${start}T00:00:00Z`), new Date(Date.now() + 200 * 86_400_000));
    await calendar.cancelEvent(manager.id, occurrences[1]!.id, 'Court hearing');
    await settle();
    const found = (await server.services.records.where('cancellations', 'superviseeId', supervisee.id)).map((c) => c.record);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ origin: 'outlook-cancelled', eventId: occurrences[1]!.id });
    expect(found[0]!.reason).toBeUndefined();
  });

  it('records an occurrence the supervisee declined, with that as its reason', async () => {
    const mine = await calendar.calendarView(supervisee.id, new Date(Date.now() + 7 * 86_400_000), new Date(Date.now() + 200 * 86_400_000));
    const copy = mine.filter((e) => e.type === 'occurrence' || e.type === 'exception')[3]!;
    await createGraphClient({ baseUrl: `http://127.0.0.1:${server.port}/graph/v1.0`, auth: localDevAuth(supervisee.id) }).request({ method: 'POST', path: `/users/${supervisee.id}/events/${copy.id}/decline`, body: { sendResponse: true } });
    await settle();
    const declined = (await server.services.records.where('cancellations', 'superviseeId', supervisee.id)).map((c) => c.record).filter((c) => c.origin === 'outlook-declined');
    expect(declined).toHaveLength(1);
    expect(declined[0]).toMatchObject({ reason: declinedReason, originalDate: copy.originalStart!.slice(0, 10) });
  });

  it('runs a sync round when Graph reports missed notifications', async () => {
    const before = notifiedRounds();
    const subscriptionId = (await fetchSubscriptionId(server, manager.id))!;
    expect(await server.localGraph!.notifications.sendLifecycle(subscriptionId, 'missed')).toBe(true);
    await settle();
    expect(notifiedRounds()).toBe(before + 1);
  });
});

/** The app's subscription on a mailbox, as Graph lists it. */
async function fetchSubscriptionId(server: RunningServer, mailbox: string): Promise<string | undefined> {
  const client = createGraphClient({ baseUrl: `http://127.0.0.1:${server.port}/graph/v1.0`, auth: localDevAuth('supervision-app') });
  const list = await client.request({ method: 'GET', path: '/subscriptions' });
  return (list.body as { value: { id: string; resource: string }[] }).value.find((s) => s.resource === `/users/${mailbox}/events`)?.id;
}
