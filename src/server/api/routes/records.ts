import { createHash, randomUUID } from 'node:crypto';
import { coverSupervisorOn } from '../../../absence/absence.js';
import { toCivil, toDay } from '../../../calendar/civil.js';
import { endOfLondonDay, londonToInstant } from '../../../calendar/london.js';
import { SupervisionError, invalidInput } from '../../../errors.js';
import { durationText, instantDeadline } from '../../../policy/duration.js';
import { describeFrequency } from '../../../policy/frequency.js';
import { findRole, resolveRole } from '../../../policy/resolve.js';
import type { Pack } from '../../../policy/schema.js';
import type { Action, CaseDiscussion, RecordCase, SessionRecord, Staff } from '../../../records/models.js';
import { conflict, type Versioned } from '../../../records/repository.js';
import { nextDue, phaseWindows } from '../../../schedule/deadline.js';
import type { WriteAction } from '../../../records/access.js';
import { auditRecordAccess } from '../audit.js';
import { Authoriser, type Subject } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import {
  acknowledgeSchema,
  actionDoneSchema,
  actionListSchema,
  actionParams,
  agreementListSchema,
  cancellationListSchema,
  caseDirectionSchema,
  casesSchema,
  disputeSchema,
  groupRequestSchema,
  groupResponseSchema,
  idParams,
  informalRequestSchema,
  recordCreateSchema,
  recordDraftSchema,
  recordListSchema,
  recordParams,
  recordViewSchema,
  versionBodySchema,
  type RecordSummary,
  type RecordView,
} from '../schemas.js';
import { currentAgreement, loadPerson, nowIso, primaryResolved, resolveOptionsFor, sourceView, todayOf } from '../supervision.js';
import { templateOf, templateView } from './agreements.js';

/**
 * Who a new record names as its supervisor: the temporary supervisor when they write it during
 * their cover, so the record shows who actually supervised; otherwise the supervisee's own.
 */
function supervisorWriting(staff: Staff, identity: Identity, today: string): string {
  return coverSupervisorOn(staff, today) === identity.id ? identity.id : staff.supervisorId;
}

export function summaryOf(record: SessionRecord): RecordSummary {
  return {
    id: record.id,
    kind: record.kind,
    sessionDate: record.sessionDate,
    status: record.status,
    updatedAt: record.updatedAt,
    ...(record.finalisedAt ? { finalisedAt: record.finalisedAt } : {}),
  };
}

function recordTemplateId(pack: Pack, staff: Staff, kind: SessionRecord['kind']): string {
  if (kind === 'group') {
    const group = pack.templates.find((t) => t.purpose === 'group-record');
    if (group) return group.id;
  }
  return findRole(pack, staff.role).recordTemplate;
}

function checkCategories(pack: Pack, cases: readonly { category: string }[], field: string): void {
  const categories = pack.caseDiscussion.rules.map((r) => r.category);
  cases.forEach((c, i) => {
    if (!categories.includes(c.category)) throw invalidInput(`${field}[${i}].category`, `"${c.category}" is not a case category of ${pack.name}`, categories);
  });
}

function sessionInstant(record: SessionRecord): number {
  return record.sessionStart ? londonToInstant(record.sessionDate, record.sessionStart) : endOfLondonDay(toDay(record.sessionDate));
}

/** When a case direction must be recorded in the case system, from the end of the session day. */
function directionDeadline(pack: Pack, record: SessionRecord, item: RecordCase): number | null {
  const rule = pack.records.caseDirection;
  const within = item.urgent && rule.urgentWithin ? rule.urgentWithin : rule.within;
  if (!within) return null;
  return instantDeadline(endOfLondonDay(toDay(record.sessionDate)), within);
}

