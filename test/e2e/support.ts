/**
 * Browser tests: the real app (createApp) on a loopback port with the demo organisation, and
 * Debian's Chromium driven by playwright-core.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { demoDomain } from '../../src/demo/organisation.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/bootstrap.js';
import { loadConfig } from '../../src/server/config.js';
import type { AppServices } from '../../src/server/services.js';

export const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
mkdirSync(artifacts, { recursive: true });

/**
 * Every browser test's server logs, at debug level, to one file that the log privacy check
 * (test/e2e/log-privacy/) reads after the run: the app's real logger, not a silent one.
 */
export const serverLogPath = `${artifacts}server-log.jsonl`;
const serverLogger = createLogger({ level: 'debug', sink: (line) => appendFileSync(serverLogPath, `${line}\n`) });

/** Text the browser tests type into records; none of it may reach the logs. */
export const recordText = {
  careAndWellbeing: 'Settling in; first court visit went well.',
  firstAction: 'Shadow a duty visit',
  secondAction: 'Read the ASYE handbook',
  // Typed into the bot's cards in the Agents Playground (playground.e2e.ts).
  prepAgenda: 'Caseload balance after the court week',
  prepWellbeing: 'Protecting Friday afternoons for recording',
  circleIdea: 'Ask the family network meeting to set the contact plan',
  circleIdeaTried: 'Book a joint visit with the health visitor',
} as const;

export interface RunningApp {
  url: string;
  services: AppServices;
  /** The server's data directory: `supervision prompts --as-of` shares its job table and bot storage. */
  dataDir: string;
  close(): Promise<void>;
}

/** The demo organisation's people the flows act as. */
export const demo = {
  supervisor: 'Idris Penhallow',
  supervisee: 'Orla Fenwright',
  lineManager: 'Marisol Thackeray',
  teammate: 'Ewan Castellane',
};

/**
 * `npm start` in-process: local mode with the embedded Graph-compatible service in a fresh data
 * directory, seeded with the demo organisation, the gateway talking to it over HTTP.
 * `extraSupervisees` adds people to the first team manager's team (load tests).
 */
export async function startApp(org = 'dudley', options: { extraSupervisees?: number } = {}): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'supervision-e2e-'));
  const config = loadConfig({ PORT: '0', SUPERVISION_ORG: org, SUPERVISION_DATA_DIR: dataDir });
  const running = await startServer(config, serverLogger);
  if (options.extraSupervisees && running.localGraph) {
    // Hundreds of supervisees under one manager is a rendering load test. Seeding them, and
    // then reading every one's lists per page, would exceed SharePoint's budget for a small
    // tenant (1,250 resource units a minute), which the embedded service enforces: this test
    // widens it, on purpose and only here. At that size a tenant needs the read model.
    running.localGraph.setLimits({ sharePointUnitsPerMinute: 1_000_000 });
    await addSupervisees(running, options.extraSupervisees);
  }
  return {
    url: `http://127.0.0.1:${running.port}`,
    services: running.services,
    dataDir,
    close: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function addSupervisees(running: RunningServer, count: number): Promise<void> {
  const { services, localGraph } = running;
  const manager = (await services.directory.everyone()).find((p) => p.jobTitle === 'Team Manager')!;
  const template = (await services.records.where('staff', 'supervisorId', manager.id))[0]!.record;
  for (let i = 0; i < count; i++) {
    const id = `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const mail = `load.tester${i + 1}@${demoDomain}`;
    localGraph!.upsertUser({ id, displayName: `Load Tester ${i + 1}`, userPrincipalName: mail, mail, jobTitle: 'Social Worker', department: manager.department ?? '', managerId: manager.id });
    await services.records.create('staff', { ...template, id: `staff-${id}`, userId: id });
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function newPage(browser: Browser, options: { theme?: 'light' | 'dark' | 'contrast' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', timezoneId: 'Europe/London', colorScheme: options.theme === 'dark' ? 'dark' : 'light' });
  const page = await context.newPage();
  return { context, page };
}

/** Chooses who to act as in the local-mode identity picker. */
export async function actAs(page: Page, name: string): Promise<void> {
  const picker = page.getByRole('combobox', { name: 'Acting as (local mode)' });
  await picker.click();
  await picker.fill(name.split(' ')[0]!);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('main').waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
}

export interface AxeResult {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: number;
}

/** Serious and critical accessibility violations on the page (WCAG 2.1 A/AA). */
export async function seriousViolations(page: Page): Promise<AxeResult[]> {
  // Tabster's focus sentinels (Fluent's arrow-key groups, e.g. in charts) are 1px aria-hidden
  // <i tabindex=0> elements that forward focus on arrival; axe cannot see that and flags them.
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).exclude('[data-tabster-dummy]').analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}
