import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Compliance, MySupervision, Occurrences, PersonCompliance, PrepView, RecordView } from '../../src/server/api/schemas.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

let h: Harness;
const S = people.supervisee;
let occurrences: Occurrences['occurrences'];

beforeAll(async () => {
  h = await startHarness({ now: testNow });
  await h.as('supervisor').post('/api/bookings', { superviseeId: S, weekday: 'wed', time: '10:00' });
  occurrences = (await h.as('supervisor').get<Occurrences>(`/api/supervisees/${S}/occurrences`)).body.occurrences;
});
afterAll(() => h.close());

type ErrorBody = { error: { code: string; field?: string; message: string } };

describe('preparation', () => {
  it('the supervisee answers the pack\'s prep questions for the next session', async () => {
    const view = await h.as('supervisee').get<PrepView>(`/api/supervisees/${S}/prep`);
    expect(view.status).toBe(200);
    expect(view.body.sessionDate).toBe('2026-06-24');
    const required = view.body.questions.filter((q) => q.required);
    expect(required.length).toBeGreaterThan(0);
    const incomplete = await h.as('supervisee').put<ErrorBody>(`/api/supervisees/${S}/prep`, { sessionDate: '2026-06-24', answers: {} });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.field).toBe(`answers.${required[0]!.id}`);
    const answers = Object.fromEntries(required.map((q) => [q.id, 'Court report for LCS-200001 and my workload']));
    const ref = view.body.caseload[0]!.ref;
    const saved = await h.as('supervisee').put<PrepView>(`/api/supervisees/${S}/prep`, { sessionDate: '2026-06-24', answers, perCase: [{ ref, answers: {} }] });
    expect(saved.status).toBe(200);
    expect(saved.body.response?.record.answers).toEqual(answers);
    const bySupervisor = await h.as('supervisor').put(`/api/supervisees/${S}/prep`, { sessionDate: '2026-06-24', answers });
    expect(bySupervisor.status).toBe(403);
  });

  it('refuses a name where a case reference belongs', async () => {
    const res = await h.as('supervisee').put<ErrorBody>(`/api/supervisees/${S}/prep`, { sessionDate: '2026-07-01', answers: { agenda: 'x' }, perCase: [{ ref: 'Amy Smith', answers: {} }] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('perCase[0].ref');
  });
});

describe('a session record from draft to acknowledgement', () => {
  let view: RecordView;

  it('opens the record of the first session as a draft with the template', async () => {
    const first = occurrences[0]!;
    const res = await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: first.date, sessionStart: first.time, eventId: first.id });
    expect(res.status).toBe(201);
    view = res.body;
    expect(view.record.status).toBe('draft');
    expect(view.template.sections.length).toBeGreaterThan(3);
    expect(view.capacity).toBe('supervisor');
    const again = await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: first.date, eventId: first.id });
    expect(again.body.record.id).toBe(view.record.id);
  });

  it('prefills the agenda of the prepared session from the prep answers', async () => {
    const prepared = occurrences.find((o) => o.date === '2026-06-24')!;
    const res = await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: prepared.date, eventId: prepared.id });
    expect(res.body.record.agenda).toContain('Court report for LCS-200001');
    expect(res.body.record.cases.length).toBe(1);
  });

  it('autosaves drafts and answers a stale version with 409 CONFLICT', async () => {
    const category = view.caseCategories[0]!.id;
    const body = {
      version: view.version,
      sections: { [view.template.sections[1]!.id]: 'Talked through the first weeks.' },
      cases: [{ ref: view.caseload[0]!.ref, category }],
      actions: [
        { id: 'a1', what: 'Book shadowing with the duty team', who: 'supervisee', due: '2026-06-05' },
        { id: 'a2', what: 'Send the ASYE portfolio guide', who: 'supervisor', due: '2026-07-30' },
      ],
      groupSinceLast: { attended: false, whyNot: 'First weeks in post' },
    };
    const saved = await h.as('supervisor').put<RecordView>(`/api/records/${view.record.id}`, body);
    expect(saved.status).toBe(200);
    expect(saved.body.version).not.toBe(view.version);
    const stale = await h.as('supervisor').put<ErrorBody>(`/api/records/${view.record.id}`, { ...body, sections: { x: 'other tab' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', field: 'version' });
    view = saved.body;
  });

  it('names the field of a bad case category or reference', async () => {
    const res = await h.as('supervisor').put<ErrorBody>(`/api/records/${view.record.id}`, { version: view.version, sections: {}, cases: [{ ref: 'LCS-1', category: 'nope' }], actions: [] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('cases[0].category');
    const name = await h.as('supervisor').put<ErrorBody>(`/api/records/${view.record.id}`, { version: view.version, sections: {}, cases: [{ ref: 'Jo Bloggs', category: 'other' }], actions: [] });
    expect(name.body.error.field).toBe('cases[0].ref');
  });

  it('the supervisee cannot acknowledge a draft, and cannot edit it', async () => {
    const ack = await h.as('supervisee').post<ErrorBody>(`/api/records/${view.record.id}/acknowledge`, { version: view.version });
    expect(ack.status).toBe(409);
    expect(ack.body.error.code).toBe('WORKFLOW');
    const edit = await h.as('supervisee').put(`/api/records/${view.record.id}`, { version: view.version, sections: {}, cases: [], actions: [] });
    expect(edit.status).toBe(403);
  });

  it('the supervisor finalises: shared, signed, actions and case discussions published', async () => {
    const res = await h.as('supervisor').post<RecordView>(`/api/records/${view.record.id}/finalise`, { version: view.version });
    expect(res.status).toBe(200);
    expect(res.body.record).toMatchObject({ status: 'finalised', sharedAt: expect.any(String), supervisorSignedAt: expect.any(String) });
    expect(res.body.caseDirection.deadlines).toHaveLength(1);
    view = res.body;
    const actions = await h.as('supervisee').get<{ id: string; overdue: boolean }[]>(`/api/supervisees/${S}/actions`);
    expect(actions.body).toHaveLength(2);
    expect(actions.body[0]!.overdue).toBe(true);
    const cases = await h.as('supervisee').get<{ discussions: unknown[] }>(`/api/supervisees/${S}/cases`);
    expect(cases.body.discussions).toHaveLength(1);
    const twice = await h.as('supervisor').post<ErrorBody>(`/api/records/${view.record.id}/finalise`, { version: view.version });
    expect(twice.status).toBe(409);
  });

  it('the supervisor ticks the case direction as recorded in the case system', async () => {
    const res = await h.as('supervisor').post<RecordView>(`/api/records/${view.record.id}/case-direction`, { version: view.version, ref: view.record.cases[0]!.ref, recorded: true });
    expect(res.status).toBe(200);
    expect(res.body.caseDirection.deadlines[0]!.recorded).toBe(true);
    view = res.body;
  });

  it('the supervisee sees it to acknowledge, acknowledges, and marks an action done', async () => {
    const mine = await h.as('supervisee').get<MySupervision>('/api/my-supervision');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ supervised: true, supervisor: { id: people.supervisor }, nextSession: { date: '2026-06-24' }, prepSubmitted: true });
    expect(mine.body.toAcknowledge.map((r) => r.id)).toEqual([view.record.id]);
    const ack = await h.as('supervisee').post<RecordView>(`/api/records/${view.record.id}/acknowledge`, { version: view.version });
    expect(ack.status).toBe(200);
    expect(ack.body.record).toMatchObject({ status: 'acknowledged', superviseeSignedAt: expect.any(String) });
    const action = mine.body.actions[0]!;
    const done = await h.as('supervisee').post<{ doneAt?: string }>(`/api/actions/${action.id}/done`, { done: true });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.doneAt).toBeDefined();
  });

  it('compliance shows the first session held on time with its record acknowledged', async () => {
    const res = await h.as('lineManager').get<PersonCompliance>(`/api/compliance/people/${S}`);
    expect(res.status).toBe(200);
    expect(res.body.sessions[0]).toMatchObject({ date: '2026-05-27', status: 'held', onTime: true, recordStatus: 'acknowledged' });
    const june = res.body.monthly.find((m) => m.month === '2026-06')!;
    expect(june.rate).toBe(1);
    for (const f of res.body.findings) expect(f.source.ref.length).toBeGreaterThan(3);
  });
});