async function recordView(deps: ApiDeps, auth: Authoriser, subject: Subject, found: Versioned<SessionRecord>): Promise<RecordView> {
  const { pack } = deps.services;
  const { record } = found;
  const now = deps.services.now().getTime();
  const data = await loadPerson(deps.services, subject.staff);
  const rule = pack.records.caseDirection;
  const deadlines: RecordView['deadlines'] = [];
  for (const [what, deadline, doneAt] of [
    ['Shared with the supervisee', pack.records.shareWithin, record.sharedAt],
    ['Completed and signed', pack.records.signWithin, record.supervisorSignedAt],
  ] as const) {
    if (!deadline || record.kind === 'informal') continue;
    const due = instantDeadline(sessionInstant(record), deadline.within);
    deadlines.push({ what: `${what} within ${durationText(deadline.within)}`, due: new Date(due).toISOString(), met: doneAt ? Date.parse(doneAt) <= due : now > due ? false : null, source: sourceView(deadline.source) });
  }
  const options = resolveOptionsFor(subject.staff, currentAgreement(data.agreements)?.record);
  const stream = primaryResolved(resolveRole(pack, subject.staff.role, options).streams);
  const windows = phaseWindows(stream.phases, toDay(subject.staff.start));
  const previous = data.occurrences
    .filter((o) => o.status === 'held' && o.kind === 'individual' && o.date < record.sessionDate && o.recordId !== record.id && o.date >= subject.staff.start)
    .map((o) => o.date)
    .at(-1);
  const allowed = nextDue(windows, previous ? toDay(previous) : null, toDay(subject.staff.start));
  const phase = (windows.find((w) => allowed >= w.from && allowed < w.end) ?? windows[windows.length - 1]!).phase;
  const allowedBy = Number.isFinite(allowed) ? toCivil(allowed) : null;
  return {
    record,
    version: found.version,
    capacity: subject.capacity,
    supervisee: await auth.personView(record.superviseeId),
    supervisor: await auth.personView(record.supervisorId),
    template: templateView(templateOf(pack, record.templateId)),
    caseCategories: pack.caseDiscussion.rules.map((r) => ({ id: r.category, label: r.label })),
    caseload: data.caseload.filter((c) => !c.closed).map((c) => ({ ref: c.caseRef, category: c.category })),
    caseDirection: {
      within: rule.within ? durationText(rule.within) : null,
      urgentWithin: rule.urgentWithin ? durationText(rule.urgentWithin) : null,
      system: rule.system,
      source: sourceView(rule.source),
      deadlines: record.cases.map((c) => {
        const due = directionDeadline(pack, record, c);
        const recorded = c.directionRecordedAt !== undefined;
        const late = due === null ? false : recorded ? Date.parse(c.directionRecordedAt!) > due : now > due;
        return { ref: c.ref, due: due === null ? null : new Date(due).toISOString(), recorded, late };
      }),
    },
    deadlines,
    gap: { lastHeld: previous ?? null, allowedBy, late: allowedBy !== null && record.kind === 'individual' && record.sessionDate > allowedBy, rule: `${phase.label} (${describeFrequency(phase.frequency)})` },
    groupQuestion: pack.groupSupervision !== undefined && record.kind === 'individual',
    openActions: data.actions.map((a) => a.record).filter((a) => !a.doneAt && a.recordId !== record.id),
  };
}

async function requireRecord(deps: ApiDeps, recordId: string): Promise<Versioned<SessionRecord>> {
  const found = await deps.services.records.get('sessionRecords', recordId);
  if (!found) throw new SupervisionError('NOT_FOUND', `no session record "${recordId}"`, { field: 'recordId' });
  return found;
}

/** A record the caller may change in the given capacity, with the relationship it belongs to. */
async function recordForWrite(deps: ApiDeps, auth: Authoriser, identity: Identity, recordId: string, action: WriteAction): Promise<{ found: Versioned<SessionRecord>; subject: Subject }> {
  const found = await requireRecord(deps, recordId);
  const subject = await auth.write(identity, found.record.superviseeId, action);
  auditRecordAccess(deps, identity, 'sessionRecords', found.record, 'write');
  return { found, subject };
}

