/**
 * Writing first: pacing under Teams' limits (per conversation and per tenant) so a fan-out
 * of prompts meets no 429 from a connector that enforces those limits, and connector
 * failures classified so the job runner retries only what was not delivered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Activity } from '@microsoft/agents-activity';
import { CloudAdapter } from '@microsoft/agents-hosting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../bot/conversations.js';
import { Pacer, teamsLimits } from '../../bot/pacing.js';
import { NoConversationError, ProactiveSender } from '../../bot/sender.js';
import { SqliteStorage } from '../../bot/sqlite-storage.js';
import { UndeliveredError } from '../../src/jobs/runner.js';
import { message, type Person } from './support/activities.js';
import { startConnector, type Connector } from './support/connector.js';

let dir: string;
let storage: SqliteStorage;
let connector: Connector;
let conversations: ConversationStore;
let sender: ProactiveSender;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bot-proactive-'));
  storage = new SqliteStorage(join(dir, 'state.sqlite'));
  connector = await startConnector();
  conversations = new ConversationStore(storage);
  sender = new ProactiveSender(new CloudAdapter(), conversations, { name: 'anonymous' }, new Pacer(teamsLimits));
});

afterEach(async () => {
  storage.close();
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
});

function person(n: number): Person {
  return { id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `Person ${n}` };
}

async function meet(people: Person[]): Promise<void> {
  for (const p of people) await conversations.remember(Activity.fromObject(message(connector.url, p, 'hi')), new Date());
}

const card = { type: 'message', text: 'Prepare for supervision' } as const;

describe('pacing', () => {
  it('never lets a window hold more sends than its limit, counting sends still in flight', async () => {
    let now = 0;
    const pacer = new Pacer(teamsLimits, () => now, async (ms) => {
      now += ms;
    });
    const started: number[] = [];
    // Each send takes 30 ms; 20 into one conversation, one after the other.
    for (let i = 0; i < 20; i++) {
      const release = await pacer.acquire('one-conversation');
      started.push(now);
      now += 30;
      release();
    }
    for (const t of started) {
      expect(started.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(7);
      expect(started.filter((x) => x > t - 2000 && x <= t).length).toBeLessThanOrEqual(8);
    }
    expect(started.at(-1)!).toBeGreaterThan(2000);

    now = 100_000;
    const many: number[] = [];
    const inflight: (() => void)[] = [];
    for (let i = 0; i < 120; i++) {
      const release = await pacer.acquire(`c-${i}`);
      many.push(now);
      inflight.push(release);
      if (inflight.length >= 10) inflight.shift()!();
    }
    for (const t of many) expect(many.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(50);
  });

  it('fans out prompts to many people with no 429 from a connector enforcing Teams limits', async () => {
    const people = Array.from({ length: 70 }, (_, i) => person(i));
    await meet(people);
    connector.limit({ perConversationPerSecond: 7, perTenantPerSecond: 50 });
    await Promise.all(people.map((p) => sender.toUser(p.id, card)));
    // A burst of ten into one conversation (a busy circle thread) as well.
    await Promise.all(Array.from({ length: 10 }, () => sender.toUser(people[0]!.id, card)));
    expect(connector.throttled).toBe(0);
    expect(connector.captured).toHaveLength(80);
    expect(connector.captured.every((c) => c.replyToId === undefined && c.authorization === undefined)).toBe(true);
  }, 20_000);
});

describe('proactive sender', () => {
  it('classifies a throttled send as undelivered with its Retry-After', async () => {
    await meet([person(1)]);
    connector.failNext(429, 1, 7);
    const error = await sender.toUser(person(1).id, card).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndeliveredError);
    expect(error).toMatchObject({ code: 'http-429', retryAfterMs: 7000 });
    await expect(sender.toUser(person(1).id, card)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('reports a refused activity as it is (it may not be retried) and an unknown person as no conversation', async () => {
    await meet([person(2)]);
    connector.failNext(400);
    const error = await sender.toUser(person(2).id, card).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UndeliveredError);
    await expect(sender.toUser(person(3).id, card)).rejects.toBeInstanceOf(NoConversationError);
  });

  it('treats an unreachable connector as undelivered', async () => {
    await meet([person(4)]);
    await connector.close();
    const error = await sender.toUser(person(4).id, card).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndeliveredError);
    connector = await startConnector();
  });
});
