/**
 * The authorisation matrix of issue 8 §3: every API operation × {supervisee, supervisor, the
 * supervisor's line manager, a service manager, an unrelated colleague, no token, a token for
 * another tenant}, each cell with the one status it must answer. The server runs in tenant mode
 * with locally signed Entra-shaped tokens. Shared by test/api/authorisation-matrix.test.ts and
 * `npm run soak` (which prints how many cells it checked).
 */
import type { AgreementView, Occurrences, RecordView } from '../../src/server/api/schemas.js';
import { createTokenVerifier } from '../../src/server/api/identity.js';
import { createTokenSigner, people, startHarness, tenantEnv, tenantSettings, testNow, v2Claims, type Harness, type Response } from './harness.js';

export const personas = ['supervisee', 'supervisor', 'lineManager', 'serviceManager', 'colleague', 'noToken', 'otherTenant'] as const;
export type Persona = (typeof personas)[number];

/** Who each in-tenant persona is: `colleague` works in another team and supervises nobody here. */
const personaIds: Record<Exclude<Persona, 'noToken' | 'otherTenant'>, string> = {
  supervisee: people.supervisee,
  supervisor: people.supervisor,
  lineManager: people.lineManager,
  serviceManager: people.serviceManager,
  colleague: people.otherSupervisee,
};

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface MatrixRequest {
  method: Method;
  path: string;
  body?: unknown;
}

export interface Cell {
  operationId: string;
  persona: Persona;
  expected: number;
}

export interface CellResult {
  status: number;
  body: unknown;
  /** List items and calendar events written by the call (a refused call writes nothing). */
  writes: number;
  /** Whether the answer mentions the supervisee (their id): never for someone outside their records. */
  mentionsSupervisee: boolean;
}

/** Callers who may learn nothing about the supervisee, whatever they ask. */
export const outsiders: readonly Persona[] = ['colleague', 'noToken', 'otherTenant'];

/** Whether a cell's answer breaks the rule: a status other than expected, a refused write, a leak. */
export function problemOf(cell: Cell, result: CellResult): string | undefined {
  if (result.status !== cell.expected) return `${result.status}, expected ${cell.expected}`;
  if (cell.expected >= 400 && result.writes !== 0) return `refused but wrote ${result.writes}`;
  if (outsiders.includes(cell.persona) && result.mentionsSupervisee) return 'answered with the supervisee\'s data';
  return undefined;
}

const S = people.supervisee;

/** Every in-tenant persona gets `status` except those named; no token and a foreign token get 401. */
function outcome(status: number, except: Partial<Record<Persona, number>> = {}): Record<Persona, number> {
  return { supervisee: status, supervisor: status, lineManager: status, serviceManager: status, colleague: status, noToken: 401, otherTenant: 401, ...except };
}
/** The supervisee's records are read by their two parties, the supervisor's line manager and service managers. */
const readers = outcome(200, { colleague: 403 });
const supervisorOnly = (status: 200 | 201) => outcome(403, { supervisor: status });
const superviseeOnly = outcome(403, { supervisee: 200 });
const parties = outcome(403, { supervisee: 200, supervisor: 200 });
const serviceManagerOnly = (status: 200 | 201) => outcome(403, { serviceManager: status });

