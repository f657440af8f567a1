/**
 * Issue 8 §3, hostile input for cards: every verb the bot knows (and some it does not) with
 * random data, as Universal Actions invokes in personal chat and in a channel thread, and as
 * Action.Submit fallbacks. The bot always answers with a valid card (the harness checks every
 * card against the Adaptive Cards schema on close), never an error status or a crash. People's
 * own words in cards are escaped so they cannot turn into links or formatting.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from '../../bot/format.js';
import { channelExecute, execute, submit } from './support/activities.js';
import { bookSupervisee, invokeCard, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness({ now: '2026-03-02T08:00:00Z' });
  await bookSupervisee(h.services, '2026-03-03');
});
afterAll(() => h.close());

const verbs = [
  'command',
  'prep.submit',
  'prep.edit',
  'prep.open',
  'signoff.acknowledge',
  'signoff.disagree',
  'action.done',
  'reschedule.reason',
  'reschedule.confirm',
  'circle.join',
  'circle.contribute',
  'circle.next',
  'circle.select',
  'circle.outcomes',
  'circle.finish',
];
const keys = ['command', 'occurrenceId', 'eventId', 'sessionDate', 'recordId', 'version', 'reason', 'slot', 'date', 'time', 'circleId', 'stage', 'idea', 'ideas', 'selected', 'outcomes', 'actionId', 'comment', 'q1', 'answers', 'caseRef'];
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '2026-03-03', '2026-02-30', '10:00', 'next', 'help', "O'Rourke", '[x](javascript:alert(1))', '<script>x</script>', 'stage1', 'focus', 'LCS-200001'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const data = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });

describe('card actions under hostile data', () => {
  it('answers every verb with a card, in personal chat and in a channel, and never fails', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...verbs), fc.string({ maxLength: 12 })), data, fc.constantFrom('personal', 'channel', 'submit'), async (verb, payload, where) => {
        cases += 1;
        const who = people.supervisee;
        if (where === 'submit') {
          const posted = await h.post(submit(h.connector.url, who, { ...payload, verb }));
          expect(posted.status, `${verb} ${JSON.stringify(payload)}`).toBe(200);
          return;
        }
        const activity = where === 'personal' ? execute(h.connector.url, who, verb, payload) : channelExecute(h.connector.url, who, 'root-fuzz', verb, payload);
        const posted = await h.post(activity);
        expect(() => invokeCard(posted), `${where} ${verb} ${JSON.stringify(payload)}`).not.toThrow();
      }),
      { numRuns: 250 },
    );
    expect(cases).toBe(250);
  });
});

describe('people’s words in cards', () => {
  it('are escaped so Markdown links, emphasis, code and angle brackets stay literal', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const escaped = plain(text);
        // Every formatting character is preceded by an odd number of backslashes.
        for (let i = 0; i < escaped.length; i++) {
          if (!'`*_[]<>#'.includes(escaped[i]!)) continue;
          let slashes = 0;
          for (let j = i - 1; j >= 0 && escaped[j] === '\\'; j--) slashes++;
          expect(slashes % 2, `${JSON.stringify(text)} -> ${JSON.stringify(escaped)}`).toBe(1);
        }
      }),
    );
    expect(plain('[x](javascript:alert(1))')).toBe('\\[x\\](javascript:alert(1))');
  });
});
