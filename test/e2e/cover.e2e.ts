/**
 * Supervisor absence end to end (issue 8 §1) under Northumberland's pack, in local mode: the
 * supervisor's Outlook automatic replies are set on the embedded Graph-compatible service,
 * read through the gateway, and the line manager sees the cover panel in Compliance, free of
 * serious axe violations, and assigns a temporary supervisor with the keyboard alone; the
 * temporary supervisor then finds the supervisee in their own panel.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, seriousViolations, shot, startApp, type RunningApp } from './support.js';

const idris = '00000000-0000-4000-8000-000000000010';
const corliss = '00000000-0000-4000-8000-000000000011';
const orla = '00000000-0000-4000-8000-000000000100';
const marisol = '00000000-0000-4000-8000-000000000001';

let app: RunningApp;
let browser: Browser;

const day = 86_400_000;
const utc = (instant: number) => ({ dateTime: new Date(instant).toISOString().slice(0, 19), timeZone: 'UTC' });

beforeAll(async () => {
  app = await startApp('northumberland');
  browser = await launch();
  // Away from a fortnight ago for six weeks: longer than four weeks, so cover is needed now.
  const now = Date.now();
  const res = await fetch(`${app.url}/graph/v1.0/users/${idris}/mailboxSettings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'x-local-user': idris },
    body: JSON.stringify({ automaticRepliesSetting: { status: 'scheduled', internalReplyMessage: 'Away', scheduledStartDateTime: utc(now - 14 * day), scheduledEndDateTime: utc(now + 28 * day) } }),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('cover panel', () => {
  it('shows who needs cover from Outlook automatic replies, and the line manager assigns it by keyboard', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/?as=${marisol}#/compliance`);
    const panel = page.getByRole('region', { name: 'Supervisor absence and cover' });
    await panel.waitFor({ timeout: 20_000 });
    const table = panel.getByRole('table', { name: 'Supervisees of absent supervisors' });
    await table.waitFor({ timeout: 20_000 });
    const orlaRow = table.getByRole('row', { name: /Orla Fenwright/ });
    await expect.poll(() => orlaRow.textContent()).toMatch(/Cover needed by/);
    expect(await orlaRow.textContent()).toMatch(/Outlook automatic replies/);
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'cover-panel');

    const form = panel.getByRole('form', { name: 'Assign cover for Orla Fenwright' });
    const select = form.getByRole('combobox', { name: 'Temporary supervisor' });
    await select.focus();
    const options = await select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    // Move the choice to Corliss with the arrow keys, as a keyboard user would.
    for (let i = 0; i < options.indexOf(corliss); i++) await page.keyboard.press('ArrowDown');
    expect(await select.inputValue()).toBe(corliss);
    await form.getByRole('button', { name: 'Assign cover' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 15_000 }).toMatch(/now covers Orla Fenwright/);
    await expect.poll(() => orlaRow.textContent()).toMatch(/Corliss Abernathy/);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();

    // The temporary supervisor finds Orla in their panel and can open her records.
    const records = await fetch(`${app.url}/api/supervisees/${orla}/records`, { headers: { 'x-dev-user': corliss } });
    expect(records.status).toBe(200);
    const second = await newPage(browser);
    await second.page.goto(`${app.url}/?as=${corliss}#/compliance`);
    const covering = second.page.getByRole('list', { name: 'Supervisees you cover' });
    await covering.waitFor({ timeout: 20_000 });
    expect(await covering.getByRole('link', { name: 'Orla Fenwright' }).getAttribute('href')).toBe(`#/schedule/${orla}`);
    expect(await seriousViolations(second.page)).toEqual([]);
    await second.context.close();
  });
});
