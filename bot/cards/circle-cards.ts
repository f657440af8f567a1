/** Cards posted in a channel thread while a solution or success circle runs. */
import { addMonths, toCivil, toDay } from '../../src/calendar/civil.js';
import { instantToLondon } from '../../src/calendar/london.js';
import { nextWorkingDayOnOrAfter } from '../../src/calendar/working-days.js';
import type { CircleSession } from '../../src/records/models.js';
import type { CircleStage } from '../circles.js';
import { clockTime, longDate, plain, plural } from '../format.js';
import { bullets, card, choiceInput, dateInput, execute, facts, heading, subheading, text, textInput, type AdaptiveCardJson, type CardElement } from './elements.js';

export function kindLabel(kind: CircleSession['kind']): string {
  return kind === 'solution' ? 'Solution circle' : 'Success circle';
}

export interface StageCardInput {
  circle: CircleSession;
  stages: readonly CircleStage[];
  index: number;
  presenterName: string;
  today: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

/** Ideas (or reflections) offered in the collecting stage, numbered as the selection shows them. */
export function offered(circle: CircleSession, stages: readonly CircleStage[]): { index: number; text: string; removed: boolean; selected: boolean }[] {
  const collect = stages.find((s) => s.role === 'collect')?.id;
  return circle.contributions.flatMap((c, index) => (c.stage === collect ? [{ index, text: c.text, removed: c.removed === true, selected: c.selected === true }] : []));
}

function timing(stage: CircleStage, circle: CircleSession): string {
  if (stage.minutes && circle.stageEndsAt) return `${plural(stage.minutes, 'minute')}, until ${clockTime(Date.parse(circle.stageEndsAt))}. I will post the next stage then.`;
  return 'No time limit: the presenter moves the circle on.';
}

/** One stage: what happens now, for how long, and what people can do on the card. */
export function stageCard(input: StageCardInput): AdaptiveCardJson {
  const { circle, stages, index } = input;
  const stage = stages[index]!;
  const errors = input.errors ?? {};
  const values = input.values ?? {};
  const data = { circleId: circle.id, stage: stage.id };
  const body: CardElement[] = [heading(`${kindLabel(circle.kind)}, stage ${index + 1} of ${stages.length}: ${stage.label}`)];
  if (index === 0) {
    const total = stages.reduce((sum, s) => sum + (s.minutes ?? 0), 0);
    body.push(
      facts([
        ['Presenter', input.presenterName],
        ...(circle.caseRef ? ([['Case', circle.caseRef]] as const) : []),
        ['Stages', stages.map((s) => `${s.label}${s.minutes ? ` (${s.minutes} min)` : ''}`).join('; ')],
        ['Timed part', plural(total, 'minute')],
      ]),
      text('Join the circle so it counts as your group supervision. Case references only, never names.', { subtle: true }),
    );
  }
  body.push(text(plain(stage.instructions)), text(timing(stage, circle), { subtle: true }));
  const actions: CardElement[] = [];
  switch (stage.role) {
    case 'talk':
      actions.push(execute('Join the circle', 'circle.join', data, { validate: false }), execute('Move on (presenter)', 'circle.next', data, { validate: false }));
      break;
    case 'collect':
      body.push(...textInput('text', { label: circle.kind === 'solution' ? 'Your idea (the presenter only listens and notes)' : 'Your reflection (the presenter only listens and notes)', multiline: true, maxLength: 1000, error: errors.text, value: values.text }));
      actions.push(execute(circle.kind === 'solution' ? 'Offer this idea' : 'Offer this reflection', 'circle.contribute', data), execute('Move on (presenter)', 'circle.next', data, { validate: false }));
      break;
    case 'select': {
      const ideas = offered(circle, stages);
      const choices = ideas.map((i, n) => ({ title: `${n + 1}. ${i.text.slice(0, 120)}`, value: String(i.index) }));
      body.push(ideas.length > 0 ? bullets(ideas.map((i, n) => `${n + 1}. ${plain(i.text)}`)) : text('No ideas were offered.', { subtle: true }));
      if (choices.length > 0) {
        body.push(...choiceInput('tried', { label: 'Already tried (removed)', choices, multi: true, expanded: true, value: values.tried, error: errors.tried }));
        body.push(...choiceInput('selected', { label: 'I will action (about two)', choices, multi: true, expanded: true, value: values.selected, error: errors.selected }));
      }
      const suggested = toCivil(nextWorkingDayOnOrAfter(addMonths(toDay(input.today), 1)));
      body.push(...dateInput('checkIn', { label: 'Check in with the group on', value: values.checkIn ?? suggested, min: input.today, error: errors.checkIn }));
      actions.push(execute('Share my selection (presenter)', 'circle.select', data, { style: 'positive' }));
      break;
    }
    case 'outcomes':
      body.push(...textInput('outcomes', { label: 'Outcomes achieved, one per line (presenter)', multiline: true, maxLength: 4000, error: errors.outcomes, value: values.outcomes }));
      actions.push(execute('Add up the outcomes (presenter)', 'circle.outcomes', data, { style: 'positive' }));
      break;
    case 'learning':
      body.push(...textInput('text', { label: 'How I will use this learning', multiline: true, maxLength: 1000, error: errors.text, value: values.text }));
      actions.push(execute('Share', 'circle.contribute', data), execute('Close the circle (presenter)', 'circle.finish', data, { validate: false }));
      break;
  }
  return card(body, actions);
}

/** What the person who contributed sees in place of the stage card. */
export function contributedCard(circle: CircleSession, stage: CircleStage, count: number): AdaptiveCardJson {
  const noun = stage.role === 'learning' ? 'contribution' : circle.kind === 'solution' ? 'idea' : 'reflection';
  return card(
    [heading(`Thank you: ${noun} added`), text(`${plural(count, noun)} so far in this stage.`), ...textInput('text', { label: `Another ${noun}`, multiline: true, maxLength: 1000 })],
    [execute('Add', 'circle.contribute', { circleId: circle.id, stage: stage.id })],
  );
}

export function infoCard(title: string, message: string): AdaptiveCardJson {
  return card([heading(title), text(message)]);
}

/** Posted when the circle ends: what was chosen or learnt, and the check-in date. */
export function summaryCard(circle: CircleSession, stages: readonly CircleStage[], presenterName: string): AdaptiveCardJson {
  const body: CardElement[] = [heading(`${kindLabel(circle.kind)} complete`)];
  body.push(facts([['Presenter', presenterName], ...(circle.caseRef ? ([['Case', circle.caseRef]] as const) : []), ['Taking part', plural(circle.participants.length, 'person', 'people')]]));
  if (circle.kind === 'solution') {
    const ideas = offered(circle, stages);
    const selected = ideas.filter((i) => i.selected);
    body.push(subheading(`${presenterName} will action`), selected.length > 0 ? bullets(selected.map((i) => plain(i.text))) : text('No ideas were selected.', { subtle: true }));
    const removed = ideas.filter((i) => i.removed).length;
    if (removed > 0) body.push(text(`${plural(removed, 'idea')} already tried ${removed === 1 ? 'was' : 'were'} set aside.`, { subtle: true }));
  } else {
    const outcomesStage = stages.find((s) => s.role === 'outcomes')?.id;
    const learningStage = stages.find((s) => s.role === 'learning')?.id;
    const outcomes = circle.contributions.filter((c) => c.stage === outcomesStage);
    const learning = circle.contributions.filter((c) => c.stage === learningStage);
    body.push(subheading(`Outcomes added up: ${outcomes.length}`), outcomes.length > 0 ? bullets(outcomes.map((c) => plain(c.text))) : text('None recorded.', { subtle: true }));
    body.push(subheading('How the group will use the learning'), learning.length > 0 ? bullets(learning.map((c) => plain(c.text))) : text('None shared.', { subtle: true }));
  }
  if (circle.checkInOn) body.push(text(`I will post a check-in in this thread on ${longDate(circle.checkInOn)}.`));
  body.push(text('This counts as group supervision for everyone who took part.', { subtle: true }));
  return card(body);
}

export function checkInCard(circle: CircleSession, stages: readonly CircleStage[], presenterName: string): AdaptiveCardJson {
  const selected = offered(circle, stages).filter((i) => i.selected);
  return card([
    heading('Solution circle check-in'),
    text(`On ${longDate(instantToLondon(Date.parse(circle.startedAt)).date)} ${presenterName} chose to action the ideas below. How did it go? Reply in this thread.`),
    selected.length > 0 ? bullets(selected.map((i) => plain(i.text))) : text('No ideas were selected.', { subtle: true }),
  ]);
}
