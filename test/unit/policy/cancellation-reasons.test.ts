/**
 * One rule decides whether a cancellation reason is one the pack permits, wherever it is asked:
 * the tab's cancel, the bot's reschedule and rearranging after Outlook refuse what compliance
 * would flag, and compliance never flags what they accepted. A bracketed note in a pack's
 * reason ("Exceptional circumstances (state them)") is guidance to the person, not part of the
 * words they must use.
 */
import { describe, expect, it } from 'vitest';
import { checkReason } from '../../../src/server/rearrange.js';
import { evaluate } from '../../../src/compliance/evaluate.js';
import type { PersonHistory } from '../../../src/compliance/input.js';
import { getPack } from '../../../src/policy/packs.js';
import { reasonPermitted } from '../../../src/policy/cancellation.js';

const dudley = getPack('dudley');
const birmingham = getPack('birmingham');

describe('Dudley, Planning and Preparation for Supervision: cancelled only for annual leave, sickness, court or exceptional circumstances', () => {
  it.each([
    ['Annual leave', true],
    ['sickness: supervisee off unwell', true],
    ['Court hearing ran over', true],
    ['Exceptional circumstances: team duty crisis', true],
    ['Exceptional circumstances (state them)', true],
    ['state them', false],
    ['Forgot', false],
    ['Diary clash', false],
  ])('%s → permitted: %s', (reason, permitted) => {
    expect(reasonPermitted(dudley.cancellation, reason)).toBe(permitted);
    expect(checkReason(dudley, reason).ok).toBe(permitted);
  });

  it('compliance agrees with what the app accepted', () => {
    const person: PersonHistory = {
      id: 'p1',
      role: 'social-worker',
      start: '2026-01-05',
      supervisor: 's1',
      team: 't1',
      sessions: [
        { date: '2026-02-03', kind: 'individual', status: 'cancelled', cancelReason: 'Exceptional circumstances: team duty crisis' },
        { date: '2026-02-10', kind: 'individual', status: 'cancelled', cancelReason: 'Diary clash' },
      ],
      cases: [],
      actions: [],
    };
    const flagged = evaluate(dudley, person, '2026-02-20').filter((f) => f.kind === 'cancellation-reason-not-permitted');
    expect(flagged.map((f) => f.subject)).toEqual([expect.stringContaining('2026-02-10')]);
  });
});

describe('Birmingham, Appendix ii - Supervision Agreement: annual leave, sickness, emergency or exceptional circumstances', () => {
  it.each([
    ['Emergency placement move', true],
    ['Training day', false],
  ])('%s → permitted: %s', (reason, permitted) => {
    expect(reasonPermitted(birmingham.cancellation, reason)).toBe(permitted);
  });
});

describe('a pack that lists no reasons', () => {
  it('permits any reason', () => {
    const open = { ...dudley.cancellation, permittedReasons: undefined };
    expect(reasonPermitted(open, 'Diary clash')).toBe(true);
  });
});
