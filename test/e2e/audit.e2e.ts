/**
 * The Audit view in Chromium: only service managers see it; a sample is drawn, a record marked
 * reviewed and the access log read with the keyboard alone; no serious or critical axe
 * violation before or after drawing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/records/models.js';
import type { AuditOverview } from '../../src/server/api/schemas.js';
import { launch, newPage, seriousViolations, shot, startApp, type RunningApp } from './support.js';

const idris = '00000000-0000-4000-8000-000000000010';
const orla = '00000000-0000-4000-8000-000000000100';
const marisol = '00000000-0000-4000-8000-000000000001';

let app: RunningApp;
let browser: Browser;

function finished(id: string, sessionDate: string): SessionRecord {
  return {
    id,
    superviseeId: orla,
    supervisorId: idris,
    org: 'dudley',
    templateId: 'practitioner',
    kind: 'individual',
    sessionDate,
    sections: { wellbeing: 'Sampled for audit.' },
    cases: [],
    actions: [],
    status: 'finalised',
    updatedAt: `${sessionDate}T12:00:00Z`,
  };
}

beforeAll(async () => {
  app = await startApp('dudley');
  browser = await launch();
  // Dudley audits once a year: two finished records in this year's period.
  const year = new Date().getUTCFullYear();
  await app.services.records.create('sessionRecords', finished('rec-e2e-audit-1', `${year}-01-14`));
  await app.services.records.create('sessionRecords', finished('rec-e2e-audit-2', `${year}-01-21`));
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function focusByTab(page: Page, matches: () => boolean, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  throw new Error('not reachable with Tab');
}

describe('the Audit view', () => {
  it('is offered to service managers only', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/?as=${marisol}#/compliance`);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Audit' }).waitFor();
    await page.goto(`${app.url}/?as=${idris}#/team`);
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await context.close();
  });

  it('draws a sample and marks a record reviewed with the keyboard alone, axe-clean throughout', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/?as=${marisol}#/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit of supervision records' }).waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);

    await focusByTab(page, () => (document.activeElement as HTMLInputElement | null)?.type === 'number');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Draw a sample');
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: /Records sampled/ }).waitFor();
    // Orla has never chatted with the bot: the notice waits, and the view says so.
    await page.getByText('Not yet told').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'audit-sample');

    await focusByTab(page, () => (document.activeElement as HTMLInputElement | null)?.type === 'checkbox');
    await page.keyboard.press('Space');
    await page.getByText('1 of 2 reviewed.').waitFor();
    const overview = (await (await fetch(`${app.url}/api/audit-samples`, { headers: { 'x-dev-user': marisol } })).json()) as AuditOverview;
    expect(overview.samples[0]!.items.filter((i) => i.reviewedBy === marisol)).toHaveLength(1);
    await context.close();
  });
});
