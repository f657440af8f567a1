/**
 * The booking flow with the keyboard alone: no clicks from choosing who you are to the
 * confirmation. Focus moves only by Tab, arrows, type-ahead, Enter and Space.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, launch, newPage, shot, startApp, type RunningApp } from './support.js';

let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startApp('dudley');
  browser = await launch();
  ({ page } = await newPage(browser));
  page.setDefaultTimeout(15_000);
  await page.goto(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function isFocused(target: Locator): Promise<boolean> {
  if ((await target.count()) === 0) return false;
  return target.first().evaluate((el) => el === document.activeElement || el.contains(document.activeElement));
}

/** Presses Tab until the target has focus (as a keyboard user would), failing after `max` presses. */
async function tabTo(target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${target.toString()} with Tab`);
}

describe('booking with the keyboard only', () => {
  it('chooses the identity, opens Schedule, picks a supervisee, a time, and books', async () => {
    await page.getByRole('combobox', { name: 'Acting as (local mode)' }).waitFor();
    await tabTo(page.getByRole('combobox', { name: 'Acting as (local mode)' }));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.type('Idris', { delay: 20 });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();

    await tabTo(page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Schedule' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Schedule supervision' }).waitFor();

    await tabTo(page.getByRole('combobox', { name: 'Supervisee' }));
    await page.keyboard.press('Enter');
    await page.keyboard.type(demo.teammate.split(' ')[0]!, { delay: 20 });
    await page.keyboard.press('Enter');
    expect(await page.getByRole('combobox', { name: 'Supervisee' }).textContent()).toContain(demo.teammate);

    await tabTo(page.getByRole('button', { name: 'Next: cadence' }));
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: 'Cadence phases' }).waitFor();
    // The step heading takes focus so screen readers announce the new step.
    expect(await isFocused(page.getByRole('heading', { name: 'Cadence' }))).toBe(true);

    await tabTo(page.getByRole('button', { name: 'Next: find a time' }));
    await page.keyboard.press('Enter');
    const times = page.getByRole('radiogroup', { name: /Start time on/ });
    await times.waitFor();
    await tabTo(times.getByRole('radio').first());
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    expect(await times.getByRole('radio', { checked: true }).count()).toBe(1);
    await shot(page, 'keyboard-01-slot');

    await tabTo(page.getByRole('button', { name: 'Next: confirm' }));
    await page.keyboard.press('Enter');
    await tabTo(page.getByRole('button', { name: 'Book series' }));
    await page.keyboard.press('Enter');

    const confirmation = page.getByRole('status').filter({ hasText: 'Booked' });
    await confirmation.waitFor();
    await page.getByRole('table', { name: 'Sessions' }).waitFor();
    expect(await isFocused(confirmation)).toBe(true);
    await shot(page, 'keyboard-02-booked');
  });

  it('cancels a session with a reason using the keyboard', async () => {
    await tabTo(page.getByRole('button', { name: /^Cancel session of/ }).first());
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await tabTo(dialog.getByRole('combobox', { name: /Reason/ }));
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await tabTo(dialog.getByRole('checkbox', { name: /Rebook now/ }));
    await page.keyboard.press('Space');
    await tabTo(dialog.getByRole('button', { name: 'Cancel session' }));
    await page.keyboard.press('Enter');
    await page.getByText(/Session cancelled \(/).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await shot(page, 'keyboard-03-cancelled');
  });
});
