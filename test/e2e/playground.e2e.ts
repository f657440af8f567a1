/**
 * The bot in Microsoft's Agents Playground (a local Teams-like client), driven in Chromium: the
 * Playground's personal chat gets a prep prompt three working days before a booked session and
 * the answers land in the record; its team channel runs a solution circle from an @mention to
 * the summary, time driven by `supervision prompts --as-of`, and the circle counts as group
 * supervision.
 */
import { writeFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { longDate } from '../../bot/format.js';
import { workingDaysBefore } from '../../bot/jobs.js';
import type { CivilDate } from '../../src/calendar/civil.js';
import { londonToInstant } from '../../src/calendar/london.js';
import type { BookingResponse, PrepView } from '../../src/server/api/schemas.js';
import { playgroundPeople, runPrompts, sendCustomActivity, startPlayground, type RunningPlayground } from './playground-support.js';
import { artifacts, launch, newPage, recordText, shot, startApp, type RunningApp } from './support.js';

const org = 'dudley';
const ids = {
  supervisor: '00000000-0000-4000-8000-000000000010',
  supervisee: '00000000-0000-4000-8000-000000000100',
} as const;
// Record text the log privacy check also looks for.
const answers = { agenda: recordText.prepAgenda, wellbeing: recordText.prepWellbeing } as const;
const ideas = { ewan: recordText.circleIdea, priya: recordText.circleIdeaTried } as const;

let app: RunningApp;
let playground: RunningPlayground;
let browser: Browser;
let page: Page;
let sessionDate: CivilDate;

beforeAll(async () => {
  app = await startApp(org);
  playground = await startPlayground(app);
  browser = await launch();
  ({ page } = await newPage(browser));
  page.setDefaultTimeout(30_000);
  await page.goto(playground.url);
});
afterEach(async (context) => {
  // What the Playground showed when a step failed: its cards are the only evidence.
  if (context.task.result?.state !== 'fail' || !page) return;
  const name = `playground-failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`;
  await shot(page, name);
  writeFileSync(`${artifacts}${name}.aria.yml`, await page.locator('body').ariaSnapshot());
});
afterAll(async () => {
  await browser?.close();
  await playground?.close();
  await app?.close();
});

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}/api${path}`, {
    method,
    headers: { 'x-dev-user': ids.supervisor, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The card (the last one on screen: cards stack up in a conversation) that shows `text`. */
function cardWith(text: string | RegExp): Locator {
  return page.getByText(text).last().locator('xpath=ancestor::*[.//button][1]');
}

describe('prep prompt in the Playground\'s personal chat', () => {
  /**
   * The prep card for the chosen session. The server's own scheduler may also send a late prompt
   * for a session sooner than that (its prompt time already passed when the series was booked).
   */
  const prepCard = () => cardWith(`Your supervision with Idris Penhallow is on ${longDate(sessionDate)}`);

  it('greets Orla in the personal chat and answers "help" typed in the compose box', async () => {
    // Opening the Playground installs the app: its conversationUpdate stores Orla's conversation reference.
    await page.getByRole('heading', { name: 'What I can do' }).first().waitFor();
    await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
    const compose = page.getByRole('textbox').last();
    await compose.click();
    await page.keyboard.type('help');
    await page.getByRole('button', { name: 'Send Message' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'What I can do' }).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await shot(page, 'playground-01-help');
  });

  it('books a series as the supervisor, and the prompt run three working days before the next session sends the prep card', async () => {
    const booked = await api<BookingResponse>('POST', '/bookings', { superviseeId: ids.supervisee, weekday: 'wed', time: '10:00' });
    expect(booked.status).toBe(201);
    // The first session whose prompt time is still ahead, so the server's own scheduler has not sent it.
    const next = booked.body.occurrences.find((o) => o.kind === 'individual' && o.status === 'planned' && londonToInstant(workingDaysBefore(o.date, 3), '09:00') > Date.now());
    expect(next).toBeDefined();
    sessionDate = next!.date;
    const asOf = new Date(londonToInstant(workingDaysBefore(sessionDate, 3), '09:00'));
    const run = await runPrompts(app, org, asOf);
    expect(run.failed).toBe(0);
    expect(run.outcomes.filter((o) => o.key.startsWith('prep-prompt|') && o.status === 'done')).toHaveLength(1);
    await prepCard().waitFor();
    await shot(page, 'playground-02-prep-card');
  });

  it('fills the prep card in the Playground and submits it: the answers are on the session record', async () => {
    const card = prepCard();
    await card.getByRole('textbox', { name: /^Written agenda/ }).fill(answers.agenda);
    await card.getByRole('textbox', { name: 'How am I looking after myself at this time?' }).fill(answers.wellbeing);
    await card.getByRole('radiogroup', { name: /agreed which families/ }).getByRole('radio', { name: 'Yes' }).check();
    await card.getByRole('radiogroup', { name: /Case summary prepared and up to date/ }).getByRole('radio', { name: 'Yes' }).check();
    await card.getByRole('textbox', { name: 'Case reference' }).fill('LCS-200001');
    await card.getByRole('button', { name: 'Save my preparation' }).click();
    await page.getByRole('heading', { name: 'Thank you: your preparation is saved' }).waitFor();
    await shot(page, 'playground-03-prep-saved');

    const prep = await api<PrepView>('GET', `/supervisees/${ids.supervisee}/prep?sessionDate=${sessionDate}`);
    expect(prep.status).toBe(200);
    expect(prep.body.response?.record.answers).toMatchObject({ agenda: answers.agenda, 'looking-after-yourself': answers.wellbeing });
    expect(prep.body.response?.record.perCase).toEqual([expect.objectContaining({ ref: 'LCS-200001' })]);
  });
});

describe('solution circle in the Playground\'s team channel', () => {
  let threadId: string;

  async function circle() {
    const found = await app.services.records.where('circleSessions', 'conversationId', threadId);
    expect(found).toHaveLength(1);
    return found[0]!.record;
  }

  /** What the job runner would do when the current stage's time is up. */
  async function timeIsUp(): Promise<void> {
    const { stageEndsAt } = await circle();
    expect(stageEndsAt).toBeDefined();
    const run = await runPrompts(app, org, new Date(Date.parse(stageEndsAt!) + 1_000));
    expect(run.failed).toBe(0);
  }

  it('starts a solution circle from an @Supervision mention typed in a new channel post', async () => {
    await page.getByRole('treeitem', { name: 'Assessment North - Group supervision' }).click();
    await page.getByRole('heading', { name: 'Supervision in this channel' }).first().waitFor();
    const post = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Post' }) });
    await post.getByRole('textbox').click();
    // The Playground's compose box turns "@" into its people picker; choosing the bot makes a real mention.
    await page.keyboard.type('@');
    await page.getByRole('menuitem', { name: /^Supervision/ }).click();
    await page.keyboard.type(' solution circle');
    await shot(page, 'playground-04-mention');
    await post.getByRole('button', { name: 'Post' }).click();
    await page.getByText('Solution circle, stage 1 of 4: Stage 1 - Set the focus').waitFor();
    await shot(page, 'playground-05-stage-1');

    // The thread's conversation id, as the Playground sent it (its log panel shows each request).
    await page.getByText('<at>Supervision</at> solution circle').click();
    const request = await page.getByText(/"conversationType": "channel"/).last().locator('xpath=ancestor-or-self::*[contains(., "messageid=")][1]').innerText();
    threadId = /channel-group-supervision;messageid=\d+/.exec(request)![0];
    const started = await circle();
    expect(started).toMatchObject({ kind: 'solution', presenterId: ids.supervisee, stage: expect.stringMatching(/focus/) });
  });

  it('moves to stage 2 when the job runner reaches the end of stage 1, and to stage 3 on the presenter\'s "Move on"', async () => {
    await timeIsUp();
    await page.getByText(/^Solution circle, stage 2 of 4/).waitFor();
    await cardWith(/^Solution circle, stage 2 of 4/).getByRole('button', { name: 'Move on (presenter)' }).click();
    await page.getByText(/^Solution circle, stage 3 of 4/).waitFor();
    expect((await circle()).stage).toMatch(/solutions/);
    await shot(page, 'playground-06-stage-3');
  });

  it('stage 3: the presenter is asked to listen; two members\' ideas are taken', async () => {
    const stage3 = cardWith(/^Solution circle, stage 3 of 4/);
    await stage3.getByRole('textbox', { name: /Your idea/ }).fill('My own idea');
    await stage3.getByRole('button', { name: 'Offer this idea' }).click();
    await page.getByText('Listen and note', { exact: true }).waitFor();

    // Only one person signs in to the Playground; other members' card submits go in through its
    // "Custom activity" mock, as the Action.Submit fallback of the same card.
    const { id, stage } = await circle();
    for (const [person, text] of [[playgroundPeople.ewan, ideas.ewan], [playgroundPeople.priya, ideas.priya]] as const) {
      await sendCustomActivity(page, playground, {
        type: 'message',
        conversation: { id: threadId, isGroup: true, conversationType: 'channel', tenantId: playgroundPeople.tenantId },
        from: { id: person.id, name: person.name, aadObjectId: person.aadObjectId },
        value: { verb: 'circle.contribute', circleId: id, stage, text },
      });
    }
    await expect.poll(async () => (await circle()).contributions.map((c) => c.text)).toEqual([ideas.ewan, ideas.priya]);
    await page.getByText('Thank you: idea added').first().waitFor();
    await shot(page, 'playground-07-ideas');
  });

  it('stage 4: the presenter removes one idea as tried, selects the other and shares it; the circle is recorded', async () => {
    await timeIsUp();
    await page.getByText(/^Solution circle, stage 4 of 4/).waitFor();
    const stage4 = cardWith(/^Solution circle, stage 4 of 4/);
    // The Playground names each checkbox by its choice set's label and the idea's line.
    await stage4.getByRole('checkbox', { name: new RegExp(`^Already tried \\(removed\\) \\d+\\. ${ideas.priya}`) }).check();
    await stage4.getByRole('checkbox', { name: new RegExp(`^I will action \\(about two\\) \\d+\\. ${ideas.ewan}`) }).check();
    await shot(page, 'playground-08-selection');
    await stage4.getByRole('button', { name: 'Share my selection (presenter)' }).click();
    await page.getByText('Orla Fenwright will action').waitFor();
    await shot(page, 'playground-09-summary');

    const done = await circle();
    expect(done.completedAt).toBeDefined();
    expect(done.contributions.filter((c) => c.selected).map((c) => c.text)).toEqual([ideas.ewan]);
    expect(done.contributions.filter((c) => c.removed).map((c) => c.text)).toEqual([ideas.priya]);
    expect([...done.participants].sort()).toEqual([ids.supervisee, playgroundPeople.ewan.aadObjectId, playgroundPeople.priya.aadObjectId].sort());
    // Group supervision attendance: one record per participant (all three are supervised here).
    const attendance = async (userId: string) =>
      (await app.services.records.where('sessionRecords', 'superviseeId', userId)).filter((r) => r.record.kind === 'group' && r.record.id.startsWith(done.id)).map((r) => r.record.sections['group-supervision']);
    expect(await attendance(ids.supervisee)).toEqual(['Solution circle in Teams: 3 taking part, 2 ideas offered. Presented.']);
    expect(await attendance(playgroundPeople.ewan.aadObjectId)).toEqual(['Solution circle in Teams: 3 taking part, 2 ideas offered.']);
    expect(await attendance(playgroundPeople.priya.aadObjectId)).toEqual(['Solution circle in Teams: 3 taking part, 2 ideas offered.']);
  });
});
