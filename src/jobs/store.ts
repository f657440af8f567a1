/**
 * The persisted job table behind prep prompts, reminders, sign-off chasers and circle timers.
 *
 * Every job has a deterministic key (what it sends, to whom, for which occurrence), so
 * planning the same work twice inserts nothing. A job moves pending → running (leased by
 * one runner) → sending (the side effect is about to happen) → done/skipped. Only pending
 * jobs, and running ones whose lease expired before they sent anything, can be claimed; a
 * job found in `sending` after its lease expired belongs to a runner that crashed mid-send
 * and is abandoned, never retried: a prompt sent twice is worse than one lost and logged.
 *
 * SQLite (WAL) serialises writers across processes sharing the file, so two server
 * instances on one data directory never claim the same job.
 */
import Database from 'better-sqlite3';
import { SupervisionError } from '../errors.js';

export type JobStatus = 'pending' | 'running' | 'sending' | 'done' | 'skipped' | 'failed' | 'abandoned';

export interface JobSpec {
  /** Deterministic identity of the work, e.g. `prep-prompt:<occurrence>@<date>`. */
  key: string;
  kind: string;
  /** When the job becomes due (epoch ms, compared with the run's as-of time). */
  dueAt: number;
  payload: Record<string, unknown>;
}

export interface Job extends JobSpec {
  status: JobStatus;
  attempts: number;
  leaseOwner: string | null;
  /** Wall-clock expiry of the lease (epoch ms). */
  leaseUntil: number | null;
  /** Why the job was skipped, failed or abandoned (a code, never personal data). */
  note: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** The as-of time of the run that finished the job (driven time, unlike finishedAt). */
  ranAsOf: number | null;
}

interface Row {
  key: string;
  kind: string;
  due_at: number;
  payload: string;
  status: JobStatus;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  note: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  ran_as_of: number | null;
}

function toJob(row: Row): Job {
  return {
    key: row.key,
    kind: row.kind,
    dueAt: row.due_at,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    status: row.status,
    attempts: row.attempts,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    note: row.note,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    ranAsOf: row.ran_as_of,
  };
}

export interface JobStoreOptions {
  /** Wall clock for leases; leases never follow a driven as-of time. */
  clock?: () => number;
}

export class SqliteJobStore {
  private readonly db: Database.Database;
  private readonly clock: () => number;

