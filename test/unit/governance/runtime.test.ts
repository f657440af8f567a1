/**
 * Governance as the server starts it: the audit log and samples survive a restart (they live
 * in the data directory), the retention job runs from the server's own job table, and audit
 * notices go through the bot's sender, waiting when the bot cannot reach the person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NoConversationError } from '../../../bot/sender.js';
import { startGovernance } from '../../../src/governance/runtime.js';
import { silentLogger } from '../../../src/logger.js';
import { getPack } from '../../../src/policy/packs.js';
import { createMemoryServices } from '../../support/memory-services.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'governance-runtime-'));
  dirs.push(dir);
  return dir;
}

describe('governance in the running server', () => {
  it('keeps the audit log across a restart and runs the day’s retention job from its own table', async () => {
    const dir = dataDir();
    const services = await createMemoryServices({ pack: getPack('birmingham'), now: new Date('2026-06-17T11:00:00Z') });
    const first = startGovernance(dir, services, silentLogger);
    first.services.governance!.store.audit.write({ actorId: 'lm-1', action: 'read', list: 'sessionRecords', recordId: 'r-1', at: '2026-06-17T11:00:00.000Z', org: 'birmingham' });
    const report = await first.retention.runNow();
    expect(report?.outcomes.map((o) => [o.key, o.status]).sort()).toEqual([
      ['audit-notices|2026-06-17', 'skipped'],
      ['retention|2026-06-17', 'done'],
    ]);
    await first.close();

    const second = startGovernance(dir, services, silentLogger);
    try {
      expect(second.services.governance!.store.audit.entries().map((e) => e.recordId)).toEqual(['r-1']);
      expect(second.jobs.get('retention|2026-06-17')?.status).toBe('done');
    } finally {
      await second.close();
    }
  });

  it('sends audit notices through the bot, and reports a person the bot cannot reach as unreachable', async () => {
    const services = await createMemoryServices({ pack: getPack('dudley') });
    const runtime = startGovernance(dataDir(), services, silentLogger);
    try {
      expect(runtime.services.governance!.notify).toBeUndefined();
      const sent: { userId: string; text: string }[] = [];
      runtime.connect({
        toUser: async (userId, activity) => {
          if (userId === 'stranger') throw new NoConversationError('this person');
          sent.push({ userId, text: activity.text });
          return { id: 'a-1' };
        },
      });
      const notify = runtime.services.governance!.notify!;
      expect(await notify('known', 'Your record was sampled')).toBe('sent');
      expect(await notify('stranger', 'Your record was sampled')).toBe('unreachable');
      expect(sent).toEqual([{ userId: 'known', text: 'Your record was sampled' }]);
    } finally {
      await runtime.close();
    }
  });
});
