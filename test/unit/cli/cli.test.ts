/**
 * The `supervision` CLI through its real entry point (bin/supervision.js in a child process),
 * as someone would run it after `npm install`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'supervision.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('supervision CLI', () => {
  it('lists the five bundled packs', async () => {
    const { code, stdout } = await cli('policies', '--json');
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as { packs: { id: string }[] }).packs.map((p) => p.id).sort();
    expect(ids).toEqual(['birmingham', 'bristol', 'dudley', 'northumberland', 'shropshire']);
  });

  it('validates every bundled pack with exit 0', async () => {
    const { code, stdout } = await cli('policies', 'validate');
    expect(code).toBe(0);
    expect(stdout.match(/: valid/g)).toHaveLength(5);
  });

  it('rejects a broken pack file with exit 1 and the JSON path of the issue', async () => {
    const { code, stdout } = await cli('policies', 'validate', 'test/fixtures/broken-pack.json');
    expect(code).toBe(1);
    expect(stdout).toMatch(/roles/);
  });

  it('prints the roles of an organisation with a cadence summary', async () => {
    const { code, stdout } = await cli('roles', '--org', 'dudley', '--json');
    expect(code).toBe(0);
    const roles = (JSON.parse(stdout) as { roles: { id: string; streams: { cadence: string }[] }[] }).roles;
    expect(roles.find((r) => r.id === 'asye')?.streams[0]?.cadence).toMatch(/every week to 6 weeks, then every 2 weeks to 6 months/);
  });

  it('plans Dudley ASYE as JSON in the documented shape', async () => {
    const { code, stdout } = await cli('plan', '--org', 'dudley', '--role', 'asye', '--start', '2027-01-04', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { org: string; role: string; sessions: Record<string, unknown>[]; warnings: unknown[] };
    expect(result.org).toBe('dudley');
    expect(result.role).toBe('asye');
    expect(result.sessions[0]).toMatchObject({ date: '2027-01-05', start: '2027-01-05T10:00', kind: 'individual', phase: expect.any(String), durationMinutes: expect.any(Number), source: expect.any(Object) });
    expect(Array.isArray(result.warnings)).toBe(true);
  });

  it('prints a readable table with the source of each phase', async () => {
    const { code, stdout } = await cli('plan', '--org', 'shropshire', '--role', 'asye', '--start', '2027-01-04', '--weekday', 'wed', '--time', '14:00');
    expect(code).toBe(0);
    expect(stdout).toContain('2027-01-06');
    expect(stdout).toContain('14:00');
    expect(stdout).toMatch(/003_52ef4a51cad750b1\.txt/);
  });

  it.each([
    [['plan', '--org', 'leeds', '--role', 'asye', '--start', '2027-01-04'], /leeds.*birmingham/],
    [['plan', '--org', 'dudley', '--role', 'wizard', '--start', '2027-01-04'], /wizard.*asye/],
    [['plan', '--org', 'dudley', '--role', 'asye', '--start', '2027-02-30'], /2027-02-30/],
    [['plan', '--org', 'dudley', '--role', 'asye', '--start', '2027-01-04', '--until', '2026-12-01'], /until/],
    [['plan', '--org', 'dudley', '--role', 'asye', '--start', '2027-01-04', '--weekday', 'sat'], /sat.*mon/],
  ])('bad input %j exits 2 with one line naming the bad value', async (args, message) => {
    const { code, stderr, stdout } = await cli(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