describe('disagreement, informal and group supervision', () => {
  it('the supervisee records disagreement in their own words', async () => {
    const second = occurrences[1]!;
    const opened = await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: second.date, eventId: second.id });
    const ready = await h.as('supervisor').put<RecordView>(`/api/records/${opened.body.record.id}`, { version: opened.body.version, sections: {}, cases: [], actions: [], groupSinceLast: { attended: true } });
    const fin = await h.as('supervisor').post<RecordView>(`/api/records/${opened.body.record.id}/finalise`, { version: ready.body.version });
    const empty = await h.as('supervisee').post<ErrorBody>(`/api/records/${opened.body.record.id}/dispute`, { version: fin.body.version, comment: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('comment');
    const res = await h.as('supervisee').post<RecordView>(`/api/records/${opened.body.record.id}/dispute`, { version: fin.body.version, comment: 'The workload discussion is not what we agreed.' });
    expect(res.body.record).toMatchObject({ status: 'disputed', superviseeComment: 'The workload discussion is not what we agreed.' });
  });

  it('records informal supervision that changed a plan, with the case-direction deadline', async () => {
    const res = await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/informal`, { date: '2026-06-16', time: '15:00', summary: 'Changed the safety plan after the home visit.', planChanged: true, cases: [{ ref: 'LCS-200002', category: 'other', urgent: true }] });
    expect(res.status).toBe(201);
    expect(res.body.record).toMatchObject({ kind: 'informal', status: 'finalised' });
    expect(res.body.caseDirection.deadlines[0]!.due).toBeTruthy();
    const list = await h.as('supervisor').get<Occurrences>(`/api/supervisees/${S}/occurrences`);
    expect(list.body.occurrences.find((o) => o.kind === 'informal')).toMatchObject({ date: '2026-06-16', status: 'held' });
  });

  it('records group supervision attendance for each attendee, and only for the supervisor\'s own people', async () => {
    const res = await h.as('supervisor').post<{ records: { superviseeId: string }[] }>('/api/group-sessions', { date: '2026-06-15', attendees: [S, people.teammate], notes: 'Reflective group on court work.' });
    expect(res.status).toBe(201);
    expect(res.body.records.map((r) => r.superviseeId).sort()).toEqual([S, people.teammate].sort());
    const foreign = await h.as('supervisor').post<ErrorBody>('/api/group-sessions', { date: '2026-06-15', attendees: [S, people.otherSupervisee], notes: '' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.field).toBe('attendees[1]');
  });

  it('compliance for the line manager: per team, by kind, monthly, and CSV', async () => {
    const res = await h.as('lineManager').get<Compliance>('/api/compliance');
    expect(res.status).toBe(200);
    expect(res.body.people.length).toBeGreaterThanOrEqual(15);
    expect(res.body.teams.map((t) => t.team).sort()).toEqual(['Assessment North', 'Children in Care', 'Family Support East']);
    expect(res.body.monthly).toHaveLength(6);
    expect(res.body.overdueByKind.length).toBeGreaterThan(0);
    const csv = await h.as('lineManager').get<string>('/api/compliance.csv?team=Assessment%20North');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toContain('"Person","Team"');
    expect(lines.slice(1).every((l) => l.includes('"Assessment North"'))).toBe(true);
    const outsider = await h.as('otherSupervisee').get<Compliance>('/api/compliance');
    expect(outsider.body.people).toEqual([]);
  });
});
