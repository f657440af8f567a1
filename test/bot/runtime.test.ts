/**
 * How the bot runs: `supervision prompts --as-of` sharing the server's data directory, two
 * bot instances on one job table, the JWT check of tenant mode, and mounting on the app.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, mountBot } from '../../bot/agent.js';
import { createPromptsCommand } from '../../src/cli/commands/prompts.js';
import { silentLogger } from '../../src/logger.js';
import { loadConfig } from '../../src/server/config.js';
import { installed, message, tenantId } from './support/activities.js';
import { cardProblems } from './support/card-schema.js';
import { bookSupervisee, cardText, guid, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;

beforeEach(async () => {
  h = await startBotHarness({ now: '2026-03-02T08:00:00Z' });
});

afterEach(async () => {
  await h.close();
});

function command() {
  return createPromptsCommand({
    runtime: async (_io, { asOf }) => {
      h.services.setNow(asOf);
      return { services: h.services, config: loadConfig({ SUPERVISION_DATA_DIR: h.dataDir }, h.dataDir), close: async () => {} };
    },
    bot: { logger: silentLogger },
  });
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await command().run(args, { out: (t) => out.push(t), err: (t) => out.push(t), env: {}, cwd: h.dataDir });
  return { code, out: out.join('\n') };
}

describe('supervision prompts --as-of', () => {
  it('three working days before a booked session sends the prep card, once, even with the server running too', async () => {
    await h.post(installed(h.connector.url, people.supervisee));
    await bookSupervisee(h.services, '2026-03-03');
    h.connector.clear();

    const early = await cli(['--as-of', '2026-03-05T08:00:00Z']);
    expect(early.code).toBe(0);
    expect(early.out).toMatch(/0 sent/);
    const run = await cli(['--as-of', '2026-03-05T09:00:00Z']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/1 sent/);
    expect(run.out).toContain('prep-prompt|event-1_2026-03-10|2026-03-10');
    const cards = h.connector.cards();
    expect(cards).toHaveLength(1);
    expect(cardProblems(cards[0]!.card)).toEqual([]);
    expect(cardText(cards[0]!.card)).toContain('Prepare for supervision');

    // The server's own scheduler at the same moment finds the prompt already sent.
    const server = await h.bot.runDueJobs(new Date('2026-03-05T09:00:00Z'));
    expect(server.done).toBe(0);
    const again = await cli(['--as-of', '2026-03-05T09:00:00Z', '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ asOf: '2026-03-05T09:00:00.000Z', done: 0 });
    expect(h.connector.cards()).toHaveLength(1);
  });

  it('names the option at fault', async () => {
    await expect(cli(['--as-of', 'next tuesday'])).rejects.toThrow(/--as-of: .*must be an ISO date-time/);
    await expect(cli([])).rejects.toThrow(/--as-of: is required/);
  });
});

describe('two bot instances on one data directory', () => {
  it('send each prompt once when they run at the same moment', async () => {
    const team = [people.supervisee, people.teammate, { id: guid(106), name: 'Yusra Pellinore' }, { id: guid(109), name: 'Rufus Ambleside' }, { id: guid(112), name: 'Imogen Trevanion' }];
    for (const [i, person] of team.entries()) {
      await h.post(installed(h.connector.url, person));
      await bookSupervisee(h.services, '2026-03-03', { supervisee: person.id, time: `${String(9 + i).padStart(2, '0')}:00` });
    }
    h.connector.clear();
    const second = createAgent(h.services, { mode: 'local', dataDir: h.dataDir }, { schedulerIntervalMs: 0, logger: silentLogger, runnerId: 'second-instance' });
    try {
      const asOf = new Date('2026-03-12T09:00:00Z');
      h.services.setNow(asOf);
      const [a, b] = await Promise.all([h.bot.runDueJobs(asOf), second.runDueJobs(asOf)]);
      const sent = h.connector.cards();
      expect(sent.length).toBe(a.done + b.done);
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(h.bot.jobs.list({ status: 'pending' }).filter((j) => j.dueAt <= asOf.getTime())).toEqual([]);
      const keys = [...a.outcomes, ...b.outcomes].filter((o) => o.status === 'done').map((o) => o.key);
      expect(new Set(keys).size).toBe(keys.length);
      const perConversation = new Map<string, number>();
      for (const s of sent) perConversation.set(s.captured.conversationId, (perConversation.get(s.captured.conversationId) ?? 0) + 1);
      expect([...perConversation.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe('tenant mode', () => {
  it('requires the Bot Service token and serves only the configured tenants', async () => {
    const app = express();
    const bot = createAgent(h.services, { mode: 'tenant', dataDir: h.dataDir, clientId: guid(900), tenantId, clientSecret: 'not-used-offline', allowedTenants: [tenantId] }, { schedulerIntervalMs: 0, logger: silentLogger, runnerId: 'tenant' });
    app.post('/api/messages', express.json(), bot.handler);
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const post = (body: unknown, authorization?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
    try {
      const activity = message(h.connector.url, people.supervisee, 'help');
      expect((await post(activity)).status).toBe(401);
      expect((await post(activity, 'Bearer not-a-jwt')).status).toBe(401);
      // With a token the SDK accepted, an activity from another tenant is still refused.
      bot.adapter.authorizeRequest = async (req, _res, next) => {
        req.user = { aud: guid(900), serviceurl: h.connector.url };
        next();
      };
      const foreign = { ...activity, conversation: { id: 'a:x', conversationType: 'personal', tenantId: 'another-tenant' }, channelData: { tenant: { id: 'another-tenant' } } };
      expect((await post(foreign, 'Bearer accepted')).status).toBe(403);
      expect(h.connector.captured).toEqual([]);
    } finally {
      await bot.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('mountBot', () => {
  it('serves /api/messages on the app and answers over loopback', async () => {
    const app = express();
    const config = loadConfig({ SUPERVISION_DATA_DIR: h.dataDir }, h.dataDir);
    const bot = mountBot(app, h.services, config, { schedulerIntervalMs: 0, logger: silentLogger, runnerId: 'mounted' });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(h.connector.url, people.supervisee, 'help')) });
      expect(response.status).toBe(200);
      expect(cardText(h.connector.cards()[0]!.card)).toContain('What I can do');
    } finally {
      await bot.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
