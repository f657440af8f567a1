/**
 * The bot on a loopback port, mounted on express exactly as the server mounts it, with
 * in-memory AppServices (test/support/memory-services.ts: lists with ETags, a calendar that
 * expands recurrences, the demo organisation's directory) and a connector stub capturing
 * everything the bot sends. Time is driven: `at(iso)` moves the services' clock and
 * `run(iso)` runs the due jobs as of then.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createAgent, type Bot, type BotOptions } from '../../../bot/agent.js';
import { book } from '../../../src/booking/booking.js';
import type { CivilDate } from '../../../src/calendar/civil.js';
import type { RunReport } from '../../../src/jobs/runner.js';
import { silentLogger } from '../../../src/logger.js';
import type { Pack } from '../../../src/policy/schema.js';
import { validatePack } from '../../../src/policy/validate.js';
import { createMemoryServices, type MemoryServices } from '../../support/memory-services.js';
import type { ActivityJson, Person } from './activities.js';
import { cardProblems } from './card-schema.js';
import { startConnector, type Connector } from './connector.js';

export function guid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The demo organisation's people the tests talk as. */
export const people = {
  /** Orla Fenwright, first demo supervisee (ASYE in Dudley). */
  supervisee: { id: guid(100), name: 'Orla Fenwright' },
  /** Idris Penhallow, her supervisor. */
  supervisor: { id: guid(10), name: 'Idris Penhallow' },
  /** Ewan Castellane, another of Idris's supervisees. */
  teammate: { id: guid(103), name: 'Ewan Castellane' },
  /** Kofi Ashdown, in another team. */
  other: { id: guid(101), name: 'Kofi Ashdown' },
  /** Priya Lockhart-Mbeki. */
  third: { id: guid(102), name: 'Priya Lockhart-Mbeki' },
} satisfies Record<string, Person>;

export function loadPack(org: string): Pack {
  const result = validatePack(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'policies', `${org}.json`), 'utf8')));
  if (!result.ok) throw new Error(`policies/${org}.json is invalid`);
  return result.pack;
}

export interface Posted {
  status: number;
  body: unknown;
}

export interface BotHarness {
  services: MemoryServices;
  connector: Connector;
  bot: Bot;
  url: string;
  dataDir: string;
  post(activity: ActivityJson): Promise<Posted>;
  /** Moves the clock. */
  at(iso: string): Date;
  /** Moves the clock and runs due jobs as of then. */
  run(iso: string): Promise<RunReport>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  org?: string;
  now: string;
  bot?: BotOptions;
  dataDir?: string;
}

export async function startBotHarness(options: HarnessOptions): Promise<BotHarness> {
  const pack = loadPack(options.org ?? 'dudley');
  const services = await createMemoryServices({ pack, now: new Date(options.now), serviceManagerIds: [guid(1)], appUrl: 'http://localhost:3978/tab' });
  const connector = await startConnector();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'supervision-bot-'));
  const bot = createAgent(services, { mode: 'local', dataDir }, { schedulerIntervalMs: 0, logger: silentLogger, runnerId: 'test-runner', ...options.bot });
  const app = express();
  app.post('/api/messages', express.json({ limit: '1mb' }), bot.handler);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  // Every card the bot produces is checked, whether or not a test looks at it.
  const answered: unknown[] = [];
  const everyCardValid = () => {
    const cards = [...connector.allCards(), ...answered];
    const problems = cards.flatMap((card) => cardProblems(card).map((p) => `${p} in ${JSON.stringify(card).slice(0, 120)}`));
    if (problems.length > 0) throw new Error(`invalid Adaptive Card JSON:\n${problems.join('\n')}`);
  };
  return {
    services,
    connector,
    bot,
    url,
    dataDir,
    async post(activity) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await response.text();
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      const value = (body as { type?: string; value?: unknown } | undefined)?.type === 'application/vnd.microsoft.card.adaptive' ? (body as { value: unknown }).value : undefined;
      if (value) answered.push(value);
      return { status: response.status, body };
    },
    at(iso) {
      const date = new Date(iso);
      services.setNow(date);
      return date;
    },
    async run(iso) {
      const date = new Date(iso);
      services.setNow(date);
      return bot.runDueJobs(date);
    },
    async close() {
      await bot.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await connector.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      everyCardValid();
    },
  };
}

/** Books the supervisee's plan from a date through the booking service, as the tab does. */
export async function bookSupervisee(services: MemoryServices, start: CivilDate, options: { supervisee?: string; supervisor?: string; time?: string; weekday?: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' } = {}) {
  const superviseeId = options.supervisee ?? people.supervisee.id;
  const staff = services.organisation.staff.find((s) => s.userId === superviseeId)!;
  return book(
    { calendar: services.calendar, directory: services.directory, records: services.records, now: services.now },
    {
      org: services.pack.id,
      role: staff.role,
      supervisor: options.supervisor ?? staff.supervisorId,
      supervisee: superviseeId,
      start,
      time: options.time ?? '10:00',
      weekday: options.weekday ?? 'tue',
      bookedBy: staff.supervisorId,
      appUrl: services.appUrl,
    },
  );
}

/** The card an invoke answered with (Universal Actions: it replaces the card for the person). */
export function invokeCard(posted: Posted): Record<string, unknown> {
  const body = posted.body as { statusCode?: number; type?: string; value?: Record<string, unknown> } | undefined;
  if (posted.status !== 200 || body?.statusCode !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive' || !body.value) {
    throw new Error(`not an adaptive card invoke response: ${posted.status} ${JSON.stringify(posted.body).slice(0, 300)}`);
  }
  return body.value;
}

/** All text in a card, for assertions that read like what a person sees. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of ['text', 'title', 'label', 'value']) if (typeof record[key] === 'string') parts.push(record[key] as string);
      for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value);
    }
  };
  walk(card);
  return parts.join('\n');
}

/** Every input id in a card. */
export function inputIds(card: unknown): string[] {
  const ids: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') ids.push(record.id);
      for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value);
    }
  };
  walk(card);
  return ids;
}

/** The data of the first Action.Execute with a verb, wherever it is in the card. */
export function actionData(card: unknown, verb: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute' && record.verb === verb) found = record.data as Record<string, unknown>;
      else for (const value of Object.values(record)) walk(value);
    }
  };
  walk(card);
  if (!found) throw new Error(`no Action.Execute "${verb}" in the card`);
  return found;
}
