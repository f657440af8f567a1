/**
 * A session cancelled in Outlook (recorded by calendar sync with no reason): the supervisor
 * sees it pending, records the reason (checked against the pack), is offered free times
 * inside the pack's window, and rearranges it; compliance then stops flagging it and the
 * replacement is a booked session. Only the supervisor may act.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cancellation } from '../../src/records/models.js';
import type { CancellationSlots, Occurrences, PendingCancellation, PendingCancellations, PersonCompliance, Rearranged } from '../../src/server/api/schemas.js';
import { cancellationIdFor, declinedReason } from '../../src/sync/index.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

let h: Harness;
const S = people.supervisee;
let cancellation: Cancellation;

beforeAll(async () => {
  h = await startHarness({ now: testNow });
  const booked = await h.as('supervisor').post('/api/bookings', { superviseeId: S, weekday: 'wed', time: '10:00' });
  expect(booked.status).toBe(201);
  const list = await h.as('supervisor').get<Occurrences>(`/api/supervisees/${S}/occurrences`);
  const lost = list.body.occurrences.find((o) => o.date === '2026-06-10')!;
  // What calendar sync records for an occurrence cancelled in Outlook: no reason, nothing rearranged.
  cancellation = {
    id: cancellationIdFor('series-master', '2026-06-10T09:00:00.000Z'),
    superviseeId: S,
    supervisorId: people.supervisor,
    org: 'dudley',
    originalDate: '2026-06-10',
    eventId: lost.id,
    origin: 'outlook-cancelled',
    cancelledAt: '2026-06-09T16:00:00.000Z',
  };
  await h.services.records.create('cancellations', cancellation);
});
afterAll(() => h.close());

const findingsOn = async (date: string) => {
  const res = await h.as('supervisor').get<PersonCompliance>(`/api/compliance/people/${S}`);
  return res.body.findings.filter((f) => f.kind.startsWith('cancellation-') && f.subject.includes(date)).map((f) => f.kind);
};

describe('cancellations found in Outlook', () => {
  it('lists the cancellation as pending for the supervisor only', async () => {
    const mine = await h.as('supervisor').get<PendingCancellations>('/api/cancellations/pending');
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ needsReason: true, needsRearranging: true, rebookBy: '2026-06-24', supervisee: { id: S } });
    expect(mine.body.policy.permittedReasons).toContain('Sickness');
    for (const who of ['supervisee', 'otherManager', 'lineManager'] as const) {
      const theirs = await h.as(who).get<PendingCancellations>('/api/cancellations/pending');
      expect(theirs.status).toBe(200);
      expect(theirs.body.items).toEqual([]);
    }
    expect((await h.as(null).get('/api/cancellations/pending')).status).toBe(401);
  });

  it('compliance flags the missing reason', async () => {
    expect(await findingsOn('2026-06-10')).toEqual(['cancellation-reason-missing']);
  });

  it('refuses anyone but the supervisor, and a reason the pack does not permit, naming the field', async () => {
    const other = await h.as('otherManager').post(`/api/cancellations/${cancellation.id}/reason`, { reason: 'Sickness' });
    expect(other.status).toBe(403);
    const supervisee = await h.as('supervisee').get(`/api/cancellations/${cancellation.id}/slots`);
    expect(supervisee.status).toBe(403);
    const missing = await h.as('supervisor').post<{ error: { field: string } }>(`/api/cancellations/nothing-here/reason`, { reason: 'Sickness' });
    expect(missing.status).toBe(404);
    const notPermitted = await h.as('supervisor').post<{ error: { code: string; field: string; choices: string[] } }>(`/api/cancellations/${cancellation.id}/reason`, { reason: 'Forgot' });
    expect(notPermitted.status).toBe(400);
    expect(notPermitted.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
    expect(notPermitted.body.error.choices).toContain('Annual leave');
    const empty = await h.as('supervisor').post<{ error: { field: string } }>(`/api/cancellations/${cancellation.id}/reason`, { reason: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('reason');
  });

  it('records the reason, which compliance then sees', async () => {
    const saved = await h.as('supervisor').post<PendingCancellation>(`/api/cancellations/${cancellation.id}/reason`, { reason: 'Sickness' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ needsReason: false, needsRearranging: true, cancellation: { reason: 'Sickness', origin: 'outlook-cancelled' } });
    expect(await findingsOn('2026-06-10')).toEqual([]);
  });

  it('offers free times for both people inside the pack window, and books one in both calendars', async () => {
    h.services.calendarFake.blocked.push({ mailbox: S, start: Date.parse('2026-06-18T07:00:00Z'), end: Date.parse('2026-06-18T17:00:00Z') });
    const offer = await h.as('supervisor').get<CancellationSlots>(`/api/cancellations/${cancellation.id}/slots`);
    expect(offer.status).toBe(200);
    expect(offer.body.window).toMatchObject({ from: '2026-06-18', to: '2026-06-24' });
    expect(offer.body.slots.length).toBeGreaterThan(0);
    expect(offer.body.slots.every((s) => s.date > '2026-06-18' && s.date <= '2026-06-24')).toBe(true);

    const late = await h.as('supervisor').post<{ error: { field: string } }>(`/api/cancellations/${cancellation.id}/rearrange`, { date: '2026-07-01', time: '10:00' });
    expect(late.status).toBe(400);
    expect(late.body.error.field).toBe('date');
    const busy = await h.as('supervisor').post<{ error: { field: string } }>(`/api/cancellations/${cancellation.id}/rearrange`, { date: '2026-06-18', time: '10:00' });
    expect(busy.status).toBe(400);
    expect(busy.body.error.field).toBe('time');

    const events = h.services.calendarFake.events.size;
    const slot = offer.body.slots[0]!;
    const done = await h.as('supervisor').post<Rearranged>(`/api/cancellations/${cancellation.id}/rearrange`, { date: slot.date, time: slot.time });
    expect(done.status).toBe(201);
    expect(done.body.cancellation).toMatchObject({ rearrangedTo: slot.date, reason: 'Sickness' });
    expect(h.services.calendarFake.events.size).toBe(events + 1);

    const list = await h.as('supervisee').get<Occurrences>(`/api/supervisees/${S}/occurrences`);
    expect(list.body.occurrences.find((o) => o.id === done.body.rearranged.eventId)).toMatchObject({ date: slot.date, time: slot.time, status: 'planned' });
    expect(list.body.occurrences.find((o) => o.originalDate === '2026-06-10' && o.status === 'cancelled')?.cancellation).toMatchObject({ reason: 'Sickness', rearrangedTo: slot.date });
    expect((await h.as('supervisor').get<PendingCancellations>('/api/cancellations/pending')).body.items).toEqual([]);

    const again = await h.as('supervisor').post(`/api/cancellations/${cancellation.id}/rearrange`, { date: slot.date, time: slot.time });
    expect(again.status).toBe(409);
    expect(h.services.calendarFake.events.size).toBe(events + 1);
  });

  it('asks for one of the pack\'s reasons for a session the supervisee declined, keeping the decline', async () => {
    const declined: Cancellation = { ...cancellation, id: cancellationIdFor('series-master', '2026-06-03T09:00:00.000Z'), originalDate: '2026-06-03', origin: 'outlook-declined', reason: declinedReason };
    delete declined.eventId;
    await h.services.records.create('cancellations', declined);
    const pending = await h.as('supervisor').get<PendingCancellations>('/api/cancellations/pending');
    expect(pending.body.items.map((i) => [i.cancellation.originalDate, i.needsReason])).toEqual([['2026-06-03', true]]);
    expect(await findingsOn('2026-06-03')).toEqual(['cancellation-reason-not-permitted']);
    const saved = await h.as('supervisor').post<PendingCancellation>(`/api/cancellations/${declined.id}/reason`, { reason: 'Annual leave' });
    expect(saved.body.cancellation.reason).toBe(`Annual leave (${declinedReason})`);
    expect(saved.body.needsReason).toBe(false);
    expect(await findingsOn('2026-06-03')).toEqual([]);
  });

  it('names the field of a malformed body', async () => {
    const res = await h.as('supervisor').post<{ error: { code: string; field: string } }>(`/api/cancellations/${cancellation.id}/rearrange`, { date: '18/06/2026', time: '10:00' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'date' });
  });
});
