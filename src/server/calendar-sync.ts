import type { Logger } from '../logger.js';
import { rollingWindow, syncCalendars, type SyncDeps, type SyncReport } from '../sync/index.js';
import type { PeopleDirectory } from './services.js';

export interface CalendarSyncTimer {
  /** One sync round now (skipped, returning undefined, while another round runs). */
  runNow(): Promise<SyncReport | undefined>;
  stop(): void;
}

/**
 * Runs the calendar change sync on a timer. Sync is safe to repeat (one Cancellation per
 * occurrence whatever the number of rounds), so a plain interval suits it better than the
 * at-most-once job table. Supervisors are everyone in the directory who manages someone.
 */
export function scheduleCalendarSync(deps: SyncDeps, directory: PeopleDirectory, logger: Logger, everyMs = 15 * 60_000): CalendarSyncTimer {
  let running = false;
  const runNow = async (): Promise<SyncReport | undefined> => {
    if (running) return undefined;
    running = true;
    try {
      const people = await directory.everyone();
      const supervisors = [...new Set(people.map((p) => p.managerId).filter((id): id is string => id !== null))];
      const report = await syncCalendars(deps, { supervisors, window: rollingWindow(deps.now()) });
      logger.info('calendar.sync', { mailboxes: report.mailboxes.length, failed: report.failed.length });
      return report;
    } catch (error) {
      logger.warn('calendar.sync.failed', { error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void runNow(), everyMs);
  // A background round must never keep the process alive on its own.
  timer.unref();
  return { runNow, stop: () => clearInterval(timer) };
}