/** What every operation answers to each kind of caller. */
export const expectations: Record<string, Record<Persona, number>> = {
  getOpenApi: outcome(200, { noToken: 200 }),
  // Tenant mode hides the dev identity picker from everyone.
  listDevPeople: outcome(404, { noToken: 404 }),
  getMe: outcome(200),
  getPolicy: outcome(200),
  getTeam: outcome(200, { supervisee: 403, colleague: 403 }),
  previewPlan: readers,
  freeSlots: supervisorOnly(200),
  bookSeries: supervisorOnly(201),
  listOccurrences: readers,
  rescheduleOccurrence: supervisorOnly(200),
  rescheduleSeries: supervisorOnly(200),
  cancelOccurrence: supervisorOnly(200),
  getAgreement: readers,
  draftAgreement: supervisorOnly(201),
  updateAgreement: supervisorOnly(200),
  signAgreement: parties,
  listRecords: readers,
  openRecord: supervisorOnly(201),
  getRecord: readers,
  saveRecordDraft: supervisorOnly(200),
  finaliseRecord: supervisorOnly(200),
  acknowledgeRecord: superviseeOnly,
  disputeRecord: superviseeOnly,
  tickCaseDirection: supervisorOnly(200),
  recordInformal: supervisorOnly(201),
  recordGroupSession: supervisorOnly(201),
  listActions: readers,
  markActionDone: parties,
  listCases: readers,
  listCancellations: readers,
  listAgreements: readers,
  getMySupervision: outcome(200),
  getPrep: readers,
  savePrep: superviseeOnly,
  getCompliance: outcome(200),
  getPersonCompliance: readers,
  exportCompliance: outcome(200),
  getAuditLog: serviceManagerOnly(200),
  // Subject access: the person themself or a service manager, nobody else.
  exportSubjectAccess: outcome(403, { supervisee: 200, serviceManager: 200 }),
  exportSubjectAccessHtml: outcome(403, { supervisee: 200, serviceManager: 200 }),
  listAuditSamples: serviceManagerOnly(200),
  drawAuditSample: serviceManagerOnly(201),
  notifySampledSupervisees: serviceManagerOnly(200),
  reviewSampledRecord: serviceManagerOnly(200),
  // Cancellations made in Outlook (the cancelOccurrence row made one): the caller's own list, then the supervisor only.
  listPendingCancellations: outcome(200),
  cancellationSlots: supervisorOnly(200),
  recordCancellationReason: supervisorOnly(200),
  rearrangeCancellation: supervisorOnly(201),
  // Cover rows run last: changeSupervisor changes (and restores) the relationship itself.
  getCover: outcome(200),
  // A supervisor's leave: themself, their line manager or a service manager.
  getSupervisorAbsence: outcome(200, { supervisee: 403, colleague: 403 }),
  recordLeave: outcome(201, { supervisee: 403, colleague: 403 }),
  // 'authorise': the supervisor's line manager or a service manager, never the two parties.
  assignCover: outcome(403, { lineManager: 200, serviceManager: 200 }),
  endCover: outcome(403, { lineManager: 200, serviceManager: 200 }),
  changeSupervisor: outcome(403, { lineManager: 200, serviceManager: 200 }),
};

/**
 * The order cells of one operation run in: refusals first (they change nothing), then the
 * permitted callers, the supervisor before the supervisee (who signs or acknowledges second).
 */
export const cellOrder: readonly Persona[] = ['noToken', 'otherTenant', 'colleague', 'lineManager', 'serviceManager', 'supervisor', 'supervisee'];

/** Every cell: each operation's callers in `cellOrder`. */
export const cells: Cell[] = Object.entries(expectations).flatMap(([operationId, expected]) => cellOrder.map((persona) => ({ operationId, persona, expected: expected[persona] })));

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

export interface Matrix {
  /** operationIds the running server declares, from its OpenAPI document. */
  operations(): Promise<string[]>;
  run(cell: Cell): Promise<CellResult>;
  close(): Promise<void>;
}

/** The operation ids in an OpenAPI document, in document order. */
export function operationIdsOf(document: unknown): string[] {
  const paths = (document as { paths?: Record<string, Record<string, { operationId?: string }>> }).paths ?? {};
  return Object.values(paths).flatMap((item) => Object.values(item).map((op) => op.operationId).filter((id): id is string => typeof id === 'string'));
}

