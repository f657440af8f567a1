/**
 * Hosting: in a frame with no Teams/Outlook host answering, teams-js initialisation gives up
 * after its short timeout and the tab carries on standalone; teams-js is loaded only then.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, seriousViolations, startApp, type RunningApp } from './support.js';

const idris = '00000000-0000-4000-8000-000000000010';
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp('dudley');
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('host detection', () => {
  it('does not load teams-js in a plain browser window', async () => {
    const { page, context } = await newPage(browser);
    const scripts: string[] = [];
    page.on('request', (r) => scripts.push(r.url()));
    await page.goto(`${app.url}/?as=${idris}#/team`);
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    expect(scripts.some((u) => u.includes('teams-js'))).toBe(false);
    expect(await page.evaluate(() => document.documentElement.dataset.host)).toBe('standalone');
    await context.close();
  });

  it('falls back to standalone in a frame when no host answers', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/healthz`);
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'Supervision';
      frame.style.width = '1200px';
      frame.style.height = '800px';
      document.body.append(frame);
    }, `${app.url}/tab?as=${idris}#/team`);
    const frame = page.frameLocator('iframe[title="Supervision"]');
    await frame.getByRole('heading', { level: 1, name: 'My team' }).waitFor({ timeout: 20_000 });
    const hosted = await page.frames()[1]!.evaluate(() => document.documentElement.dataset.host);
    expect(hosted).toBe('standalone');
    await context.close();
  });

  it('serves the channel tab configuration page the manifest declares', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/tab/config`);
    await page.getByRole('heading', { level: 1, name: 'Supervision for this channel' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