  constructor(file: string, options: JobStoreOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until INTEGER,
        note TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER,
        ran_as_of INTEGER
      );
      CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, due_at);
    `);
  }

  now(): number {
    return this.clock();
  }

  /** Inserts the jobs not already known by key; returns how many were new. */
  enqueue(specs: readonly JobSpec[]): number {
    if (specs.length === 0) return 0;
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO jobs (key, kind, due_at, payload, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
    );
    const now = this.clock();
    const run = this.db.transaction((items: readonly JobSpec[]) => {
      let added = 0;
      for (const spec of items) added += insert.run(spec.key, spec.kind, Math.round(spec.dueAt), JSON.stringify(spec.payload), now, now).changes;
      return added;
    });
    return run.immediate(specs);
  }

  /**
   * Leases up to `limit` due jobs to `owner`. Atomic across processes: the select and the
   * update happen in one IMMEDIATE transaction, so no other writer can interleave.
   */
  claim(owner: string, asOf: number, leaseMs: number, limit: number): Job[] {
    const now = this.clock();
    const select = this.db.prepare(
      `SELECT * FROM jobs WHERE due_at <= ? AND (status = 'pending' OR (status = 'running' AND lease_until < ?)) ORDER BY due_at, key LIMIT ?`,
    );
    const lease = this.db.prepare(`UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE key = ?`);
    const run = this.db.transaction(() => {
      const rows = select.all(Math.round(asOf), now, limit) as Row[];
      for (const row of rows) lease.run(owner, now + leaseMs, now, row.key);
      return rows.map((row) => ({ ...toJob(row), status: 'running' as const, leaseOwner: owner, leaseUntil: now + leaseMs, attempts: row.attempts + 1 }));
    });
    return run.immediate();
  }

  /**
   * The point of no return: true when this owner still holds the lease and the job is now
   * marked as sending; false when the lease was lost (another runner may own it), in which
   * case the caller must not send.
   */
  beginSend(key: string, owner: string, leaseMs: number): boolean {
    const now = this.clock();
    const result = this.db
      .prepare(`UPDATE jobs SET status = 'sending', lease_until = ?, updated_at = ? WHERE key = ? AND lease_owner = ? AND status = 'running' AND lease_until >= ?`)
      .run(now + leaseMs, now, key, owner, now);
    return result.changes === 1;
  }

  /** Finishes a job this owner holds. */
  finish(key: string, owner: string, status: 'done' | 'skipped' | 'failed', note?: string, asOf?: number): void {
    const now = this.clock();
    this.db
      .prepare(`UPDATE jobs SET status = ?, note = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ?, ran_as_of = ? WHERE key = ? AND lease_owner = ?`)
      .run(status, note ?? null, now, now, asOf === undefined ? null : Math.round(asOf), key, owner);
  }

  /** Puts a job back to pending for a later attempt: only when nothing was delivered. */
  retryAt(key: string, owner: string, dueAt: number, note: string): void {
    const now = this.clock();
    this.db
      .prepare(`UPDATE jobs SET status = 'pending', due_at = ?, note = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE key = ? AND lease_owner = ?`)
      .run(Math.round(dueAt), note, now, key, owner);
  }

  /**
   * Jobs left in `sending` by a runner whose lease ran out (it crashed or hung mid-send) are
   * abandoned: whether the message went out is unknown, and sending at most once wins.
   */
  abandonStale(): Job[] {
    const now = this.clock();
    const run = this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT * FROM jobs WHERE status = 'sending' AND lease_until < ?`).all(now) as Row[];
      const update = this.db.prepare(`UPDATE jobs SET status = 'abandoned', note = 'lease-expired-while-sending', lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ? WHERE key = ? AND status = 'sending'`);
      for (const row of rows) update.run(now, now, row.key);
      return rows.map(toJob);
    });
    return run.immediate();
  }

  /** Makes a pending job due now (e.g. the presenter moves a circle on before its timer). */
  bringForward(key: string, dueAt: number): boolean {
    const now = this.clock();
    return this.db.prepare(`UPDATE jobs SET due_at = ?, updated_at = ? WHERE key = ? AND status = 'pending' AND due_at > ?`).run(Math.round(dueAt), now, key, Math.round(dueAt)).changes === 1;
  }

  get(key: string): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE key = ?').get(key) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  list(filter: { kind?: string; status?: JobStatus; keyPrefix?: string } = {}): Job[] {
    const where: string[] = [];
    const values: (string | number)[] = [];
    if (filter.kind) {
      where.push('kind = ?');
      values.push(filter.kind);
    }
    if (filter.status) {
      where.push('status = ?');
      values.push(filter.status);
    }
    if (filter.keyPrefix) {
      where.push('substr(key, 1, ?) = ?');
      values.push(filter.keyPrefix.length, filter.keyPrefix);
    }
    const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY due_at, key`;
    return (this.db.prepare(sql).all(...values) as Row[]).map(toJob);
  }

  /** Earliest due time of a pending job, for an in-process scheduler's next wake-up. */
  nextDue(): number | undefined {
    const row = this.db.prepare(`SELECT MIN(due_at) AS due FROM jobs WHERE status = 'pending'`).get() as { due: number | null };
    return row.due ?? undefined;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** A job key from its parts; parts may not contain the separator so keys stay unambiguous. */
export function jobKey(kind: string, ...parts: readonly string[]): string {
  for (const part of parts) {
    if (part.includes('|')) throw new SupervisionError('INVALID_INPUT', `job key part "${part}" contains "|"`, { field: 'key' });
  }
  return [kind, ...parts].join('|');
}
