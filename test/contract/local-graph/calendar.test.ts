import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, meeting, startHarness, users, weekly, type Collection, type GraphErrorBody, type GraphEvent, type Harness } from './harness.js';

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

const ann = `/users/${users.ann.mail}`;
const bob = `/users/${users.bob.id}`;
const preferLondon = { Prefer: 'outlook.timezone="GMT Standard Time"' };

async function createSeries(range: Record<string, unknown>, start = '2025-03-17', extra: Record<string, unknown> = {}): Promise<GraphEvent> {
  const reply = await g.call<GraphEvent>('POST', `${ann}/events`, {
    body: meeting({ start: at(`${start}T09:00:00`), end: at(`${start}T10:00:00`), recurrence: weekly(start, range), ...extra }),
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

async function instances(mailbox: string, id: string, from: string, to: string, headers: Record<string, string> = {}): Promise<GraphEvent[]> {
  const reply = await g.call<Collection<GraphEvent>>('GET', `${mailbox}/events/${id}/instances?startDateTime=${from}&endDateTime=${to}&$top=100`, { headers });
  expect(reply.status).toBe(200);
  return reply.body.value;
}

describe('recurring series', () => {
  it('keeps 09:00 London across both DST changes, so the UTC instant moves', async () => {
    const series = await createSeries({ type: 'endDate', endDate: '2025-11-03' });
    expect(series.type).toBe('seriesMaster');

    const spring = await instances(ann, series.id, '2025-03-16T00:00:00Z', '2025-04-08T00:00:00Z');
    expect(spring.map((e) => e.start.dateTime)).toEqual([
      '2025-03-17T09:00:00.0000000',
      '2025-03-24T09:00:00.0000000',
      '2025-03-31T08:00:00.0000000', // BST from 30 March
      '2025-04-07T08:00:00.0000000',
    ]);
    expect(spring.every((e) => e.start.timeZone === 'UTC' && e.type === 'occurrence' && e.seriesMasterId === series.id)).toBe(true);

    const autumn = await instances(ann, series.id, '2025-10-19T00:00:00Z', '2025-11-04T00:00:00Z');
    expect(autumn.map((e) => e.start.dateTime)).toEqual(['2025-10-20T08:00:00.0000000', '2025-10-27T09:00:00.0000000', '2025-11-03T09:00:00.0000000']);

    const local = await instances(ann, series.id, '2025-03-16T00:00:00Z', '2025-11-04T00:00:00Z', preferLondon);
    expect(local).toHaveLength(34);
    expect(new Set(local.map((e) => e.start.dateTime.slice(11)))).toEqual(new Set(['09:00:00.0000000']));
    expect(local[0]?.start.timeZone).toBe('GMT Standard Time');
  });

  it('gives occurrences stable ids and distinct iCalUIds', async () => {
    const series = await createSeries({ type: 'numbered', numberOfOccurrences: 3 });
    const first = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    const again = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    expect(first.map((e) => e.id)).toEqual(again.map((e) => e.id));
    expect(new Set(first.map((e) => e.iCalUId)).size).toBe(3);
    const one = await g.call<GraphEvent>('GET', `${ann}/events/${first[1]?.id}`);
    expect(one.body).toMatchObject({ type: 'occurrence', originalStart: '2025-03-24T09:00:00Z', seriesMasterId: series.id });
  });

  it('rejects invalid recurrence with a 400 naming the property', async () => {
    const noDays = await g.call<GraphErrorBody>('POST', `${ann}/events`, {
      body: meeting({ recurrence: { pattern: { type: 'weekly', interval: 1 }, range: { type: 'noEnd', startDate: '2025-06-02' } } }),
    });
    expect(noDays.status).toBe(400);
    expect(noDays.body.error.code).toBe('ErrorPropertyValidationFailure');
    expect(noDays.body.error.message).toContain('daysOfWeek');

    const wrongStart = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ recurrence: weekly('2025-06-09', { type: 'noEnd' }) }) });
    expect(wrongStart.status).toBe(400);
    expect(wrongStart.body.error.message).toContain('startDate');

    const unknown = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ recurrence: weekly('2025-06-02', { type: 'noEnd' }, { weekday: 'monday' }) }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'RequestBodyRead', message: expect.stringContaining("'weekday'") });

    const ignoredButInvalid = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ recurrence: weekly('2025-06-02', { type: 'noEnd' }, { index: 'fifth' }) }) });
    expect(ignoredButInvalid.status).toBe(400);
    expect(ignoredButInvalid.body.error.message).toContain('fifth');

    const events = await g.call<Collection<GraphEvent>>('GET', `${ann}/events`);
    expect(events.body.value).toHaveLength(0);
  });

  it('turns a patched occurrence into an exception and shows it to attendees', async () => {
    const series = await createSeries({ type: 'numbered', numberOfOccurrences: 4 });
    const [, second] = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    const patched = await g.call<GraphEvent>('PATCH', `${ann}/events/${second?.id}`, {
      body: { subject: 'Moved supervision', start: at('2025-03-25T14:00:00'), end: at('2025-03-25T15:00:00') },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: second?.id, type: 'exception', subject: 'Moved supervision', start: { dateTime: '2025-03-25T14:00:00.0000000' } });

    const after = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    expect(after.map((e) => e.type)).toEqual(['occurrence', 'exception', 'occurrence', 'occurrence']);

    const bobView = await g.call<Collection<GraphEvent>>('GET', `${bob}/calendarView?startDateTime=2025-03-25T00:00:00Z&endDateTime=2025-03-26T00:00:00Z`);
    expect(bobView.body.value).toHaveLength(1);
    expect(bobView.body.value[0]).toMatchObject({ type: 'exception', subject: 'Moved supervision', isOrganizer: false });
  });

  it('accepts its own recurrence echoed back, and moving the series drops its exceptions', async () => {
    const series = await createSeries({ type: 'noEnd' });
    expect(series.recurrence?.range).toMatchObject({ type: 'noEnd', endDate: '0001-01-01', numberOfOccurrences: 0 });
    const echoed = await g.call<GraphEvent>('PATCH', `${ann}/events/${series.id}`, { body: { subject: 'Renamed series', recurrence: series.recurrence } });
    expect(echoed.status).toBe(200);

    const [first] = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-03-20T00:00:00Z');
    await g.call('PATCH', `${ann}/events/${first?.id}`, { body: { subject: 'One-off' } });
    const moved = await g.call<GraphEvent>('PATCH', `${ann}/events/${series.id}`, { body: { start: at('2025-03-18T09:00:00'), end: at('2025-03-18T10:00:00') } });
    expect(moved.status).toBe(200);
    expect(moved.body.recurrence?.range).toMatchObject({ startDate: '2025-03-18' });
    // Still a Monday pattern, so the first occurrence after Tuesday 18 March is Monday 24 March.
    const after = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-03-26T00:00:00Z');
    expect(after.map((e) => [e.type, e.subject, e.start.dateTime])).toEqual([['occurrence', 'Renamed series', '2025-03-24T09:00:00.0000000']]);
  });

  it('serves the same events under /calendar/events and /calendars/{id}/events', async () => {
    const created = await g.call<GraphEvent>('POST', `${ann}/calendar/events`, { body: meeting() });
    expect(created.status).toBe(201);
    const calendar = await g.call<{ id: string; canEdit: boolean }>('GET', `${ann}/calendar`);
    const listed = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendars/${calendar.body.id}/events`);
    expect(listed.body.value.map((e) => e.id)).toEqual([created.body.id]);
    const view = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendar/calendarView?startDateTime=2025-06-02T00:00:00Z&endDateTime=2025-06-03T00:00:00Z`);
    expect(view.body.value).toHaveLength(1);
  });

  it('refuses to move an occurrence onto the day of the next one', async () => {
    const series = await createSeries({ type: 'numbered', numberOfOccurrences: 3 });
    const [first] = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    const crossing = await g.call<GraphErrorBody>('PATCH', `${ann}/events/${first?.id}`, { body: { start: at('2025-03-24T12:00:00'), end: at('2025-03-24T13:00:00') } });
    expect(crossing.status).toBe(400);
    expect(crossing.body.error.code).toBe('ErrorOccurrenceCrossingBoundary');
  });

  it('lets only the organiser cancel, answers 202, and instances leave the cancelled occurrence out', async () => {
    const series = await createSeries({ type: 'numbered', numberOfOccurrences: 4 });
    const bobCopies = await g.call<Collection<GraphEvent>>('GET', `${bob}/events`);
    const bobSeries = bobCopies.body.value[0] as GraphEvent;
    expect(bobSeries).toMatchObject({ type: 'seriesMaster', iCalUId: series.iCalUId, isOrganizer: false, responseStatus: { response: 'none' } });
    expect(series.isOrganizer).toBe(true);

    const bobOccurrences = await instances(bob, bobSeries.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    const refused = await g.call<GraphErrorBody>('POST', `${bob}/events/${bobOccurrences[2]?.id}/cancel`, { body: { comment: 'no' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'ErrorAccessDenied', message: expect.stringContaining('organizer') });

    const occurrences = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    const third = occurrences[2] as GraphEvent;
    const cancelled = await g.call('POST', `${ann}/events/${third.id}/cancel`, { body: { comment: 'Bank holiday' } });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toBeUndefined();

    const left = await instances(ann, series.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    expect(left.map((e) => e.id)).not.toContain(third.id);
    expect(left).toHaveLength(3);
    expect((await instances(bob, bobSeries.id, '2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z')).length).toBe(3);
    expect((await g.call('GET', `${ann}/events/${third.id}`)).status).toBe(404);
  });

  it('cancelling a whole meeting removes it for the organiser and marks attendee copies cancelled', async () => {
    const created = await g.call<GraphEvent>('POST', `${ann}/events`, { body: meeting() });
    expect((await g.call('POST', `${ann}/events/${created.body.id}/cancel`, { body: {} })).status).toBe(202);
    expect((await g.call<GraphErrorBody>('GET', `${ann}/events/${created.body.id}`)).body.error.code).toBe('ErrorItemNotFound');
    const copy = (await g.call<Collection<GraphEvent>>('GET', `${bob}/events`)).body.value[0];
    expect(copy).toMatchObject({ isCancelled: true, iCalUId: created.body.iCalUId });
  });
});

describe('transactionId', () => {
  it('answers a repeated POST with 201 and the original event, creating nothing', async () => {
    const body = meeting({ transactionId: 'agreement-42/phase-1/2025-06-02' });
    const first = await g.call<GraphEvent>('POST', `${ann}/events`, { body });
    const retry = await g.call<GraphEvent>('POST', `${ann}/events`, { body });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.transactionId).toBe('agreement-42/phase-1/2025-06-02');
    expect((await g.call<Collection<GraphEvent>>('GET', `${ann}/events`)).body.value).toHaveLength(1);
    expect((await g.call<Collection<GraphEvent>>('GET', `${bob}/events`)).body.value).toHaveLength(1);
    expect(g.server.graph.stats()).toMatchObject({ eventsCreated: 1, idempotentReplays: 1 });

    // Another organiser may use the same transactionId independently.
    const other = await g.call<GraphEvent>('POST', `/users/${users.cat.id}/events`, { body });
    expect(other.body.id).not.toBe(first.body.id);
  });
});

