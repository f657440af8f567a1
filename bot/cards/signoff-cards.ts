/** Cards for confirming a finalised record or recording disagreement. */
import type { SessionRecord } from '../../src/records/models.js';
import { longDate, plain, shortDate } from '../format.js';
import { bullets, card, execute, heading, openUrl, subheading, text, textInput, type AdaptiveCardJson, type CardElement } from './elements.js';

export interface SignOffCardInput {
  record: SessionRecord;
  version: string;
  supervisorName: string;
  deadline: string;
  disagreement: string | undefined;
  /** Opens this record in the tab (a Teams deep link in a tenant). */
  link: string;
  chase?: boolean;
  notice?: string;
  error?: string;
  comment?: string;
}

export function signOffCard(input: SignOffCardInput): AdaptiveCardJson {
  const { record } = input;
  const body: CardElement[] = [
    heading(input.chase ? 'Reminder: please confirm your supervision record' : 'Please confirm your supervision record'),
    text(`${input.supervisorName} finalised the record of your supervision on ${longDate(record.sessionDate)}. Read it in the Supervision tab, then confirm it is accurate or say what you disagree with.`),
    text(input.deadline, { subtle: true }),
  ];
  if (input.notice) body.push(text(input.notice, { attention: true }));
  if (record.actions.length > 0) {
    body.push(subheading('Actions agreed'), bullets(record.actions.map((a) => `${plain(a.what)} (${a.who}, by ${shortDate(a.due)})`)));
  }
  if (record.cases.length > 0) body.push(subheading('Cases discussed'), text(record.cases.map((c) => c.ref).join(', ')));
  if (input.disagreement) body.push(text(`If you disagree: ${input.disagreement}`, { subtle: true, small: true }));
  body.push(...textInput('comment', { label: 'Comment (needed if you disagree)', multiline: true, value: input.comment, error: input.error, maxLength: 4000 }));
  const data = { recordId: record.id, version: input.version };
  return card(body, [
    execute('The record is accurate', 'signoff.acknowledge', data, { style: 'positive' }),
    execute('I disagree', 'signoff.disagree', data, { style: 'destructive' }),
    openUrl('Read the record', input.link),
  ]);
}

export function signOffDoneCard(record: SessionRecord): AdaptiveCardJson {
  if (record.status === 'disputed') {
    return card([
      heading('Your disagreement is recorded'),
      text(`Your comment is kept with the record of ${longDate(record.sessionDate)}. Your supervisor will discuss it with you; if it cannot be resolved, the differing views stay on the record.`),
    ]);
  }
  if (record.status === 'acknowledged') {
    return card([heading('Thank you: record confirmed'), text(`You confirmed the record of your supervision on ${longDate(record.sessionDate)}.`)]);
  }
  return card([heading('Nothing to confirm yet'), text('This record is not finalised.')]);
}

export function notForYouCard(message: string): AdaptiveCardJson {
  return card([text(message)]);
}
