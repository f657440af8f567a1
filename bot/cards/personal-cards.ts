/** Cards for the personal commands: help, next, actions and reschedule. */
import type { Action } from '../../src/records/models.js';
import { longDate, plain, plural, shortDate, when } from '../format.js';
import type { Slot } from '../../src/server/rearrange.js';
import { actionSet, bullets, card, choiceInput, container, execute, facts, heading, openUrl, subheading, text, textInput, type AdaptiveCardJson, type CardElement } from './elements.js';

/** `link` opens the Supervision tab (a Teams deep link in a tenant). */
export function helpCard(scope: 'personal' | 'channel', link: string, intro?: string): AdaptiveCardJson {
  if (scope === 'channel') {
    return card([
      heading('Supervision in this channel'),
      ...(intro ? [text(intro)] : []),
      text('Mention me to run group supervision in a thread:'),
      bullets([
        '**@Supervision solution circle** [case reference]: a facilitated four-stage solution circle for the person who starts it.',
        '**@Supervision success circle** [case reference]: reflect on a piece of work that went well and add up the outcomes.',
      ]),
      text('Case references only, never names. Each stage is posted in the thread when its time is up.', { subtle: true }),
    ]);
  }
  return card(
    [
      heading('What I can do'),
      ...(intro ? [text(intro)] : []),
      facts([
        ['next', 'Your next supervision and what to prepare'],
        ['prepare', 'Answer the preparation questions now'],
        ['actions', 'Your open actions'],
        ['reschedule', 'Move your next supervision to another time'],
        ['help', 'This list'],
      ]),
      text('I also send your preparation questions before each supervision, and records to confirm once your supervisor finalises them.', { subtle: true }),
    ],
    [
      execute('Next supervision', 'command', { command: 'next' }, { validate: false }),
      execute('Prepare', 'command', { command: 'prepare' }, { validate: false }),
      execute('Actions', 'command', { command: 'actions' }, { validate: false }),
      execute('Reschedule', 'command', { command: 'reschedule' }, { validate: false }),
      openUrl('Open the Supervision tab', link),
    ],
  );
}

export function messageCard(title: string, message: string, actions: CardElement[] = []): AdaptiveCardJson {
  return card([heading(title), text(message)], actions);
}

export interface NextCardInput {
  date: string;
  time?: string | undefined;
  supervisorName: string;
  occurrenceId: string;
  prepared: boolean;
  questions: number;
  openActions: number;
  casesDue: readonly { ref: string; why: string }[];
}

export function nextCard(input: NextCardInput): AdaptiveCardJson {
  const body: CardElement[] = [
    heading('Your next supervision'),
    facts([
      ['When', when(input.date, input.time)],
      ['With', input.supervisorName],
      ['Preparation', input.prepared ? 'Saved' : `${plural(input.questions, 'question')} to answer`],
      ['Open actions', String(input.openActions)],
    ]),
  ];
  if (input.casesDue.length > 0) body.push(subheading('Cases due for discussion'), bullets(input.casesDue.map((c) => `${c.ref}: ${plain(c.why)}`)));
  return card(body, [
    execute(input.prepared ? 'Edit my preparation' : 'Prepare now', input.prepared ? 'prep.edit' : 'prep.open', { occurrenceId: input.occurrenceId, date: input.date }, { validate: false }),
    execute('Reschedule', 'command', { command: 'reschedule' }, { validate: false }),
  ]);
}

export function actionsCard(actions: readonly { action: Action; version: string }[], today: string, notice?: string): AdaptiveCardJson {
  const body: CardElement[] = [heading('Your open actions')];
  if (notice) body.push(text(notice, { attention: true }));
  if (actions.length === 0) body.push(text('You have no open actions.'));
  for (const { action, version } of actions.slice(0, 20)) {
    const overdue = action.due < today;
    body.push(
      container(
        [
          text(plain(action.what), { spacing: 'None' }),
          text(`${action.who === 'both' ? 'Both of you' : action.who === 'supervisor' ? 'Your supervisor' : 'You'}, due ${shortDate(action.due)}${overdue ? ' (overdue)' : ''}`, { subtle: true, small: true, attention: overdue }),
          actionSet([execute('Mark done', 'action.done', { actionId: action.id, version }, { validate: false })]),
        ],
        'emphasis',
      ),
    );
  }
  if (actions.length > 20) body.push(text(`and ${actions.length - 20} more in the Supervision tab.`, { subtle: true }));
  return card(body);
}

export interface ReasonCardInput {
  occurrenceId: string;
  date: string;
  time?: string | undefined;
  reasons?: readonly string[] | undefined;
  window: string;
  error?: string;
  values?: Record<string, string>;
}

/** First step of rescheduling: why (the policy asks for a reason). */
export function reasonCard(input: ReasonCardInput): AdaptiveCardJson {
  const body: CardElement[] = [heading('Reschedule your supervision'), text(`Your session on ${when(input.date, input.time)}. Your organisation's policy says to ${input.window}.`)];
  if (input.reasons && input.reasons.length > 0) {
    body.push(...choiceInput('reason', { label: 'Reason', choices: input.reasons.map((r) => ({ title: r, value: r })), expanded: true, value: input.values?.reason, error: input.error }));
    body.push(...textInput('details', { label: 'Details (for exceptional circumstances)', maxLength: 500, value: input.values?.details }));
  } else {
    body.push(...textInput('reason', { label: 'Reason', maxLength: 1000, value: input.values?.reason, error: input.error }));
  }
  return card(body, [execute('Find other times', 'reschedule.reason', { occurrenceId: input.occurrenceId })]);
}

export function slotsCard(input: { occurrenceId: string; reason: string; slots: readonly Slot[]; window: string; error?: string }): AdaptiveCardJson {
  if (input.slots.length === 0) {
    return messageCard('No common free time', `I could not find a time when you and your supervisor are both free within the policy's window (${input.window}). Please agree a time with your supervisor directly.`);
  }
  return card(
    [
      heading('Choose a new time'),
      text(`Times when you and your supervisor are both free, within the policy's window (${input.window}).`),
      ...choiceInput('slot', { label: 'New time', expanded: true, choices: input.slots.map((s) => ({ title: `${longDate(s.date)} at ${s.time}`, value: `${s.date}T${s.time}` })), error: input.error }),
    ],
    [execute('Move my supervision', 'reschedule.confirm', { occurrenceId: input.occurrenceId, reason: input.reason }, { style: 'positive' })],
  );
}

export function rebookedCard(date: string, time: string, supervisorName: string): AdaptiveCardJson {
  return messageCard('Supervision moved', `Your supervision with ${supervisorName} is now on ${when(date, time)}. The meeting in Outlook is updated, and the original date and reason are kept with your records.`);
}