export async function startMatrix(): Promise<Matrix> {
  const tokens = await createTokenSigner();
  const { clientId, appDomain, botId, tenant, otherTenant } = tenantSettings;
  const verifyToken = createTokenVerifier({ clientId, appDomain, botId, allowedTenants: [tenant], keys: tokens.keys });
  const h: Harness = await startHarness({ now: testNow, env: tenantEnv, context: { verifyToken } });

  const tokenOf = new Map<Persona, string>();
  for (const [persona, oid] of Object.entries(personaIds) as [Persona, string][]) tokenOf.set(persona, await tokens.sign(v2Claims(oid)));
  // A genuine token of another tenant (the supervisor's own id, Entra's key): refused by the allow-list.
  tokenOf.set('otherTenant', await tokens.sign(v2Claims(people.supervisor, otherTenant)));

  const call = async <T = unknown>(persona: Persona, req: MatrixRequest): Promise<Response<T>> => {
    const token = tokenOf.get(persona);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${h.base}${req.path}`, { method: req.method.toUpperCase(), headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T, headers: res.headers };
  };
  const as = <T = unknown>(persona: Persona, method: Method, path: string, body?: unknown) => call<T>(persona, { method, path, ...(body !== undefined ? { body } : {}) });
  const must = async <T>(res: Promise<Response<T>>, what: string): Promise<T> => {
    const done = await res;
    if (done.status >= 300) throw new Error(`matrix set-up: ${what} answered ${done.status} ${JSON.stringify(done.body)}`);
    return done.body;
  };

  // Set-up, as the supervisor: a booked series and finalised records to read, acknowledge, dispute.
  await must(as('supervisor', 'post', '/api/bookings', { superviseeId: S, weekday: 'wed', time: '10:00' }), 'booking');
  const occurrences = (await must(as<Occurrences>('supervisor', 'get', `/api/supervisees/${S}/occurrences`), 'occurrences')).occurrences;
  const past = occurrences.filter((o) => o.date < '2026-06-17');
  const planned = occurrences.filter((o) => o.status === 'planned');
  if (past.length < 3 || planned.length < 3) throw new Error(`matrix set-up: expected past and planned sessions, got ${past.length} and ${planned.length}`);
  const finalised = async (i: number): Promise<RecordView> => {
    const o = past[i]!;
    const opened = await must(as<RecordView>('supervisor', 'post', `/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: o.date, eventId: o.id }), 'open record');
    const saved = await must(
      as<RecordView>('supervisor', 'put', `/api/records/${opened.record.id}`, {
        version: opened.version,
        sections: {},
        cases: [{ ref: opened.caseload[0]!.ref, category: opened.caseCategories[0]!.id }],
        actions: [{ id: 'a1', what: 'Read the court bundle', who: 'supervisee', due: '2026-07-01' }],
        groupSinceLast: { attended: true },
        gapReason: 'Matrix set-up',
      }),
      'save record',
    );
    return must(as<RecordView>('supervisor', 'post', `/api/records/${saved.record.id}/finalise`, { version: saved.version }), 'finalise record');
  };
  const toRead = await finalised(0);
  const toAcknowledge = await finalised(1);
  const toDispute = await finalised(2);
  // An ad hoc session (no booking) a week before the clock: the draft to save and finalise.
  const draft = await must(as<RecordView>('supervisor', 'post', `/api/supervisees/${S}/records`, { kind: 'individual', sessionDate: '2026-06-12' }), 'open draft');

  const record = async (id: string) => must(as<RecordView>('supervisor', 'get', `/api/records/${id}`), 'read record');
  const agreement = async () => (await must(as<AgreementView>('supervisor', 'get', `/api/supervisees/${S}/agreement`), 'read agreement')).agreement!;
  const action = once(async () => (await must(as<{ id: string }[]>('supervisor', 'get', `/api/supervisees/${S}/actions`), 'actions'))[0]!);
  // The sample the drawAuditSample row's service manager drew (that row runs first).
  const sample = async () => {
    const listed = await must(as<{ samples: { id: string; version: number; items: { recordId: string }[] }[] }>('serviceManager', 'get', '/api/audit-samples'), 'audit samples');
    const drawn = listed.samples[0];
    if (!drawn?.items[0]) throw new Error('matrix set-up: no audit sample with a record');
    return { id: drawn.id, version: drawn.version, recordId: drawn.items[0].recordId };
  };

  const cancellationId = once(async () => {
    const list = await must(as<{ id: string; eventId?: string; rearrangedTo?: string }[]>('supervisor', 'get', `/api/supervisees/${S}/cancellations`), 'cancellations');
    // The cancelOccurrence row's cancellation; sessions moved in the app are on the list too, already rearranged.
    const cancelled = list.find((c) => c.eventId === planned.at(-1)!.id && !c.rearrangedTo);
    if (!cancelled) throw new Error('matrix set-up: no cancellation (the cancelOccurrence row makes one)');
    return cancelled.id;
  });

  const get = (path: string) => async (): Promise<MatrixRequest> => ({ method: 'get', path });
  const requests: Record<string, (persona: Persona) => Promise<MatrixRequest>> = {
    getOpenApi: get('/api/openapi.json'),
    listDevPeople: get('/api/dev/people'),
    getMe: get('/api/me'),
    getPolicy: get('/api/policy'),
    getTeam: get(`/api/team?supervisorId=${people.supervisor}`),
    previewPlan: get(`/api/supervisees/${S}/plan`),
    freeSlots: get(`/api/supervisees/${S}/slots?from=2026-06-22&days=7`),
    bookSeries: async () => ({ method: 'post', path: '/api/bookings', body: { superviseeId: S } }),
    listOccurrences: get(`/api/supervisees/${S}/occurrences`),
    rescheduleOccurrence: async () => ({ method: 'post', path: `/api/supervisees/${S}/occurrences/reschedule`, body: { scheduleId: planned[0]!.scheduleId, occurrenceId: planned[0]!.id, date: '2026-07-02', time: '10:00' } }),
    rescheduleSeries: async () => ({ method: 'post', path: `/api/supervisees/${S}/series/reschedule`, body: { scheduleId: planned[0]!.scheduleId, from: '2026-09-01', weekday: 'thu', time: '11:00' } }),
    cancelOccurrence: async () => ({ method: 'post', path: `/api/supervisees/${S}/occurrences/cancel`, body: { occurrenceId: planned.at(-1)!.id, reason: 'Sickness' } }),
    getAgreement: get(`/api/supervisees/${S}/agreement`),
    draftAgreement: async () => ({ method: 'post', path: `/api/supervisees/${S}/agreement`, body: { answers: {} } }),
    updateAgreement: async () => {
      const current = await agreement();
      return { method: 'put', path: `/api/agreements/${current.record.id}`, body: { version: current.version, answers: {} } };
    },
    signAgreement: async () => {
      const current = await agreement();
      return { method: 'post', path: `/api/agreements/${current.record.id}/sign`, body: { version: current.version } };
    },
    listRecords: get(`/api/supervisees/${S}/records`),
    openRecord: async () => ({ method: 'post', path: `/api/supervisees/${S}/records`, body: { kind: 'individual', sessionDate: planned[1]!.date, eventId: planned[1]!.id } }),
    getRecord: get(`/api/records/${toRead.record.id}`),
    saveRecordDraft: async () => {
      const current = await record(draft.record.id);
      return { method: 'put', path: `/api/records/${draft.record.id}`, body: { version: current.version, sections: { notes: 'x' }, cases: [], actions: [], groupSinceLast: { attended: true }, gapReason: 'Matrix' } };
    },
    finaliseRecord: async () => ({ method: 'post', path: `/api/records/${draft.record.id}/finalise`, body: { version: (await record(draft.record.id)).version } }),
    acknowledgeRecord: async () => ({ method: 'post', path: `/api/records/${toAcknowledge.record.id}/acknowledge`, body: { version: (await record(toAcknowledge.record.id)).version } }),
    disputeRecord: async () => ({ method: 'post', path: `/api/records/${toDispute.record.id}/dispute`, body: { version: (await record(toDispute.record.id)).version, comment: 'The date is wrong' } }),
    tickCaseDirection: async () => {
      const current = await record(toRead.record.id);
      return { method: 'post', path: `/api/records/${toRead.record.id}/case-direction`, body: { version: current.version, ref: current.record.cases[0]!.ref, recorded: true } };
    },
    recordInformal: async () => ({ method: 'post', path: `/api/supervisees/${S}/informal`, body: { date: '2026-06-16', summary: 'Plan changed', planChanged: true, cases: [] } }),
    recordGroupSession: async () => ({ method: 'post', path: '/api/group-sessions', body: { date: '2026-06-15', attendees: [S], notes: 'Group' } }),
    listActions: get(`/api/supervisees/${S}/actions`),
    markActionDone: async () => {
      const chosen = await action();
      const current = (await must(as<{ id: string; doneAt?: string }[]>('supervisor', 'get', `/api/supervisees/${S}/actions`), 'actions')).find((a) => a.id === chosen.id)!;
      return { method: 'post', path: `/api/actions/${chosen.id}/done`, body: { done: !current.doneAt } };
    },
    listCases: get(`/api/supervisees/${S}/cases`),
    listCancellations: get(`/api/supervisees/${S}/cancellations`),
    listAgreements: get(`/api/supervisees/${S}/agreements`),
    getMySupervision: get('/api/my-supervision'),
    getPrep: get(`/api/supervisees/${S}/prep`),
    savePrep: async () => {
      const view = await must(as<{ questions: { id: string; required: boolean }[] }>('supervisee', 'get', `/api/supervisees/${S}/prep`), 'prep');
      const answers = Object.fromEntries(view.questions.filter((q) => q.required).map((q) => [q.id, 'Workload']));
      return { method: 'put', path: `/api/supervisees/${S}/prep`, body: { sessionDate: '2026-07-08', answers } };
    },
    getCompliance: get('/api/compliance'),
    getPersonCompliance: get(`/api/compliance/people/${S}`),
    exportCompliance: get('/api/compliance.csv'),
    getAuditLog: get('/api/audit-log'),
    exportSubjectAccess: get(`/api/people/${S}/subject-access`),
    exportSubjectAccessHtml: get(`/api/people/${S}/subject-access/html`),
    listAuditSamples: get('/api/audit-samples'),
    drawAuditSample: async () => ({ method: 'post', path: '/api/audit-samples', body: { asOf: '2026-06-17', size: 5, seed: 11 } }),
    notifySampledSupervisees: async () => ({ method: 'post', path: `/api/audit-samples/${(await sample()).id}/notify` }),
    reviewSampledRecord: async () => {
      const { id, version, recordId } = await sample();
      return { method: 'post', path: `/api/audit-samples/${id}/records/${recordId}/review`, body: { version, reviewed: true } };
    },
    listPendingCancellations: get('/api/cancellations/pending'),
    cancellationSlots: async () => get(`/api/cancellations/${await cancellationId()}/slots`)(),
    recordCancellationReason: async () => ({ method: 'post', path: `/api/cancellations/${await cancellationId()}/reason`, body: { reason: 'Sickness' } }),
    rearrangeCancellation: async () => {
      const id = await cancellationId();
      const offer = await must(as<{ slots: { date: string; time: string }[] }>('supervisor', 'get', `/api/cancellations/${id}/slots`), 'cancellation slots');
      const slot = offer.slots[0];
      if (!slot) throw new Error('matrix set-up: no slot to rearrange the cancelled session into');
      return { method: 'post', path: `/api/cancellations/${id}/rearrange`, body: { date: slot.date, time: slot.time } };
    },
    getCover: get('/api/cover'),
    getSupervisorAbsence: get(`/api/supervisors/${people.supervisor}/absence`),
    recordLeave: async () => ({ method: 'post', path: `/api/supervisors/${people.supervisor}/leave`, body: { from: '2026-08-03', to: '2026-08-07' } }),
    assignCover: async () => ({ method: 'post', path: `/api/supervisees/${S}/cover`, body: { coverSupervisorId: people.otherManager, from: '2026-08-03', to: '2026-08-07' } }),
    endCover: async () => ({ method: 'post', path: `/api/supervisees/${S}/cover/end` }),
    // The line manager moves the supervisee to another supervisor and the service manager moves
    // them back, so the relationship every other cell relies on is the same afterwards.
    changeSupervisor: async (persona) => ({ method: 'post', path: `/api/supervisees/${S}/supervisor`, body: { supervisorId: persona === 'serviceManager' ? people.supervisor : people.otherManager } }),
  };

  const missing = Object.keys(expectations).filter((op) => !requests[op]);
  if (missing.length > 0) throw new Error(`matrix: no request for ${missing.join(', ')}`);

  return {
    operations: async () => operationIdsOf((await as('supervisor', 'get', '/api/openapi.json')).body),
    run: async (cell) => {
      const req = await requests[cell.operationId]!(cell.persona);
      const before = h.services.lists.writes + h.services.calendarFake.events.size;
      const res = await call(cell.persona, req);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      return { status: res.status, body: res.body, writes: h.services.lists.writes + h.services.calendarFake.events.size - before, mentionsSupervisee: text.includes(S) };
    },
    close: () => h.close(),
  };
}

/** Every cell, for `npm run soak`: how many were checked and which did not hold. */
export async function runAuthorisationMatrix(): Promise<{ cells: number; operations: number; failures: string[] }> {
  const matrix = await startMatrix();
  const failures: string[] = [];
  try {
    const declared = await matrix.operations();
    for (const op of declared) if (!expectations[op]) failures.push(`${op}: no matrix row`);
    let checked = 0;
    for (const cell of cells) {
      if (!declared.includes(cell.operationId)) continue;
      checked += 1;
      const problem = problemOf(cell, await matrix.run(cell));
      if (problem) failures.push(`${cell.operationId} as ${cell.persona}: ${problem}`);
    }
    return { cells: checked, operations: declared.length, failures };
  } finally {
    await matrix.close();
  }
}
