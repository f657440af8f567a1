/**
 * Governance in the running server: the store in the data directory (audit log and samples),
 * the daily retention job on its own job table, and the bot's proactive sender for audit
 * notices once the bot is up. The server calls `startGovernance` once and `connect` after
 * mounting the bot.
 */
import { join } from 'node:path';
import { isSupervisionError } from '../errors.js';
import { SqliteJobStore } from '../jobs/store.js';
import type { Logger } from '../logger.js';
import type { AppServices } from '../server/services.js';
import { scheduleGovernanceJobs, type GovernanceScheduler } from './jobs.js';
import type { GovernanceDeps } from './service.js';
import { openGovernanceStore } from './store.js';

/** What the bot offers for a plain message to one person (bot/sender.ts `Sender`). */
export interface PersonSender {
  toUser(userId: string, activity: { type: 'message'; text: string }): Promise<unknown>;
}

export interface GovernanceRuntime {
  /** The services, now carrying the governance store. */
  services: AppServices;
  retention: GovernanceScheduler;
  jobs: SqliteJobStore;
  /** Audit notices go through the bot from now on. */
  connect(sender: PersonSender): void;
  close(): Promise<void>;
}

export function startGovernance(dataDir: string, base: AppServices, logger: Logger, options: { retentionEveryMs?: number } = {}): GovernanceRuntime {
  const governance: NonNullable<AppServices['governance']> = { store: openGovernanceStore(join(dataDir, 'governance.sqlite')) };
  const services: AppServices = { ...base, governance };
  const jobs = new SqliteJobStore(join(dataDir, 'governance-jobs.sqlite'));
  const deps: GovernanceDeps = {
    pack: services.pack,
    records: services.records,
    directory: services.directory,
    store: governance.store,
    now: () => services.now(),
    // Read when used: the bot connects after the jobs are scheduled.
    get notify() {
      return governance.notify;
    },
  };
  const retention = scheduleGovernanceJobs(deps, jobs, logger, options.retentionEveryMs);
  return {
    services,
    retention,
    jobs,
    connect(sender) {
      governance.notify = async (userId, text) => {
        try {
          await sender.toUser(userId, { type: 'message', text });
          return 'sent';
        } catch (error) {
          // The bot has never talked with this person: the notice waits (bot/sender.ts NoConversationError).
          if (isSupervisionError(error) && error.field === 'conversation') return 'unreachable';
          throw error;
        }
      };
    },
    async close() {
      await retention.stop();
      jobs.close();
      governance.store.close();
    },
  };
}
