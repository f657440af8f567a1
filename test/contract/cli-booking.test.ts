/**
 * The acceptance path through the real binaries: the app started as `npm start` does
 * (embedded Graph service, seeded organisation), then `supervision provision` and
 * `supervision book` in child processes against it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOrganisation } from '../../src/demo/organisation.js';
import { createLogger } from '../../src/logger.js';
import { getPack } from '../../src/policy/packs.js';
import { plan } from '../../src/schedule/plan.js';
import { startServer, type RunningServer } from '../../src/server/bootstrap.js';
import { loadConfig } from '../../src/server/config.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'supervision.js');
let dataDir: string;
let server: RunningServer;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, PORT: String(server.port), TENANT_ID: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cli-booking-'));
  const config = loadConfig({ PORT: '0', SUPERVISION_DATA_DIR: dataDir, LOG_LEVEL: 'error' });
  server = await startServer(config, createLogger({ level: 'error', sink: () => {} }));
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('supervision provision and book against the running local app', () => {
  const org = demoOrganisation(getPack('dudley'), '2027-01-04');
  const manager = org.users.find((u) => u.jobTitle === 'Team Manager')!;
  const supervisee = org.users.find((u) => u.managerId === manager.id)!;
  const args = ['book', '--org', 'dudley', '--role', 'asye', '--supervisor', manager.userPrincipalName, '--supervisee', supervisee.userPrincipalName, '--start', '2027-01-04', '--time', '10:00', '--weekday', 'tue', '--json'];

  it('provision is safe to re-run: every list already exists after the first start', async () => {
    const { code, stdout } = await cli('provision', '--json');
    expect(code).toBe(0);
    const lists = (JSON.parse(stdout) as { lists: { list: string; created: boolean; addedColumns: string[] }[] }).lists;
    expect(lists.map((l) => l.list)).toContain('SupervisionSchedule');
    expect(lists.every((l) => !l.created && l.addedColumns.length === 0)).toBe(true);
  });

  it('books the phased plan, and booking again changes nothing', async () => {
    const first = await cli(...args);
    expect(first.code, first.stderr).toBe(0);
    const booked = JSON.parse(first.stdout) as { series: { id: string; pattern: { type: string } }[]; occurrences: number; unchanged: boolean };
    expect(booked.unchanged).toBe(false);
    expect(booked.occurrences).toBe(plan(getPack('dudley'), 'asye', '2027-01-04', { weekday: 'tue', time: '10:00' }).sessions.length);
    const created = server.localGraph!.stats().eventsCreated;

    const second = await cli(...args);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { unchanged: boolean }).unchanged).toBe(true);
    expect(server.localGraph!.stats().eventsCreated).toBe(created);
  });

  it('names an unknown supervisee and exits non-zero without booking', async () => {
    const { code, stderr } = await cli('book', '--org', 'dudley', '--role', 'asye', '--supervisor', manager.userPrincipalName, '--supervisee', 'nobody@wrenfield.example', '--start', '2027-01-04');
    expect(code).toBe(2);
    expect(stderr).toMatch(/nobody@wrenfield\.example/);
  });
});
