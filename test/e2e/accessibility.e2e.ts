/**
 * axe-core on every view in the Teams light and dark themes: no serious or critical WCAG 2.1
 * A/AA violation. High contrast is rendered (and checked) too, with screenshots of each.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, seriousViolations, shot, startApp, type RunningApp } from './support.js';

const idris = '00000000-0000-4000-8000-000000000010';
const orla = '00000000-0000-4000-8000-000000000100';
const marisol = '00000000-0000-4000-8000-000000000001';

let app: RunningApp;
let browser: Browser;
let views: [name: string, as: string, hash: string][];

async function call<T>(who: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${app.url}/api${path}`, { method, headers: { 'x-dev-user': who, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return (await res.json()) as T;
}

beforeAll(async () => {
  app = await startApp('dudley');
  browser = await launch();
  const booking = await call<{ occurrences: { id: string; date: string }[] }>(idris, 'POST', '/bookings', { superviseeId: orla, weekday: 'wed', time: '10:00' });
  const first = booking.occurrences[0]!;
  const record = await call<{ record: { id: string } }>(idris, 'POST', `/supervisees/${orla}/records`, { kind: 'individual', sessionDate: first.date, eventId: first.id });
  views = [
    ['my-team', idris, '#/team'],
    ['schedule-wizard', idris, '#/schedule'],
    ['schedule-sessions', idris, `#/schedule/${orla}`],
    ['agreement', idris, `#/agreement/${orla}`],
    ['session-record', idris, `#/record/${record.record.id}`],
    ['informal-and-group', idris, '#/informal'],
    ['my-supervision', orla, '#/me'],
    ['compliance', marisol, '#/compliance'],
    ['compliance-person', marisol, `#/compliance/${orla}`],
  ];
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.each(['light', 'dark', 'contrast'] as const)('%s theme', (theme) => {
  it('has no serious or critical violations on any view', async () => {
    const { page, context } = await newPage(browser, { theme });
    const found: Record<string, unknown> = {};
    for (const [name, who, hash] of views) {
      await page.goto(`${app.url}/?theme=${theme}&as=${who}${hash}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      expect(await page.locator('.fui-FluentProvider').first().getAttribute('data-theme')).toBe(theme);
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[name] = violations;
      await shot(page, `a11y-${theme}-${name}`);
    }
    await context.close();
    expect(found).toEqual({});
  });
});

describe('landmarks and focus', () => {
  it('has banner, navigation and main landmarks, a skip link and a visible focus ring', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${app.url}/?as=${idris}#/team`);
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Views' }).count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      const after = getComputedStyle(el, '::after');
      return { outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px', after: after.borderStyle !== 'none' && after.content !== 'none', shadow: style.boxShadow !== 'none' };
    });
    expect(ring.outline || ring.after || ring.shadow).toBe(true);
    await context.close();
  });
});
