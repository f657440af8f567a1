/**
 * One contract test per call the gateway makes, against the embedded service, each named
 * after the Graph documentation page it follows (the pages of src/graph/permissions.ts): the
 * same client, middleware and gateway code production runs against Microsoft Graph.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../../manifest/packaging.js';
import { GraphCalendar, GraphLists, createGraphClient, equalsFilter, localDevAuth, runBatch, type GraphClient, type NewEvent } from '../../../src/graph/index.js';
import { gatewayCalls } from '../../../src/graph/permissions.js';
import { GraphSubscriptions } from '../../../src/graph/subscriptions.js';
import { GraphTeamwork } from '../../../src/graph/teamwork.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../../src/local-graph/index.js';
import { GraphDirectory } from '../../../src/server/graph-services.js';

const manager = { id: '5c0e7d0a-0000-4000-8000-000000000001', displayName: 'Morgan Manager', userPrincipalName: 'morgan.manager@harbourside.test', mail: 'morgan.manager@harbourside.test', jobTitle: 'Service Manager', managerId: null };
const supervisor = { id: '5c0e7d0a-0000-4000-8000-000000000002', displayName: 'Sam Supervisor', userPrincipalName: 'sam.supervisor@harbourside.test', mail: 'sam.supervisor@harbourside.test', jobTitle: 'Team Manager', department: 'Fostering', managerId: manager.id };
const supervisee = { id: '5c0e7d0a-0000-4000-8000-000000000003', displayName: 'Jo Worker', userPrincipalName: 'jo.worker@harbourside.test', mail: 'jo.worker@harbourside.test', jobTitle: 'Social Worker', managerId: supervisor.id };
const siteId = 'harbourside.sharepoint.test,7a0e1c52-0000-4000-8000-000000000001,7a0e1c52-0000-4000-8000-000000000002';
const appId = '7a0e1c52-0000-4000-8000-00000000a0b0';
const london = 'GMT Standard Time';
const now = new Date('2027-03-01T09:00:00Z');

let dataDir: string;
let server: RunningLocalGraph;
let receiver: Server;
let receiverUrl: string;
let client: GraphClient;
let calendar: GraphCalendar;
let lists: GraphLists;
const state: { seriesId?: string; single?: string; listId?: string; itemId?: string; eTag?: string; subscriptionId?: string; catalogId?: string; installationId?: string } = {};

const meeting = (subject: string, day: string): NewEvent => ({
  subject,
  start: { dateTime: `${day}T10:00:00`, timeZone: london },
  end: { dateTime: `${day}T11:00:00`, timeZone: london },
  attendees: [{ type: 'required', emailAddress: { address: supervisee.mail, name: supervisee.displayName } }],
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'documented-calls-'));
  server = await startLocalGraphServer({ dataDir, clock: () => now });
  for (const user of [manager, supervisor, supervisee]) server.graph.upsertUser(user);
  server.graph.ensureSite({ id: siteId, displayName: 'Supervision' });
  client = createGraphClient({ baseUrl: server.url, auth: localDevAuth(supervisor.id), retry: { maxRetries: 2, maxDelayMs: 200, baseDelayMs: 10 } });
  calendar = new GraphCalendar(client);
  lists = new GraphLists(client);
  receiver = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    req.resume();
    if (token !== null) res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
    else res.writeHead(202).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const series = await calendar.createEvent(supervisor.mail, { ...meeting('Supervision', '2027-03-02'), recurrence: { pattern: { type: 'weekly', interval: 2, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' }, range: { type: 'numbered', startDate: '2027-03-02', numberOfOccurrences: 6, recurrenceTimeZone: london } } }, 'tx-documented-series');
  state.seriesId = series.id;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const pages: Record<string, () => Promise<void>> = {
  'Create event': async () => {
    const created = await calendar.createEvent(supervisor.mail, meeting('Supervision (one-off)', '2027-03-05'), 'tx-documented-single');
    expect(created).toMatchObject({ type: 'singleInstance', transactionId: 'tx-documented-single' });
    // A repeated transactionId answers the first event: a retried create books nothing twice.
    expect((await calendar.createEvent(supervisor.mail, meeting('Supervision (one-off)', '2027-03-05'), 'tx-documented-single')).id).toBe(created.id);
    state.single = created.id;
  },
  'Combine multiple HTTP requests using JSON batching': async () => {
    const created = await calendar.createEvents([0, 1, 2].map((i) => ({ mailbox: supervisor.id, event: meeting(`Batch ${i}`, `2027-04-0${i + 1}`), transactionId: `tx-documented-batch-${i}` })));
    expect(created.map((e) => e.subject)).toEqual(['Batch 0', 'Batch 1', 'Batch 2']);
    const [answer] = await runBatch(client, [{ method: 'GET', url: `/users/${supervisor.id}/events/${created[0]!.id}` }]);
    expect(answer?.status).toBe(200);
  },
  'Get event': async () => {
    const event = await calendar.getEvent(supervisor.mail, state.seriesId as string, { select: ['subject', 'type'] });
    expect(event).toMatchObject({ id: state.seriesId, subject: 'Supervision', type: 'seriesMaster' });
    expect(await calendar.getEvent(supervisor.mail, 'AAMkAGIunknown')).toBeUndefined();
  },
  'List instances': async () => {
    const instances = await calendar.listInstances(supervisor.mail, state.seriesId as string, '2027-03-01T00:00:00Z', '2027-06-01T00:00:00Z');
    expect(instances).toHaveLength(6);
    expect(instances.every((i) => i.type === 'occurrence' && i.seriesMasterId === state.seriesId)).toBe(true);
  },
  'List calendarView': async () => {
    const view = await calendar.calendarView(supervisee.mail, '2027-03-01T00:00:00Z', '2027-03-08T00:00:00Z');
    expect(view.map((e) => e.subject).sort()).toEqual(['Supervision', 'Supervision (one-off)']);
  },
  'Update event': async () => {
    const [first] = await calendar.listInstances(supervisor.mail, state.seriesId as string, '2027-03-01T00:00:00Z', '2027-03-03T00:00:00Z');
    const moved = await calendar.patchEvent(supervisor.mail, first!.id, { start: { dateTime: '2027-03-03T14:00:00', timeZone: london }, end: { dateTime: '2027-03-03T15:00:00', timeZone: london } });
    expect(moved.type).toBe('exception');
  },
  'event: cancel': async () => {
    const [, second] = await calendar.listInstances(supervisor.mail, state.seriesId as string, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z');
    await calendar.cancelEvent(supervisor.mail, second!.id, 'Supervisor on leave; rearranged');
    const left = await calendar.listInstances(supervisor.mail, state.seriesId as string, '2027-03-01T00:00:00Z', '2027-06-01T00:00:00Z');
    expect(left.map((i) => i.id)).not.toContain(second!.id);
  },
  'Delete event': async () => {
    await calendar.deleteEvent(supervisor.mail, state.single as string);
    // Already gone counts as deleted, so a retry after a lost answer succeeds.
    await calendar.deleteEvent(supervisor.mail, state.single as string);
    expect(await calendar.getEvent(supervisor.mail, state.single as string)).toBeUndefined();
  },
  'calendar: getSchedule': async () => {
    const [schedule] = await calendar.getSchedule([supervisee.mail], '2027-03-01T00:00:00Z', '2027-03-04T00:00:00Z', 60);
    expect(schedule?.scheduleId).toBe(supervisee.mail);
    expect(schedule?.availabilityView).toHaveLength(72);
    expect(schedule?.scheduleItems?.length).toBeGreaterThan(0);
  },
  'event: delta': async () => {
    const first = await calendar.calendarDelta(supervisor.id, '2027-03-01T00:00:00Z', '2027-06-01T00:00:00Z');
    expect(first.events.length).toBeGreaterThan(0);
    const again = await calendar.calendarDelta(supervisor.id, '2027-03-01T00:00:00Z', '2027-06-01T00:00:00Z', first.deltaLink);
    expect(again).toMatchObject({ events: [], removedIds: [], reset: false });
  },
  'Create subscription': async () => {
    const created = await new GraphSubscriptions(client).create({ mailbox: supervisor.id, notificationUrl: `${receiverUrl}/notifications`, lifecycleNotificationUrl: `${receiverUrl}/lifecycle`, clientState: 'documented', expirationDateTime: new Date(now.getTime() + 3_600_000) });
    expect(created.resource).toBe(`/users/${supervisor.id}/events`);
    state.subscriptionId = created.id;
  },
  'Get subscription': async () => {
    expect((await new GraphSubscriptions(client).get(state.subscriptionId as string))?.id).toBe(state.subscriptionId);
  },
  'Update subscription': async () => {
    const renewed = await new GraphSubscriptions(client).renew(state.subscriptionId as string, new Date(now.getTime() + 2 * 3_600_000));
    expect(Date.parse(renewed!.expirationDateTime)).toBe(now.getTime() + 2 * 3_600_000);
  },
  'Delete subscription': async () => {
    await new GraphSubscriptions(client).delete(state.subscriptionId as string);
    expect(await new GraphSubscriptions(client).get(state.subscriptionId as string)).toBeUndefined();
  },
  'List lists in a site': async () => {
    const first = await lists.ensureList(siteId, { displayName: 'Records', columns: [{ name: 'RecordKey', type: 'text', indexed: true, unique: true }] });
    expect(first.created).toBe(true);
    const again = await lists.ensureList(siteId, { displayName: 'Records', columns: [{ name: 'RecordKey', type: 'text', indexed: true, unique: true }] });
    expect(again).toMatchObject({ id: first.id, created: false, addedColumns: [] });
    state.listId = first.id;
  },
  'Create list': async () => {
    const created = await lists.ensureList(siteId, { displayName: 'Agreements', columns: [{ name: 'SuperviseeId', type: 'text', indexed: true }, { name: 'Payload', type: 'note', indexed: false }] });
    expect(created).toMatchObject({ created: true, addedColumns: ['SuperviseeId', 'Payload'] });
  },
  'List columnDefinitions in a list': async () => {
    const result = await lists.ensureList(siteId, { displayName: 'Agreements', columns: [{ name: 'SuperviseeId', type: 'text', indexed: true }] });
    expect(result).toMatchObject({ created: false, addedColumns: [], indexedColumns: [] });
  },
  'Create columnDefinition': async () => {
    const result = await lists.ensureList(siteId, { displayName: 'Agreements', columns: [{ name: 'SupervisorId', type: 'text', indexed: true }] });
    expect(result.addedColumns).toEqual(['SupervisorId']);
  },
  'Update columnDefinition': async () => {
    const result = await lists.ensureList(siteId, { displayName: 'Agreements', columns: [{ name: 'Payload', type: 'note', indexed: true }] });
    expect(result.indexedColumns).toEqual(['Payload']);
  },
  'Create listItem': async () => {
    const item = await lists.createItem(siteId, state.listId as string, { Title: 'rec-1', RecordKey: 'rec-1' });
    expect(item.fields.RecordKey).toBe('rec-1');
    state.itemId = item.id;
    state.eTag = item.eTag;
    // RecordKey enforces unique values: a second copy is refused with 409.
    await expect(lists.createItem(siteId, state.listId as string, { RecordKey: 'rec-1' })).rejects.toMatchObject({ graphStatus: 409 });
  },
  'Get listItem': async () => {
    const item = await lists.getItem(siteId, state.listId as string, state.itemId as string);
    expect(item).toMatchObject({ id: state.itemId, eTag: state.eTag, fields: { RecordKey: 'rec-1' } });
  },
  'Update listItem': async () => {
    const updated = await lists.updateItem(siteId, state.listId as string, state.itemId as string, { Title: 'rec-1 (signed)' }, state.eTag as string);
    expect(updated.eTag).not.toBe(state.eTag);
    await expect(lists.updateItem(siteId, state.listId as string, state.itemId as string, { Title: 'stale' }, state.eTag as string)).rejects.toMatchObject({ graphStatus: 412 });
    state.eTag = updated.eTag;
  },
  'List items': async () => {
    const found = await lists.queryItems(siteId, state.listId as string, equalsFilter([{ column: 'RecordKey', value: 'rec-1' }]), { top: 200 });
    expect(found.map((i) => i.id)).toEqual([state.itemId]);
  },
  'Delete listItem': async () => {
    await lists.deleteItem(siteId, state.listId as string, state.itemId as string, state.eTag as string);
    expect(await lists.getItem(siteId, state.listId as string, state.itemId as string)).toBeUndefined();
  },
  'Get user': async () => {
    expect(await new GraphDirectory(client).user(supervisee.userPrincipalName)).toEqual({ id: supervisee.id, displayName: supervisee.displayName, mail: supervisee.mail, jobTitle: 'Social Worker', managerId: null });
  },
  'List manager': async () => {
    expect((await new GraphDirectory(client).person(supervisee.id))?.managerId).toBe(supervisor.id);
  },
  'List directReports': async () => {
    expect((await new GraphDirectory(client).directReports(supervisor.id)).map((p) => p.mail)).toEqual([supervisee.mail]);
  },
  'List users': async () => {
    expect((await new GraphDirectory(client).everyone()).map((p) => p.id).sort()).toEqual([manager.id, supervisor.id, supervisee.id].sort());
  },
  'Get user mailbox settings': async () => {
    expect(await new GraphDirectory(client).automaticReplies(supervisor.id)).toEqual({ status: 'disabled' });
  },
  'Publish teamsApp': async () => {
    const built = await buildPackage({ APP_ID: appId, BOT_ID: appId, APP_DOMAIN: 'localhost:3978' }, fileURLToPath(new URL('../../../manifest/', import.meta.url)));
    const published = await new GraphTeamwork(client).publishApp(built.zip as Buffer);
    expect(published).toMatchObject({ externalId: appId, distributionMethod: 'organization' });
  },
  'List teamsApp': async () => {
    const app = await new GraphTeamwork(client).catalogApp(appId);
    expect(app?.externalId).toBe(appId);
    state.catalogId = app?.id;
  },
  'Install app for user': async () => {
    const teamwork = new GraphTeamwork(client);
    expect(await teamwork.installForUser(supervisee.id, state.catalogId as string)).toBe('installed');
    expect(await teamwork.installForUser(supervisee.id, state.catalogId as string)).toBe('already-installed');
  },
  'List apps installed for user': async () => {
    const installation = await new GraphTeamwork(client).userInstallation(supervisee.id, appId);
    expect(installation?.teamsAppDefinition?.teamsAppId).toBe(state.catalogId);
    state.installationId = installation?.id;
  },
  'Get chat between user and teamsApp': async () => {
    const chat = await new GraphTeamwork(client).chatOf(supervisee.id, state.installationId as string);
    expect(chat.id).toMatch(/^19:.+@unq\.gbl\.spaces$/);
  },
};

describe('Graph API reference (v1.0): the calls the gateway makes', () => {
  it('has a contract test for every page the permission table names', () => {
    expect(Object.keys(pages).sort()).toEqual([...new Set(gatewayCalls.map((c) => c.page))].sort());
  });
  for (const [page, run] of Object.entries(pages)) it(page, run);
});
