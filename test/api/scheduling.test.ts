import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingResponse, CancelResponse, FreeSlots, Occurrences, PlanView, Team } from '../../src/server/api/schemas.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: testNow });
});
afterAll(() => h.close());

const S = people.supervisee;

describe('plan, free slots and booking', () => {
  it('previews the policy cadence with each phase and its seed source', async () => {
    const res = await h.as('supervisor').get<PlanView>(`/api/supervisees/${S}/plan`);
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('asye');
    expect(res.body.start).toBe('2026-05-27');
    expect(res.body.phases.length).toBeGreaterThanOrEqual(3);
    for (const phase of res.body.phases) expect(phase.source.ref).toMatch(/§/);
    expect(res.body.cadence).toMatch(/^every week to 6 weeks, then every 2 weeks/);
    expect(res.body.sessions[0]!.date >= '2026-05-27').toBe(true);
  });

  it('names the field of a bad query value', async () => {
    const res = await h.as('supervisor').get<{ error: { code: string; field: string } }>(`/api/supervisees/${S}/plan?weekday=sat`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'weekday' });
  });

  it('lists start times free for both supervisor and supervisee', async () => {
    h.services.calendarFake.blocked.push({ mailbox: S, start: Date.parse('2026-06-18T08:00:00Z'), end: Date.parse('2026-06-18T16:00:00Z') });
    const res = await h.as('supervisor').get<FreeSlots>(`/api/supervisees/${S}/slots?from=2026-06-17&days=3`);
    expect(res.status).toBe(200);
    expect(res.body.durationMinutes).toBe(90);
    const thursday = res.body.days.find((d) => d.date === '2026-06-18');
    expect(thursday?.times).toEqual([]);
    const friday = res.body.days.find((d) => d.date === '2026-06-19');
    expect(friday?.times[0]).toBe(res.body.workingHours.start);
    // Wednesday the 17th: nothing before the current time (12:00 in London).
    expect(res.body.days.find((d) => d.date === '2026-06-17')?.times.every((t) => t >= '12:00')).toBe(true);
  });

  it('books the series, idempotently, and lists the occurrences', async () => {
    const first = await h.as('supervisor').post<BookingResponse>('/api/bookings', { superviseeId: S, weekday: 'wed', time: '10:00' });
    expect(first.status).toBe(201);
    expect(first.body.unchanged).toBe(false);
    expect(first.body.series).toBeGreaterThanOrEqual(2);
    expect(first.body.occurrences.length).toBeGreaterThan(10);
    expect(first.body.occurrences[0]).toMatchObject({ date: '2026-05-27', time: '10:00', status: 'held', kind: 'individual' });
    const again = await h.as('supervisor').post<BookingResponse>('/api/bookings', { superviseeId: S, weekday: 'wed', time: '10:00' });
    expect(again.body.unchanged).toBe(true);
    expect(h.services.calendarFake.events.size).toBe(first.body.series + first.body.singles);

    const list = await h.as('supervisee').get<Occurrences>(`/api/supervisees/${S}/occurrences`);
    expect(list.status).toBe(200);
    // 10:00 today has passed at 12:00 London time, so today's session counts as held.
    expect(list.body.occurrences.filter((o) => o.status === 'held').map((o) => o.date)).toEqual(['2026-05-27', '2026-06-03', '2026-06-10', '2026-06-17']);
    expect(list.body.cancellationPolicy.reasonRequired).toBe(true);
  });

  it('shows the supervisee on the supervisor\'s team with status and why', async () => {
    const res = await h.as('supervisor').get<Team>('/api/team');
    expect(res.status).toBe(200);
    const orla = res.body.members.find((m) => m.person.id === S)!;
    expect(orla).toMatchObject({ role: 'asye', booked: true, lastHeld: '2026-06-17', nextBooked: '2026-06-24', status: 'on-track' });
    expect(orla.why.source.text.length).toBeGreaterThan(10);
    const unbooked = res.body.members.find((m) => m.person.id === people.teammate)!;
    expect(unbooked.booked).toBe(false);
    expect(['overdue', 'due-soon', 'on-track']).toContain(unbooked.status);
  });

  it('only the supervisor books; others get 403 and nothing is written', async () => {
    const before = h.services.lists.writes;
    for (const who of ['supervisee', 'lineManager', 'serviceManager', 'otherManager'] as const) {
      const res = await h.as(who).post<{ error: { code: string } }>('/api/bookings', { superviseeId: people.teammate });
      expect(res.status, who).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(h.services.lists.writes).toBe(before);
  });
});

