/**
 * Retention as a job in the persisted job table: one job per London day (`retention|<date>`),
 * due at 02:00, so a day's run happens once however many replicas or restarts there are. A
 * second daily job (`audit-notices|<date>`, 09:00) tries again to tell supervisees whose
 * audit notice is still pending.
 * The job has its own table file: the bot's runner claims every due job in its table and
 * would fail a kind it has no handler for.
 */
import { z } from 'zod';
import { isCivilDate } from '../calendar/civil.js';
import { instantToLondon, londonToInstant } from '../calendar/london.js';
import { runDueJobs, type JobHandler, type Planner, type RunReport } from '../jobs/runner.js';
import { jobKey, type SqliteJobStore } from '../jobs/store.js';
import { silentLogger, type Logger } from '../logger.js';
import { retryNotices, runRetention, type GovernanceDeps } from './service.js';

export const retentionJobKind = 'retention';
export const noticesJobKind = 'audit-notices';
const runAt = '02:00';
const noticesAt = '09:00';

/** Today's retention run and notice retry (past ones were planned on their own day). */
export const retentionPlanner: Planner = async (asOf) => {
  const date = instantToLondon(asOf.getTime()).date;
  return [
    { key: jobKey(retentionJobKind, date), kind: retentionJobKind, dueAt: londonToInstant(date, runAt), payload: { asOf: date } },
    { key: jobKey(noticesJobKind, date), kind: noticesJobKind, dueAt: londonToInstant(date, noticesAt), payload: { asOf: date } },
  ];
};

/** Sends the audit notices still owed, sample by sample; each one sent is recorded at once. */
export function noticesHandler(deps: GovernanceDeps): JobHandler {
  return async (_job, context) => {
    if (!deps.notify) return { status: 'skipped', reason: 'no-bot' };
    const owed = deps.store.samples.list(deps.pack.id).filter((s) => s.sample.notices.some((n) => n.status === 'pending'));
    if (owed.length === 0) return { status: 'skipped', reason: 'none-pending' };
    await context.send(async () => {
      for (const found of owed) await retryNotices(deps, found);
    });
    return { status: 'done' };
  };
}

const payloadSchema = z.object({ asOf: z.string().refine(isCivilDate) });

export function retentionHandler(deps: GovernanceDeps, logger: Logger = silentLogger): JobHandler {
  return async (job, context) => {
    const payload = payloadSchema.safeParse(job.payload);
    if (!payload.success) return { status: 'skipped', reason: 'bad-payload' };
    // Deleting is the job's side effect: done only while this runner holds the lease.
    const run = await context.send(() => runRetention(deps, { asOf: payload.data.asOf, dryRun: false }));
    // Counts only: the report names records, and logs never do.
    logger.info('retention.run', { asOf: payload.data.asOf, due: run.report.due.length, deleted: run.deleted, skipped: run.skipped });
    return { status: 'done' };
  };
}

export function runGovernanceJobs(deps: GovernanceDeps, store: SqliteJobStore, asOf: Date, options: { logger?: Logger; owner?: string } = {}): Promise<RunReport> {
  return runDueJobs(asOf, {
    store,
    handlers: { [retentionJobKind]: retentionHandler(deps, options.logger), [noticesJobKind]: noticesHandler(deps) },
    planners: [retentionPlanner],
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  });
}

export interface GovernanceScheduler {
  /** Runs what is due now (joins a run already under way). */
  runNow(): Promise<RunReport | undefined>;
  /** Stops the timer and waits for a run under way, so the store can be closed after. */
  stop(): Promise<void>;
}

/** Checks hourly; the daily job key makes every check after the day's run a no-op. */
export function scheduleGovernanceJobs(deps: GovernanceDeps, store: SqliteJobStore, logger: Logger, everyMs = 60 * 60_000): GovernanceScheduler {
  let running: Promise<RunReport | undefined> | undefined;
  const runNow = (): Promise<RunReport | undefined> => {
    running ??= runGovernanceJobs(deps, store, deps.now(), { logger })
      .catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        logger.error('governance.jobs.failed', { code: typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown' });
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), everyMs);
  // A background check must never keep the process alive on its own.
  timer.unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
