/**
 * The Outlook task pane (/outlook/taskpane.html) in headless Chromium: with Office.js absent it
 * says where to open it; with a stubbed Office.context.mailbox.item it applies a Bristol social
 * worker's 4-weekly cadence as the appointment's recurrence, and books a Birmingham ASYE's
 * phased plan through the API.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../../src/server/api/schemas.js';
import { demo, launch, newPage, seriousViolations, shot, startApp, type RunningApp } from './support.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface People {
  supervisorMail: string;
  superviseeId: string;
  superviseeMail: string;
}

async function people(app: RunningApp): Promise<People> {
  const everyone = await app.services.directory.everyone();
  const supervisor = everyone.find((p) => p.displayName === demo.supervisor)!;
  const supervisee = everyone.find((p) => p.displayName === demo.supervisee)!;
  return { supervisorMail: supervisor.mail, superviseeId: supervisee.id, superviseeMail: supervisee.mail };
}

/** A page where Microsoft's CDN is unreachable, so only a stub (if any) provides Office. */
async function offlinePage(): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await newPage(browser);
  await context.route('https://appsforoffice.microsoft.com/**', (route) => route.abort());
  return { context, page };
}

/** Installs a stubbed Office.js: an appointment being organised, capturing setAsync's pattern. */
async function stubOffice(page: Page, organiser: string, attendee: string): Promise<void> {
  await page.addInitScript(
    ({ organiser, attendee }) => {
      class SeriesTime {
        startDate?: { year: number; month: number; day: number };
        endDate?: { year: number; month: number; day: number };
        startTime?: { hours: number; minutes: number };
        durationMinutes?: number;
        setStartDate(year: number, month: number, day: number) {
          this.startDate = { year, month, day };
        }
        setEndDate(year: number, month: number, day: number) {
          this.endDate = { year, month, day };
        }
        setStartTime(hours: number, minutes: number) {
          this.startTime = { hours, minutes };
        }
        setDuration(minutes: number) {
          this.durationMinutes = minutes;
        }
      }
      const win = window as unknown as { Office: unknown; __recurrence?: unknown };
      const succeeded = (value: unknown) => ({ status: 'succeeded', value });
      win.Office = {
        onReady(callback?: (info: { host: string; platform: string }) => void) {
          const info = { host: 'Outlook', platform: 'OfficeOnline' };
          callback?.(info);
          return Promise.resolve(info);
        },
        AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
        MailboxEnums: { RecurrenceType: { Weekly: 'weekly' } },
        SeriesTime,
        context: {
          mailbox: {
            userProfile: { emailAddress: organiser, displayName: 'Organiser' },
            item: {
              itemType: 'appointment',
              requiredAttendees: { getAsync: (callback: (result: unknown) => void) => setTimeout(() => callback(succeeded([{ emailAddress: attendee, displayName: attendee }])), 0) },
              recurrence: {
                setAsync: (pattern: unknown, callback: (result: unknown) => void) => {
                  win.__recurrence = JSON.parse(JSON.stringify(pattern));
                  setTimeout(() => callback(succeeded(undefined)), 0);
                },
              },
            },
          },
        },
      };
    },
    { organiser, attendee },
  );
}

function londonToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

