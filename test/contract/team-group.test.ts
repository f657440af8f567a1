/**
 * Bristol § 6.1: group reflective supervision every four weeks is one meeting series for the
 * team with every practitioner as an attendee, booked beside each one-to-one series.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookTeam } from '../../src/booking/team.js';
import { demoOrganisation, demoSiteId } from '../../src/demo/organisation.js';
import { GraphCalendar, createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import { getPack } from '../../src/policy/packs.js';
import { createGraphServices } from '../../src/server/graph-services.js';

const pack = getPack('bristol');
const organisation = demoOrganisation(pack, '2027-01-04');
const manager = organisation.users.find((u) => u.jobTitle === 'Team Manager')!;
const now = () => new Date('2027-01-04T09:00:00Z');
let dataDir: string;
let server: RunningLocalGraph;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'team-group-'));
  server = await startLocalGraphServer({ dataDir });
  server.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
  for (const user of organisation.users) server.graph.upsertUser(user);
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('team booking with group supervision (Bristol § 6.1)', () => {
  it('books one group series for the team with every practitioner who has group supervision', async () => {
    const client = createGraphClient({ baseUrl: server.url, auth: localDevAuth('team-test') });
    const services = createGraphServices({ client, siteId: demoSiteId, pack, appUrl: 'http://localhost:3978', now });
    await services.records.provision();
    for (const staff of organisation.staff) await services.records.create('staff', staff);
    const withGroup = organisation.staff.filter((s) => s.supervisorId === manager.id && pack.roles.find((r) => r.id === s.role)?.streams.some((st) => st.kind === 'group'));
    expect(withGroup.length).toBeGreaterThanOrEqual(2);

    const result = await bookTeam({ ...services, now }, { org: 'bristol', supervisor: manager.id, bookedBy: manager.id, appUrl: 'http://localhost:3978' });
    expect(result.groupSeries).toBeGreaterThanOrEqual(1);

    const events = await new GraphCalendar(client).calendarView(manager.id, new Date('2027-01-04T00:00:00Z'), new Date('2027-03-01T00:00:00Z'));
    const group = events.filter((e) => e.subject === 'Group supervision');
    const dates = new Set(group.map((e) => e.start?.dateTime?.slice(0, 10)));
    expect(group.length, 'one meeting per group date, not one per supervisee').toBe(dates.size);
    const attendees = new Set((group[0]?.attendees ?? []).map((a) => a.emailAddress?.address?.toLowerCase()));
    for (const staff of withGroup) {
      const user = organisation.users.find((u) => u.id === staff.userId)!;
      expect(attendees.has(user.id.toLowerCase()) || attendees.has(user.mail.toLowerCase()), `${staff.role} attends`).toBe(true);
    }
    const schedules = await Promise.all(withGroup.map((s) => services.records.where('schedules', 'superviseeId', s.userId)));
    const groupIds = new Set(schedules.flatMap((list) => list.flatMap((v) => v.record.series.filter((x) => x.kind === 'group').map((x) => x.eventId))));
    expect(groupIds.size, 'every supervisee’s schedule points at the same group series').toBe(result.groupSeries);
  });
});
