/**
 * My team in Chromium: 40 supervisees all render (the first-render time is printed as a figure,
 * never asserted), and a 500-supervisee team stays a windowed list however far it scrolls.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, shot, startApp } from './support.js';

const idris = '00000000-0000-4000-8000-000000000010';
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('My team performance', () => {
  it('renders 40 supervisees quickly', async () => {
    const app = await startApp('dudley', { extraSupervisees: 35 });
    const { page, context } = await newPage(browser);
    // Warm the bundle cache as a returning user would have it.
    await page.goto(`${app.url}/?as=${idris}#/compliance`);
    await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 30_000 });
    const started = Date.now();
    await page.goto(`${app.url}/?as=${idris}#/team`);
    await page.getByTestId('team-row').first().waitFor({ timeout: 30_000 });
    const elapsed = Date.now() - started;
    process.stdout.write(`My team, 40 supervisees: first render in ${elapsed} ms\n`);
    expect(await page.getByRole('table', { name: 'Supervisees' }).getAttribute('aria-rowcount')).toBe('41');
    await context.close();
    await app.close();
  });

  it('keeps 500 supervisees as a window of rows while scrolling to the end', async () => {
    const app = await startApp('dudley', { extraSupervisees: 495 });
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/?as=${idris}#/team`);
    await page.getByTestId('team-row').first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('table', { name: 'Supervisees' }).getAttribute('aria-rowcount')).toBe('501');
    expect(await page.getByTestId('team-row').count()).toBeLessThan(60);
    const viewport = page.getByRole('table', { name: 'Supervisees' }).getByRole('rowgroup').nth(1);
    await viewport.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.getByRole('link', { name: 'Yusra Pellinore' }).waitFor();
    expect(await page.getByTestId('team-row').count()).toBeLessThan(60);
    await shot(page, 'perf-500-bottom');
    await context.close();
    await app.close();
  });
});
