/**
 * The authorisation matrix: for every record type, who may read it (the supervisee, their
 * supervisor, the supervisor's line manager, a service manager) and who may write it (as the
 * workflow allows). Everyone else gets 403, and a refused write changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementView, Occurrences, PrepView, RecordView } from '../../src/server/api/schemas.js';
import { people, startHarness, testNow, type Harness, type Who } from './harness.js';

let h: Harness;
const S = people.supervisee;
const readers: Who[] = ['supervisee', 'supervisor', 'lineManager', 'serviceManager'];
const outsiders: Who[] = ['otherManager', 'otherSupervisee', 'teammate'];
const everyone: Who[] = [...readers, ...outsiders];

let record: RecordView;
let occurrences: Occurrences['occurrences'];

beforeAll(async () => {
  h = await startHarness({ now: testNow });
  await h.as('supervisor').post('/api/bookings', { superviseeId: S, weekday: 'wed', time: '10:00' });
  occurrences = (await h.as('supervisor').get<Occurrences>(`/api/supervisees/${S}/occurrences`)).body.occurrences;
  const first = occurrences[0]!;
  const opened = await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: first.date, eventId: first.id });
  const saved = await h.as('supervisor').put<RecordView>(`/api/records/${opened.body.record.id}`, {
    version: opened.body.version,
    sections: {},
    cases: [{ ref: opened.body.caseload[0]!.ref, category: opened.body.caseCategories[0]!.id }],
    actions: [{ id: 'a1', what: 'Read the court bundle', who: 'supervisee', due: '2026-07-01' }],
    groupSinceLast: { attended: true },
  });
  record = (await h.as('supervisor').post<RecordView>(`/api/records/${saved.body.record.id}/finalise`, { version: saved.body.version })).body;
  const prep = await h.as('supervisee').put(`/api/supervisees/${S}/prep`, { sessionDate: '2026-06-24', answers: await prepAnswers() });
  expect(prep.status).toBe(200);
});

async function prepAnswers(): Promise<Record<string, string>> {
  const view = await h.as('supervisee').get<PrepView>(`/api/supervisees/${S}/prep`);
  return Object.fromEntries(view.body.questions.filter((q) => q.required).map((q) => [q.id, 'Workload']));
}
afterAll(() => h.close());

const reads: [string, () => string][] = [
  ['schedules and occurrences', () => `/api/supervisees/${S}/occurrences`],
  ['plan preview', () => `/api/supervisees/${S}/plan`],
  ['agreements', () => `/api/supervisees/${S}/agreements`],
  ['the agreement view', () => `/api/supervisees/${S}/agreement`],
  ['session records (list)', () => `/api/supervisees/${S}/records`],
  ['a session record', () => `/api/records/${record.record.id}`],
  ['actions', () => `/api/supervisees/${S}/actions`],
  ['caseload and case discussions', () => `/api/supervisees/${S}/cases`],
  ['prep responses', () => `/api/supervisees/${S}/prep?sessionDate=2026-06-24`],
  ['cancellations', () => `/api/supervisees/${S}/cancellations`],
  ['person compliance', () => `/api/compliance/people/${S}`],
];

describe.each(reads)('reading %s', (_label, path) => {
  it.each(readers)('%s may read', async (who) => {
    const res = await h.as(who).get(path());
    expect(res.status).toBe(200);
  });
  it.each(outsiders)('%s gets 403', async (who) => {
    const res = await h.as(who).get<{ error: { code: string } }>(path());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

interface Write {
  label: string;
  allowed: Who[];
  /** A request that would succeed for an allowed person (built fresh each time). */
  request: () => Promise<{ method: 'post' | 'put'; path: string; body: unknown }>;
}

const latestAgreement = async () => (await h.as('supervisor').get<AgreementView>(`/api/supervisees/${S}/agreement`)).body.agreement;

