/**
 * The personal commands over /api/messages: help, next, prepare, actions, reschedule, and
 * everything that is not a command (unknown text, malformed cards, unknown people).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bot, execute, installed, message, personalConversation, tenantId } from './support/activities.js';
import { cardProblems } from './support/card-schema.js';
import { actionData, bookSupervisee, cardText, invokeCard, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;
const supervisee = people.supervisee;

beforeEach(async () => {
  h = await startBotHarness({ now: '2026-03-02T08:00:00Z' });
});

afterEach(async () => {
  await h.close();
});

const replies = () => h.connector.cards((c) => c.conversationId === `a:personal-${supervisee.id}`).map((c) => c.card);

async function say(text: string): Promise<Record<string, unknown>> {
  h.connector.clear();
  expect((await h.post(message(h.connector.url, supervisee, text))).status).toBe(200);
  const cards = replies();
  expect(cards).toHaveLength(1);
  expect(cardProblems(cards[0])).toEqual([]);
  return cards[0]!;
}

describe('personal commands', () => {
  it('welcomes on install with the help card', async () => {
    await h.post(installed(h.connector.url, supervisee));
    const card = replies()[0]!;
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('What I can do');
  });

  it('answers help, and unknown text with the help card', async () => {
    expect(cardText(await say('help'))).toContain('What I can do');
    const unknown = cardText(await say('what is the weather like?'));
    expect(unknown).toContain('I did not recognise that');
    expect(unknown).toContain('reschedule');
  });

  it('next: the next session, who with and what to prepare', async () => {
    expect(cardText(await say('next'))).toContain('No supervision booked');
    await bookSupervisee(h.services, '2026-03-03');
    const card = await say('Next');
    const text = cardText(card);
    expect(text).toContain('Tuesday 3 March 2026 at 10:00');
    expect(text).toContain('Idris Penhallow');
    expect(text).toMatch(/\d+ questions to answer/);
    const open = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.open', actionData(card, 'prep.open'))));
    expect(cardProblems(open)).toEqual([]);
    expect(cardText(open)).toContain('Prepare for supervision');
  });

  it('tells someone who is not supervised here', async () => {
    const visitor = { id: '00000000-0000-4000-8000-000000000999', name: 'Visiting Consultant' };
    h.connector.clear();
    await h.post(message(h.connector.url, visitor, 'next'));
    const cards = h.connector.cards((c) => c.conversationId === `a:personal-${visitor.id}`);
    expect(cardText(cards[0]!.card)).toContain('Nothing booked for you');
  });

  it('actions: lists open actions and marks the supervisee\'s done at their version', async () => {
    const { records } = h.services;
    await records.create('actions', { id: 'r1-a1', recordId: 'r1', superviseeId: supervisee.id, supervisorId: people.supervisor.id, what: 'Update the chronology', who: 'supervisee', due: '2026-02-20' });
    await records.create('actions', { id: 'r1-a2', recordId: 'r1', superviseeId: supervisee.id, supervisorId: people.supervisor.id, what: 'Book the training', who: 'supervisor', due: '2026-03-20' });
    const card = await say('actions');
    const text = cardText(card);
    expect(text).toContain('Update the chronology');
    expect(text).toContain('(overdue)');
    expect(text).toContain('Book the training');
    const done = invokeCard(await h.post(execute(h.connector.url, supervisee, 'action.done', actionData(card, 'action.done'))));
    expect(cardProblems(done)).toEqual([]);
    expect(cardText(done)).toContain('Marked done: Update the chronology');
    expect((await records.get('actions', 'r1-a1'))!.record.doneAt).toBe('2026-03-02T08:00:00.000Z');
    const again = invokeCard(await h.post(execute(h.connector.url, supervisee, 'action.done', actionData(done, 'action.done'))));
    expect(cardText(again)).toContain("your supervisor's");
    expect((await records.get('actions', 'r1-a2'))!.record.doneAt).toBeUndefined();
  });

  it('reschedule: asks the reason, offers free slots inside the policy window and rebooks', async () => {
    await bookSupervisee(h.services, '2026-03-03');
    h.at('2026-03-05T12:00:00Z');
    const reason = await say('reschedule');
    const text = cardText(reason);
    expect(text).toContain('Tuesday 10 March 2026 at 10:00');
    expect(text).toContain('Annual leave');
    const data = actionData(reason, 'reschedule.reason');

    const refused = invokeCard(await h.post(execute(h.connector.url, supervisee, 'reschedule.reason', { ...data, reason: 'Exceptional circumstances (state them)' })));
    expect(cardProblems(refused)).toEqual([]);
    expect(cardText(refused)).toContain('needs attention');

    const slots = invokeCard(await h.post(execute(h.connector.url, supervisee, 'reschedule.reason', { ...data, reason: 'Court' })));
    expect(cardProblems(slots)).toEqual([]);
    const values = [...JSON.stringify(slots).matchAll(/"value":"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})"/g)].map((m) => m[1]!);
    expect(values.length).toBeGreaterThan(0);
    // Inside the window: from tomorrow until the pack's rearrange deadline (2 weeks after the original date).
    for (const v of values) expect(v.slice(0, 10) >= '2026-03-06' && v.slice(0, 10) <= '2026-03-24').toBe(true);
    expect(values).not.toContain('2026-03-10T10:00');

    const confirm = actionData(slots, 'reschedule.confirm');
    const missing = invokeCard(await h.post(execute(h.connector.url, supervisee, 'reschedule.confirm', confirm)));
    expect(cardText(missing)).toContain('Choose one of the times');

    const done = invokeCard(await h.post(execute(h.connector.url, supervisee, 'reschedule.confirm', { ...confirm, slot: values[0] })));
    expect(cardProblems(done)).toEqual([]);
    expect(cardText(done)).toContain('Supervision moved');

    const cancellations = await h.services.records.where('cancellations', 'superviseeId', supervisee.id);
    expect(cancellations.map((c) => c.record)).toMatchObject([{ originalDate: '2026-03-10', reason: 'Court', rearrangedTo: values[0]!.slice(0, 10), origin: 'app', cancelledBy: supervisee.id }]);
    const next = cardText(await say('next'));
    expect(next).toContain(`at ${values[0]!.slice(11)}`);
    // The same confirmation again books nothing more.
    const repeat = invokeCard(await h.post(execute(h.connector.url, supervisee, 'reschedule.confirm', { ...confirm, slot: values[0] })));
    expect(cardText(repeat)).toMatch(/moved or been cancelled|Already moved/);
    expect([...h.services.calendarFake.events.values()].filter((e) => e.meeting.subject === 'Supervision (rearranged)')).toHaveLength(1);
  });

  it('reschedule: a typed reply is taken as the reason; a reason the policy does not permit is refused', async () => {
    await bookSupervisee(h.services, '2026-03-03');
    await say('reschedule');
    const refused = cardText(await say('Holiday in Spain'));
    expect(refused).toContain('permits moving supervision only for');
    await say('reschedule');
    const slots = cardText(await say('Sickness'));
    expect(slots).toContain('Choose a new time');
  });

  it('answers a malformed invoke and an unknown verb with a card, never an error', async () => {
    const base = execute(h.connector.url, supervisee, 'prep.submit', {});
    base.value = { action: { type: 'Action.Http', verb: 42 } };
    const malformed = invokeCard(await h.post(base));
    expect(cardProblems(malformed)).toEqual([]);
    expect(cardText(malformed)).toContain('could not be read');

    const unknown = invokeCard(await h.post(execute(h.connector.url, supervisee, 'rocket.launch', {})));
    expect(cardText(unknown)).toContain('not one I know');

    await bookSupervisee(h.services, '2026-03-03');
    const badPrep = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.submit', { occurrenceId: 42, 'q.agenda': { nested: true } })));
    expect(cardProblems(badPrep)).toEqual([]);
    expect(cardText(badPrep)).toContain('Prepare for supervision');
    const badAnswer = invokeCard(await h.post(execute(h.connector.url, supervisee, 'prep.submit', { occurrenceId: 'event-1_2026-03-03', date: '2026-03-03', 'q.agenda': { nested: true } })));
    expect(cardText(badAnswer)).toContain('must be text');
  });

  it('cannot help someone Teams sends without a directory id', async () => {
    const activity = message(h.connector.url, supervisee, 'next');
    activity.from = { id: '29:anonymous', name: 'Guest' };
    activity.conversation = { ...personalConversation(supervisee), id: 'a:guest' };
    await h.post(activity);
    const cards = h.connector.cards((c) => c.conversationId === 'a:guest');
    expect(cardText(cards[0]!.card)).toContain('I cannot tell who you are');
  });
});

describe('/api/messages', () => {
  it('in local mode refuses a serviceUrl that is not on loopback', async () => {
    const activity = message('https://smba.trafficmanager.net/uk/', supervisee, 'help');
    expect((await h.post(activity)).status).toBe(400);
    expect(h.connector.captured).toEqual([]);
  });

  it('refuses a body that is not an activity', async () => {
    const response = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"hello"' });
    expect(response.status).toBe(400);
  });

  it('accepts a Teams activity that carries channelData.tenant', async () => {
    const activity = { type: 'message', id: 'm-1', channelId: 'msteams', serviceUrl: h.connector.url, from: { id: '29:x', aadObjectId: supervisee.id }, recipient: bot, conversation: { id: 'a:x', conversationType: 'personal', tenantId }, channelData: { tenant: { id: tenantId } }, text: 'help' };
    expect((await h.post(activity)).status).toBe(200);
    expect(h.connector.captured).toHaveLength(1);
  });
});
