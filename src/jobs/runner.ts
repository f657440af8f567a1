/**
 * Runs what is due once: plan (turn current records and calendars into job keys), abandon
 * sends interrupted by a crash, then claim and execute due jobs under a lease. The in-process
 * scheduler and `supervision prompts --as-of` both call `runDueJobs`, so tests and operators
 * drive time the same way the server does.
 */
import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '../logger.js';
import type { Job, JobSpec, SqliteJobStore } from './store.js';

/** Finds the work that should exist as of a time; returning known keys again is harmless. */
export type Planner = (asOf: Date) => Promise<JobSpec[]>;

export interface JobContext {
  asOf: Date;
  /**
   * Performs the job's one external side effect (a message). Runs `effect` only if this
   * runner still holds the lease, after recording that the send has begun.
   */
  send<T>(effect: () => Promise<T>): Promise<T>;
  /** Adds follow-up jobs (e.g. the next circle stage). */
  enqueue(specs: readonly JobSpec[]): void;
}

export type JobOutcome = { status: 'done' } | { status: 'skipped'; reason: string };

export type JobHandler = (job: Job, context: JobContext) => Promise<JobOutcome>;

/** Thrown by a send that certainly delivered nothing (429, 503, connection refused): safe to retry. */
export class UndeliveredError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UndeliveredError';
  }
}

/** The lease was taken over by another runner before the send: this runner must leave the job. */
class LeaseLost extends Error {
  constructor() {
    super('lease lost');
    this.name = 'LeaseLost';
  }
}

export interface RunOptions {
  store: SqliteJobStore;
  handlers: Readonly<Record<string, JobHandler>>;
  planners?: readonly Planner[];
  /** Skip planning (a timer tick between planning runs). */
  plan?: boolean;
  owner?: string;
  leaseMs?: number;
  /** Jobs executed at once. */
  concurrency?: number;
  maxAttempts?: number;
  logger?: Logger;
}

export interface RunReport {
  planned: number;
  abandoned: number;
  done: number;
  skipped: number;
  retried: number;
  failed: number;
  /** Outcome per job key, for the CLI and tests. */
  outcomes: { key: string; kind: string; status: 'done' | 'skipped' | 'retry' | 'failed' | 'lease-lost'; reason?: string }[];
}

function backoffMs(attempts: number): number {
  const base = Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  // Jitter spreads retries of many jobs that failed together (a connector outage).
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export async function runDueJobs(asOf: Date, options: RunOptions): Promise<RunReport> {
  const { store, handlers } = options;
  const logger = options.logger ?? silentLogger;
  const owner = options.owner ?? `runner-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 120_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAttempts = options.maxAttempts ?? 5;
  const report: RunReport = { planned: 0, abandoned: 0, done: 0, skipped: 0, retried: 0, failed: 0, outcomes: [] };

  for (const job of store.abandonStale()) {
    report.abandoned++;
    logger.warn('jobs.abandoned', { key: job.key, kind: job.kind });
  }

  if (options.plan !== false) {
    for (const planner of options.planners ?? []) {
      try {
        report.planned += store.enqueue(await planner(asOf));
      } catch (error) {
        // One planner failing (e.g. Graph unavailable) must not stop due jobs from running.
        logger.error('jobs.plan-failed', { error: error instanceof Error ? error.name : 'unknown', code: codeOf(error) });
      }
    }
  }

  const execute = async (job: Job): Promise<void> => {
    const handler = handlers[job.kind];
    if (!handler) {
      store.finish(job.key, owner, 'failed', 'no-handler');
      report.failed++;
      report.outcomes.push({ key: job.key, kind: job.kind, status: 'failed', reason: 'no-handler' });
      return;
    }
    let sending = false;
    const followUps: JobSpec[] = [];
    const context: JobContext = {
      asOf,
      async send<T>(effect: () => Promise<T>): Promise<T> {
        if (!store.beginSend(job.key, owner, leaseMs)) throw new LeaseLost();
        sending = true;
        return effect();
      },
      enqueue(specs) {
        followUps.push(...specs);
      },
    };
    try {
      const outcome = await handler(job, context);
      store.enqueue(followUps);
      if (outcome.status === 'done') {
        store.finish(job.key, owner, 'done', undefined, asOf.getTime());
        report.done++;
        report.outcomes.push({ key: job.key, kind: job.kind, status: 'done' });
      } else {
        store.finish(job.key, owner, 'skipped', outcome.reason, asOf.getTime());
        report.skipped++;
        report.outcomes.push({ key: job.key, kind: job.kind, status: 'skipped', reason: outcome.reason });
      }
    } catch (error) {
      if (error instanceof LeaseLost) {
        report.outcomes.push({ key: job.key, kind: job.kind, status: 'lease-lost' });
        return;
      }
      const undelivered = error instanceof UndeliveredError;
      // After the send began, only a send known to have delivered nothing may be retried.
      const retryable = !sending || undelivered;
      const code = codeOf(error);
      if (retryable && job.attempts < maxAttempts) {
        const wait = undelivered && error.retryAfterMs !== undefined ? error.retryAfterMs : backoffMs(job.attempts);
        store.retryAt(job.key, owner, asOf.getTime() + wait, code);
        report.retried++;
        report.outcomes.push({ key: job.key, kind: job.kind, status: 'retry', reason: code });
        logger.warn('jobs.retry', { key: job.key, kind: job.kind, attempts: job.attempts, code });
      } else {
        store.finish(job.key, owner, 'failed', code, asOf.getTime());
        report.failed++;
        report.outcomes.push({ key: job.key, kind: job.kind, status: 'failed', reason: code });
        logger.error('jobs.failed', { key: job.key, kind: job.kind, attempts: job.attempts, code, afterSendBegan: sending });
      }
    }
  };

  // Claim in small batches so a slow batch does not hold many leases at once.
  for (let guard = 0; guard < 10_000; guard++) {
    const batch = store.claim(owner, asOf.getTime(), leaseMs, concurrency);
    if (batch.length === 0) break;
    await Promise.all(batch.map(execute));
  }
  return report;
}

function codeOf(error: unknown): string {
  if (error instanceof UndeliveredError) return error.code;
  if (error && typeof error === 'object') {
    const record = error as { code?: unknown; status?: unknown; name?: unknown };
    if (typeof record.code === 'string') return record.code;
    if (typeof record.status === 'number') return `http-${record.status}`;
    if (typeof record.name === 'string') return record.name;
  }
  return 'unknown';
}
