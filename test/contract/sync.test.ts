/**
 * Outlook-side change detection against the embedded Graph-compatible service over HTTP: a
 * booked occurrence cancelled in Outlook and another moved there become exactly one
 * Cancellation each, however many times sync runs, and a fresh round (new window) neither
 * loses nor duplicates them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../src/booking/booking.js';
import { demoOrganisation, demoSiteId } from '../../src/demo/organisation.js';
import type { GraphEvent } from '../../src/graph/calendar.js';
import { GraphCalendar, createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import { getPack } from '../../src/policy/packs.js';
import { createGraphServices } from '../../src/server/graph-services.js';
import type { AppServices } from '../../src/server/services.js';
import { SqliteSyncStateStore, cancellationIdFor, declinedBySupervisee, detectChanges, madeInApp, syncCalendars, type SyncDeps } from '../../src/sync/index.js';

const pack = getPack('dudley');
const asOf = '2027-01-04';
const organisation = demoOrganisation(pack, asOf);
const teamManager = organisation.users.find((u) => u.jobTitle === 'Team Manager')!;
const asye = organisation.staff.find((s) => s.role === 'asye')!;
const now = () => new Date('2027-01-04T09:00:00Z');
const window = { from: new Date('2027-01-04T00:00:00Z'), to: new Date('2028-01-04T00:00:00Z') };

let dataDir: string;
let server: RunningLocalGraph;
let services: AppServices;
let calendar: GraphCalendar;
let store: SqliteSyncStateStore;

function deps(): SyncDeps {
  return { calendar, records: services.records, store, now };
}

async function cancellations() {
  return (await services.records.where('cancellations', 'supervisorId', teamManager.id)).map((c) => c.record);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sync-contract-'));
  server = await startLocalGraphServer({ dataDir });
  server.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
  for (const user of organisation.users) server.graph.upsertUser(user);
  const client = createGraphClient({ baseUrl: server.url, auth: localDevAuth('sync-test'), retry: { maxRetries: 10, maxDelayMs: 200, baseDelayMs: 5 } });
  services = createGraphServices({ client, siteId: demoSiteId, pack, appUrl: 'http://localhost:3978', now });
  calendar = new GraphCalendar(client);
  store = new SqliteSyncStateStore(join(dataDir, 'sync.sqlite'));
  await services.records.provision();
  for (const staff of organisation.staff) await services.records.create('staff', staff);
  await book(services, { org: 'dudley', role: 'asye', supervisor: teamManager.id, supervisee: asye.userId, start: asOf, weekday: 'tue', time: '10:00', bookedBy: teamManager.id, appUrl: 'http://localhost:3978' });
});

afterAll(async () => {
  store?.close();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('calendar sync against the embedded service', () => {
  let cancelledId = '';
  let movedId = '';
  let seriesId = '';

  it('records nothing on the first round of an untouched calendar', async () => {
    const report = await syncCalendars(deps(), { supervisors: [teamManager.id], window });
    expect(report.failed).toEqual([]);
    expect(report.mailboxes[0]).toMatchObject({ fullRound: true, cancelled: 0, moved: 0 });
    expect(await cancellations()).toEqual([]);
  });

  it('turns one cancelled and one moved occurrence into exactly one Cancellation each, however often it runs', async () => {
    const schedule = (await services.records.where('schedules', 'superviseeId', asye.userId))[0]!.record;
    seriesId = schedule.series[0]!.eventId;
    const instances = await calendar.listInstances(teamManager.id, seriesId, window.from, window.to);
    expect(instances.length).toBeGreaterThanOrEqual(3);
    const [, toCancel, toMove] = instances;
    cancelledId = toCancel!.id;
    movedId = toMove!.id;
    await calendar.cancelEvent(teamManager.id, cancelledId, 'Off sick');
    // One day later, same time (the occurrence is a Tuesday 10:00 London = 10:00 UTC in January).
    const movedDate = new Date(Date.parse(toMove!.originalStart!) + 86_400_000).toISOString().slice(0, 10);
    await calendar.patchEvent(teamManager.id, movedId, { start: { dateTime: `${movedDate}T10:00:00`, timeZone: 'UTC' }, end: { dateTime: `${movedDate}T11:00:00`, timeZone: 'UTC' } });

    const first = await syncCalendars(deps(), { supervisors: [teamManager.id], window });
    expect(first.mailboxes[0]).toMatchObject({ fullRound: false, cancelled: 1, moved: 1, recorded: 2 });
    const second = await syncCalendars(deps(), { supervisors: [teamManager.id], window });
    expect(second.mailboxes[0]).toMatchObject({ fullRound: false, recorded: 0 });

    const found = await cancellations();
    expect(found).toHaveLength(2);
    const byOrigin = Object.fromEntries(found.map((c) => [c.origin, c]));
    expect(byOrigin['outlook-cancelled']).toMatchObject({ id: cancellationIdFor(seriesId, new Date(Date.parse(toCancel!.originalStart!)).toISOString()), superviseeId: asye.userId, supervisorId: teamManager.id, originalDate: toCancel!.originalStart!.slice(0, 10) });
    expect(byOrigin['outlook-cancelled']!.reason).toBeUndefined();
    expect(byOrigin['outlook-moved']).toMatchObject({ originalDate: toMove!.originalStart!.slice(0, 10), rearrangedTo: movedDate });
  });

  it('a fresh round over a new window keeps exactly those two records', async () => {
    const shifted = { from: new Date('2027-01-03T00:00:00Z'), to: window.to };
    const report = await syncCalendars(deps(), { supervisors: [teamManager.id], window: shifted });
    expect(report.mailboxes[0]).toMatchObject({ fullRound: true, recorded: 0 });
    expect(await cancellations()).toHaveLength(2);
  });

  it('records nothing more for an occurrence the app cancelled itself (its own Cancellation has the reason)', async () => {
    const instances = await calendar.listInstances(teamManager.id, seriesId, window.from, window.to);
    const target = instances[4]!;
    await services.records.create('cancellations', {
      id: 'cancellation-app-1',
      superviseeId: asye.userId,
      supervisorId: teamManager.id,
      org: 'dudley',
      originalDate: target.originalStart!.slice(0, 10),
      eventId: target.id,
      origin: 'app',
      reason: 'Sickness',
      cancelledAt: now().toISOString(),
    });
    await calendar.cancelEvent(teamManager.id, target.id, 'Supervision cancelled: Sickness');
    const report = await syncCalendars(deps(), { supervisors: [teamManager.id], window: { from: new Date('2027-01-03T00:00:00Z'), to: window.to } });
    expect(report.mailboxes[0]).toMatchObject({ cancelled: 0, recorded: 0 });
    expect((await cancellations()).map((c) => c.origin).sort()).toEqual(['app', 'outlook-cancelled', 'outlook-moved']);
  });

  it('records nothing for a move the app made and noted, but does record a later move elsewhere', async () => {
    const instances = await calendar.listInstances(teamManager.id, seriesId, window.from, window.to);
    const target = instances.at(-1)!;
    const original = target.originalStart!.slice(0, 10);
    const nextDay = new Date(Date.parse(target.originalStart!) + 86_400_000).toISOString().slice(0, 10);
    await services.records.create('cancellations', { id: 'move-app-1', superviseeId: asye.userId, supervisorId: teamManager.id, org: 'dudley', originalDate: original, eventId: target.id, origin: 'app-moved', rearrangedTo: nextDay, cancelledAt: now().toISOString() });
    await calendar.patchEvent(teamManager.id, target.id, { start: { dateTime: `${nextDay}T10:00:00`, timeZone: 'UTC' }, end: { dateTime: `${nextDay}T11:00:00`, timeZone: 'UTC' } });
    const shifted = { from: new Date('2027-01-03T00:00:00Z'), to: window.to };
    expect((await syncCalendars(deps(), { supervisors: [teamManager.id], window: shifted })).mailboxes[0]).toMatchObject({ moved: 0, recorded: 0 });

    // Someone then moves it again in Outlook, to a day the app did not choose.
    const twoDays = new Date(Date.parse(target.originalStart!) + 2 * 86_400_000).toISOString().slice(0, 10);
    await calendar.patchEvent(teamManager.id, target.id, { start: { dateTime: `${twoDays}T10:00:00`, timeZone: 'UTC' }, end: { dateTime: `${twoDays}T11:00:00`, timeZone: 'UTC' } });
    expect((await syncCalendars(deps(), { supervisors: [teamManager.id], window: shifted })).mailboxes[0]).toMatchObject({ moved: 1, recorded: 1 });
    expect((await cancellations()).find((c) => c.origin === 'outlook-moved' && c.eventId === target.id)).toMatchObject({ originalDate: original, rearrangedTo: twoDays });
  });

  it('keeps the sync state across a restart of the store', async () => {
    store.close();
    store = new SqliteSyncStateStore(join(dataDir, 'sync.sqlite'));
    const report = await syncCalendars(deps(), { supervisors: [teamManager.id], window: { from: new Date('2027-01-03T00:00:00Z'), to: window.to } });
    expect(report.mailboxes[0]).toMatchObject({ fullRound: false, cancelled: 0, moved: 0, recorded: 0 });
    expect(await cancellations()).toHaveLength(5);
  });
});

describe('madeInApp (pure): which Outlook changes the app made itself', () => {
  const moved = { kind: 'moved' as const, bookedId: 'm', eventId: 'e', originalStart: '2027-03-02T10:00:00.000Z', start: '2027-03-03T10:00:00.000Z' };
  const cancelled = { kind: 'cancelled' as const, bookedId: 'm', eventId: 'e', originalStart: '2027-03-02T10:00:00.000Z' };
  it.each([
    ['no record of the app touching it', moved, undefined, false],
    ['the app cancelled it: anything after is moot', moved, { origin: 'app' as const }, true],
    ['the app moved it to that London day', moved, { origin: 'app-moved' as const, rearrangedTo: '2027-03-03' }, true],
    ['the app moved it to another day', moved, { origin: 'app-moved' as const, rearrangedTo: '2027-03-04' }, false],
    ['cancelled in Outlook after the app moved it', cancelled, { origin: 'app-moved' as const, rearrangedTo: '2027-03-03' }, false],
    ['a move sync itself recorded earlier', moved, { origin: 'outlook-moved' as const, rearrangedTo: '2027-03-03' }, false],
  ])('%s', (_name, change, record, expected) => {
    expect(madeInApp(change, record)).toBe(expected);
  });
});

describe('detectChanges (pure)', () => {
  const from = Date.parse('2027-01-01T00:00:00Z');
  const to = Date.parse('2028-01-01T00:00:00Z');
  const booked = new Set(['master-1']);
  const seen = {
    'occ-a': { bookedId: 'master-1', originalStart: '2027-02-02T10:00:00.000Z', start: '2027-02-02T10:00:00.000Z' },
    'occ-b': { bookedId: 'master-1', originalStart: '2027-02-09T10:00:00.000Z', start: '2027-02-09T10:00:00.000Z' },
  };
  const occurrence = (id: string, original: string, start: string, extra: Partial<GraphEvent> = {}): GraphEvent => ({
    id,
    type: 'occurrence',
    seriesMasterId: 'master-1',
    originalStart: original,
    start: { dateTime: start, timeZone: 'UTC' },
    ...extra,
  });

  it('ignores removals it never saw and events of series nobody booked', () => {
    const result = detectChanges({ answer: { events: [{ ...occurrence('x', '2027-03-02T10:00:00Z', '2027-03-03T10:00:00'), seriesMasterId: 'someone-else' }], removedIds: ['unknown'] }, seen, fullRound: false, from, to, booked });
    expect(result.changes).toEqual([]);
  });

  it('an isCancelled occurrence is cancelled; a start away from the original start is a move', () => {
    const result = detectChanges({
      answer: { events: [occurrence('occ-a', '2027-02-02T10:00:00Z', '2027-02-02T10:00:00', { isCancelled: true }), occurrence('occ-b', '2027-02-09T10:00:00Z', '2027-02-10T14:00:00')], removedIds: [] },
      seen,
      fullRound: false,
      from,
      to,
      booked,
    });
    expect(result.changes.map((c) => [c.kind, c.eventId])).toEqual([
      ['cancelled', 'occ-a'],
      ['moved', 'occ-b'],
    ]);
  });

  it('in a full round, an occurrence seen before and not listed now was removed', () => {
    const result = detectChanges({ answer: { events: [occurrence('occ-b', '2027-02-09T10:00:00Z', '2027-02-09T10:00:00')], removedIds: [] }, seen, fullRound: true, from, to, booked });
    expect(result.changes).toEqual([{ kind: 'cancelled', bookedId: 'master-1', eventId: 'occ-a', originalStart: '2027-02-02T10:00:00.000Z' }]);
    expect(Object.keys(result.seen)).toEqual(['occ-b']);
  });

  const answered = (response: string, address: string) => ({ type: 'required' as const, status: { response: response as 'declined' }, emailAddress: { address, name: address } });

  it('an occurrence the supervisee declined is declined; another attendee declining a group session changes nothing', () => {
    const supervisees = new Map([['master-1', ['sam.supervisee@example.invalid']]]);
    const declined = occurrence('occ-a', '2027-02-02T10:00:00Z', '2027-02-02T10:00:00', { attendees: [answered('declined', 'Sam.Supervisee@example.invalid'), answered('accepted', 'other@example.invalid')] });
    const byOther = occurrence('occ-b', '2027-02-09T10:00:00Z', '2027-02-09T10:00:00', { attendees: [answered('accepted', 'sam.supervisee@example.invalid'), answered('declined', 'other@example.invalid')] });
    const result = detectChanges({ answer: { events: [declined, byOther], removedIds: [] }, seen, fullRound: false, from, to, booked, supervisees });
    expect(result.changes).toEqual([{ kind: 'declined', bookedId: 'master-1', eventId: 'occ-a', originalStart: '2027-02-02T10:00:00.000Z' }]);
  });

  it('with no supervisee known, an occurrence is declined only when every attendee declined it', () => {
    expect(declinedBySupervisee({ attendees: [answered('declined', 'a@example.invalid'), answered('none', 'b@example.invalid')] }, undefined)).toBe(false);
    expect(declinedBySupervisee({ attendees: [answered('declined', 'a@example.invalid')] }, undefined)).toBe(true);
    expect(declinedBySupervisee({ attendees: [] }, undefined)).toBe(false);
  });

  it('remembers a series seen before its schedule was recorded, so its later cancellation is found', () => {
    const unbooked = new Set<string>();
    const first = detectChanges({ answer: { events: [occurrence('occ-n', '2027-03-02T10:00:00Z', '2027-03-02T10:00:00')], removedIds: [] }, seen: {}, fullRound: true, from, to, booked: unbooked });
    expect(first.changes).toEqual([]);
    const later = detectChanges({ answer: { events: [], removedIds: ['occ-n'] }, seen: first.seen, fullRound: false, from, to, booked });
    expect(later.changes).toEqual([{ kind: 'cancelled', bookedId: 'master-1', eventId: 'occ-n', originalStart: '2027-03-02T10:00:00.000Z' }]);
  });

  it('a removal of an occurrence that had moved out of the window is not a cancellation', () => {
    const moved = { 'occ-c': { bookedId: 'master-1', originalStart: '2027-12-28T10:00:00.000Z', start: '2028-01-05T10:00:00.000Z' } };
    expect(detectChanges({ answer: { events: [], removedIds: ['occ-c'] }, seen: moved, fullRound: false, from, to, booked }).changes).toEqual([]);
  });
});