/** The agenda a new record starts with: the supervisee's prep answers and the open actions. */
async function agendaFor(deps: ApiDeps, staff: Staff, sessionDate: string, eventId: string | undefined): Promise<{ agenda: string; cases: RecordCase[] }> {
  const { pack, records } = deps.services;
  const [preps, actions, caseload] = await Promise.all([
    records.where('prepResponses', 'superviseeId', staff.userId),
    records.where('actions', 'superviseeId', staff.userId),
    records.where('caseload', 'superviseeId', staff.userId),
  ]);
  const prep = preps.map((p) => p.record).find((p) => (eventId && p.eventId === eventId) || p.sessionDate === sessionDate);
  const questions = new Map(pack.prep.flatMap((p) => [...p.questions, ...(p.perCase ?? [])]).map((q) => [q.id, q.label]));
  const lines: string[] = [];
  if (prep) {
    lines.push('From the supervisee\'s preparation:');
    for (const [id, answer] of Object.entries(prep.answers)) if (answer.trim()) lines.push(`- ${questions.get(id) ?? id}: ${answer.trim()}`);
    for (const item of prep.perCase) {
      const answered = Object.entries(item.answers).filter(([, a]) => a.trim());
      if (answered.length > 0) lines.push(`- Case ${item.ref}: ${answered.map(([id, a]) => `${questions.get(id) ?? id}: ${a.trim()}`).join('; ')}`);
    }
  }
  const open = actions.map((a) => a.record).filter((a) => !a.doneAt);
  if (open.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Open actions from earlier sessions:');
    for (const a of open) lines.push(`- ${a.what} (${a.who}, due ${a.due})`);
  }
  const categories = new Map(caseload.map((c) => [c.record.caseRef, c.record.category]));
  const cases: RecordCase[] = (prep?.perCase ?? []).map((item) => ({ ref: item.ref, category: categories.get(item.ref) ?? pack.caseDiscussion.defaultCategory }));
  return { agenda: lines.join('\n').slice(0, 8000), cases };
}

function recordId(superviseeId: string, key: string, kind: string): string {
  return `record-${createHash('sha256').update(`${superviseeId}|${key}|${kind}`).digest('hex').slice(0, 20)}`;
}

/**
 * An action or case discussion by id, looked up through the supervisee's indexed column:
 * these lists also have a `recordId` filter column, so the lookup does not rely on the id column.
 */
async function itemOf<K extends 'actions' | 'caseDiscussions'>(deps: ApiDeps, key: K, superviseeId: string, id: string) {
  return (await deps.services.records.where(key, 'superviseeId', superviseeId)).find((r) => r.record.id === id);
}

/** Writes a finalised record's actions and case discussions to their lists (idempotent ids). */
async function publish(deps: ApiDeps, record: SessionRecord): Promise<void> {
  const { records } = deps.services;
  for (const action of record.actions) {
    const item: Action = { ...action, id: `${record.id}-${action.id}`, recordId: record.id, superviseeId: record.superviseeId, supervisorId: record.supervisorId };
    // A finalised record's actions never change; once published, only their done state does.
    if (!(await itemOf(deps, 'actions', record.superviseeId, item.id))) await records.create('actions', item);
  }
  for (const [i, c] of record.cases.entries()) {
    const item: CaseDiscussion = {
      id: `${record.id}-case-${i}`,
      recordId: record.id,
      superviseeId: record.superviseeId,
      supervisorId: record.supervisorId,
      caseRef: c.ref,
      category: c.category,
      discussedOn: record.sessionDate,
      ...(c.urgent ? { urgent: true } : {}),
      ...(c.directionRecordedAt ? { directionRecordedAt: c.directionRecordedAt } : {}),
    };
    const existing = await itemOf(deps, 'caseDiscussions', record.superviseeId, item.id);
    if (!existing) await records.create('caseDiscussions', item);
    else if (existing.record.directionRecordedAt !== item.directionRecordedAt) await records.update('caseDiscussions', item, existing.version);
  }
}

