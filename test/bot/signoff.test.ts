/**
 * Sign-off of a finalised record: the request when it is finalised, the chaser before the
 * deadline, and the answer written back at the version the card showed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/records/models.js';
import { execute, installed } from './support/activities.js';
import { cardProblems } from './support/card-schema.js';
import { actionData, cardText, invokeCard, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;
const supervisee = people.supervisee;

function record(id: string, finalisedAt: string): SessionRecord {
  return {
    id,
    superviseeId: supervisee.id,
    supervisorId: people.supervisor.id,
    org: 'dudley',
    templateId: 'practitioner',
    kind: 'individual',
    sessionDate: '2026-03-03',
    sessionStart: '10:00',
    sections: { wellbeing: 'Discussed workload.' },
    cases: [{ ref: 'LCS-200001', category: 'other' }],
    actions: [{ id: 'a1', what: 'Complete the chronology', who: 'supervisee', due: '2026-03-20' }],
    status: 'finalised',
    finalisedAt,
    sharedAt: finalisedAt,
    supervisorSignedAt: finalisedAt,
    updatedAt: finalisedAt,
  };
}

beforeEach(async () => {
  h = await startBotHarness({ now: '2026-03-04T12:00:00Z' });
  await h.post(installed(h.connector.url, supervisee));
  h.connector.clear();
  await h.services.records.create('sessionRecords', record('rec-1', '2026-03-04T12:00:00.000Z'));
});

afterEach(async () => {
  await h.close();
});

const cards = () => h.connector.cards((c) => c.conversationId === `a:personal-${supervisee.id}`);

describe('sign-off', () => {
  it('asks the supervisee when the record is finalised and writes the acknowledgement back', async () => {
    const report = await h.run('2026-03-04T12:01:00Z');
    expect(report.outcomes).toContainEqual({ key: 'signoff-request|rec-1|2026-03-04T12:00:00.000Z', kind: 'signoff-request', status: 'done' });
    const card = cards()[0]!.card;
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Please confirm your supervision record');
    expect(text).toContain('Complete the chronology');
    expect(text).toContain('LCS-200001');
    expect(text).toMatch(/Please respond by 2026-03-11/);

    const reply = invokeCard(await h.post(execute(h.connector.url, supervisee, 'signoff.acknowledge', actionData(card, 'signoff.acknowledge'))));
    expect(cardProblems(reply)).toEqual([]);
    expect(cardText(reply)).toContain('record confirmed');
    const stored = (await h.services.records.get('sessionRecords', 'rec-1'))!.record;
    expect(stored).toMatchObject({ status: 'acknowledged', superviseeSignedAt: '2026-03-04T12:01:00.000Z' });

    // Answered: the chaser is not sent.
    const chase = await h.run('2026-03-10T09:00:00Z');
    expect(chase.outcomes).toContainEqual(expect.objectContaining({ kind: 'signoff-chase', status: 'skipped', reason: 'answered' }));
    expect(cards()).toHaveLength(1);
  });

  it('chases before the deadline, and a disagreement needs words and is kept with the record', async () => {
    await h.run('2026-03-04T12:01:00Z');
    await h.run('2026-03-10T08:59:00Z');
    expect(cards()).toHaveLength(1);
    await h.run('2026-03-10T09:00:00Z');
    expect(cards()).toHaveLength(2);
    const chaser = cards()[1]!.card;
    expect(cardProblems(chaser)).toEqual([]);
    expect(cardText(chaser)).toContain('Reminder: please confirm');

    const data = actionData(chaser, 'signoff.disagree');
    const refused = invokeCard(await h.post(execute(h.connector.url, supervisee, 'signoff.disagree', { ...data, comment: '  ' })));
    expect(cardProblems(refused)).toEqual([]);
    expect(cardText(refused)).toContain('Say what you disagree with');
    expect(JSON.stringify(refused)).toContain('"style":"attention"');
    expect((await h.services.records.get('sessionRecords', 'rec-1'))!.record.status).toBe('finalised');

    const done = invokeCard(await h.post(execute(h.connector.url, supervisee, 'signoff.disagree', { ...data, comment: 'The actions were agreed differently.' })));
    expect(cardText(done)).toContain('Your disagreement is recorded');
    expect((await h.services.records.get('sessionRecords', 'rec-1'))!.record).toMatchObject({ status: 'disputed', superviseeComment: 'The actions were agreed differently.' });
  });

  it('never signs a record changed since the card was sent, and only the supervisee may answer', async () => {
    await h.run('2026-03-04T12:01:00Z');
    const card = cards()[0]!.card;
    const found = (await h.services.records.get('sessionRecords', 'rec-1'))!;
    await h.services.records.update('sessionRecords', { ...found.record, sections: { wellbeing: 'Corrected wording.' } }, found.version);

    const other = invokeCard(await h.post(execute(h.connector.url, people.teammate, 'signoff.acknowledge', actionData(card, 'signoff.acknowledge'))));
    expect(cardText(other)).toContain('Only the supervisee');

    const stale = invokeCard(await h.post(execute(h.connector.url, supervisee, 'signoff.acknowledge', actionData(card, 'signoff.acknowledge'))));
    expect(cardProblems(stale)).toEqual([]);
    expect(cardText(stale)).toContain('changed since this card was sent');
    expect((await h.services.records.get('sessionRecords', 'rec-1'))!.record.status).toBe('finalised');

    const fresh = invokeCard(await h.post(execute(h.connector.url, supervisee, 'signoff.acknowledge', actionData(stale, 'signoff.acknowledge'))));
    expect(cardText(fresh)).toContain('record confirmed');
  });

  it('does not ask about old records or circle attendance records', async () => {
    await h.services.records.create('sessionRecords', record('rec-old', '2025-10-01T12:00:00.000Z'));
    await h.services.records.create('sessionRecords', { ...record('circle-abc-123', '2026-03-04T11:00:00.000Z'), kind: 'group' });
    const report = await h.run('2026-03-04T12:01:00Z');
    expect(report.outcomes.map((o) => o.key)).toEqual(['signoff-request|rec-1|2026-03-04T12:00:00.000Z']);
  });
});
