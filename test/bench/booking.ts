/**
 * Booking at scale against the embedded service: 2,000 supervisees across 300 supervisors,
 * every meeting created through $batch. Prints HTTP requests against the floor
 * ceil(meetings / 20) (and the fewest any retry scheme could manage given the refusals),
 * duplicates, refusals by the service's Outlook limits (MailboxConcurrency: 0 while the
 * gateway's limiter holds), the highest concurrency seen per mailbox, and wall time, with no
 * faults and with 10% of requests answered 429.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { meetingsOf, prepareBooking } from '../../src/booking/booking.js';
import { toCivil, toDay } from '../../src/calendar/civil.js';
import { demoSiteId } from '../../src/demo/organisation.js';
import { createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { startLocalGraphServer, type FaultConfig } from '../../src/local-graph/index.js';
import { getPack } from '../../src/policy/packs.js';
import { createGraphServices } from '../../src/server/graph-services.js';

const SUPERVISORS = 300;
const SUPERVISEES = 2_000;

export async function benchBooking(faults: FaultConfig, label: string): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-booking-'));
  const server = await startLocalGraphServer({ dataDir });
  try {
    const guid = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
    for (let i = 0; i < SUPERVISORS + SUPERVISEES; i++) {
      server.graph.upsertUser({ id: guid(i), displayName: `Bench Person ${i}`, userPrincipalName: `bench${i}@bench.example`, mail: `bench${i}@bench.example`, managerId: i < SUPERVISORS ? null : guid(i % SUPERVISORS) });
    }
    server.graph.ensureSite({ id: demoSiteId, displayName: 'Supervision' });
    const pack = getPack('dudley');
    const client = createGraphClient({ baseUrl: server.url, auth: localDevAuth('bench'), retry: { maxRetries: 10, baseDelayMs: 5, maxDelayMs: 200 } });
    const services = createGraphServices({ client, siteId: demoSiteId, pack, appUrl: 'http://localhost:3978' });
    const deps = { calendar: services.calendar, directory: services.directory, records: services.records, now: () => new Date('2027-01-04T09:00:00Z') };
    const roles = pack.roles.map((r) => r.id).filter((id) => id !== 'student');
    const meetings = [];
    for (let i = 0; i < SUPERVISEES; i++) {
      const prepared = await prepareBooking(deps, {
        org: 'dudley',
        role: roles[i % roles.length]!,
        supervisor: guid(i % SUPERVISORS),
        supervisee: guid(SUPERVISORS + i),
        start: toCivil(toDay('2027-01-04') + (i % 5)),
        time: '10:00',
        bookedBy: guid(i % SUPERVISORS),
        appUrl: 'http://localhost:3978',
      });
      meetings.push(...meetingsOf(prepared));
    }
    server.graph.resetStats();
    server.graph.setFaults(faults);
    const started = performance.now();
    const ids = await services.calendar.createMeetings(meetings.map((m) => ({ organizer: m.organizer, meeting: m.meeting, transactionId: m.transactionId })));
    const ms = performance.now() - started;
    const stats = server.graph.stats();
    const floor = Math.ceil(meetings.length / 20);
    // Every refused inner request has to be sent again, in some batch: no retry scheme can go
    // below this many batches (for 10% refusals, about 1.11 × the floor).
    const lowerBound = Math.ceil((meetings.length + stats.faults[429] + stats.faults[503] + stats.limited) / 20);
    const duplicates = ids.length - new Set(ids.map((r) => r.id)).size + Math.max(0, stats.eventsCreated - meetings.length);
    return JSON.stringify({
      benchmark: `book ${SUPERVISEES} supervisees / ${SUPERVISORS} supervisors (${label})`,
      meetings: meetings.length,
      requests: stats.requests,
      floor,
      'requests/floor': Math.round((stats.requests / floor) * 100) / 100,
      'fewest possible with these refusals': lowerBound,
      duplicates,
      throttled: stats.faults[429],
      'refused by Outlook limits': stats.limited,
      maxInFlightPerMailbox: stats.maxInFlightPerMailbox,
      'wall ms': Math.round(ms),
    });
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
