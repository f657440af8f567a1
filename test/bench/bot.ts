/**
 * The bot's figures (issue 6): turn latency of `next` and of a prep-card submit over
 * /api/messages, local, no Graph (in-memory services), and a fan-out of 1,000 prep-prompt
 * cards through the bot's proactive sender and pacer to a connector stub that enforces Teams'
 * limits (7 per second per conversation, 50 per second per tenant) by answering 429.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Activity } from '@microsoft/agents-activity';
import { CloudAdapter } from '@microsoft/agents-hosting';
import { ConversationStore } from '../../bot/conversations.js';
import { Pacer, teamsLimits } from '../../bot/pacing.js';
import { ProactiveSender } from '../../bot/sender.js';
import { SqliteStorage } from '../../bot/sqlite-storage.js';
import { execute, installed, message, type Person } from '../bot/support/activities.js';
import { startConnector } from '../bot/support/connector.js';
import { actionData, bookSupervisee, invokeCard, people, startBotHarness } from '../bot/support/harness.js';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function latencies(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `bot turn ${label}: ${samples.length} turns, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms (target p95 < 50 ms)`;
}

const TURNS = 300;

export async function benchBotTurns(): Promise<string[]> {
  const h = await startBotHarness({ now: '2026-03-02T08:00:00Z' });
  try {
    await bookSupervisee(h.services, '2026-03-03');
    const supervisee = people.supervisee;
    await h.post(installed(h.connector.url, supervisee));
    await h.run('2026-03-05T09:00:00Z');
    const prompt = h.connector.cards((c) => c.conversationId === `a:personal-${supervisee.id}`).at(-1)!.card;
    const submitData = actionData(prompt, 'prep.submit');
    const answers = { 'q.agenda': 'Caseload pressure', 'q.families-agreed': 'yes' };

    const timed = async (send: () => Promise<unknown>): Promise<number> => {
      const started = performance.now();
      await send();
      return performance.now() - started;
    };
    // Warm up the agent, the schema validators and the storage.
    for (let i = 0; i < 20; i++) await h.post(message(h.connector.url, supervisee, 'next'));

    const next: number[] = [];
    for (let i = 0; i < TURNS; i++) next.push(await timed(() => h.post(message(h.connector.url, supervisee, 'next'))));
    h.connector.clear();

    const submit: number[] = [];
    let data = submitData;
    for (let i = 0; i < TURNS; i++) {
      const ms = await timed(() => h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...data, ...answers, 'q.agenda': `Caseload pressure ${i}` })));
      submit.push(ms);
      // The next submit edits the saved answers at their new version, as a person would.
      const edit = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.edit', { occurrenceId: submitData.occurrenceId, date: submitData.date })));
      data = actionData(edit, 'prep.submit');
    }
    // Every timed submit must have saved, or the figure would time refusals.
    const saved = await h.services.records.get('prepResponses', `prep-${supervisee.id}-${String(submitData.date)}`);
    if (saved?.record.answers.agenda !== `Caseload pressure ${TURNS - 1}`) throw new Error('the timed prep submits did not all save');
    return [latencies('"next"', next), latencies('prep-card submit', submit)];
  } finally {
    await h.close();
  }
}

const FAN_OUT = 1_000;

export async function benchFanOut(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  const storage = new SqliteStorage(join(dir, 'state.sqlite'));
  const connector = await startConnector();
  try {
    const conversations = new ConversationStore(storage);
    const sender = new ProactiveSender(new CloudAdapter(), conversations, { name: 'anonymous' }, new Pacer(teamsLimits));
    const recipients: Person[] = Array.from({ length: FAN_OUT }, (_, i) => ({ id: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Bench ${i}` }));
    for (const p of recipients) await conversations.remember(Activity.fromObject(message(connector.url, p, 'hi')), new Date());
    connector.limit({ perConversationPerSecond: 7, perTenantPerSecond: 50 });
    const card = { type: 'message', text: 'Prepare for supervision' } as const;
    const started = performance.now();
    await Promise.all(recipients.map((p) => sender.toUser(p.id, card)));
    const seconds = (performance.now() - started) / 1000;
    return `bot fan-out: ${FAN_OUT} prep prompts in ${seconds.toFixed(1)} s (${(FAN_OUT / seconds).toFixed(1)}/s; the floor at 50/s is ${(FAN_OUT / 50).toFixed(0)} s), ${connector.throttled} answered 429, ${connector.captured.length} delivered`;
  } finally {
    storage.close();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
