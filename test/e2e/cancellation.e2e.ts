/**
 * A supervision session cancelled in Outlook reaches the supervisor's My team as a banner
 * (through the change notification and calendar sync of the running app), where they record
 * the reason and rearrange it to a free time inside the pack's window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../src/booking/booking.js';
import { GraphCalendar, createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { silentLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/bootstrap.js';
import { loadConfig } from '../../src/server/config.js';
import { actAs, demo, launch, newPage, shot } from './support.js';

let app: RunningServer;
let dataDir: string;
let browser: Browser;
let page: Page;
let superviseeId = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  // The running app itself (not support.ts's startApp): the test waits for its notified syncs.
  dataDir = mkdtempSync(join(tmpdir(), 'supervision-e2e-cancel-'));
  app = await startServer(loadConfig({ PORT: '0', SUPERVISION_ORG: 'dudley', SUPERVISION_DATA_DIR: dataDir }), silentLogger, { notificationDebounceMs: 0 });
  await app.changeNotifications.timer.ready;
  const settle = async () => {
    await app.localGraph!.notifications.settled();
    await app.changeNotifications.settled();
  };
  const everyone = await app.services.directory.everyone();
  const supervisor = everyone.find((p) => p.displayName === demo.supervisor)!;
  superviseeId = everyone.find((p) => p.displayName === demo.supervisee)!.id;
  const staff = (await app.services.records.where('staff', 'userId', superviseeId))[0]!.record;
  const start = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const booked = await book(app.services, { org: 'dudley', role: staff.role, supervisor: supervisor.id, supervisee: superviseeId, start, time: '10:00', bookedBy: supervisor.id, appUrl: app.url });
  const calendar = new GraphCalendar(createGraphClient({ baseUrl: `http://127.0.0.1:${app.port}/graph/v1.0`, auth: localDevAuth(supervisor.id) }));
  const occurrences = await calendar.listInstances(supervisor.id, booked.series[0]!.id, new Date(`${start}T00:00:00Z`), new Date(Date.now() + 120 * 86_400_000));
  // The booking's own notification lets sync see the occurrences; then one is cancelled.
  await settle();
  await calendar.cancelEvent(supervisor.id, occurrences[1]!.id, 'Away');
  await settle();
  expect(await app.services.records.where('cancellations', 'superviseeId', superviseeId)).toHaveLength(1);

  browser = await launch();
  ({ page } = await newPage(browser));
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(`http://127.0.0.1:${app.port}/`);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the cancellation banner on My team', () => {
  it('shows the session cancelled in Outlook, takes the reason and rearranges it', async () => {
    await actAs(page, demo.supervisor);
    const banner = page.getByRole('region', { name: 'Sessions that did not go ahead' });
    await banner.waitFor();
    const item = banner.getByTestId('pending-cancellation').filter({ hasText: demo.supervisee });
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toMatch(/cancelled in Outlook/);
    await shot(page, 'cancellation-01-banner');

    await item.getByRole('combobox', { name: /^Reason for/ }).selectOption('Sickness');
    await item.getByRole('button', { name: 'Save reason' }).click();
    await banner.getByText('Reason: Sickness').waitFor();

    await banner.getByRole('button', { name: 'Find times to rearrange' }).click();
    await banner.getByRole('radio').first().check();
    await shot(page, 'cancellation-02-times');
    await banner.getByRole('button', { name: 'Rearrange' }).click();
    await banner.waitFor({ state: 'detached' });

    const saved = (await app.services.records.where('cancellations', 'superviseeId', superviseeId))[0]!.record;
    expect(saved.reason).toBe('Sickness');
    expect(saved.rearrangedTo).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(pageErrors).toEqual([]);
  });
});