describe('Outlook task pane without Office', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('dudley');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('says to open it from an Outlook appointment and renders nothing else', async () => {
    const { context, page } = await offlinePage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    const response = await page.goto(`${app.url}/outlook/taskpane.html`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain('https://appsforoffice.microsoft.com');
    await page.getByRole('heading', { level: 1, name: 'Open this from an Outlook appointment' }).waitFor();
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.dataset.office)).toBe('absent');
    expect(errors).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('Outlook task pane on a Bristol social worker\'s appointment', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('bristol');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the 4-weekly cadence with its source and applies it as a weekly recurrence', async () => {
    const { supervisorMail, superviseeId, superviseeMail } = await people(app);
    const plan = (await (await fetch(`${app.url}/api/supervisees/${superviseeId}/plan`, { headers: { 'x-dev-user': supervisorMail } })).json()) as PlanView;
    const today = londonToday();
    const first = plan.sessions.find((s) => s.kind === 'individual' && s.ruleId.includes('/one-to-one/') && s.date >= today)!;

    const { context, page } = await offlinePage();
    await stubOffice(page, supervisorMail, superviseeMail);
    await page.goto(`${app.url}/outlook/taskpane.html`);
    await page.getByRole('heading', { level: 2, name: demo.supervisee }).waitFor({ timeout: 30_000 });
    await page.getByText('every 4 weeks', { exact: true }).waitFor();
    await page.getByText(/Source: 004_d53851039f9fa32d\.txt § 3\. Conditions for effective supervision - 3\.4 Frequency/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const apply = page.getByRole('button', { name: 'Apply the recurrence to this appointment' });
    await apply.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Recurrence set').waitFor();
    await shot(page, 'outlook-taskpane-bristol');

    const captured = (await page.evaluate(() => (window as unknown as { __recurrence: unknown }).__recurrence)) as {
      recurrenceType: string;
      recurrenceProperties: { interval: number; days: string[]; firstDayOfWeek: string };
      recurrenceTimeZone: { name: string };
      seriesTime: { startDate: { year: number; month: number; day: number }; startTime: { hours: number; minutes: number }; durationMinutes: number };
    };
    expect(captured.recurrenceType).toBe('weekly');
    expect(captured.recurrenceProperties).toEqual({ interval: 4, days: [plan.weekday], firstDayOfWeek: 'mon' });
    expect(captured.recurrenceTimeZone.name).toBe('GMT Standard Time');
    const [year, month, day] = first.date.split('-').map(Number) as [number, number, number];
    expect(captured.seriesTime.startDate).toEqual({ year, month: month - 1, day });
    expect(captured.seriesTime.startTime).toEqual({ hours: Number(plan.time.slice(0, 2)), minutes: Number(plan.time.slice(3)) });
    expect(captured.seriesTime.durationMinutes).toBe(first.durationMinutes);
    // Applying a recurrence books nothing through the API.
    expect(await app.services.records.where('schedules', 'superviseeId', superviseeId)).toEqual([]);
    await context.close();
  });
});

describe('Outlook task pane on a Birmingham ASYE\'s appointment', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('birmingham');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('books the phased plan through the API and tells the organiser to discard the draft', async () => {
    const { supervisorMail, superviseeId, superviseeMail } = await people(app);
    const { context, page } = await offlinePage();
    await stubOffice(page, supervisorMail, superviseeMail);
    await page.goto(`${app.url}/outlook/taskpane.html`);
    await page.getByRole('heading', { level: 2, name: demo.supervisee }).waitFor({ timeout: 30_000 });
    await page.getByText('Weekly for the first 6 weeks', { exact: true }).waitFor();
    await page.getByText('Fortnightly up to the 6-month review', { exact: true }).waitFor();
    expect(await app.services.records.where('schedules', 'superviseeId', superviseeId)).toEqual([]);

    await page.getByRole('button', { name: 'Book the phased plan' }).click();
    await page.getByText('Supervision booked').waitFor({ timeout: 60_000 });
    await page.getByText(/Discard this draft appointment/).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __recurrence?: unknown }).__recurrence)).toBeUndefined();

    const schedules = await app.services.records.where('schedules', 'superviseeId', superviseeId);
    expect(schedules.map((s) => s.record.status)).toEqual(['booked']);
    const occurrences = (await (await fetch(`${app.url}/api/supervisees/${superviseeId}/occurrences`, { headers: { 'x-dev-user': supervisorMail } })).json()) as { occurrences: { scheduleId?: string; ruleId?: string }[] };
    const booked = occurrences.occurrences.filter((o) => o.scheduleId === schedules[0]!.record.id);
    expect(booked.length).toBeGreaterThan(6);
    const phases = new Set(booked.map((o) => o.ruleId?.split('/')[2]));
    expect([...phases]).toEqual(expect.arrayContaining(['weekly-first-6-weeks', 'fortnightly-to-6-month-review']));
    await context.close();
  });
});