export function recordRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  async function view(identity: Identity, auth: Authoriser, found: Versioned<SessionRecord>): Promise<RecordView> {
    const subject = await auth.read(identity, found.record.superviseeId);
    auditRecordAccess(deps, identity, 'sessionRecords', found.record, 'read');
    return recordView(deps, auth, subject, found);
  }

  api.route({
    method: 'get',
    path: '/supervisees/{id}/records',
    operationId: 'listRecords',
    summary: 'A supervisee\'s session records',
    tags: ['records'],
    params: idParams,
    response: recordListSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => {
      const { staff } = await new Authoriser(services).read(identity, params.id);
      const rows = await services.records.where('sessionRecords', 'superviseeId', staff.userId);
      return rows.map((r) => summaryOf(r.record)).sort((a, b) => (a.sessionDate < b.sessionDate ? 1 : -1));
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/records',
    operationId: 'openRecord',
    summary: 'Open the record of a session (created as a draft with the agenda from prep and open actions; opening again returns it)',
    tags: ['records'],
    params: idParams,
    body: recordCreateSchema,
    response: recordViewSchema,
    status: 201,
    errors: [403, 404],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const subject = await auth.write(identity, params.id, 'supervisor-write');
      const { staff } = subject;
      const key = body.eventId ?? (body.kind === 'informal' ? `${body.sessionDate}/${randomUUID()}` : body.sessionDate);
      const id = recordId(staff.userId, key, body.kind);
      const existing = await services.records.get('sessionRecords', id);
      if (existing) return recordView(deps, auth, subject, existing);
      const { agenda, cases } = await agendaFor(deps, staff, body.sessionDate, body.eventId);
      const record: SessionRecord = {
        id,
        superviseeId: staff.userId,
        supervisorId: supervisorWriting(staff, identity, todayOf(services)),
        org: services.pack.id,
        templateId: recordTemplateId(services.pack, staff, body.kind),
        kind: body.kind,
        sessionDate: body.sessionDate,
        ...(body.sessionStart ? { sessionStart: body.sessionStart } : {}),
        ...(body.eventId ? { eventId: body.eventId } : {}),
        ...(agenda ? { agenda } : {}),
        sections: {},
        cases,
        actions: [],
        status: 'draft',
        updatedAt: nowIso(services),
      };
      return recordView(deps, auth, subject, await services.records.create('sessionRecords', record));
    },
  });

  api.route({
    method: 'get',
    path: '/records/{recordId}',
    operationId: 'getRecord',
    summary: 'A session record with its template, deadlines and the version to save against',
    tags: ['records'],
    params: recordParams,
    response: recordViewSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => view(identity, new Authoriser(services), await requireRecord(deps, params.recordId)),
  });

  api.route({
    method: 'put',
    path: '/records/{recordId}',
    operationId: 'saveRecordDraft',
    summary: 'Autosave a draft record (409 CONFLICT when someone saved it since you read it)',
    tags: ['records'],
    params: recordParams,
    body: recordDraftSchema,
    response: recordViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { found, subject } = await recordForWrite(deps, auth, identity, params.recordId, 'supervisor-write');
      if (found.record.status !== 'draft') throw new SupervisionError('WORKFLOW', `This record is ${found.record.status}; only a draft can be edited.`, { field: 'recordId' });
      checkCategories(services.pack, body.cases, 'cases');
      const { gapReason: _g, groupSinceLast: _s, agenda: _a, ...rest } = found.record;
      const next: SessionRecord = {
        ...rest,
        ...(body.sessionDate ? { sessionDate: body.sessionDate } : {}),
        ...(body.agenda !== undefined ? { agenda: body.agenda } : found.record.agenda !== undefined ? { agenda: found.record.agenda } : {}),
        sections: body.sections,
        cases: body.cases,
        actions: body.actions,
        ...(body.gapReason ? { gapReason: body.gapReason } : {}),
        ...(body.groupSinceLast ? { groupSinceLast: body.groupSinceLast } : {}),
        updatedAt: nowIso(services),
      };
      return recordView(deps, auth, subject, await services.records.update('sessionRecords', next, body.version));
    },
  });

  api.route({
    method: 'post',
    path: '/records/{recordId}/finalise',
    operationId: 'finaliseRecord',
    summary: 'The supervisor finalises and signs the record; it is shared with the supervisee',
    tags: ['records'],
    params: recordParams,
    body: versionBodySchema,
    response: recordViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { found, subject } = await recordForWrite(deps, auth, identity, params.recordId, 'supervisor-write');
      if (found.record.status !== 'draft') throw new SupervisionError('WORKFLOW', `This record is already ${found.record.status}.`, { field: 'recordId' });
      if (found.version !== body.version) throw conflict('SessionRecords', found.record.id);
      const current = await recordView(deps, auth, subject, found);
      if (current.gap.late && !found.record.gapReason?.trim()) {
        throw invalidInput('gapReason', `the last session was on ${current.gap.lastHeld ?? 'the start'} and the policy (${current.gap.rule}) wanted this one by ${current.gap.allowedBy}: say why`);
      }
      if (current.groupQuestion && !found.record.groupSinceLast) throw invalidInput('groupSinceLast', 'say whether group supervision was attended since the last one-to-one');
      const now = nowIso(services);
      const next: SessionRecord = { ...found.record, status: 'finalised', finalisedAt: now, sharedAt: now, supervisorSignedAt: now, updatedAt: now };
      const saved = await services.records.update('sessionRecords', next, body.version);
      await publish(deps, saved.record);
      return recordView(deps, auth, subject, saved);
    },
  });

  for (const [verb, schema, status, summary] of [
    ['acknowledge', acknowledgeSchema, 'acknowledged', 'The supervisee confirms the record'],
    ['dispute', disputeSchema, 'disputed', 'The supervisee records that they disagree, in their own words (kept with the record)'],
  ] as const) {
    api.route({
      method: 'post',
      path: `/records/{recordId}/${verb}`,
      operationId: `${verb}Record`,
      summary,
      tags: ['records'],
      params: recordParams,
      body: schema,
      response: recordViewSchema,
      errors: [403, 404, 409],
      handler: async ({ identity, params, body }) => {
        const auth = new Authoriser(services);
        const { found, subject } = await recordForWrite(deps, auth, identity, params.recordId, 'supervisee-write');
        if (found.record.status !== 'finalised') {
          throw new SupervisionError('WORKFLOW', found.record.status === 'draft' ? 'The supervisor has not finalised this record yet.' : `You have already ${found.record.status} this record.`, { field: 'recordId' });
        }
        const now = nowIso(services);
        const next: SessionRecord = { ...found.record, status, superviseeSignedAt: now, updatedAt: now, ...(body.comment ? { superviseeComment: body.comment } : {}) };
        return recordView(deps, auth, subject, await services.records.update('sessionRecords', next, body.version));
      },
    });
  }

  api.route({
    method: 'post',
    path: '/records/{recordId}/case-direction',
    operationId: 'tickCaseDirection',
    summary: 'Tick (or untick) that the direction for a case discussed is recorded in the case system',
    tags: ['records'],
    params: recordParams,
    body: caseDirectionSchema,
    response: recordViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { found, subject } = await recordForWrite(deps, auth, identity, params.recordId, 'supervisor-write');
      const index = found.record.cases.findIndex((c) => c.ref === body.ref);
      if (index < 0) throw new SupervisionError('NOT_FOUND', `case ${body.ref} is not in this record`, { field: 'ref' });
      const now = nowIso(services);
      const cases = found.record.cases.map((c, i) => {
        if (i !== index) return c;
        const { directionRecordedAt: _d, ...rest } = c;
        return body.recorded ? { ...rest, directionRecordedAt: c.directionRecordedAt ?? now } : rest;
      });
      const saved = await services.records.update('sessionRecords', { ...found.record, cases, updatedAt: now }, body.version);
      if (saved.record.status !== 'draft') await publish(deps, saved.record);
      return recordView(deps, auth, subject, saved);
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/informal',
    operationId: 'recordInformal',
    summary: 'Record informal supervision that changed a plan (case references and the case-direction deadline apply)',
    tags: ['records'],
    params: idParams,
    body: informalRequestSchema,
    response: recordViewSchema,
    status: 201,
    errors: [403, 404],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const subject = await auth.write(identity, params.id, 'supervisor-write');
      checkCategories(services.pack, body.cases, 'cases');
      if (body.date > todayOf(services)) throw invalidInput('date', 'informal supervision is recorded after it happens');
      const now = nowIso(services);
      const { staff } = subject;
      const record: SessionRecord = {
        id: recordId(staff.userId, `${body.date}/${randomUUID()}`, 'informal'),
        superviseeId: staff.userId,
        supervisorId: supervisorWriting(staff, identity, todayOf(services)),
        org: services.pack.id,
        templateId: recordTemplateId(services.pack, staff, 'informal'),
        kind: 'informal',
        sessionDate: body.date,
        ...(body.time ? { sessionStart: body.time } : {}),
        sections: { summary: body.summary, 'plan-changed': body.planChanged ? 'yes' : 'no' },
        cases: body.cases.map((c) => ({ ref: c.ref, category: c.category, ...(c.urgent ? { urgent: true } : {}) })),
        actions: [],
        status: 'finalised',
        finalisedAt: now,
        sharedAt: now,
        supervisorSignedAt: now,
        updatedAt: now,
      };
      const saved = await services.records.create('sessionRecords', record);
      await publish(deps, saved.record);
      return recordView(deps, auth, subject, saved);
    },
  });

  api.route({
    method: 'post',
    path: '/group-sessions',
    operationId: 'recordGroupSession',
    summary: 'Record a group supervision session and who attended (one record per attendee, counted by compliance)',
    tags: ['records'],
    body: groupRequestSchema,
    response: groupResponseSchema,
    status: 201,
    errors: [403, 404],
    handler: async ({ identity, body }) => {
      const auth = new Authoriser(services);
      checkCategories(services.pack, body.cases, 'cases');
      if (body.date > todayOf(services)) throw invalidInput('date', 'group supervision is recorded after it happens');
      const attendees = [...new Set(body.attendees)];
      const subjects: Subject[] = [];
      for (const [i, id] of attendees.entries()) {
        try {
          subjects.push(await auth.write(identity, id, 'supervisor-write'));
        } catch (error) {
          if (error instanceof SupervisionError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')) {
            throw new SupervisionError(error.code, `attendees[${i}]: ${error.message}`, { field: `attendees[${i}]` });
          }
          throw error;
        }
      }
      const now = nowIso(services);
      const created: { id: string; superviseeId: string }[] = [];
      for (const { staff } of subjects) {
        const caseload = new Set((await services.records.where('caseload', 'superviseeId', staff.userId)).map((c) => c.record.caseRef));
        const record: SessionRecord = {
          id: recordId(staff.userId, `${body.date}/${body.time ?? ''}/${identity.id}`, 'group'),
          superviseeId: staff.userId,
          supervisorId: staff.supervisorId,
          org: services.pack.id,
          templateId: recordTemplateId(services.pack, staff, 'group'),
          kind: 'group',
          sessionDate: body.date,
          ...(body.time ? { sessionStart: body.time } : {}),
          sections: { notes: body.notes, attendees: String(attendees.length) },
          cases: body.cases.filter((c) => caseload.has(c.ref)).map((c) => ({ ref: c.ref, category: c.category })),
          actions: [],
          status: 'finalised',
          finalisedAt: now,
          sharedAt: now,
          supervisorSignedAt: now,
          updatedAt: now,
        };
        const existing = await services.records.get('sessionRecords', record.id);
        const saved = existing ?? (await services.records.create('sessionRecords', record));
        if (!existing) await publish(deps, saved.record);
        created.push({ id: saved.record.id, superviseeId: staff.userId });
      }
      return { records: created };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/actions',
    operationId: 'listActions',
    summary: 'Actions agreed in a supervisee\'s finalised records',
    tags: ['records'],
    params: idParams,
    response: actionListSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => {
      const { staff } = await new Authoriser(services).read(identity, params.id);
      const today = todayOf(services);
      const rows = await services.records.where('actions', 'superviseeId', staff.userId);
      auditRecordAccess(deps, identity, 'actions', rows.map((r) => r.record), 'read');
      return rows.map((r) => ({ ...r.record, overdue: !r.record.doneAt && r.record.due < today })).sort((a, b) => (a.due < b.due ? -1 : 1));
    },
  });

  api.route({
    method: 'post',
    path: '/actions/{actionId}/done',
    operationId: 'markActionDone',
    summary: 'Mark an action done (or not done); the supervisee or the supervisor',
    tags: ['records'],
    params: actionParams,
    body: actionDoneSchema,
    response: actionListSchema.element,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const found = await services.records.get('actions', params.actionId);
      if (!found) throw new SupervisionError('NOT_FOUND', `no action "${params.actionId}"`, { field: 'actionId' });
      await new Authoriser(services).write(identity, found.record.superviseeId, 'party-write');
      auditRecordAccess(deps, identity, 'actions', found.record, 'write');
      const { doneAt: _d, ...rest } = found.record;
      const saved = await services.records.update('actions', body.done ? { ...rest, doneAt: found.record.doneAt ?? nowIso(services) } : rest, found.version);
      return { ...saved.record, overdue: !saved.record.doneAt && saved.record.due < todayOf(services) };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/cases',
    operationId: 'listCases',
    summary: 'A supervisee\'s caseload (references and categories only) and case discussions',
    tags: ['records'],
    params: idParams,
    response: casesSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => {
      const { staff } = await new Authoriser(services).read(identity, params.id);
      const [caseload, discussions] = await Promise.all([services.records.where('caseload', 'superviseeId', staff.userId), services.records.where('caseDiscussions', 'superviseeId', staff.userId)]);
      auditRecordAccess(deps, identity, 'caseDiscussions', discussions.map((d) => d.record), 'read');
      return { caseload: caseload.map((c) => c.record), discussions: discussions.map((d) => d.record) };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/cancellations',
    operationId: 'listCancellations',
    summary: 'Cancelled sessions with their reason and original date',
    tags: ['schedule'],
    params: idParams,
    response: cancellationListSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => {
      const { staff } = await new Authoriser(services).read(identity, params.id);
      const cancellations = (await services.records.where('cancellations', 'superviseeId', staff.userId)).map((c) => c.record);
      auditRecordAccess(deps, identity, 'cancellations', cancellations, 'read');
      return cancellations;
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/agreements',
    operationId: 'listAgreements',
    summary: 'Every supervision agreement of a supervisee, signed and in progress',
    tags: ['agreements'],
    params: idParams,
    response: agreementListSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => {
      const { staff } = await new Authoriser(services).read(identity, params.id);
      const agreements = (await services.records.where('agreements', 'superviseeId', staff.userId)).map((a) => a.record);
      auditRecordAccess(deps, identity, 'agreements', agreements, 'read');
      return agreements;
    },
  });
}
