/** The preparation card, its "thank you / edit" replacement, and the supervisor's digest. */
import type { PrepQuestion } from '../../src/policy/schema.js';
import type { PrepResponse } from '../../src/records/models.js';
import { plain, plural, shortDate, when } from '../format.js';
import { inputIds, isReferenceQuestion, slotsFor, type CaseDue, type PrepContext } from '../prep.js';
import { bullets, card, choiceInput, container, dateInput, execute, facts, heading, openUrl, subheading, text, textInput, type AdaptiveCardJson, type CardElement } from './elements.js';

export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Shown above the questions, e.g. why the card came back. */
  notice?: string;
}

function questionInput(id: string, question: PrepQuestion, state: FormState, required: boolean): CardElement[] {
  const common = { label: question.label, value: state.values[id], error: state.errors[id], required };
  switch (question.type) {
    case 'yes-no':
      return choiceInput(id, { ...common, expanded: true, choices: [{ title: 'Yes', value: 'yes' }, { title: 'No', value: 'no' }] });
    case 'choice':
      return choiceInput(id, { ...common, choices: (question.choices ?? []).map((c) => ({ title: c, value: c })) });
    case 'date':
      return dateInput(id, common);
    default:
      return textInput(id, { ...common, multiline: question.type === 'long-text', maxLength: 4000 });
  }
}

function casesSection(cases: readonly CaseDue[]): CardElement[] {
  if (cases.length === 0) return [];
  return [subheading('Cases due for discussion'), bullets(cases.map((c) => `${c.ref}: ${plain(c.why)}${c.overdue ? ' (overdue)' : ''}`))];
}

function actionsSection(context: PrepContext): CardElement[] {
  if (context.openActions.length === 0) return [];
  const lines = context.openActions.slice(0, 12).map((a) => `${plain(a.what)} (${a.who}, due ${shortDate(a.due)})${context.lastRecordActions.has(a.id) ? '' : ' - earlier session'}`);
  const more = context.openActions.length > 12 ? [text(`and ${context.openActions.length - 12} more: type "actions" to see them all.`, { subtle: true })] : [];
  return [subheading('Open actions from your last supervision'), bullets(lines), ...more];
}

export type PrepCardMode = 'prompt' | 'reminder' | 'edit' | 'retry';

/** The questions as a form; refused fields are marked with their message. */
export function prepCard(context: PrepContext, state: FormState, mode: PrepCardMode, cardSlots?: readonly string[]): AdaptiveCardJson {
  const { occurrence } = context;
  // A card sent back with marked fields keeps the slots its inputs were numbered by.
  const slots = cardSlots ? [...cardSlots] : slotsFor(context);
  const intro =
    mode === 'reminder'
      ? `Reminder: your supervision with ${context.supervisorName} is on ${when(occurrence.date, occurrence.time)} and your preparation is not in yet.`
      : `Your supervision with ${context.supervisorName} is on ${when(occurrence.date, occurrence.time)}. These are your organisation's preparation questions; your answers go on the agenda of the session record.`;
  const errorCount = Object.keys(state.errors).length;
  const body: CardElement[] = [heading('Prepare for supervision'), text(intro)];
  if (state.notice) body.push(text(state.notice, { attention: true }));
  if (errorCount > 0) body.push(text(`${plural(errorCount, 'answer')} ${errorCount === 1 ? 'needs' : 'need'} attention: see the marked ${errorCount === 1 ? 'field' : 'fields'} below.`, { attention: true }));
  body.push(...actionsSection(context), ...casesSection(context.casesDue));
  body.push(subheading('Your preparation'));
  for (const q of context.questions) body.push(...questionInput(inputIds.question(q.id), q, state, q.required));
  const asked = context.perCase.filter((q) => !isReferenceQuestion(q));
  if (asked.length > 0) {
    body.push(subheading('Cases you are bringing'), text('Answer for the cases you want to discuss and leave the others blank. Case references only, never names.', { subtle: true }));
    slots.forEach((ref, slot) => {
      body.push(container([text(`Case ${ref}`, { spacing: 'None' }), ...asked.flatMap((q) => questionInput(inputIds.slot(slot, q.id), q, state, false))], 'emphasis'));
    });
    body.push(
      container(
        [
          text('Another case', { spacing: 'None' }),
          ...textInput(inputIds.extraRef, { label: 'Case reference', placeholder: 'e.g. LCS-123456', value: state.values[inputIds.extraRef], error: state.errors[inputIds.extraRef], maxLength: 32 }),
          ...asked.flatMap((q) => questionInput(inputIds.extra(q.id), q, state, false)),
        ],
        'emphasis',
      ),
    );
  }
  const data = { occurrenceId: occurrence.id, date: occurrence.date, slots, ...(context.existing ? { version: context.existing.version } : {}) };
  return card(body, [execute('Save my preparation', 'prep.submit', data, { style: 'positive' }), ...joinAction(context)]);
}

