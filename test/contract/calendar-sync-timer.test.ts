/**
 * The running app follows Outlook: a supervision occurrence cancelled in the supervisor's
 * calendar becomes a Cancellation (with no reason yet) after a sync round, once only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../src/booking/booking.js';
import { demoOrganisation } from '../../src/demo/organisation.js';
import { GraphCalendar, createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { createLogger } from '../../src/logger.js';
import { getPack } from '../../src/policy/packs.js';
import { startServer, type RunningServer } from '../../src/server/bootstrap.js';
import { loadConfig } from '../../src/server/config.js';

let dataDir: string;
let server: RunningServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sync-timer-'));
  server = await startServer(loadConfig({ PORT: '0', SUPERVISION_DATA_DIR: dataDir, LOG_LEVEL: 'error' }), createLogger({ level: 'error', sink: () => {} }));
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('calendar sync in the running app', () => {
  it('records an occurrence cancelled in Outlook as one Cancellation', async () => {
    const org = demoOrganisation(getPack('dudley'), '2027-01-04');
    const manager = org.users.find((u) => u.jobTitle === 'Team Manager')!;
    const supervisee = org.users.find((u) => u.managerId === manager.id)!;
    const start = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const booked = await book(server.services, { org: 'dudley', role: 'social-worker', supervisor: manager.id, supervisee: supervisee.id, start, time: '11:00', bookedBy: manager.id, appUrl: server.url });
    await server.calendarSync.runNow();

    const calendar = new GraphCalendar(createGraphClient({ baseUrl: `http://127.0.0.1:${server.port}/graph/v1.0`, auth: localDevAuth(manager.id) }));
    const series = booked.series[0]!;
    const occurrences = await calendar.listInstances(manager.id, series.id, new Date(`${start}T00:00:00Z`), new Date(Date.now() + 200 * 86_400_000));
    await calendar.cancelEvent(manager.id, occurrences[1]!.id, 'Court hearing');

    await server.calendarSync.runNow();
    await server.calendarSync.runNow();
    const cancellations = await server.services.records.where('cancellations', 'superviseeId', supervisee.id);
    expect(cancellations).toHaveLength(1);
    expect(cancellations[0]?.record.origin).toBe('outlook-cancelled');
    expect(cancellations[0]?.record.reason).toBeUndefined();
  });
});
