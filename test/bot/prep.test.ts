/**
 * Prep prompts end to end over /api/messages: a booked one-to-one, the job run three working
 * days before it, the organisation's questions on the card, answers refused and accepted,
 * the reminder and the supervisor's digest, and occurrences moved or cancelled in Outlook.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installed, message, submit, execute } from './support/activities.js';
import { cardProblems } from './support/card-schema.js';
import { actionData, bookSupervisee, cardText, inputIds, invokeCard, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;

const supervisee = people.supervisee;
const supervisor = people.supervisor;

async function seed(harness: BotHarness): Promise<void> {
  const { records } = harness.services;
  // A case long overdue for discussion (Dudley: every 8 weeks) and an open action from the last record.
  await records.create('caseload', { id: 'case-extra', superviseeId: supervisee.id, caseRef: 'LCS-900001', category: 'other', opened: '2025-12-01' });
  await records.create('actions', { id: 'rec-1-a1', recordId: 'rec-1', superviseeId: supervisee.id, supervisorId: supervisor.id, what: 'Read the neglect toolkit', who: 'supervisee', due: '2026-03-09' });
}

beforeEach(async () => {
  h = await startBotHarness({ now: '2026-03-02T08:00:00Z' });
  await seed(h);
  await bookSupervisee(h.services, '2026-03-03');
  // Installing the app gives the bot each person's conversation (and a welcome card).
  expect((await h.post(installed(h.connector.url, supervisee))).status).toBe(200);
  expect((await h.post(installed(h.connector.url, supervisor))).status).toBe(200);
  h.connector.clear();
});

afterEach(async () => {
  await h.close();
});

const toSupervisee = () => h.connector.cards((c) => c.conversationId === `a:personal-${supervisee.id}`);
const toSupervisor = () => h.connector.cards((c) => c.conversationId === `a:personal-${supervisor.id}`);

describe('prep prompt', () => {
  it('is sent three working days before the session, with the pack questions, open actions and cases due', async () => {
    const early = await h.run('2026-03-05T08:59:00Z');
    expect(early.outcomes.filter((o) => o.key.includes('2026-03-10') && o.kind === 'prep-prompt')).toEqual([]);
    const report = await h.run('2026-03-05T09:00:00Z');
    expect(report.outcomes).toContainEqual({ key: 'prep-prompt|event-1_2026-03-10|2026-03-10', kind: 'prep-prompt', status: 'done' });

    const cards = toSupervisee();
    expect(cards).toHaveLength(1);
    const card = cards[0]!.card;
    expect(cardProblems(card)).toEqual([]);
    expect(cards[0]!.captured.replyToId).toBeUndefined();
    const text = cardText(card);
    expect(text).toContain('Tuesday 10 March 2026 at 10:00');
    expect(text).toContain('Idris Penhallow');
    expect(text).toContain('Written agenda');
    expect(text).toContain('Read the neglect toolkit');
    expect(text).toContain('LCS-900001');
    expect(inputIds(card)).toEqual(expect.arrayContaining(['q.agenda', 'q.families-agreed', 'c.0.case-summary-prepared', 'c.x.ref']));
    expect(actionData(card, 'prep.submit')).toMatchObject({ occurrenceId: 'event-1_2026-03-10', date: '2026-03-10', slots: ['LCS-900001'] });
    // Running again sends nothing more: one prompt per occurrence.
    await h.run('2026-03-05T09:30:00Z');
    expect(toSupervisee()).toHaveLength(1);
  });

  it('sends a malformed submit back as the same card with the fields in error marked, then saves a valid one', async () => {
    await h.run('2026-03-05T09:00:00Z');
    const prompt = toSupervisee()[0]!.card;
    const data = actionData(prompt, 'prep.submit');

    const refused = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...data, 'q.agenda': '   ', 'q.families-agreed': 'maybe', 'c.0.what-has-happened': 'Visited twice' })));
    expect(cardProblems(refused)).toEqual([]);
    const text = cardText(refused);
    expect(text).toContain('needs attention');
    expect(text).toMatch(/needs an answer/);
    expect(text).toMatch(/choose Yes or No/);
    expect(JSON.stringify(refused)).toContain('"style":"attention"');
    // What was typed is kept.
    expect(text).toContain('Visited twice');
    expect(await h.services.records.get('prepResponses', `prep-${supervisee.id}-2026-03-10`)).toBeUndefined();

    const answers = { 'q.agenda': 'Caseload pressure; ASYE portfolio', 'q.families-agreed': 'yes', 'c.0.case-summary-prepared': 'yes', 'c.0.what-has-happened': 'Visited twice' };
    const thanks = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...data, ...answers })));
    expect(cardProblems(thanks)).toEqual([]);
    expect(cardText(thanks)).toContain('Thank you: your preparation is saved');
    expect(actionData(thanks, 'prep.edit')).toMatchObject({ occurrenceId: 'event-1_2026-03-10' });

    const saved = await h.services.records.get('prepResponses', `prep-${supervisee.id}-2026-03-10`);
    expect(saved?.record).toMatchObject({
      superviseeId: supervisee.id,
      supervisorId: supervisor.id,
      sessionDate: '2026-03-10',
      eventId: 'event-1_2026-03-10',
      answers: { agenda: 'Caseload pressure; ASYE portfolio', 'families-agreed': 'yes' },
      perCase: [{ ref: 'LCS-900001', answers: { 'case-summary-prepared': 'yes', 'what-has-happened': 'Visited twice' } }],
    });
  });

  it('edits saved answers at their version and refuses a card older than the saved answers', async () => {
    await h.run('2026-03-05T09:00:00Z');
    const data = actionData(toSupervisee()[0]!.card, 'prep.submit');
    await h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...data, 'q.agenda': 'First', 'q.families-agreed': 'no' }));
    const edit = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.edit', { occurrenceId: 'event-1_2026-03-10', date: '2026-03-10' })));
    expect(cardProblems(edit)).toEqual([]);
    expect(cardText(edit)).toContain('First');
    const editData = actionData(edit, 'prep.submit');
    expect(editData.version).toEqual(expect.any(String));

    // The stale prompt card (no version) cannot overwrite what was saved since.
    const stale = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...data, 'q.agenda': 'Overwrite', 'q.families-agreed': 'no' })));
    expect(cardText(stale)).toContain('changed elsewhere');
    expect((await h.services.records.get('prepResponses', `prep-${supervisee.id}-2026-03-10`))?.record.answers.agenda).toBe('First');

    const thanks = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...editData, 'q.agenda': 'Second', 'q.families-agreed': 'no' })));
    expect(cardText(thanks)).toContain('Second');
    expect((await h.services.records.get('prepResponses', `prep-${supervisee.id}-2026-03-10`))?.record.answers.agenda).toBe('Second');
  });

  it('accepts the Action.Submit fallback and answers with a new message', async () => {
    await h.run('2026-03-05T09:00:00Z');
    const data = actionData(toSupervisee()[0]!.card, 'prep.submit');
    h.connector.clear();
    const posted = await h.post(submit(h.connector.url, supervisee, { ...data, 'q.agenda': 'Via an older client', 'q.families-agreed': 'yes' }));
    expect(posted.status).toBe(200);
    const reply = toSupervisee();
    expect(reply).toHaveLength(1);
    expect(cardProblems(reply[0]!.card)).toEqual([]);
    expect(cardText(reply[0]!.card)).toContain('Thank you: your preparation is saved');
  });

  it('reminds once, one working day before, only when unanswered; the supervisor gets a digest', async () => {
    await h.run('2026-03-05T09:00:00Z');
    const reminder = await h.run('2026-03-09T09:00:00Z');
    expect(reminder.outcomes).toContainEqual({ key: 'prep-reminder|event-1_2026-03-10|2026-03-10', kind: 'prep-reminder', status: 'done' });
    const cards = toSupervisee();
    expect(cards).toHaveLength(2);
    expect(cardText(cards[1]!.card)).toContain('Reminder: your supervision with Idris Penhallow');
    expect(cardProblems(cards[1]!.card)).toEqual([]);

    await h.run('2026-03-09T15:00:00Z');
    const digests = toSupervisor();
    expect(digests).toHaveLength(1);
    expect(cardProblems(digests[0]!.card)).toEqual([]);
    const digest = cardText(digests[0]!.card);
    expect(digest).toContain('Supervision with Orla Fenwright');
    expect(digest).toContain('has not sent their preparation yet');
    expect(digest).toContain('LCS-900001');
    expect(digest).toContain('Read the neglect toolkit');
  });

  it('skips the reminder once the prep is answered and shows the answers in the digest', async () => {
    await h.run('2026-03-05T09:00:00Z');
    const data = actionData(toSupervisee()[0]!.card, 'prep.submit');
    await h.post(execute(h.connector.url, supervisee, 'prep.submit', { ...data, 'q.agenda': 'Portfolio evidence', 'q.families-agreed': 'yes' }));
    const reminder = await h.run('2026-03-09T09:00:00Z');
    expect(reminder.outcomes).toContainEqual({ key: 'prep-reminder|event-1_2026-03-10|2026-03-10', kind: 'prep-reminder', status: 'skipped', reason: 'answered' });
    expect(toSupervisee()).toHaveLength(1);
    await h.run('2026-03-09T15:00:00Z');
    expect(cardText(toSupervisor()[0]!.card)).toContain('Portfolio evidence');
  });

  it('follows an occurrence moved in Outlook and drops one cancelled', async () => {
    await h.run('2026-03-05T09:00:00Z');
    const calendar = h.services.calendarFake;
    // Tue 17 March moves to Thu 19 March; Tue 24 March is cancelled.
    await calendar.moveOccurrence(supervisor.id, 'event-1_2026-03-17', '2026-03-19T14:00', '2026-03-19T15:30');
    await calendar.cancelMeeting(supervisor.id, 'event-1_2026-03-24', 'cancelled');

    const old = await h.run('2026-03-12T09:00:00Z');
    expect(old.outcomes).toContainEqual({ key: 'prep-prompt|event-1_2026-03-17|2026-03-17', kind: 'prep-prompt', status: 'skipped', reason: 'moved' });
    const moved = await h.run('2026-03-16T09:00:00Z');
    expect(moved.outcomes).toContainEqual({ key: 'prep-prompt|event-1_2026-03-17|2026-03-19', kind: 'prep-prompt', status: 'done' });
    const last = toSupervisee().at(-1)!.card;
    expect(cardText(last)).toContain('Thursday 19 March 2026 at 14:00');

    // Planned before it was cancelled, the prompt is dropped when it falls due.
    const cancelled = await h.run('2026-03-19T09:00:00Z');
    expect(cancelled.outcomes).toContainEqual({ key: 'prep-prompt|event-1_2026-03-24|2026-03-24', kind: 'prep-prompt', status: 'skipped', reason: 'cancelled' });
    expect(h.bot.jobs.list({ keyPrefix: 'prep-prompt|event-1_2026-03-24' }).filter((j) => j.status === 'done')).toEqual([]);
    expect(toSupervisee().filter((c) => cardText(c.card).includes('24 March'))).toEqual([]);
  });

  it('skips people the bot has no conversation with', async () => {
    // Ewan (fortnightly) never opened a chat with the bot.
    await bookSupervisee(h.services, '2026-03-03', { supervisee: people.teammate.id });
    const report = await h.run('2026-03-12T09:00:00Z');
    expect(report.outcomes.filter((o) => o.kind === 'prep-prompt' && o.status === 'skipped' && o.reason === 'no-conversation').length).toBeGreaterThan(0);
  });

  it('"prepare" in the chat gives the same card for the next session', async () => {
    const posted = await h.post(message(h.connector.url, supervisee, 'prepare'));
    expect(posted.status).toBe(200);
    const card = toSupervisee()[0]!.card;
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Tuesday 3 March 2026 at 10:00');
  });
});