const writes: Write[] = [
  { label: 'book a schedule', allowed: ['supervisor'], request: async () => ({ method: 'post', path: '/api/bookings', body: { superviseeId: S } }) },
  {
    label: 'reschedule an occurrence',
    allowed: ['supervisor'],
    request: async () => {
      const o = occurrences.find((x) => x.status === 'planned')!;
      return { method: 'post', path: `/api/supervisees/${S}/occurrences/reschedule`, body: { scheduleId: o.scheduleId, occurrenceId: o.id, date: '2026-07-02', time: '10:00' } };
    },
  },
  {
    label: 'cancel an occurrence (cancellations)',
    allowed: ['supervisor'],
    request: async () => {
      const o = occurrences.filter((x) => x.status === 'planned').at(-1)!;
      return { method: 'post', path: `/api/supervisees/${S}/occurrences/cancel`, body: { occurrenceId: o.id, reason: 'Sickness' } };
    },
  },
  { label: 'draft an agreement', allowed: ['supervisor'], request: async () => ({ method: 'post', path: `/api/supervisees/${S}/agreement`, body: { answers: {} } }) },
  {
    label: 'sign an agreement',
    allowed: ['supervisor', 'supervisee'],
    request: async () => {
      const current = await latestAgreement();
      return { method: 'post', path: `/api/agreements/${current!.record.id}/sign`, body: { version: current!.version } };
    },
  },
  { label: 'open a session record', allowed: ['supervisor'], request: async () => ({ method: 'post', path: `/api/supervisees/${S}/records`, body: { kind: 'individual', sessionDate: '2026-06-03', eventId: occurrences[1]!.id } }) },
  {
    label: 'acknowledge a session record',
    allowed: ['supervisee'],
    request: async () => {
      const current = (await h.as('supervisor').get<RecordView>(`/api/records/${record.record.id}`)).body;
      return { method: 'post', path: `/api/records/${record.record.id}/acknowledge`, body: { version: current.version } };
    },
  },
  {
    label: 'tick a case direction (case discussions)',
    allowed: ['supervisor'],
    request: async () => {
      const current = (await h.as('supervisor').get<RecordView>(`/api/records/${record.record.id}`)).body;
      return { method: 'post', path: `/api/records/${record.record.id}/case-direction`, body: { version: current.version, ref: current.record.cases[0]!.ref, recorded: true } };
    },
  },
  {
    label: 'autosave a draft session record',
    allowed: ['supervisor'],
    request: async () => {
      const draft = (await h.as('supervisor').post<RecordView>(`/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: occurrences[2]!.date, eventId: occurrences[2]!.id })).body;
      return { method: 'put', path: `/api/records/${draft.record.id}`, body: { version: draft.version, sections: { notes: 'x' }, cases: [], actions: [] } };
    },
  },
  {
    label: 'mark an action done (actions)',
    allowed: ['supervisor', 'supervisee'],
    request: async () => {
      const actions = (await h.as('supervisor').get<{ id: string; doneAt?: string }[]>(`/api/supervisees/${S}/actions`)).body;
      return { method: 'post', path: `/api/actions/${actions[0]!.id}/done`, body: { done: !actions[0]!.doneAt } };
    },
  },
  { label: 'record informal supervision', allowed: ['supervisor'], request: async () => ({ method: 'post', path: `/api/supervisees/${S}/informal`, body: { date: '2026-06-16', summary: 'Plan changed', planChanged: true, cases: [] } }) },
  { label: 'record group supervision', allowed: ['supervisor'], request: async () => ({ method: 'post', path: '/api/group-sessions', body: { date: '2026-06-15', attendees: [S], notes: 'Group' } }) },
  { label: 'save prep answers', allowed: ['supervisee'], request: async () => ({ method: 'put', path: `/api/supervisees/${S}/prep`, body: { sessionDate: '2026-07-08', answers: await prepAnswers() } }) },
];

describe.each(writes)('writing: $label', ({ allowed, request }) => {
  const refused = everyone.filter((w) => !allowed.includes(w));
  it.each(refused)('%s gets 403 and nothing is written', async (who) => {
    const { method, path, body } = await request();
    const before = h.services.lists.writes;
    const calendarBefore = h.services.calendarFake.events.size;
    const res = await h.as(who)[method]<{ error: { code: string } }>(path, body);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(h.services.lists.writes).toBe(before);
    expect(h.services.calendarFake.events.size).toBe(calendarBefore);
  });
  it.each(allowed)('%s may', async (who) => {
    const { method, path, body } = await request();
    const res = await h.as(who)[method](path, body);
    expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  });
});

describe('team and compliance scopes', () => {
  it('a supervisor sees only their own team unless they manage the other supervisor', async () => {
    expect((await h.as('supervisor').get(`/api/team?supervisorId=${people.otherManager}`)).status).toBe(403);
    expect((await h.as('lineManager').get(`/api/team?supervisorId=${people.supervisor}`)).status).toBe(200);
    expect((await h.as('serviceManager').get(`/api/team?supervisorId=${people.supervisor}`)).status).toBe(200);
  });

  it('an unknown supervisee is 404 for a service manager and 403 for anyone else', async () => {
    const unknown = '99999999-0000-4000-8000-000000000000';
    expect((await h.as('serviceManager').get(`/api/supervisees/${unknown}/records`)).status).toBe(404);
    expect((await h.as('supervisor').get(`/api/supervisees/${unknown}/records`)).status).toBe(403);
  });
});