describe('reschedule and cancel', () => {
  async function upcoming(): Promise<Occurrences['occurrences']> {
    return (await h.as('supervisor').get<Occurrences>(`/api/supervisees/${S}/occurrences`)).body.occurrences.filter((o) => o.status === 'planned');
  }

  it('moves one occurrence to another working day and time', async () => {
    const target = (await upcoming())[1]!;
    const res = await h.as('supervisor').post<Occurrences['occurrences']>(`/api/supervisees/${S}/occurrences/reschedule`, { scheduleId: target.scheduleId, occurrenceId: target.id, date: '2026-06-25', time: '14:00' });
    expect(res.status).toBe(200);
    expect(res.body.find((o) => o.id === target.id)).toMatchObject({ date: '2026-06-25', time: '14:00', originalDate: target.originalDate, status: 'planned' });
    // The move is noted as the app's own, so calendar sync will not ask the supervisor why.
    const noted = (await h.services.records.where('cancellations', 'superviseeId', S)).map((c) => c.record).filter((c) => c.eventId === target.id);
    expect(noted).toEqual([expect.objectContaining({ origin: 'app-moved', originalDate: target.originalDate, rearrangedTo: '2026-06-25', cancelledBy: people.supervisor })]);
    expect((await h.as('supervisor').get<{ items: unknown[] }>('/api/cancellations/pending')).body.items).toEqual([]);
  });

  it('a session moved in Outlook still happens on its new date (a move, not a cancellation)', async () => {
    const target = (await upcoming())[2]!;
    await h.services.calendar.moveOccurrence(target.organizerId, target.id, '2026-07-09T10:00', '2026-07-09T11:00');
    await h.services.records.create('cancellations', { id: 'outlook-move-1', superviseeId: S, supervisorId: people.supervisor, org: 'dudley', originalDate: target.originalDate, eventId: target.id, origin: 'outlook-moved', rearrangedTo: '2026-07-09', cancelledAt: testNow.toISOString() });
    const after = (await h.as('supervisor').get<Occurrences>(`/api/supervisees/${S}/occurrences`)).body.occurrences.filter((o) => o.id === target.id);
    expect(after).toEqual([expect.objectContaining({ date: '2026-07-09', originalDate: target.originalDate, status: 'planned' })]);
  });

  it('refuses a move onto a weekend or outside working hours, naming the field', async () => {
    const target = (await upcoming())[2]!;
    const weekend = await h.as('supervisor').post<{ error: { field: string } }>(`/api/supervisees/${S}/occurrences/reschedule`, { scheduleId: target.scheduleId, occurrenceId: target.id, date: '2026-06-27', time: '10:00' });
    expect(weekend.status).toBe(400);
    expect(weekend.body.error.field).toBe('body.date');
    const late = await h.as('supervisor').post<{ error: { field: string } }>(`/api/supervisees/${S}/occurrences/reschedule`, { scheduleId: target.scheduleId, occurrenceId: target.id, date: '2026-06-29', time: '16:30' });
    expect(late.status).toBe(400);
    expect(late.body.error.field).toBe('body.time');
  });

  it('cancels with a permitted reason, records the original date, and rebooks inside the window', async () => {
    const target = (await upcoming()).find((o) => o.date >= '2026-07-01')!;
    const missing = await h.as('supervisor').post<{ error: { field: string; choices: string[] } }>(`/api/supervisees/${S}/occurrences/cancel`, { occurrenceId: target.id });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('reason');
    expect(missing.body.error.choices).toContain('Court');
    const notPermitted = await h.as('supervisor').post<{ error: { field: string } }>(`/api/supervisees/${S}/occurrences/cancel`, { occurrenceId: target.id, reason: 'Too busy' });
    expect(notPermitted.status).toBe(400);
    const tooLate = await h.as('supervisor').post<{ error: { field: string } }>(`/api/supervisees/${S}/occurrences/cancel`, { occurrenceId: target.id, reason: 'Court', rebook: { date: '2026-09-01', time: '10:00' } });
    expect(tooLate.status).toBe(400);
    expect(tooLate.body.error.field).toBe('rebook.date');

    const rebookDate = '2026-07-06';
    const res = await h.as('supervisor').post<CancelResponse>(`/api/supervisees/${S}/occurrences/cancel`, { occurrenceId: target.id, reason: 'Court', rebook: { date: rebookDate, time: '11:00' } });
    expect(res.status).toBe(200);
    expect(res.body.cancellation).toMatchObject({ reason: 'Court', originalDate: target.originalDate, rearrangedTo: rebookDate, origin: 'app', cancelledBy: people.supervisor });
    const cancelled = res.body.occurrences.find((o) => o.status === 'cancelled')!;
    expect(cancelled).toMatchObject({ originalDate: target.originalDate, cancellation: { reason: 'Court', rearrangedTo: rebookDate } });
    expect(res.body.occurrences.find((o) => o.date === rebookDate)).toMatchObject({ time: '11:00', status: 'planned' });
    const again = await h.as('supervisor').post<{ error: { code: string } }>(`/api/supervisees/${S}/occurrences/cancel`, { occurrenceId: cancelled.id, reason: 'Court' });
    expect(again.status).toBe(409);
  });

  it('moves the rest of the series to another weekday and time', async () => {
    const plan = (await upcoming()).at(-1)!;
    const res = await h.as('supervisor').post<{ moved: number; occurrences: Occurrences['occurrences'] }>(`/api/supervisees/${S}/series/reschedule`, { scheduleId: plan.scheduleId, from: '2026-09-01', weekday: 'thu', time: '13:00' });
    expect(res.status).toBe(200);
    expect(res.body.moved).toBeGreaterThan(0);
    const later = res.body.occurrences.filter((o) => o.status === 'planned' && o.originalDate >= '2026-09-01' && o.seriesKey === plan.seriesKey);
    expect(later.every((o) => new Date(`${o.date}T00:00:00Z`).getUTCDay() === 4 || o.date === o.originalDate)).toBe(true);
  });
});