describe('calendarView', () => {
  it('requires both window parameters', async () => {
    const missing = await g.call<GraphErrorBody>('GET', `${ann}/calendarView?startDateTime=2025-06-01T00:00:00Z`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('ErrorInvalidParameter');
    expect(missing.body.error.message).toContain('EndDateTime');
    expect(missing.body.error.innerError['request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('answers in UTC by default and in the Prefer zone when asked; the window honours offsets', async () => {
    await g.call('POST', `${ann}/events`, { body: meeting() });
    const utc = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView?startDateTime=2025-06-02T00:00:00Z&endDateTime=2025-06-03T00:00:00Z`);
    expect(utc.body.value[0]?.start).toEqual({ dateTime: '2025-06-02T09:00:00.0000000', timeZone: 'UTC' });
    expect(utc.headers.get('preference-applied')).toBeNull();

    const pacific = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView?startDateTime=2025-06-02T00:00:00Z&endDateTime=2025-06-03T00:00:00Z`, {
      headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' },
    });
    expect(pacific.body.value[0]?.start).toEqual({ dateTime: '2025-06-02T02:00:00.0000000', timeZone: 'Pacific Standard Time' });
    expect(pacific.headers.get('preference-applied')).toBe('outlook.timezone="Pacific Standard Time"');

    // 10:30+01:00 is 09:30Z, after the meeting started, so it still overlaps; 11:00+01:00 is its end.
    const offset = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView?startDateTime=2025-06-02T11:00:00%2B01:00&endDateTime=2025-06-02T12:00:00%2B01:00`);
    expect(offset.body.value).toHaveLength(0);
  });

  it('pages with $top and @odata.nextLink', async () => {
    for (const day of ['02', '03', '04']) {
      await g.call('POST', `${ann}/events`, { body: meeting({ subject: `Day ${day}`, start: at(`2025-06-${day}T10:00:00`), end: at(`2025-06-${day}T11:00:00`) }) });
    }
    const first = await g.call<Collection<GraphEvent>>('GET', `${ann}/calendarView?startDateTime=2025-06-01T00:00:00Z&endDateTime=2025-06-30T00:00:00Z&$top=2`);
    expect(first.body.value.map((e) => e.subject)).toEqual(['Day 02', 'Day 03']);
    const next = first.body['@odata.nextLink'] as string;
    expect(next).toContain('$skip=2');
    const second = await g.follow<Collection<GraphEvent>>(next);
    expect(second.body.value.map((e) => e.subject)).toEqual(['Day 04']);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });
});

describe('updates and answers', () => {
  it('rejects a stale If-Match with 412 and applies a current one', async () => {
    const created = await g.call<GraphEvent>('POST', `${ann}/events`, { body: meeting() });
    const ok = await g.call<GraphEvent>('PATCH', `${ann}/events/${created.body.id}`, { body: { subject: 'Renamed' }, headers: { 'If-Match': `W/"${created.body.changeKey}"` } });
    expect(ok.status).toBe(200);
    const stale = await g.call<GraphErrorBody>('PATCH', `${ann}/events/${created.body.id}`, { body: { subject: 'Lost' }, headers: { 'If-Match': `W/"${created.body.changeKey}"` } });
    expect(stale.status).toBe(412);
    expect((await g.call<GraphEvent>('GET', `${ann}/events/${created.body.id}`)).body.subject).toBe('Renamed');
    expect((await g.call<Collection<GraphEvent>>('GET', `${bob}/events`)).body.value[0]?.subject).toBe('Renamed');
  });

  it('records an attendee acceptance on the organiser copy', async () => {
    const created = await g.call<GraphEvent>('POST', `${ann}/events`, { body: meeting({ isOnlineMeeting: true }) });
    expect(created.body.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    const copy = (await g.call<Collection<GraphEvent>>('GET', `${bob}/events`)).body.value[0] as GraphEvent;
    expect(copy.showAs).toBe('tentative');
    expect((await g.call('POST', `${bob}/events/${copy.id}/accept`, { body: { sendResponse: true } })).status).toBe(202);
    const organiser = await g.call<GraphEvent>('GET', `${ann}/events/${created.body.id}`);
    expect(organiser.body.attendees[0]?.status.response).toBe('accepted');
    expect((await g.call<GraphEvent>('GET', `${bob}/events/${copy.id}`)).body).toMatchObject({ showAs: 'busy', responseStatus: { response: 'accepted' } });
    expect((await g.call<GraphErrorBody>('POST', `${ann}/events/${created.body.id}/accept`, { body: {} })).status).toBe(400);
  });

  it('validates bodies and names the field', async () => {
    const badZone = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ start: at('2025-06-02T10:00:00', 'Mars/Olympus') }) });
    expect(badZone.body.error.code).toBe('TimeZoneNotSupportedException');
    const badType = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ subject: 42 }) });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toContain("'subject'");
    const unknown = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ colour: 'red' }) });
    expect(unknown.body.error).toMatchObject({ code: 'RequestBodyRead', message: expect.stringContaining("'colour'") });
    const badJson = await g.call<GraphErrorBody>('POST', `${ann}/events`, { raw: '{"subject": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('BadRequest');
  });
});

describe('Create event: bodyPreview', () => {
  it('is the body as plain text: tags dropped and character references decoded, as Outlook previews it', async () => {
    const html = '<p>Supervision under Children&#39;s Services policy: monthly &amp; reflective.</p><ol><li>Wellbeing&nbsp;check</li><li>&lt;Case&gt; &quot;review&quot; &#x2014; actions</li></ol>';
    const reply = await g.call<GraphEvent & { bodyPreview: string }>('POST', `${ann}/events`, { body: meeting({ body: { contentType: 'html', content: html } }) });
    expect(reply.status).toBe(201);
    expect(reply.body.bodyPreview).toBe('Supervision under Children\'s Services policy: monthly & reflective. Wellbeing check <Case> "review" — actions');
  });
});

describe('Create event: attendees are SMTP addresses', () => {
  it('refuses an attendee addressed by a directory id with 400 ErrorInvalidRecipients, creating nothing for anyone', async () => {
    const byId = await g.call<GraphErrorBody>('POST', `${ann}/events`, { body: meeting({ attendees: [{ emailAddress: { address: users.bob.id, name: users.bob.id }, type: 'required' }] }) });
    expect(byId.status).toBe(400);
    expect(byId.body.error).toMatchObject({ code: 'ErrorInvalidRecipients', message: "At least one recipient isn't valid." });
    expect((await g.call<Collection<GraphEvent>>('GET', `${ann}/events`)).body.value).toEqual([]);
    expect((await g.call<Collection<GraphEvent>>('GET', `${bob}/events`)).body.value).toEqual([]);
    const created = await g.call<GraphEvent>('POST', `${ann}/events`, { body: meeting() });
    const patched = await g.call<GraphErrorBody>('PATCH', `${ann}/events/${created.body.id}`, { body: { attendees: [{ emailAddress: { address: 'Bob Attendee' }, type: 'required' }] } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.code).toBe('ErrorInvalidRecipients');
  });

  it("files the attendee's copy in the mailbox the address reaches, with the address and name the organiser sent", async () => {
    const created = await g.call<GraphEvent>('POST', `${ann}/events`, { body: meeting() });
    expect(created.body.attendees.map((a) => a.emailAddress)).toEqual([{ address: users.bob.mail, name: users.bob.displayName }]);
    const copies = (await g.call<Collection<GraphEvent>>('GET', `${bob}/events`)).body.value;
    expect(copies.map((c) => c.iCalUId)).toEqual([created.body.iCalUId]);
    expect(copies[0]?.isOrganizer).toBe(false);
    // An address outside the directory is a valid recipient but has no mailbox here: no copy, no error.
    const external = await g.call<GraphEvent>('POST', `${ann}/events`, { body: meeting({ attendees: [{ emailAddress: { address: 'someone@partner.example', name: 'Someone' }, type: 'required' }] }) });
    expect(external.status).toBe(201);
  });
});

describe('calendar: getSchedule takes SMTP addresses', () => {
  it('answers a directory id in schedules as an unknown recipient, not as that person', async () => {
    await g.call('POST', `${bob}/events`, { body: meeting({ attendees: [] }) });
    const reply = await g.call<{ value: { scheduleId: string; scheduleItems: unknown[]; error?: { responseCode: string } }[] }>('POST', `${ann}/calendar/getSchedule`, {
      body: { schedules: [users.bob.mail, users.bob.id], startTime: at('2025-06-02T00:00:00'), endTime: at('2025-06-03T00:00:00') },
    });
    expect(reply.body.value[0]?.scheduleItems).toHaveLength(1);
    expect(reply.body.value[1]?.error?.responseCode).toBe('ErrorMailRecipientNotFound');
  });
});
