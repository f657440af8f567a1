import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, meeting, startHarness, users, type GraphErrorBody, type Harness } from './harness.js';

interface ScheduleInformation {
  scheduleId: string;
  availabilityView: string;
  scheduleItems: { status: string; subject?: string; start: { dateTime: string; timeZone: string }; end: { dateTime: string; timeZone: string } }[];
  workingHours?: { daysOfWeek: string[]; startTime: string; endTime: string; timeZone: { name: string } };
  error?: { message: string; responseCode: string };
}

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

const ann = `/users/${users.ann.id}`;

function request(schedules: string[], start: string, end: string, interval?: number | string): Record<string, unknown> {
  return { schedules, startTime: at(start), endTime: at(end), ...(interval !== undefined ? { availabilityViewInterval: interval } : {}) };
}

describe('getSchedule', () => {
  it('builds the availabilityView from busy and tentative items, with working hours from mailboxSettings', async () => {
    // Ann organises 10:00–11:00 (busy for her); Bob has not answered, so his copy shows tentative.
    await g.call('POST', `${ann}/events`, { body: meeting({ start: at('2025-06-02T10:00:00'), end: at('2025-06-02T11:00:00') }) });
    await g.call('POST', `/users/${users.cat.id}/events`, { body: meeting({ attendees: [], showAs: 'oof', start: at('2025-06-02T11:30:00'), end: at('2025-06-02T12:00:00') }) });
    const patched = await g.call('PATCH', `/users/${users.bob.id}/mailboxSettings`, { body: { workingHours: { startTime: '08:00:00', endTime: '16:00:00', daysOfWeek: ['monday', 'tuesday'] } } });
    expect(patched.status).toBe(200);

    const reply = await g.call<{ value: ScheduleInformation[] }>('POST', `${ann}/calendar/getSchedule`, {
      body: request([users.ann.mail, users.bob.mail, users.cat.mail, 'nobody@contoso.test'], '2025-06-02T09:00:00', '2025-06-02T12:00:00', 30),
      headers: { Prefer: 'outlook.timezone="GMT Standard Time"' },
    });
    expect(reply.status).toBe(200);
    const [annInfo, bobInfo, catInfo, nobody] = reply.body.value;
    expect(annInfo?.availabilityView).toBe('002200');
    expect(annInfo?.scheduleItems).toEqual([
      expect.objectContaining({ status: 'busy', start: { dateTime: '2025-06-02T10:00:00.0000000', timeZone: 'GMT Standard Time' } }),
    ]);
    expect(bobInfo?.availabilityView).toBe('001100');
    expect(bobInfo?.workingHours).toEqual({ daysOfWeek: ['monday', 'tuesday'], startTime: '08:00:00.0000000', endTime: '16:00:00.0000000', timeZone: { name: 'GMT Standard Time' } });
    expect(catInfo?.availabilityView).toBe('000003');
    expect(nobody).toMatchObject({ scheduleId: 'nobody@contoso.test', error: { responseCode: expect.any(String) } });
  });

  it('answers in UTC without the Prefer header and accepts the documented string interval', async () => {
    await g.call('POST', `${ann}/events`, { body: meeting() });
    const reply = await g.call<{ value: ScheduleInformation[] }>('POST', `/me/calendar/getSchedule`, {
      body: { Schedules: [users.ann.mail], StartTime: at('2025-06-02T09:00:00'), EndTime: at('2025-06-02T12:00:00'), availabilityViewInterval: '60' },
      headers: { 'x-local-user': users.bob.userPrincipalName },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.value[0]?.availabilityView).toBe('020');
    expect(reply.body.value[0]?.scheduleItems[0]?.start).toEqual({ dateTime: '2025-06-02T09:00:00.0000000', timeZone: 'UTC' });
  });

  it('enforces 20 schedules, a window under 62 days and an interval of 5..1440 minutes', async () => {
    const many = Array.from({ length: 21 }, (_, i) => `user${i}@contoso.test`);
    const tooMany = await g.call<GraphErrorBody>('POST', `${ann}/calendar/getSchedule`, { body: request(many, '2025-06-02T09:00:00', '2025-06-02T12:00:00') });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('ErrorMailboxDataArrayTooBig');
    expect((await g.call('POST', `${ann}/calendar/getSchedule`, { body: request(many.slice(0, 20), '2025-06-02T09:00:00', '2025-06-02T12:00:00') })).status).toBe(200);

    const tooLong = await g.call<GraphErrorBody>('POST', `${ann}/calendar/getSchedule`, { body: request([users.bob.mail], '2025-06-01T00:00:00', '2025-08-02T00:00:00') });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('ErrorTimeIntervalTooBig');
    const justUnder = await g.call<{ value: ScheduleInformation[] }>('POST', `${ann}/calendar/getSchedule`, {
      body: request([users.bob.mail], '2025-06-01T00:00:00', '2025-08-01T00:00:00', 1440),
    });
    expect(justUnder.status).toBe(200);
    expect(justUnder.body.value[0]?.availabilityView).toHaveLength(61);

    const badInterval = await g.call<GraphErrorBody>('POST', `${ann}/calendar/getSchedule`, { body: request([users.bob.mail], '2025-06-02T09:00:00', '2025-06-02T12:00:00', 4) });
    expect(badInterval.status).toBe(400);
    expect(badInterval.body.error.message).toContain('availabilityViewInterval');

    const missing = await g.call<GraphErrorBody>('POST', `${ann}/calendar/getSchedule`, { body: { schedules: [users.bob.mail], startTime: at('2025-06-02T09:00:00') } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('endTime');
  });
});
