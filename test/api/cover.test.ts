/**
 * Supervisor absence and cover through the API (issue 8 §1), under Northumberland's pack
 * ("absent from work for a period longer than four weeks"): leave and automatic replies flag
 * the supervisees; only the supervisor's line manager (or a service manager) assigns a
 * temporary supervisor, who can then read and write the supervisee's records for the cover
 * period and no longer; a permanent change of supervisor moves every record with it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AbsenceView, CoverOverview, PersonCompliance, RecordView, SuperviseeCover } from '../../src/server/api/schemas.js';
import type { PeopleDirectory } from '../../src/server/services.js';
import { people, startHarness, testNow, type Harness } from './harness.js';

const S = people.supervisee;
const SUPERVISOR = people.supervisor;
let h: Harness;
let record: RecordView;

interface ErrorBody {
  error: { code: string; field?: string };
}

beforeEach(async () => {
  // testNow is Wednesday 17 June 2026.
  h = await startHarness({ org: 'northumberland', now: testNow });
  record = (await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: '2026-06-10' })).body;
  expect(record.record.superviseeId).toBe(S);
});
afterEach(() => h.close());

const coverRow = async (who: 'lineManager' | 'serviceManager' | 'supervisor' = 'lineManager') => {
  const res = await h.as(who).get<CoverOverview>('/api/cover');
  expect(res.status).toBe(200);
  return { overview: res.body, row: res.body.supervisees.find((r) => r.person.id === S) };
};

describe('recorded leave flags the supervisees for cover', () => {
  it('leave longer than four weeks: cover needed from the first day, due on the 29th', async () => {
    const recorded = await h.as('supervisor').post<AbsenceView>(`/api/supervisors/${SUPERVISOR}/leave`, { from: '2026-06-01', to: '2026-07-10' });
    expect(recorded.status).toBe(201);
    expect(recorded.body.absences).toEqual([{ from: '2026-06-01', to: '2026-07-10', sources: ['recorded-leave'] }]);
    const { overview, row } = await coverRow();
    expect(overview.rule?.coverAfter).toBe('4 weeks');
    expect(overview.rule?.source.ref).toContain('Appendix C');
    expect(row).toMatchObject({ coverNeeded: true, due: '2026-06-29', canAssign: true, cover: null, absence: { from: '2026-06-01', to: '2026-07-10' } });
    // Idris is away, so he is no candidate to cover; the line manager is.
    expect(overview.candidates.map((c) => c.id)).not.toContain(SUPERVISOR);
    expect(overview.candidates.map((c) => c.id)).toContain(people.lineManager);
  });

  it('leave of exactly four weeks needs no cover; setting a later return on the same leave does', async () => {
    await h.as('lineManager').post(`/api/supervisors/${SUPERVISOR}/leave`, { from: '2026-06-01', to: '2026-06-28' });
    expect((await coverRow()).row).toMatchObject({ coverNeeded: false, due: null });
    const again = await h.as('lineManager').post<AbsenceView>(`/api/supervisors/${SUPERVISOR}/leave`, { from: '2026-06-01', to: '2026-06-29' });
    expect(again.body.leave).toHaveLength(1);
    expect((await coverRow()).row).toMatchObject({ coverNeeded: true, due: '2026-06-29' });
  });

  it('the compliance finding names the rule and the seed; assigning cover clears it', async () => {
    await h.as('supervisor').post(`/api/supervisors/${SUPERVISOR}/leave`, { from: '2026-05-01' });
    const absent = (f: PersonCompliance['findings'][number]) => f.kind === 'supervisor-absent';
    const before = await h.as('lineManager').get<PersonCompliance>(`/api/compliance/people/${S}`);
    const finding = before.body.findings.find(absent);
    expect(finding).toMatchObject({ ruleId: 'supervisorAbsence', due: '2026-05-29', breach: true });
    expect(finding?.source.ref).toContain('Appendix C');
    const overview = await h.as('lineManager').get<{ overdueByKind: { kind: string; label: string; count: number }[] }>('/api/compliance');
    expect(overview.body.overdueByKind).toContainEqual(expect.objectContaining({ kind: 'supervisor-absent', label: 'Supervisor absent: cover needed' }));
    await h.as('lineManager').post(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager });
    const after = await h.as('lineManager').get<PersonCompliance>(`/api/compliance/people/${S}`);
    expect(after.body.findings.filter(absent)).toEqual([]);
  });

  it('reads scheduled Outlook automatic replies as absence', async () => {
    (h.services.directory as PeopleDirectory).automaticReplies = async (id) =>
      id === SUPERVISOR ? { status: 'scheduled', start: Date.parse('2026-06-07T23:00:00Z'), end: Date.parse('2026-07-31T23:00:00Z') } : { status: 'disabled' };
    const { row } = await coverRow();
    expect(row).toMatchObject({ automaticReplies: 'scheduled', coverNeeded: true, due: '2026-07-06', absence: { from: '2026-06-08', to: '2026-07-31', sources: ['automatic-replies'] } });
  });

  it('only the supervisor, their line manager or a service manager records leave, with to on or after from', async () => {
    const refused = await h.as('otherSupervisee').post<ErrorBody>(`/api/supervisors/${SUPERVISOR}/leave`, { from: '2026-06-01' });
    expect(refused.status).toBe(403);
    const bad = await h.as('supervisor').post<ErrorBody>(`/api/supervisors/${SUPERVISOR}/leave`, { from: '2026-06-10', to: '2026-06-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('to');
    expect((await h.as('otherManager').get(`/api/supervisors/${SUPERVISOR}/absence`)).status).toBe(403);
  });
});

describe('assigning a temporary supervisor', () => {
  it('is allowed to the line manager; an unrelated colleague, the supervisee and the supervisor get 403 and nothing is written', async () => {
    for (const who of ['otherManager', 'teammate', 'supervisee', 'supervisor'] as const) {
      const writes = h.services.lists.writes;
      const res = await h.as(who).post<ErrorBody>(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager });
      expect(res.status, who).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(h.services.lists.writes, who).toBe(writes);
    }
    const ok = await h.as('lineManager').post<SuperviseeCover>(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager, to: '2026-07-10' });
    expect(ok.status).toBe(200);
    expect(ok.body.cover).toMatchObject({ supervisor: { id: people.otherManager }, from: '2026-06-17', to: '2026-07-10', inForce: true });
    const covering = await h.as('otherManager').get<CoverOverview>('/api/cover');
    expect(covering.body.covering).toEqual([expect.objectContaining({ person: expect.objectContaining({ id: S }), supervisor: expect.objectContaining({ id: SUPERVISOR }), to: '2026-07-10', inForce: true })]);
  });

  it('a service manager may assign too (Dudley: the demo has a service manager there)', async () => {
    const dudley = await startHarness({ now: testNow });
    try {
      expect((await dudley.as('serviceManager').post(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager })).status).toBe(200);
      expect((await dudley.as('otherManager').get(`/api/supervisees/${S}/records`)).status).toBe(200);
    } finally {
      await dudley.close();
    }
  });

  it('the temporary supervisor reads and writes the supervisee’s records during cover, and not after it ends', async () => {
    const cover = h.as('otherManager');
    expect((await cover.get(`/api/records/${record.record.id}`)).status).toBe(403);

    await h.as('lineManager').post(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager, from: '2026-06-17', to: '2026-07-10' });
    const read = await cover.get<RecordView>(`/api/records/${record.record.id}`);
    expect(read.status).toBe(200);
    expect(read.body.capacity).toBe('supervisor');
    expect((await cover.get(`/api/supervisees/${S}/records`)).status).toBe(200);
    const saved = await cover.put<RecordView>(`/api/records/${record.record.id}`, { version: read.body.version, sections: {}, cases: [], actions: [] });
    expect(saved.status).toBe(200);

    // The day after the cover period, the rights lapse without anyone ending it.
    h.services.setNow(new Date('2026-07-11T11:00:00Z'));
    expect((await cover.get(`/api/records/${record.record.id}`)).status).toBe(403);
  });

  it('a record the temporary supervisor opens during cover names them as its supervisor', async () => {
    await h.as('lineManager').post(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager, from: '2026-06-17', to: '2026-07-10' });
    const opened = await h.as('otherManager').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: '2026-06-17' });
    expect(opened.status).toBe(201);
    expect(opened.body.record.supervisorId).toBe(people.otherManager);
    // Records opened by the supervisee's own supervisor still name them.
    expect(record.record.supervisorId).toBe(SUPERVISOR);
  });

  it('a cover period that has not started grants nothing yet', async () => {
    await h.as('lineManager').post(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager, from: '2026-06-22' });
    expect((await h.as('otherManager').get(`/api/records/${record.record.id}`)).status).toBe(403);
    h.services.setNow(new Date('2026-06-22T09:00:00Z'));
    expect((await h.as('otherManager').get(`/api/records/${record.record.id}`)).status).toBe(200);
  });

  it('ending cover removes the temporary supervisor’s access at once', async () => {
    await h.as('lineManager').post(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager });
    expect((await h.as('otherManager').get(`/api/records/${record.record.id}`)).status).toBe(200);
    expect((await h.as('otherManager').post(`/api/supervisees/${S}/cover/end`)).status).toBe(403);
    const ended = await h.as('lineManager').post<SuperviseeCover>(`/api/supervisees/${S}/cover/end`);
    expect(ended.status).toBe(200);
    expect(ended.body.cover).toBeNull();
    expect((await h.as('otherManager').get(`/api/records/${record.record.id}`)).status).toBe(403);
  });

  it('names the field at fault', async () => {
    const self = await h.as('lineManager').post<ErrorBody>(`/api/supervisees/${S}/cover`, { coverSupervisorId: S });
    expect([self.status, self.body.error.field]).toEqual([400, 'coverSupervisorId']);
    const unknown = await h.as('lineManager').post<ErrorBody>(`/api/supervisees/${S}/cover`, { coverSupervisorId: 'nobody-here' });
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'coverSupervisorId']);
    const order = await h.as('lineManager').post<ErrorBody>(`/api/supervisees/${S}/cover`, { coverSupervisorId: people.otherManager, from: '2026-07-01', to: '2026-06-30' });
    expect([order.status, order.body.error.field]).toEqual([400, 'to']);
  });
});

describe('a permanent change of supervisor', () => {
  it('moves existing records to the new supervisor and away from the old one (access follows the relationship)', async () => {
    expect((await h.as('otherManager').get(`/api/records/${record.record.id}`)).status).toBe(403);
    expect((await h.as('otherManager').post(`/api/supervisees/${S}/supervisor`, { supervisorId: people.otherManager })).status).toBe(403);

    const changed = await h.as('lineManager').post<SuperviseeCover>(`/api/supervisees/${S}/supervisor`, { supervisorId: people.otherManager });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ supervisor: { id: people.otherManager }, supervisorSince: '2026-06-17', cover: null });

    const byNew = await h.as('otherManager').get<RecordView>(`/api/records/${record.record.id}`);
    expect(byNew.status).toBe(200);
    expect(byNew.body.capacity).toBe('supervisor');
    const listed = await h.as('otherManager').get<{ id: string }[]>(`/api/supervisees/${S}/records`);
    expect(listed.body.map((r) => r.id)).toContain(record.record.id);
    expect((await h.as('supervisor').get(`/api/records/${record.record.id}`)).status).toBe(403);
    expect((await h.as('supervisor').get(`/api/supervisees/${S}/records`)).status).toBe(403);

    // Compliance under the new supervisor still counts the session recorded under the old one.
    const compliance = await h.as('otherManager').get<PersonCompliance>(`/api/compliance/people/${S}`);
    expect(compliance.body.sessions.map((x) => x.date)).toContain('2026-06-10');
    const team = await h.as('otherManager').get<{ members: { person: { id: string }; unsignedRecords: number }[] }>('/api/team');
    expect(team.body.members.find((m) => m.person.id === S)?.unsignedRecords).toBe(1);
  });

  it('refuses a future date or the current supervisor, naming the field', async () => {
    const future = await h.as('lineManager').post<ErrorBody>(`/api/supervisees/${S}/supervisor`, { supervisorId: people.otherManager, from: '2026-07-01' });
    expect([future.status, future.body.error.field]).toEqual([400, 'from']);
    const same = await h.as('lineManager').post<ErrorBody>(`/api/supervisees/${S}/supervisor`, { supervisorId: SUPERVISOR });
    expect([same.status, same.body.error.field]).toEqual([400, 'supervisorId']);
  });
});
