/**
 * Booking end to end against the embedded Graph-compatible service over HTTP: the plan lands
 * in the supervisor's calendar exactly, re-running changes nothing, a restart keeps it, and a
 * team booking survives throttling and a crash without a duplicate or a missing meeting.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../src/booking/booking.js';
import { bookReplacement } from '../../src/server/api/supervision.js';
import type { CalendarPort } from '../../src/booking/ports.js';
import { bookTeam } from '../../src/booking/team.js';
import { instantToLondon } from '../../src/calendar/london.js';
import { demoOrganisation, demoSiteId } from '../../src/demo/organisation.js';
import { GraphCalendar, createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import { getPack } from '../../src/policy/packs.js';
import { plan } from '../../src/schedule/plan.js';
import { createGraphServices } from '../../src/server/graph-services.js';
import type { AppServices } from '../../src/server/services.js';

const pack = getPack('dudley');
const asOf = '2027-01-04';
const organisation = demoOrganisation(pack, asOf);
const teamManager = organisation.users.find((u) => u.jobTitle === 'Team Manager')!;
const asye = organisation.staff.find((s) => s.role === 'asye')!;
const asyeUser = organisation.users.find((u) => u.id === asye.userId)!;
const now = () => new Date('2027-01-04T09:00:00Z');

let dataDir: string;
let server: RunningLocalGraph;

function servicesFor(running: RunningLocalGraph): AppServices {
  const client = createGraphClient({ baseUrl: running.url, auth: localDevAuth('booking-test'), retry: { maxRetries: 10, maxDelayMs: 200, baseDelayMs: 5 } });
  return createGraphServices({ client, siteId: demoSiteId, pack, appUrl: 'http://localhost:3978', now });
}

async function start(): Promise<RunningLocalGraph> {
  const running = await startLocalGraphServer({ dataDir });
  running.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
  for (const user of organisation.users) running.graph.upsertUser(user);
  return running;
}

async function calendarDates(running: RunningLocalGraph, mailbox: string, from: string, to: string): Promise<string[]> {
  const client = createGraphClient({ baseUrl: running.url, auth: localDevAuth('booking-test') });
  const events = await new GraphCalendar(client).calendarView(mailbox, new Date(`${from}T00:00:00Z`), new Date(`${to}T23:59:59Z`));
  return events.filter((e) => e.subject === 'Supervision' || e.subject === 'Group supervision').map((e) => instantToLondon(Date.parse(`${e.start!.dateTime!.replace(/Z$/, '')}Z`)).date).sort();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'booking-contract-'));
  server = await start();
  const services = servicesFor(server);
  await services.records.provision();
  for (const staff of organisation.staff) await services.records.create('staff', staff);
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('booking a phased ASYE plan (Dudley: weekly 6 weeks, fortnightly to 6 months, monthly)', () => {
  const request = () => ({
    org: 'dudley',
    role: 'asye',
    supervisor: teamManager.userPrincipalName,
    supervisee: asyeUser.userPrincipalName,
    start: asOf,
    weekday: 'tue' as const,
    time: '10:00',
    bookedBy: teamManager.id,
    appUrl: 'http://localhost:3978',
  });

  it("puts exactly the plan's sessions in the supervisor's calendar over a year", async () => {
    const result = await book(servicesFor(server), request());
    expect(result.unchanged).toBe(false);
    expect(result.series.length).toBeGreaterThanOrEqual(3);
    expect(result.series.every((s) => s.id.length > 0)).toBe(true);
    const planned = plan(pack, 'asye', asOf, { weekday: 'tue', time: '10:00' }).sessions.map((s) => s.date).sort();
    expect(await calendarDates(server, teamManager.id, asOf, '2028-01-04')).toEqual(planned);
    expect(await calendarDates(server, asyeUser.id, asOf, '2028-01-04')).toEqual(planned);
  });

  it('Create event: invites the supervisee by e-mail address with their name, and Exchange files their copy by that address', async () => {
    const stored = await servicesFor(server).records.get('schedules', `schedule-dudley-${asyeUser.id}-${asOf}`);
    const calendar = new GraphCalendar(createGraphClient({ baseUrl: server.url, auth: localDevAuth('booking-test') }));
    for (const series of stored!.record.series) {
      const event = await calendar.getEvent(teamManager.id, series.eventId);
      expect(event?.attendees?.map((a) => a.emailAddress)).toEqual([{ address: asyeUser.mail, name: asyeUser.displayName }]);
      expect(event?.organizer?.emailAddress).toEqual({ address: teamManager.mail, name: teamManager.displayName });
    }
    const copies = await calendar.calendarView(asyeUser.mail, new Date(`${asOf}T00:00:00Z`), new Date('2027-03-01T00:00:00Z'));
    expect(copies.filter((e) => e.subject === 'Supervision').length).toBeGreaterThan(4);
    expect(copies.every((e) => e.isOrganizer === false)).toBe(true);
  });

  it('changes nothing when run again', async () => {
    const before = server.graph.stats().eventsCreated;
    const again = await book(servicesFor(server), request());
    expect(again.unchanged).toBe(true);
    expect(server.graph.stats().eventsCreated).toBe(before);
  });

  it('keeps everything across a restart', async () => {
    const planned = plan(pack, 'asye', asOf, { weekday: 'tue', time: '10:00' }).sessions.map((s) => s.date).sort();
    await server.close();
    server = await start();
    expect(await calendarDates(server, teamManager.id, asOf, '2028-01-04')).toEqual(planned);
    const stored = await servicesFor(server).records.get('schedules', `schedule-dudley-${asyeUser.id}-${asOf}`);
    expect(stored?.record.status).toBe('booked');
  });

  it('refuses a role the pack does not have before any Graph call', async () => {
    server.graph.resetStats();
    await expect(book(servicesFor(server), { ...request(), role: 'wizard' })).rejects.toThrow(/wizard/);
    expect(server.graph.stats().requests).toBe(0);
  });

  it('names the user when the supervisee is not in the directory', async () => {
    await expect(book(servicesFor(server), { ...request(), supervisee: 'nobody@wrenfield.example' })).rejects.toThrow(/supervisee: no user "nobody@wrenfield.example"/);
  });
});

describe('alternating supervisors (Dudley students: on-site supervisor and practice educator)', () => {
  it('books two series a fortnight apart, one organised by each supervisor', async () => {
    const student = organisation.staff.find((s) => s.role === 'student')!;
    const studentUser = organisation.users.find((u) => u.id === student.userId)!;
    const educator = organisation.users.filter((u) => u.jobTitle === 'Team Manager')[2]!;
    const base = { org: 'dudley', role: 'student', supervisor: teamManager.id, supervisee: studentUser.id, start: asOf, time: '14:00', bookedBy: teamManager.id, appUrl: 'http://localhost:3978' };
    await expect(book(servicesFor(server), base)).rejects.toThrow(/alternateSupervisors\.practice-educator/);
    const result = await book(servicesFor(server), { ...base, alternateSupervisors: { 'practice-educator': educator.userPrincipalName } });
    expect(result.series.map((s) => s.organizer).sort()).toEqual([educator.id, teamManager.id].sort());
    expect(result.series.every((s) => s.pattern.interval === 2)).toBe(true);
  });
});

describe('booking a team through $batch, under throttling and after a crash', () => {
  const otherManager = organisation.users.filter((u) => u.jobTitle === 'Team Manager')[1]!;

  it('completes with 10% injected 429s, never more than 4 requests in flight per mailbox', async () => {
    server.graph.resetStats();
    server.graph.setFaults({ throttleRate: 0.1, retryAfterSeconds: 0.01, seed: 7 });
    const services = servicesFor(server);
    // A crash after the meetings exist but before any schedule record is written.
    const crashing: CalendarPort = services.calendar;
    let crashed = false;
    const deps = { calendar: crashing, directory: services.directory, now, records: new Proxy(services.records, {
      get(target, property, receiver) {
        if (property === 'update' || property === 'create') {
          return (...args: unknown[]) => {
            if (!crashed) {
              crashed = true;
              throw new Error('simulated crash');
            }
            return (Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) };
    await expect(bookTeam(deps, { org: 'dudley', supervisor: otherManager.userPrincipalName, bookedBy: otherManager.id, appUrl: 'http://localhost:3978' })).rejects.toThrow('simulated crash');
    const createdFirst = server.graph.stats().eventsCreated;
    expect(createdFirst).toBeGreaterThan(0);

    const result = await bookTeam({ ...services, now }, { org: 'dudley', supervisor: otherManager.userPrincipalName, bookedBy: otherManager.id, appUrl: 'http://localhost:3978' });
    server.graph.setFaults({});
    const stats = server.graph.stats();
    expect(result.people.length).toBeGreaterThan(0);
    expect(result.people.every((p) => p.status === 'booked')).toBe(true);
    expect(stats.eventsCreated, 'the re-run created nothing new: every create was a transactionId replay').toBe(createdFirst);
    expect(stats.idempotentReplays).toBeGreaterThanOrEqual(result.meetingsCreated);
    expect(stats.faults[429]).toBeGreaterThan(0);
    expect(stats.maxInFlightPerMailbox).toBeLessThanOrEqual(4);

    const again = await bookTeam({ ...services, now }, { org: 'dudley', supervisor: otherManager.userPrincipalName, bookedBy: otherManager.id, appUrl: 'http://localhost:3978' });
    expect(again.people.every((p) => p.status === 'already-booked')).toBe(true);

    // Every meeting of the team, group series included, invites people by address and name.
    const events = await new GraphCalendar(createGraphClient({ baseUrl: server.url, auth: localDevAuth('booking-test') })).calendarView(otherManager.id, new Date('2027-01-04T00:00:00Z'), new Date('2027-02-01T00:00:00Z'));
    const addresses = new Map(organisation.users.map((u) => [u.mail, u.displayName]));
    const attendees = events.flatMap((e) => e.attendees ?? []);
    expect(attendees.length).toBeGreaterThan(0);
    for (const a of attendees) expect(addresses.get(a.emailAddress?.address ?? ''), JSON.stringify(a.emailAddress)).toBe(a.emailAddress?.name);
  });
});

describe('rearranging: the replacement session', () => {
  it('books a replacement session inviting the supervisee by address, held in Teams when the series is', async () => {
    const services = servicesFor(server);
    const calendar = new GraphCalendar(createGraphClient({ baseUrl: server.url, auth: localDevAuth('booking-test') }));
    const rebook = (scheduleId: string, userId: string, key: string) =>
      bookReplacement(services, { staff: { userId, role: 'asye' }, scheduleId, organizerId: teamManager.id, originalDate: '2027-01-12', date: '2027-01-14', time: '14:00', minutes: 60, idempotencyKey: key });
    const inPerson = await rebook(`schedule-dudley-${asyeUser.id}-${asOf}`, asyeUser.id, `rebook-contract-${asyeUser.id}`);
    const event = await calendar.getEvent(teamManager.id, inPerson.eventId);
    expect(event?.attendees?.map((a) => a.emailAddress)).toEqual([{ address: asyeUser.mail, name: asyeUser.displayName }]);
    expect(event?.isOnlineMeeting).toBe(false);

    const colleague = organisation.users.find((u) => u.managerId === teamManager.id && u.id !== asyeUser.id)!;
    const online = await book(services, { org: 'dudley', role: 'asye', supervisor: teamManager.userPrincipalName, start: asOf, weekday: 'tue' as const, bookedBy: teamManager.id, appUrl: 'http://localhost:3978', supervisee: colleague.userPrincipalName, time: '15:00', teamsMeeting: true });
    const series = await calendar.getEvent(teamManager.id, online.series[0]!.id);
    expect(series?.isOnlineMeeting).toBe(true);
    // event: instances carries the join link of each session, which the prep and digest cards show.
    const sessions = await services.calendar.occurrences(teamManager.id, online.series[0]!.id, asOf, '2027-02-01');
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((o) => o.joinUrl === series?.onlineMeeting?.joinUrl)).toBe(true);
    const rebooked = await rebook(online.scheduleId, colleague.id, `rebook-contract-${colleague.id}`);
    const replacement = await calendar.getEvent(teamManager.id, rebooked.eventId);
    expect(replacement).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
    expect(replacement?.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
  });
});
