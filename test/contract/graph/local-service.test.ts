/**
 * The gateway against the embedded Graph-compatible service, started in-process on a temp
 * data directory: the same client, middleware and calls production makes against Graph.
 * Expectations come from the documented Graph contract (docs: /work/shared/graph-contract.md
 * §1–§5), not from the service's implementation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GraphCalendar,
  GraphConflictError,
  GraphLists,
  GraphRequestError,
  createGraphClient,
  equalsFilter,
  localDevAuth,
  odataString,
  type GraphClient,
  type ListDefinition,
  type NewEvent,
} from '../../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../../src/local-graph/index.js';

const organizer = { id: '0b9e1f52-8d0c-4e55-9a51-2f0c6c1d0001', displayName: 'Sam Supervisor', userPrincipalName: 'sam.supervisor@northshire.test', mail: 'sam.supervisor@northshire.test' };
const supervisee = { id: '0b9e1f52-8d0c-4e55-9a51-2f0c6c1d0002', displayName: "Jo O'Neil", userPrincipalName: 'jo.oneil@northshire.test', mail: 'jo.oneil@northshire.test' };
const staff = Array.from({ length: 45 }, (_, i) => ({
  id: `0b9e1f52-8d0c-4e55-9a51-2f0c6c1d1${String(i).padStart(3, '0')}`,
  displayName: `Staff ${i}`,
  userPrincipalName: `staff${i}@northshire.test`,
  mail: `staff${i}@northshire.test`,
}));
const siteId = 'northshire.sharepoint.test,5f1c1f6e-0000-4000-8000-000000000001,5f1c1f6e-0000-4000-8000-000000000002';

let server: RunningLocalGraph;
let dataDir: string;
let client: GraphClient;
let calendar: GraphCalendar;
let lists: GraphLists;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'graph-contract-'));
  server = await startLocalGraphServer({ dataDir });
  for (const user of [organizer, supervisee, ...staff]) server.graph.upsertUser(user);
  server.graph.ensureSite({ id: siteId, displayName: 'Supervision' });
  client = createGraphClient({ baseUrl: server.url, auth: localDevAuth(organizer.id), retry: { maxRetries: 8, maxDelayMs: 2_000, baseDelayMs: 20 } });
  calendar = new GraphCalendar(client);
  lists = new GraphLists(client);
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  server.graph.setFaults({});
  server.graph.resetStats();
});

const london = 'GMT Standard Time';

function weeklySeries(subject: string, startDate: string, count: number): NewEvent {
  return {
    subject,
    body: { contentType: 'text', content: 'Supervision' },
    start: { dateTime: `${startDate}T10:00:00`, timeZone: london },
    end: { dateTime: `${startDate}T11:00:00`, timeZone: london },
    attendees: [{ emailAddress: { address: supervisee.mail, name: supervisee.displayName }, type: 'required' }],
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
      range: { type: 'numbered', startDate, numberOfOccurrences: count, recurrenceTimeZone: london },
    },
  };
}

describe('calendar against the local service', () => {
  it('creates a recurring event once for a repeated transactionId, and a second one for another', async () => {
    const event = weeklySeries('Supervision (idempotent)', '2025-03-03', 6);
    const first = await calendar.createEvent(organizer.userPrincipalName, event, 'tx-idempotent-1');
    const again = await calendar.createEvent(organizer.userPrincipalName, event, 'tx-idempotent-1');
    expect(first.type).toBe('seriesMaster');
    expect(again.id).toBe(first.id);
    expect(server.graph.stats()).toMatchObject({ eventsCreated: 1, idempotentReplays: 1 });

    const other = await calendar.createEvent(organizer.userPrincipalName, event, 'tx-idempotent-2');
    expect(other.id).not.toBe(first.id);
    await calendar.deleteEvent(organizer.userPrincipalName, other.id);
    expect(await calendar.getEvent(organizer.userPrincipalName, other.id)).toBeUndefined();
    // Deleting what is already gone succeeds: a retry after a lost answer must not fail.
    await calendar.deleteEvent(organizer.userPrincipalName, other.id);
    await calendar.deleteEvent(organizer.userPrincipalName, first.id);
  });

  it('lists instances, turns a patched occurrence into an exception, and reports a cancelled one through delta', async () => {
    const master = await calendar.createEvent(organizer.userPrincipalName, weeklySeries('Supervision (instances)', '2025-03-03', 6), 'tx-instances-1');
    const from = '2025-03-01T00:00:00Z';
    const to = '2025-05-01T00:00:00Z';
    const instances = await calendar.listInstances(organizer.userPrincipalName, master.id, from, to, { timeZone: london });
    expect(instances).toHaveLength(6);
    expect(instances.every((i) => i.type === 'occurrence' && i.seriesMasterId === master.id)).toBe(true);
    // 10:00 London on each Monday, before and after the clocks change on 30 March.
    expect(instances.map((i) => i.start?.dateTime?.slice(0, 16))).toEqual(['2025-03-03T10:00', '2025-03-10T10:00', '2025-03-17T10:00', '2025-03-24T10:00', '2025-03-31T10:00', '2025-04-07T10:00']);
    const utc = await calendar.listInstances(organizer.userPrincipalName, master.id, from, to);
    expect(utc.map((i) => i.start?.dateTime?.slice(11, 16))).toEqual(['10:00', '10:00', '10:00', '10:00', '09:00', '09:00']);

    const round = await calendar.calendarDelta(organizer.userPrincipalName, from, to);
    expect(round.events.filter((e) => e.seriesMasterId === master.id)).toHaveLength(6);

    const second = instances[1]?.id as string;
    const moved = await calendar.patchEvent(organizer.userPrincipalName, second, { start: { dateTime: '2025-03-11T14:00:00', timeZone: london }, end: { dateTime: '2025-03-11T15:00:00', timeZone: london } });
    expect(moved.type).toBe('exception');
    const third = instances[2]?.id as string;
    await calendar.cancelEvent(organizer.userPrincipalName, third, 'Supervisor unavailable; rebooking');

    const after = await calendar.listInstances(organizer.userPrincipalName, master.id, from, to);
    expect(after).toHaveLength(5);
    expect(after.map((i) => i.id)).not.toContain(third);
    expect(after.find((i) => i.id === second)?.type).toBe('exception');
    const view = await calendar.calendarView(organizer.userPrincipalName, '2025-03-11T00:00:00Z', '2025-03-12T00:00:00Z', { timeZone: london });
    expect(view.map((e) => e.start?.dateTime?.slice(0, 16))).toContain('2025-03-11T14:00');

    const next = await calendar.calendarDelta(organizer.userPrincipalName, from, to, round.deltaLink);
    expect(next.reset).toBe(false);
    expect(next.removedIds).toContain(third);
    await calendar.deleteEvent(organizer.userPrincipalName, master.id);
  });

  it('gets free/busy for 45 mailboxes over 70 days in 6 calls (≤20 schedules, <62 days each), merged in order', async () => {
    const busy = staff[7] as (typeof staff)[number];
    await calendar.createEvent(
      busy.userPrincipalName,
      { subject: 'Busy', start: { dateTime: '2025-06-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2025-06-02T10:00:00', timeZone: 'UTC' }, showAs: 'busy' },
      'tx-schedule-busy',
    );
    server.graph.resetStats();
    const from = new Date('2025-06-01T00:00:00Z');
    const to = new Date('2025-08-10T00:00:00Z');
    const schedules = await calendar.getSchedule(staff.map((s) => s.userPrincipalName), from, to, 60);
    expect(server.graph.stats().requests).toBe(6);
    expect(schedules.map((s) => s.scheduleId)).toEqual(staff.map((s) => s.userPrincipalName));
    for (const schedule of schedules) expect(schedule.availabilityView).toHaveLength(70 * 24);
    const view = schedules[7]?.availabilityView ?? '';
    expect(view[24 + 9]).toBe('2');
    expect(view.replace(/0/g, '')).toBe('2');
    expect(schedules[8]?.availabilityView).toBe('0'.repeat(70 * 24));
    expect(schedules[7]?.scheduleItems?.map((i) => i.status)).toEqual(['busy']);
  });

  it('creates 45 meetings through $batch under injected 429s: all succeed once, never more than 4 in flight per mailbox', async () => {
    server.graph.setFaults({ throttleRate: 0.3, retryAfterSeconds: 0.05, latencyMs: 10, seed: 20250303 });
    // 40 for one organiser: two full batches for one mailbox, which Graph would fan out 4 + 4 at once.
    const items = Array.from({ length: 45 }, (_, i) => {
      const day = String(1 + (i % 28)).padStart(2, '0');
      return {
        mailbox: i < 40 ? organizer.userPrincipalName : supervisee.userPrincipalName,
        transactionId: `tx-batch-${i}`,
        event: { subject: `Batch ${i}`, start: { dateTime: `2025-09-${day}T13:00:00`, timeZone: london }, end: { dateTime: `2025-09-${day}T14:00:00`, timeZone: london } } satisfies NewEvent,
      };
    });
    const created = await calendar.createEvents(items);
    const stats = server.graph.stats();
    expect(created).toHaveLength(45);
    expect(new Set(created.map((e) => e.id)).size).toBe(45);
    expect(created.map((e) => e.subject)).toEqual(items.map((i) => i.event.subject));
    expect(stats.faults[429]).toBeGreaterThan(0);
    expect(stats.batchedRequests).toBeGreaterThan(45);
    expect(stats.eventsCreated).toBe(45);
    expect(stats.maxInFlightPerMailbox).toBeGreaterThan(0);
    expect(stats.maxInFlightPerMailbox).toBeLessThanOrEqual(4);
  });

  it('keeps 16 concurrent reads of one mailbox to 4 in flight', async () => {
    server.graph.setFaults({ latencyMs: 25 });
    await Promise.all(Array.from({ length: 16 }, () => calendar.calendarView(organizer.userPrincipalName, '2025-09-01T00:00:00Z', '2025-09-08T00:00:00Z')));
    expect(server.graph.stats().maxInFlightPerMailbox).toBe(4);
  });

  it('Outlook service limits: parallel booking through the gateway meets no MailboxConcurrency refusal, and an over-eager client is throttled and still creates every meeting once', async () => {
    server.graph.setLimits({ concurrencyRetryAfterSeconds: 0.05 });
    server.graph.setFaults({ latencyMs: 15 });
    const meetings = (prefix: string) =>
      Array.from({ length: 60 }, (_, i) => {
        const day = String(1 + (i % 28)).padStart(2, '0');
        return {
          mailbox: i % 2 === 0 ? organizer.userPrincipalName : supervisee.userPrincipalName,
          transactionId: `${prefix}-${i}`,
          event: { subject: `${prefix} ${i}`, start: { dateTime: `2025-11-${day}T09:00:00`, timeZone: london }, end: { dateTime: `2025-11-${day}T10:00:00`, timeZone: london } } satisfies NewEvent,
        };
      });
    // Three bookings at once, each its own $batch run, as three supervisors booking together.
    await Promise.all(['a', 'b', 'c'].map((p) => calendar.createEvents(meetings(`parallel-${p}`))));
    expect(server.graph.stats()).toMatchObject({ limited: 0, eventsCreated: 180 });

    // A client that does not hold the limit (as two uncoordinated instances together would not)
    // sends several batches to one mailbox at once: Graph refuses the excess, the client waits
    // out Retry-After and re-sends only the refused requests, and nothing is lost or doubled.
    server.graph.resetStats();
    server.graph.setFaults({ latencyMs: 30 });
    const eager = new GraphCalendar(createGraphClient({ baseUrl: server.url, auth: localDevAuth(organizer.id), concurrencyPerMailbox: 100, retry: { maxRetries: 10, maxDelayMs: 2_000, baseDelayMs: 20 } }));
    const oneMailbox = (prefix: string) => meetings(prefix).map((m) => ({ ...m, mailbox: organizer.userPrincipalName }));
    const created = await eager.createEvents([...oneMailbox('eager-1'), ...oneMailbox('eager-2')]);
    const stats = server.graph.stats();
    expect(stats.limited).toBeGreaterThan(0);
    expect(stats.eventsCreated).toBe(120);
    expect(new Set(created.map((e) => e.id)).size).toBe(120);
    server.graph.setLimits({});
  });

  it('retries plain reads through 503s with Retry-After and still answers', async () => {
    const september = ['2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z'] as const;
    const baseline = await calendar.calendarView(organizer.userPrincipalName, ...september);
    server.graph.setFaults({ unavailableRate: 0.5, retryAfterSeconds: 0.02, seed: 11 });
    const views = await Promise.all(Array.from({ length: 8 }, () => calendar.calendarView(organizer.userPrincipalName, ...september)));
    expect(server.graph.stats().faults[503]).toBeGreaterThan(0);
    expect(views.map((v) => v.map((e) => e.id))).toEqual(Array.from({ length: 8 }, () => baseline.map((e) => e.id)));
  });
});

describe('lists against the local service', () => {
  const definition: ListDefinition = {
    displayName: 'Contract Agreements',
    columns: [
      { name: 'RecordId', type: 'text', indexed: true },
      { name: 'Surname', type: 'text', indexed: true },
      { name: 'Batch', type: 'text', indexed: true },
      { name: 'Payload', type: 'note', indexed: false },
    ],
  };

  it('creates a list once, then only adds missing columns', async () => {
    const first = await lists.ensureList(siteId, definition);
    expect(first).toMatchObject({ created: true, addedColumns: ['RecordId', 'Surname', 'Batch', 'Payload'] });
    const again = await lists.ensureList(siteId, definition);
    expect(again).toEqual({ id: first.id, created: false, addedColumns: [], indexedColumns: [] });
    const wider = await lists.ensureList(siteId, { ...definition, columns: [...definition.columns, { name: 'Due', type: 'dateTime', indexed: true }] });
    expect(wider).toEqual({ id: first.id, created: false, addedColumns: ['Due'], indexedColumns: [] });
  });

  it('does item CRUD with eTags; a stale If-Match is a GraphConflictError and changes nothing', async () => {
    const { id: listId } = await lists.ensureList(siteId, definition);
    const created = await lists.createItem(siteId, listId, { Title: 'a-1', RecordId: 'a-1', Surname: "O'Neil" });
    expect(created.fields).toMatchObject({ RecordId: 'a-1', Surname: "O'Neil" });
    const read = await lists.getItem(siteId, listId, created.id);
    expect(read?.eTag).toBeTruthy();

    const updated = await lists.updateItem(siteId, listId, created.id, { Surname: 'Smith' }, read?.eTag as string);
    expect(updated.eTag).not.toBe(read?.eTag);
    expect(updated.fields.Surname).toBe('Smith');

    const stale = await lists.updateItem(siteId, listId, created.id, { Surname: 'Jones' }, read?.eTag as string).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(GraphConflictError);
    expect((stale as GraphConflictError).code).toBe('CONFLICT');
    expect((await lists.getItem(siteId, listId, created.id))?.fields.Surname).toBe('Smith');

    await expect(lists.deleteItem(siteId, listId, created.id, read?.eTag as string)).rejects.toBeInstanceOf(GraphConflictError);
    await lists.deleteItem(siteId, listId, created.id, updated.eTag);
    expect(await lists.getItem(siteId, listId, created.id)).toBeUndefined();
    await lists.deleteItem(siteId, listId, created.id);
  });

  it('pages through query results and matches an O’Neil-like value exactly', async () => {
    const { id: listId } = await lists.ensureList(siteId, definition);
    const surnames = ["O'Neil", "O'Neill", 'ONeil', "D'Arcy", "O''Neil"];
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => lists.createItem(siteId, listId, { Title: `p-${i}`, RecordId: `p-${i}`, Batch: 'paging', Surname: surnames[i % surnames.length] })),
    );
    server.graph.resetStats();
    const all = await lists.queryItems(siteId, listId, equalsFilter([{ column: 'Batch', value: 'paging' }]), { top: 10 });
    expect(all).toHaveLength(25);
    expect(new Set(all.map((i) => i.fields.RecordId)).size).toBe(25);
    expect(server.graph.stats().requests).toBe(3);

    const oneil = await lists.queryItems(siteId, listId, `${equalsFilter([{ column: 'Batch', value: 'paging' }])} and fields/Surname eq ${odataString("O'Neil")}`, { top: 10 });
    expect(oneil.map((i) => i.fields.Surname)).toEqual(["O'Neil", "O'Neil", "O'Neil", "O'Neil", "O'Neil"]);
    const doubled = await lists.queryItems(siteId, listId, equalsFilter([{ column: 'Surname', value: "O''Neil" }]));
    expect(doubled).toHaveLength(5);
    expect(doubled.every((i) => i.fields.Surname === "O''Neil")).toBe(true);
  });

  it('needs the non-indexed Prefer header to filter a non-indexed column, and sends it only when told', async () => {
    const { id: listId } = await lists.ensureList(siteId, definition);
    await lists.createItem(siteId, listId, { Title: 'n-1', RecordId: 'n-1', Payload: 'needle' });
    const refused = await lists.queryItems(siteId, listId, equalsFilter([{ column: 'Payload', value: 'needle' }])).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphRequestError);
    expect((refused as GraphRequestError).graphStatus).toBe(400);
    const found = await lists.queryItems(siteId, listId, equalsFilter([{ column: 'Payload', value: 'needle' }]), { nonIndexed: true });
    expect(found.map((i) => i.fields.RecordId)).toEqual(['n-1']);
  });
});
