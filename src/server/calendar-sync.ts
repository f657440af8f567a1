import type { Logger } from '../logger.js';
import { rollingWindow, syncCalendars, type SyncDeps, type SyncReport } from '../sync/index.js';
import type { EnsureReport, SubscriptionManager } from '../sync/subscriptions.js';
import type { PeopleDirectory } from './services.js';

export interface CalendarSyncTimer {
  /** One sync round over every supervisor now (joins a full round already waiting to run). */
  runNow(): Promise<SyncReport | undefined>;
  /**
   * A round for one mailbox soon (a change notification arrived). Requests for a mailbox
   * already waiting are merged, so a burst of notifications costs one delta round.
   */
  requestSync(mailbox: string): void;
  /** Resolves once nothing is waiting or running. */
  settled(): Promise<void>;
  stop(): void;
}

export interface CalendarSyncOptions {
  everyMs?: number;
  /** How long a notified mailbox waits for further notifications before its round. */
  debounceMs?: number;
}

async function supervisorsOf(directory: PeopleDirectory): Promise<string[]> {
  const people = await directory.everyone();
  return [...new Set(people.map((p) => p.managerId).filter((id): id is string => id !== null))];
}

/**
 * Runs the calendar change sync on a timer (the backstop) and on request (notifications).
 * Sync is safe to repeat (one Cancellation per occurrence whatever the number of rounds), so
 * a plain interval suits it better than the at-most-once job table. Rounds run one at a time
 * in this process: two rounds of one mailbox must not record the same change at once.
 * Supervisors are everyone in the directory who manages someone.
 */
export function scheduleCalendarSync(deps: SyncDeps, directory: PeopleDirectory, logger: Logger, options: CalendarSyncOptions | number = {}): CalendarSyncTimer {
  const { everyMs = 15 * 60_000, debounceMs = 250 } = typeof options === 'number' ? { everyMs: options } : options;
  let chain: Promise<unknown> = Promise.resolve();
  let fullRound: Promise<SyncReport | undefined> | undefined;
  const waiting = new Map<string, Promise<void>>();
  /** Debounce timers, each with what ends its wait early (stop). */
  const timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  let stopped = false;

  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.catch(() => undefined).then(work);
    chain = next;
    return next;
  };

  const round = async (supervisors: readonly string[], what: string): Promise<SyncReport | undefined> => {
    try {
      const report = await syncCalendars(deps, { supervisors, window: rollingWindow(deps.now()) });
      logger.info('calendar.sync', { trigger: what, mailboxes: report.mailboxes.length, failed: report.failed.length });
      return report;
    } catch (error) {
      logger.warn('calendar.sync.failed', { trigger: what, error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
  };

  const runNow = (): Promise<SyncReport | undefined> => {
    fullRound ??= enqueue(async () => {
      fullRound = undefined;
      return round(await supervisorsOf(directory), 'timer');
    });
    return fullRound;
  };

  const requestSync = (mailbox: string): void => {
    if (waiting.has(mailbox) || stopped) return;
    const started = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, debounceMs);
      timer.unref();
      timers.set(timer, resolve);
    }).then(() =>
      enqueue(async () => {
        // Leaves the waiting set as it starts: a notification during the round asks for another.
        waiting.delete(mailbox);
        if (!stopped) await round([mailbox], 'notification');
      }),
    );
    waiting.set(mailbox, started);
  };

  const interval = setInterval(() => void runNow(), everyMs);
  // A background round must never keep the process alive on its own.
  interval.unref();

  return {
    runNow,
    requestSync,
    async settled() {
      for (;;) {
        const pending = [...waiting.values()];
        const tail = chain;
        await Promise.all(pending);
        await tail.catch(() => undefined);
        if (waiting.size === 0 && tail === chain) return;
      }
    },
    stop() {
      stopped = true;
      clearInterval(interval);
      for (const [timer, release] of timers) {
        clearTimeout(timer);
        release();
      }
      timers.clear();
    },
  };
}

export interface SubscriptionTimer {
  /** The first round (started at once). */
  ready: Promise<EnsureReport | undefined>;
  runNow(): Promise<EnsureReport | undefined>;
  stop(): void;
}

/**
 * Keeps a subscription on every supervisor's mailbox: one round at start, then hourly, each
 * renewing what expires within a day (well before Graph's limit) and subscribing newcomers.
 */
export function scheduleSubscriptions(manager: SubscriptionManager, directory: PeopleDirectory, logger: Logger, everyMs = 60 * 60_000): SubscriptionTimer {
  let running: Promise<EnsureReport | undefined> | undefined;
  const runNow = (): Promise<EnsureReport | undefined> => {
    running ??= (async () => {
      try {
        const report = await manager.ensure(await supervisorsOf(directory));
        logger.info('calendar.subscriptions', { created: report.created, renewed: report.renewed, kept: report.kept, failed: report.failed.length });
        return report;
      } catch (error) {
        logger.warn('calendar.subscriptions.failed', { error: error instanceof Error ? error.name : 'unknown' });
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const ready = runNow();
  const interval = setInterval(() => void runNow(), everyMs);
  interval.unref();
  return { ready, runNow, stop: () => clearInterval(interval) };
}
