/**
 * Solution and success circles in a channel thread, run end to end with time driven through
 * the job runner: one message per stage, ideas through cards, the presenter's selection,
 * attendance, and the check-in on the agreed date.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { circleStages } from '../../bot/circles.js';
import { personData, staffOf } from '../../bot/people.js';
import { channelExecute, mention, mentionWith, personMention, team } from './support/activities.js';
import { cardProblems } from './support/card-schema.js';
import { actionData, cardText, invokeCard, loadPack, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;
const root = 'root-1';
const threadId = `${team.channel};messageid=${root}`;
const presenter = people.supervisee;

beforeEach(async () => {
  h = await startBotHarness({ now: '2026-03-04T10:00:00Z' });
});

afterEach(async () => {
  await h.close();
});

const threadCards = () => h.connector.cards((c) => c.conversationId === threadId);
const headings = () => threadCards().map((c) => cardText(c.card).split('\n')[0]);

async function circleId(): Promise<string> {
  const found = await h.services.records.where('circleSessions', 'conversationId', threadId);
  return found[0]!.record.id;
}

function act(person: typeof presenter, verb: string, data: Record<string, unknown>) {
  return h.post(channelExecute(h.connector.url, person, root, verb, data));
}

describe('solution circle', () => {
  it('runs end to end in the thread with timed stages, ideas, selection and a check-in', async () => {
    expect((await h.post(mention(h.connector.url, presenter, 'solution circle LCS-200001', root))).status).toBe(200);
    const first = threadCards();
    expect(first).toHaveLength(1);
    expect(first[0]!.captured.replyToId).toBe(root);
    expect(cardProblems(first[0]!.card)).toEqual([]);
    const opening = cardText(first[0]!.card);
    expect(opening).toContain('Solution circle, stage 1 of 4: Stage 1 - Set the focus');
    expect(opening).toContain('LCS-200001');
    expect(opening).toContain('2 minutes, until 10:02');
    const id = await circleId();

    // Members join (attendance); nothing moves before the stage's time is up.
    for (const member of [people.teammate, people.third]) expect(cardText(invokeCard(await act(member, 'circle.join', { circleId: id, stage: 'set-the-focus' })))).toContain('joined');
    await h.run('2026-03-04T10:01:59Z');
    expect(threadCards()).toHaveLength(1);

    await h.run('2026-03-04T10:02:00Z');
    expect(headings()).toEqual(['Solution circle, stage 1 of 4: Stage 1 - Set the focus', 'Solution circle, stage 2 of 4: Stage 2 - Clarification Questions']);
    const second = threadCards()[1]!;
    expect(second.captured.replyToId).toBeUndefined();
    expect(cardText(second.card)).toContain('4 minutes, until 10:06');

    // Only the presenter moves on early; it is announced once even when the timer also falls due.
    h.at('2026-03-04T10:04:00Z');
    expect(cardText(invokeCard(await act(people.teammate, 'circle.next', { circleId: id, stage: 'clarification-questions' })))).toContain('Only the presenter');
    expect(cardText(invokeCard(await act(presenter, 'circle.next', { circleId: id, stage: 'clarification-questions' })))).toContain('Moving on');
    await h.bot.idle();
    expect(headings()).toHaveLength(3);
    await h.run('2026-03-04T10:06:00Z');
    expect(headings()).toHaveLength(3);
    const solutions = threadCards()[2]!.card;
    expect(cardProblems(solutions)).toEqual([]);
    expect(cardText(solutions)).toContain('Stage 3 - Solutions');
    // The stage started early (10:04), so it ends four minutes after the move on.
    expect(cardText(solutions)).toContain('until 10:08');

    // Ideas come through the card; the presenter only listens and an empty idea is marked.
    const offer = (person: typeof presenter, text: string) => act(person, 'circle.contribute', { ...actionData(solutions, 'circle.contribute'), text });
    expect(cardText(invokeCard(await offer(presenter, 'My own idea')))).toContain('Listen and note');
    const empty = invokeCard(await offer(people.teammate, '   '));
    expect(cardProblems(empty)).toEqual([]);
    expect(cardText(empty)).toContain('needs attention');
    const thanks = invokeCard(await offer(people.teammate, 'Family group conference'));
    expect(cardProblems(thanks)).toEqual([]);
    expect(cardText(thanks)).toContain('1 idea so far');
    await offer(people.third, 'Ask the health visitor to a joint visit');
    await offer(people.other, 'Draw a genogram with the family');

    await h.run('2026-03-04T10:08:00Z');
    expect(headings()).toHaveLength(4);
    const selection = threadCards()[3]!.card;
    expect(cardProblems(selection)).toEqual([]);
    expect(cardText(selection)).toContain('Stage 4 - Selection');
    expect(cardText(selection)).toContain('No time limit');
    expect(cardText(selection)).toContain('Draw a genogram with the family');
    const choices = (JSON.stringify(selection).match(/"value":"(\d+)"/g) ?? []).map((m) => m.replace(/\D/g, ''));
    const [fgc, visitor, genogram] = [...new Set(choices)];

    const select = (person: typeof presenter, values: Record<string, string>) => act(person, 'circle.select', { ...actionData(selection, 'circle.select'), ...values });
    expect(cardText(invokeCard(await select(people.teammate, { selected: fgc!, checkIn: '2026-04-08' })))).toContain('Only the presenter selects');
    const overlap = invokeCard(await select(presenter, { tried: genogram!, selected: `${fgc},${genogram}`, checkIn: '2026-03-01' }));
    expect(cardProblems(overlap)).toEqual([]);
    expect(cardText(overlap)).toContain('cannot also be selected');
    expect(cardText(overlap)).toContain('must be after today');

    h.at('2026-03-04T10:12:00Z');
    expect(cardText(invokeCard(await select(presenter, { tried: genogram!, selected: `${fgc},${visitor}`, checkIn: '2026-04-08' })))).toContain('Circle complete');
    expect(headings()).toHaveLength(5);
    const summary = threadCards()[4]!;
    expect(cardProblems(summary.card)).toEqual([]);
    const summaryText = cardText(summary.card);
    expect(summaryText).toContain('Solution circle complete');
    expect(summaryText).toContain('Family group conference');
    expect(summaryText).toContain('Ask the health visitor to a joint visit');
    expect(summaryText).not.toContain('Draw a genogram');
    expect(summaryText).toContain('Wednesday 8 April 2026');

    const stored = (await h.services.records.get('circleSessions', id))!.record;
    expect(stored).toMatchObject({ kind: 'solution', caseRef: 'LCS-200001', presenterId: presenter.id, stage: 'complete', checkInOn: '2026-04-08', completedAt: '2026-03-04T10:12:00.000Z' });
    expect(new Set(stored.participants)).toEqual(new Set([presenter.id, people.teammate.id, people.third.id, people.other.id]));
    expect(stored.contributions.filter((c) => c.selected).map((c) => c.text)).toEqual(['Family group conference', 'Ask the health visitor to a joint visit']);
    expect(stored.contributions.filter((c) => c.removed).map((c) => c.text)).toEqual(['Draw a genogram with the family']);

    // Everyone who took part has group supervision on the day.
    for (const person of [presenter, people.teammate, people.third, people.other]) {
      const data = await personData(h.services, (await staffOf(h.services, person.id))!);
      expect(data.occurrences.some((o) => o.kind === 'group' && o.status === 'held' && o.date === '2026-03-04')).toBe(true);
    }

    // The safety close finds the circle finished; the check-in is posted on the agreed day.
    const later = await h.run('2026-03-04T11:00:00Z');
    expect(later.outcomes).toContainEqual(expect.objectContaining({ kind: 'circle-close', status: 'skipped' }));
    await h.run('2026-04-08T07:59:00Z');
    expect(headings()).toHaveLength(5);
    await h.run('2026-04-08T08:00:00Z');
    expect(headings().at(-1)).toBe('Solution circle check-in');
    expect(cardText(threadCards().at(-1)!.card)).toContain('Family group conference');
    await h.run('2026-04-09T08:00:00Z');
    expect(headings()).toHaveLength(6);
    expect(headings().filter((t) => t?.includes('stage 2 of 4'))).toHaveLength(1);
  });

  it('refuses a name in place of a case reference and a second circle in the same thread', async () => {
    await h.post(mention(h.connector.url, presenter, 'solution circle Amy Smith', root));
    expect(cardText(threadCards()[0]!.card)).toContain('case references only');
    expect(await h.services.records.where('circleSessions', 'conversationId', threadId)).toEqual([]);
    await h.post(mention(h.connector.url, presenter, 'solution circle', 'root-2'));
    const other = `${team.channel};messageid=root-2`;
    h.connector.clear();
    const again = mention(h.connector.url, people.teammate, 'success circle', 'root-2');
    again.id = 'reply-9';
    await h.post(again);
    expect(cardText(h.connector.cards((c) => c.conversationId === other)[0]!.card)).toContain('already running');
  });

  it('answers anything else in the channel with the channel help card', async () => {
    await h.post(mention(h.connector.url, presenter, 'what can you do?', root));
    const card = threadCards()[0]!.card;
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('solution circle');
  });

  it('uses the product stages (focus 2, clarify 4, solutions 4, selection) where a pack defines no circle', () => {
    const stages = circleStages(loadPack('bristol'), 'solution');
    expect(stages.map((s) => [s.id, s.minutes ?? null, s.role])).toEqual([
      ['set-the-focus', 2, 'talk'],
      ['clarification-questions', 4, 'talk'],
      ['solutions', 4, 'collect'],
      ['selection', null, 'select'],
    ]);
    expect(circleStages(loadPack('dudley'), 'success').map((s) => s.minutes ?? null)).toEqual([4, 6, 6, null, null]);
  });
});

describe('a presenter @mentioned beside the bot', () => {
  const starter = people.teammate;
  const stored = async () => (await h.services.records.where('circleSessions', 'conversationId', threadId)).map((c) => c.record);

  it('presents when Teams names them only by their bot-specific id: the member lookup gives the directory id', async () => {
    h.connector.addMember({ id: `29:${presenter.id}`, name: presenter.name, aadObjectId: presenter.id });
    const activity = mentionWith(h.connector.url, starter, 'solution circle', personMention(presenter), 'LCS-200002', root);
    expect(activity.entities).toHaveLength(2);
    expect((await h.post(activity)).status).toBe(200);

    const [circle] = await stored();
    expect(circle).toMatchObject({ kind: 'solution', caseRef: 'LCS-200002', presenterId: presenter.id });
    // The one who called the circle takes part too.
    expect(new Set(circle!.participants)).toEqual(new Set([presenter.id, starter.id]));
    const opening = cardText(threadCards()[0]!.card);
    expect(opening).toContain(presenter.name);
    expect(opening).toContain('LCS-200002');
    // Presenter-only steps follow the mentioned presenter, not the starter.
    expect(cardText(invokeCard(await act(starter, 'circle.next', { circleId: circle!.id, stage: 'set-the-focus' })))).toContain('Only the presenter');
    expect(cardText(invokeCard(await act(presenter, 'circle.next', { circleId: circle!.id, stage: 'set-the-focus' })))).toContain('Moving on');
  });

  it('takes the directory id from the mention itself when Teams sends it, and the case reference is optional', async () => {
    await h.post(mentionWith(h.connector.url, starter, 'success circle', personMention(presenter, { withDirectoryId: true }), '', root));
    const [circle] = await stored();
    expect(circle).toMatchObject({ kind: 'success', presenterId: presenter.id });
    expect(circle!.caseRef).toBeUndefined();
  });

  it('without a second mention the starter presents, as before', async () => {
    await h.post(mention(h.connector.url, starter, 'solution circle LCS-200003', root));
    expect((await stored())[0]).toMatchObject({ presenterId: starter.id, participants: [starter.id] });
  });

  it('refuses someone it cannot find, and more than one presenter, starting nothing', async () => {
    const stranger = { id: '00000000-0000-4000-8000-00000000dead', name: 'Unknown Visitor' };
    await h.post(mentionWith(h.connector.url, starter, 'solution circle', personMention(stranger), 'LCS-200004', root));
    expect(cardText(threadCards()[0]!.card)).toContain('Presenter not found');
    const two = mentionWith(h.connector.url, starter, 'solution circle', personMention(presenter, { withDirectoryId: true }), '', 'root-2');
    two.text = `${two.text as string} <at>${people.third.name}</at>`;
    (two.entities as unknown[]).push(personMention(people.third, { withDirectoryId: true }));
    await h.post(two);
    expect(cardText(h.connector.cards((c) => c.conversationId === `${team.channel};messageid=root-2`)[0]!.card)).toContain('One presenter');
    expect(await stored()).toEqual([]);
    expect(await h.services.records.where('circleSessions', 'conversationId', `${team.channel};messageid=root-2`)).toEqual([]);
  });
});

describe('success circle', () => {
  it('runs outline, questions, reflections, outcomes added up and learning, then closes', async () => {
    await h.post(mention(h.connector.url, presenter, 'success circle', root));
    expect(cardText(threadCards()[0]!.card)).toContain('4 minutes, until 10:04');
    const id = await circleId();
    await h.run('2026-03-04T10:04:00Z');
    expect(cardText(threadCards()[1]!.card)).toContain('6 minutes, until 10:10');
    await h.run('2026-03-04T10:10:00Z');
    const reflections = threadCards()[2]!.card;
    expect(cardText(reflections)).toContain('Reflections on outcomes and impact');
    await act(people.teammate, 'circle.contribute', { ...actionData(reflections, 'circle.contribute'), text: 'The child now attends school every day' });
    await h.run('2026-03-04T10:16:00Z');
    const outcomes = threadCards()[3]!.card;
    expect(cardProblems(outcomes)).toEqual([]);
    expect(cardText(outcomes)).toContain('Add up the outcomes achieved');

    const empty = invokeCard(await act(presenter, 'circle.outcomes', { ...actionData(outcomes, 'circle.outcomes'), outcomes: '' }));
    expect(cardText(empty)).toContain('list at least one outcome');
    h.at('2026-03-04T10:18:00Z');
    await act(presenter, 'circle.outcomes', { ...actionData(outcomes, 'circle.outcomes'), outcomes: 'School attendance 100%\nNo missing episodes since June' });
    const learning = threadCards()[4]!.card;
    expect(cardProblems(learning)).toEqual([]);
    expect(cardText(learning)).toContain('How each member will use the learning');
    await act(people.teammate, 'circle.contribute', { ...actionData(learning, 'circle.contribute'), text: 'Use the same school plan with my families' });
    expect(cardText(invokeCard(await act(people.teammate, 'circle.finish', actionData(learning, 'circle.finish'))))).toContain('Only the presenter');
    await act(presenter, 'circle.finish', actionData(learning, 'circle.finish'));

    const summary = cardText(threadCards().at(-1)!.card);
    expect(summary).toContain('Success circle complete');
    expect(summary).toContain('Outcomes added up: 2');
    expect(summary).toContain('Use the same school plan with my families');
    const stored = (await h.services.records.get('circleSessions', id))!.record;
    expect(stored.completedAt).toBeDefined();
    expect(stored.participants).toEqual([presenter.id, people.teammate.id]);
    const records = await h.services.records.where('sessionRecords', 'superviseeId', people.teammate.id);
    expect(records.map((r) => [r.record.kind, r.record.sessionDate, r.record.templateId])).toEqual([['group', '2026-03-04', 'solution-circle']]);
  });
});
