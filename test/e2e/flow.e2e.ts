/**
 * The whole journey in Chromium: a supervisor books an ASYE series, opens the first session,
 * writes a record with two actions and a case reference and finalises it; the supervisee
 * acknowledges; compliance shows the session held on time.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, demo, launch, newPage, recordText, shot, startApp, type RunningApp } from './support.js';

let app: RunningApp;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp('dudley');
  browser = await launch();
  ({ page } = await newPage(browser));
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('supervisor to supervisee to compliance', () => {
  it('signs in as the supervisor and sees their team', async () => {
    await actAs(page, demo.supervisor);
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    await page.getByRole('row').filter({ hasText: demo.supervisee }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: demo.supervisee }).count()).toBe(1);
    await shot(page, 'flow-01-team');
  });

  it('books an ASYE series through the wizard', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Schedule' }).click();
    await page.getByRole('combobox', { name: 'Supervisee' }).click();
    await page.getByRole('option', { name: new RegExp(`^${demo.supervisee}`) }).click();
    await page.getByRole('button', { name: 'Next: cadence' }).click();
    const phases = page.getByRole('table', { name: 'Cadence phases' });
    await phases.waitFor();
    expect(await phases.getByRole('row').count()).toBeGreaterThanOrEqual(4);
    await shot(page, 'flow-02-cadence');
    await page.getByRole('button', { name: 'Next: find a time' }).click();
    await page.getByRole('radiogroup', { name: /Start time on/ }).getByRole('radio').first().check();
    await shot(page, 'flow-03-slots');
    await page.getByRole('button', { name: 'Next: confirm' }).click();
    await page.getByRole('button', { name: 'Book series' }).click();
    await page.getByText(/recurring series and \d+ single meetings/).waitFor();
    const sessions = page.getByRole('table', { name: 'Sessions' });
    await sessions.waitFor();
    expect(await sessions.getByTestId('occurrence-row').count()).toBeGreaterThan(10);
    await shot(page, 'flow-04-booked');
  });

  it('opens the first session and writes a record with two actions and one case reference', async () => {
    await page.getByRole('button', { name: /^Write record for/ }).first().click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`Supervision record: ${demo.supervisee}`) }).waitFor();
    await page.getByRole('textbox', { name: 'Care and Wellbeing' }).fill(recordText.careAndWellbeing);
    await page.getByRole('radiogroup', { name: /attended group supervision/ }).getByRole('radio', { name: 'Yes' }).check();
    await page.getByRole('button', { name: 'Add action' }).click();
    await page.getByRole('textbox', { name: 'Action 1: what' }).fill(recordText.firstAction);
    await page.getByRole('button', { name: 'Add action' }).click();
    await page.getByRole('textbox', { name: 'Action 2: what' }).fill(recordText.secondAction);
    await page.getByRole('group', { name: 'Action 2' }).getByRole('combobox', { name: 'Who' }).selectOption('supervisor');
    await page.getByRole('button', { name: 'Add case' }).click();
    await page.getByRole('combobox', { name: 'Case reference' }).fill('LCS-200001');
    await page.getByRole('checkbox', { name: /Case direction recorded in LCS\/EHM/ }).check();
    // Autosave: the draft is saved within a few seconds without pressing anything.
    await page.getByRole('status').filter({ hasText: /Saved at/ }).waitFor({ timeout: 12_000 });
    await shot(page, 'flow-05-record');
  });

  it('finalises the record', async () => {
    await page.getByRole('button', { name: 'Finalise and share' }).click();
    await page.getByText('finalised', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Finalise and share' }).count()).toBe(0);
    await shot(page, 'flow-06-finalised');
  });

  it('switches to the supervisee, who acknowledges the record and sees the actions', async () => {
    await actAs(page, demo.supervisee);
    await page.getByRole('heading', { level: 1, name: 'My supervision' }).waitFor();
    const actions = page.getByRole('region', { name: 'My actions' }).or(page.locator('section', { has: page.getByRole('heading', { name: 'My actions' }) }));
    await actions.getByText(recordText.firstAction, { exact: false }).waitFor();
    await shot(page, 'flow-07-my-supervision');
    await page.getByRole('link', { name: /^Supervision on/ }).click();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('acknowledged', { exact: true }).waitFor();
    await shot(page, 'flow-08-acknowledged');
  });

  it('shows the session held on time in compliance', async () => {
    await actAs(page, demo.lineManager);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Compliance' }).click();
    await page.getByRole('heading', { level: 1, name: 'Compliance' }).waitFor();
    await page.getByRole('link', { name: demo.supervisee }).click();
    const sessions = page.getByRole('table', { name: 'Sessions held' });
    await sessions.waitFor();
    const first = sessions.getByTestId('compliance-session').first();
    expect(await first.textContent()).toMatch(/held.*Held on time.*acknowledged/);
    await shot(page, 'flow-09-compliance');
    expect(pageErrors).toEqual([]);
  });
});
