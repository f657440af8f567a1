/**
 * A supervisee who never chatted with the bot still gets their prep card: the job installs
 * the app for them through Graph (the embedded service, where the app is published as the
 * seed publishes it), reads the 1:1 chat of that installation, and posts there. A retry after
 * a failure installs nothing twice and sends the card once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTeamsApp, type TeamworkPort } from '../../bot/install.js';
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/server/bootstrap.js';
import { loadConfig } from '../../src/server/config.js';
import { publishLocalTeamsApp } from '../../src/demo/seed.js';
import { createGraphClient, localDevAuth, type GraphClient } from '../../src/graph/index.js';
import { GraphTeamwork } from '../../src/graph/teamwork.js';
import { startLocalGraphServer, type RunningLocalGraph } from '../../src/local-graph/index.js';
import { installed, tenantId } from './support/activities.js';
import { cardProblems } from './support/card-schema.js';
import { bookSupervisee, cardText, people, startBotHarness, type BotHarness } from './support/harness.js';

const supervisee = people.supervisee;
const supervisor = people.supervisor;
const promptAt = '2026-03-05T09:00:00Z';

let dir: string;
let graph: RunningLocalGraph;
let client: GraphClient;
let h: BotHarness | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bot-install-'));
  graph = await startLocalGraphServer({ dataDir: dir });
  client = createGraphClient({ baseUrl: graph.url, auth: localDevAuth('supervision-app'), retry: { maxRetries: 0 } });
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await graph.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bot over the embedded Graph: the demo people in its directory, the app in its catalog. */
async function start(teamwork: TeamworkPort, options: { publish?: boolean } = {}): Promise<BotHarness> {
  const harness = await startBotHarness({ now: '2026-03-02T08:00:00Z', bot: { teamwork } });
  for (const user of harness.services.organisation.users) graph.graph.upsertUser(user);
  if (options.publish !== false) await publishLocalTeamsApp(client, 'localhost:3978');
  await bookSupervisee(harness.services, '2026-03-03');
  // Only the supervisor ever opened a chat with the bot: that is how it knows the connector.
  expect((await harness.post(installed(harness.connector.url, supervisor))).status).toBe(200);
  harness.connector.clear();
  return harness;
}

async function installations(userId: string): Promise<unknown[]> {
  const response = await client.request({ method: 'GET', path: `/users/${userId}/teamwork/installedApps` });
  return (response.body as { value: unknown[] }).value;
}

async function chatId(userId: string): Promise<string> {
  const [installation] = (await installations(userId)) as { id: string }[];
  const chat = await client.request({ method: 'GET', path: `/users/${userId}/teamwork/installedApps/${installation!.id}/chat` });
  return (chat.body as { id: string }).id;
}

const prompts = (report: { outcomes: { kind: string; status: string; reason?: string }[] }) => report.outcomes.filter((o) => o.kind === 'prep-prompt');

describe('proactive install', () => {
  it('installs the app for a supervisee with no conversation and posts their prep card in the chat it opened', async () => {
    h = await start(new GraphTeamwork(client));
    expect(await installations(supervisee.id)).toEqual([]);

    const report = await h.run(promptAt);
    expect(prompts(report)).toEqual([expect.objectContaining({ status: 'done' })]);

    expect(await installations(supervisee.id)).toHaveLength(1);
    const chat = await chatId(supervisee.id);
    const cards = h.connector.cards((c) => c.conversationId === chat);
    expect(cards).toHaveLength(1);
    expect(cardProblems(cards[0]!.card)).toEqual([]);
    expect(cardText(cards[0]!.card)).toContain('Tuesday 10 March 2026 at 10:00');
    // A message the bot starts in Teams carries the tenant.
    expect(cards[0]!.captured.body.channelData).toEqual({ tenant: { id: tenantId } });
    expect(cards[0]!.captured.replyToId).toBeUndefined();

    // The opened chat is remembered: later sends reuse it without installing again.
    expect(await h.bot.sender.toUser(supervisee.id, { type: 'message', text: 'again' })).toMatchObject({ id: expect.any(String) });
    expect(h.connector.captured.filter((c) => c.conversationId === chat)).toHaveLength(2);
    expect(await installations(supervisee.id)).toHaveLength(1);
  });

  it('a job retried after the chat could not be read installs nothing twice and sends the card once', async () => {
    const gateway = new GraphTeamwork(client);
    let failures = 1;
    const flaky: TeamworkPort = {
      async ensurePersonalChat(userId, externalId) {
        if (failures > 0) {
          // The install lands, then Graph fails before the chat is read.
          await gateway.ensurePersonalChat(userId, externalId);
          failures--;
          throw Object.assign(new Error('Graph unavailable'), { code: 'ServiceUnavailable' });
        }
        return gateway.ensurePersonalChat(userId, externalId);
      },
    };
    h = await start(flaky);
    const first = await h.run(promptAt);
    expect(prompts(first)).toEqual([expect.objectContaining({ status: 'retry' })]);
    expect(h.connector.cards()).toEqual([]);
    expect(await installations(supervisee.id)).toHaveLength(1);

    // The runner backs off for at most 45 minutes on a first failure.
    const second = await h.run('2026-03-05T10:00:00Z');
    expect(prompts(second)).toEqual([expect.objectContaining({ status: 'done' })]);
    expect(await installations(supervisee.id)).toHaveLength(1);
    const chat = await chatId(supervisee.id);
    expect(h.connector.cards((c) => c.conversationId === chat)).toHaveLength(1);

    await h.run('2026-03-05T11:00:00Z');
    expect(h.connector.cards()).toHaveLength(1);
  });

  it('skips, without failing, when the app is not in the catalog', async () => {
    h = await start(new GraphTeamwork(client), { publish: false });
    const report = await h.run(promptAt);
    expect(prompts(report)).toEqual([expect.objectContaining({ status: 'skipped', reason: 'no-conversation' })]);
    expect(h.connector.cards()).toEqual([]);
  });
});

describe('local mode', () => {
  it('publishes the app in the embedded catalog on every start, so the install path has something to install', async () => {
    const dataDir = join(dir, 'app');
    const config = loadConfig({ PORT: '0', SUPERVISION_DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    const catalog = async (url: string) => {
      const response = await fetch(`${url.replace('localhost', '127.0.0.1')}/graph/v1.0/appCatalogs/teamsApps?$filter=externalId eq '${localTeamsApp.id}'`);
      return ((await response.json()) as { value: { externalId: string }[] }).value;
    };
    for (let start = 0; start < 2; start++) {
      const server = await startServer(config, createLogger({ level: 'error', sink: () => {} }));
      try {
        expect(await catalog(server.url)).toEqual([expect.objectContaining({ externalId: localTeamsApp.id, displayName: 'Supervision' })]);
      } finally {
        await server.close();
      }
    }
  });
});