function answerLines(context: Pick<PrepContext, 'questions' | 'perCase'>, response: PrepResponse): (readonly [string, string])[] {
  const label = new Map([...context.questions, ...context.perCase].map((q) => [q.id, q.label]));
  const shown = (value: string) => (value === 'yes' ? 'Yes' : value === 'no' ? 'No' : value.length > 300 ? `${value.slice(0, 297)}...` : value);
  const lines: (readonly [string, string])[] = Object.entries(response.answers).map(([id, value]) => [label.get(id) ?? id, shown(value)] as const);
  for (const item of response.perCase) {
    const answered = Object.entries(item.answers).filter(([id]) => !context.perCase.some((q) => q.id === id && isReferenceQuestion(q)));
    lines.push([`Case ${item.ref}`, answered.map(([id, v]) => `${label.get(id) ?? id}: ${shown(v)}`).join('; ') || 'listed']);
  }
  return lines;
}

/** Replaces the form once saved: what was saved, and a way back to edit it. */
export function prepThanksCard(context: PrepContext, response: PrepResponse): AdaptiveCardJson {
  return card(
    [
      heading('Thank you: your preparation is saved'),
      text(`For your supervision with ${context.supervisorName} on ${when(context.occurrence.date, context.occurrence.time)}. It is on the session record's agenda, and you can change it until the session.`),
      facts(answerLines(context, response)),
    ],
    [execute('Edit my answers', 'prep.edit', { occurrenceId: context.occurrence.id, date: context.occurrence.date }, { validate: false })],
  );
}

export interface DigestInput {
  superviseeName: string;
  context: PrepContext;
  overdueCases: readonly CaseDue[];
  /** Opens the supervisee's sessions in the tab (a Teams deep link in a tenant). */
  link: string;
}

/** The Teams meeting's join link, when the session is a Teams meeting. */
function joinAction(context: PrepContext): CardElement[] {
  return context.occurrence.joinUrl ? [openUrl('Join the Teams meeting', context.occurrence.joinUrl)] : [];
}

/** For the supervisor, the working day before: prep answers, case discussions due, open actions. */
export function digestCard(input: DigestInput): AdaptiveCardJson {
  const { context } = input;
  const response = context.existing?.record;
  const body: CardElement[] = [
    heading(`Supervision with ${input.superviseeName}`),
    text(`${when(context.occurrence.date, context.occurrence.time)}.`),
    subheading('Preparation'),
    response ? facts(answerLines(context, response)) : text(`${input.superviseeName} has not sent their preparation yet.`, { attention: true }),
    subheading('Case discussions'),
    input.overdueCases.length > 0 ? bullets(input.overdueCases.map((c) => `${c.ref}: ${plain(c.why)}${c.overdue ? ' (overdue)' : ''}`)) : text('None due.', { subtle: true }),
    subheading('Open actions'),
    context.openActions.length > 0 ? bullets(context.openActions.slice(0, 15).map((a) => `${plain(a.what)} (${a.who}, due ${shortDate(a.due)})`)) : text('None open.', { subtle: true }),
  ];
  return card(body, [...joinAction(context), openUrl('Open the sessions', input.link)]);
}
