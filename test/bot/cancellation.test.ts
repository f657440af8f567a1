/**
 * A session cancelled in Outlook: the supervisor gets a proactive card asking the reason (the
 * pack's reasons) and offering free times inside the pack's window; answering it records the
 * reason and books the replacement, and nobody else can answer it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancellationPromptThrottle, cancellationVerb, promptForCancellation } from '../../bot/cancellation.js';
import type { Cancellation } from '../../src/records/models.js';
import { cancellationIdFor } from '../../src/sync/index.js';
import { execute, installed } from './support/activities.js';
import { actionData, bookSupervisee, cardText, invokeCard, people, startBotHarness, type BotHarness } from './support/harness.js';

let h: BotHarness;
let cancellation: Cancellation;

/** The values a ChoiceSet offers, by input id. */
function choices(card: unknown, id: string): string[] {
  let found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Input.ChoiceSet' && record.id === id) found = (record.choices as { value: string }[]).map((c) => c.value);
      else Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

beforeEach(async () => {
  h = await startBotHarness({ now: '2026-03-04T12:00:00Z' });
  await h.post(installed(h.connector.url, people.supervisor));
  h.connector.clear();
  await bookSupervisee(h.services, '2026-02-03');
  const occurrence = (await h.services.calendar.occurrences(people.supervisor.id, [...h.services.calendarFake.events.keys()][0]!, '2026-03-01', '2026-03-31')).find((o) => o.originalDate === '2026-03-03');
  // As calendar sync records it: from Outlook, no reason, nothing rearranged.
  cancellation = {
    id: cancellationIdFor('master', '2026-03-03T10:00:00.000Z'),
    superviseeId: people.supervisee.id,
    supervisorId: people.supervisor.id,
    org: 'dudley',
    originalDate: '2026-03-03',
    ...(occurrence ? { eventId: occurrence.id } : {}),
    origin: 'outlook-cancelled',
    cancelledAt: '2026-03-02T17:00:00.000Z',
  };
  await h.services.records.create('cancellations', cancellation);
});

afterEach(async () => {
  await h.close();
});

describe('the reason prompt for a session cancelled in Outlook', () => {
  it('sends one card per supervisee per day however many sessions went at once (a declined series); the rest wait in the tab', async () => {
    const throttle = new CancellationPromptThrottle();
    const later = { ...cancellation, id: cancellationIdFor('master', '2026-03-10T10:00:00.000Z'), originalDate: '2026-03-10' };
    delete (later as Partial<Cancellation>).eventId;
    await h.services.records.create('cancellations', later);
    expect(await promptForCancellation(h.services, h.bot.sender, cancellation, throttle)).toBe('sent');
    expect(await promptForCancellation(h.services, h.bot.sender, later, throttle)).toBe('held');
    expect(h.connector.cards()).toHaveLength(1);
    // Another supervisee's cancellation the same day still gets its own card.
    const other = { ...cancellation, id: 'other-supervisee', superviseeId: people.teammate.id };
    expect(throttle.allow(other, h.services.now())).toBe(true);
    // The next London day, the supervisor hears about the next one.
    h.at('2026-03-05T09:00:00Z');
    expect(await promptForCancellation(h.services, h.bot.sender, later, throttle)).toBe('sent');
    expect(h.connector.cards()).toHaveLength(2);
  });

  it('sends the supervisor a card with the pack\'s reasons and free times inside the window', async () => {
    expect(await promptForCancellation(h.services, h.bot.sender, cancellation)).toBe('sent');
    const sent = h.connector.cards();
    expect(sent).toHaveLength(1);
    const card = sent[0]!.card;
    const text = cardText(card);
    expect(text).toContain('Orla Fenwright');
    expect(text).toContain('Tuesday 3 March 2026');
    expect(text).toContain('cancelled in Outlook');
    expect(choices(card, 'reason')).toEqual(h.services.pack.cancellation.permittedReasons);
    const slots = choices(card, 'slot');
    expect(slots.length).toBeGreaterThan(0);
    // Dudley: rearranged at the earliest opportunity, flagged after two weeks (by 17 March).
    expect(slots.every((s) => s > '2026-03-05' && s <= '2026-03-17T23:59')).toBe(true);
    expect(actionData(card, cancellationVerb)).toMatchObject({ cancellationId: cancellation.id });
  });

  it('records the reason and books the chosen time when the supervisor answers', async () => {
    await promptForCancellation(h.services, h.bot.sender, cancellation);
    const card = h.connector.cards()[0]!.card;
    const slot = choices(card, 'slot')[0]!;
    const events = h.services.calendarFake.events.size;

    const refused = invokeCard(await h.post(execute(h.connector.url, people.supervisor, cancellationVerb, { ...actionData(card, cancellationVerb), reason: 'Forgot', slot })));
    expect(cardText(refused)).toMatch(/permits moving supervision only for/);
    expect((await h.services.records.get('cancellations', cancellation.id))?.record.rearrangedTo).toBeUndefined();

    const answer = invokeCard(await h.post(execute(h.connector.url, people.supervisor, cancellationVerb, { ...actionData(card, cancellationVerb), reason: 'Sickness', slot })));
    expect(cardText(answer)).toContain('Supervision rearranged');
    const saved = (await h.services.records.get('cancellations', cancellation.id))!.record;
    expect(saved).toMatchObject({ reason: 'Sickness', rearrangedTo: slot.slice(0, 10), origin: 'outlook-cancelled' });
    expect(h.services.calendarFake.events.size).toBe(events + 1);

    const twice = invokeCard(await h.post(execute(h.connector.url, people.supervisor, cancellationVerb, { ...actionData(card, cancellationVerb), reason: 'Sickness', slot })));
    expect(cardText(twice)).toMatch(/Already done/);
    expect(h.services.calendarFake.events.size).toBe(events + 1);
  });

  it('records just the reason when no time is chosen, and lets nobody else answer', async () => {
    await promptForCancellation(h.services, h.bot.sender, cancellation);
    const card = h.connector.cards()[0]!.card;
    const stranger = invokeCard(await h.post(execute(h.connector.url, people.teammate, cancellationVerb, { ...actionData(card, cancellationVerb), reason: 'Sickness' })));
    expect(cardText(stranger)).toContain('Not yours to answer');
    expect((await h.services.records.get('cancellations', cancellation.id))?.record.reason).toBeUndefined();

    const answer = invokeCard(await h.post(execute(h.connector.url, people.supervisor, cancellationVerb, { ...actionData(card, cancellationVerb), reason: 'Annual leave' })));
    expect((await h.services.records.get('cancellations', cancellation.id))?.record.reason).toBe('Annual leave');
    // Still to rearrange: the card comes back with the times.
    expect(choices(answer, 'slot').length).toBeGreaterThan(0);
  });

  it('asks nothing about a cancellation the app made itself', async () => {
    expect(await promptForCancellation(h.services, h.bot.sender, { ...cancellation, origin: 'app', reason: 'Sickness' })).toBe('not-needed');
    expect(h.connector.cards()).toEqual([]);
  });
});
