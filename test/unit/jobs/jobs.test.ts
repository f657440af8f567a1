/**
 * The job table's promises: deterministic keys plan work once; a lease lets one runner send;
 * two runners (in one process over two connections, and in two processes) send each job
 * once; a crash mid-send is never resent; only sends known not to have been delivered retry.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs, UndeliveredError, type JobHandler } from '../../../src/jobs/runner.js';
import { jobKey, SqliteJobStore, type JobSpec } from '../../../src/jobs/store.js';

const run = promisify(execFile);
let dir: string;
let file: string;
const open: SqliteJobStore[] = [];

function store(clock?: () => number): SqliteJobStore {
  const s = new SqliteJobStore(file, clock ? { clock } : {});
  open.push(s);
  return s;
}

const t0 = Date.parse('2026-03-02T09:00:00Z');
const spec = (n: number, dueAt = t0): JobSpec => ({ key: jobKey('send', `item-${n}`), kind: 'send', dueAt, payload: { n } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jobs-'));
  file = join(dir, 'jobs.sqlite');
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('job store', () => {
  it('plans each key once', () => {
    const s = store();
    expect(s.enqueue([spec(1), spec(2)])).toBe(2);
    expect(s.enqueue([spec(1), spec(2), spec(3)])).toBe(1);
    expect(s.list().map((j) => j.key)).toEqual(['send|item-1', 'send|item-2', 'send|item-3']);
    expect(() => jobKey('send', 'a|b')).toThrow(/contains/);
  });

  it('leases due jobs only, to one owner at a time, and lets the owner send only while it holds the lease', () => {
    let now = t0;
    const a = store(() => now);
    const b = store(() => now);
    a.enqueue([spec(1), spec(2, t0 + 60_000)]);
    const claimed = a.claim('a', t0, 1000, 10);
    expect(claimed.map((j) => j.key)).toEqual(['send|item-1']);
    expect(b.claim('b', t0, 1000, 10)).toEqual([]);
    // The lease runs out before a sends: b takes the job over and a may no longer send.
    now += 1500;
    expect(b.claim('b', t0, 1000, 10).map((j) => j.key)).toEqual(['send|item-1']);
    expect(a.beginSend('send|item-1', 'a', 1000)).toBe(false);
    expect(b.beginSend('send|item-1', 'b', 1000)).toBe(true);
    b.finish('send|item-1', 'b', 'done', undefined, t0);
    expect(a.get('send|item-1')).toMatchObject({ status: 'done', attempts: 2, ranAsOf: t0 });
  });

  it('abandons a send interrupted by a crash instead of sending it again', () => {
    let now = t0;
    const s = store(() => now);
    s.enqueue([spec(1)]);
    s.claim('crashed', t0, 1000, 10);
    expect(s.beginSend('send|item-1', 'crashed', 1000)).toBe(true);
    now += 500;
    expect(s.abandonStale()).toEqual([]);
    now += 1000;
    expect(s.abandonStale().map((j) => j.key)).toEqual(['send|item-1']);
    expect(s.claim('next', t0 + 10_000, 1000, 10)).toEqual([]);
    expect(s.get('send|item-1')).toMatchObject({ status: 'abandoned', note: 'lease-expired-while-sending' });
  });

  it('brings a pending job forward', () => {
    const s = store();
    s.enqueue([spec(1, t0 + 600_000)]);
    expect(s.claim('a', t0, 1000, 10)).toEqual([]);
    expect(s.bringForward('send|item-1', t0)).toBe(true);
    expect(s.claim('a', t0, 1000, 10)).toHaveLength(1);
    expect(s.bringForward('send|item-1', t0 - 1000)).toBe(false);
  });
});

describe('runDueJobs', () => {
  it('with two runners at once sends every job exactly once', async () => {
    const sent: string[] = [];
    const handler: JobHandler = async (job, context) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      await context.send(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        sent.push(job.key);
      });
      return { status: 'done' };
    };
    const specs = Array.from({ length: 60 }, (_, i) => spec(i));
    const [a, b] = [store(), store()];
    const planner = async () => specs;
    const [ra, rb] = await Promise.all([
      runDueJobs(new Date(t0), { store: a, owner: 'a', handlers: { send: handler }, planners: [planner], concurrency: 4 }),
      runDueJobs(new Date(t0), { store: b, owner: 'b', handlers: { send: handler }, planners: [planner], concurrency: 4 }),
    ]);
    expect(sent).toHaveLength(60);
    expect(new Set(sent).size).toBe(60);
    expect(ra.done + rb.done).toBe(60);
    expect(ra.planned + rb.planned).toBe(60);
    // Both took part.
    expect(ra.done).toBeGreaterThan(0);
    expect(rb.done).toBeGreaterThan(0);
  });

  it('with two server processes on one job table sends every job exactly once', async () => {
    const s = store();
    s.enqueue(Array.from({ length: 80 }, (_, i) => spec(i)));
    const log = join(dir, 'sent.log');
    writeFileSync(log, '');
    const script = join(import.meta.dirname, 'fixtures', 'runner-process.ts');
    const runner = (owner: string) => run(process.execPath, ['--import', 'tsx', script, file, log, owner, new Date(t0).toISOString()], { cwd: process.cwd() });
    await Promise.all([runner('one'), runner('two')]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const keys = lines.map((l) => l.split(' ')[1]);
    expect(keys).toHaveLength(80);
    expect(new Set(keys).size).toBe(80);
  }, 60_000);

  it('skips, retries only what was not delivered, and never resends after the send began', async () => {
    const s = store();
    s.enqueue([
      { key: 'k|skip', kind: 'skip', dueAt: t0, payload: {} },
      { key: 'k|throttled', kind: 'throttled', dueAt: t0, payload: {} },
      { key: 'k|before', kind: 'before', dueAt: t0, payload: {} },
      { key: 'k|during', kind: 'during', dueAt: t0, payload: {} },
      { key: 'k|unknown', kind: 'nobody-handles-this', dueAt: t0, payload: {} },
    ]);
    let throttledCalls = 0;
    const handlers: Record<string, JobHandler> = {
      skip: async () => ({ status: 'skipped', reason: 'answered' }),
      throttled: async (_job, context) => {
        throttledCalls++;
        await context.send(async () => {
          if (throttledCalls === 1) throw new UndeliveredError('429', 5_000, 'http-429');
        });
        return { status: 'done' };
      },
      before: async () => {
        throw Object.assign(new Error('graph down'), { code: 'UPSTREAM' });
      },
      during: async (_job, context) => {
        await context.send(async () => {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET_AFTER_WRITE' });
        });
        return { status: 'done' };
      },
    };
    const first = await runDueJobs(new Date(t0), { store: s, handlers, owner: 'r' });
    expect(first.outcomes).toEqual(
      expect.arrayContaining([
        { key: 'k|skip', kind: 'skip', status: 'skipped', reason: 'answered' },
        { key: 'k|throttled', kind: 'throttled', status: 'retry', reason: 'http-429' },
        { key: 'k|before', kind: 'before', status: 'retry', reason: 'UPSTREAM' },
        { key: 'k|during', kind: 'during', status: 'failed', reason: 'ECONNRESET_AFTER_WRITE' },
        { key: 'k|unknown', kind: 'nobody-handles-this', status: 'failed', reason: 'no-handler' },
      ]),
    );
    expect(s.get('k|throttled')).toMatchObject({ status: 'pending', dueAt: t0 + 5_000 });
    const second = await runDueJobs(new Date(t0 + 5_000), { store: s, handlers, owner: 'r' });
    expect(second.outcomes).toEqual([{ key: 'k|throttled', kind: 'throttled', status: 'done' }]);
    expect(s.get('k|during')?.status).toBe('failed');
  });

  it('gives up after the maximum attempts', async () => {
    const s = store();
    s.enqueue([{ key: 'k|flaky', kind: 'flaky', dueAt: t0, payload: {} }]);
    const handlers: Record<string, JobHandler> = {
      flaky: async () => {
        throw Object.assign(new Error('down'), { code: 'UPSTREAM' });
      },
    };
    let asOf = t0;
    for (let i = 0; i < 3; i++) {
      await runDueJobs(new Date(asOf), { store: s, handlers, owner: 'r', maxAttempts: 3 });
      asOf += 3_600_000;
    }
    expect(s.get('k|flaky')).toMatchObject({ status: 'failed', attempts: 3, note: 'UPSTREAM' });
  });

  it('keeps running due jobs when a planner fails', async () => {
    const s = store();
    s.enqueue([spec(1)]);
    const report = await runDueJobs(new Date(t0), {
      store: s,
      owner: 'r',
      planners: [
        async () => {
          throw new Error('calendar unavailable');
        },
      ],
      handlers: { send: async () => ({ status: 'done' }) },
    });
    expect(report.done).toBe(1);
  });
});
