import { SupervisionError, invalidInput } from '../../../errors.js';
import { findRole } from '../../../policy/resolve.js';
import type { Pack, PrepQuestion } from '../../../policy/schema.js';
import type { PrepResponse, Staff } from '../../../records/models.js';
import { auditRecordAccess } from '../audit.js';
import { Authoriser } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import { idParams, mySupervisionSchema, prepQuerySchema, prepSaveSchema, prepViewSchema, type MySupervision, type PrepView } from '../schemas.js';
import { cadenceOf, currentAgreement, loadPerson, nowIso, sourceView, todayOf } from '../supervision.js';
import { summaryOf } from './records.js';

function prepQuestions(pack: Pack, staff: Staff): { questions: PrepQuestion[]; perCase: PrepQuestion[] } {
  const sets = pack.prep.filter((p) => !p.roles || p.roles.includes(staff.role));
  return { questions: sets.flatMap((p) => p.questions), perCase: sets.flatMap((p) => p.perCase ?? []) };
}

function questionView(q: PrepQuestion): PrepView['questions'][number] {
  return { id: q.id, label: q.label, type: q.type, required: q.required, ...(q.choices ? { choices: q.choices } : {}), source: sourceView(q.source) };
}

export function superviseeRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  api.route({
    method: 'get',
    path: '/my-supervision',
    operationId: 'getMySupervision',
    summary: 'For a supervisee: the next session, preparation, records to acknowledge and actions',
    tags: ['supervisee'],
    response: mySupervisionSchema,
    handler: async ({ identity }): Promise<MySupervision> => {
      const auth = new Authoriser(services);
      const me = await auth.personView(identity.id);
      const own = await auth.staff(identity.id);
      if (!own || own.record.leftAt) {
        return { supervised: false, me, supervisor: null, roleLabel: null, cadence: null, nextSession: null, nextDue: null, prepSubmitted: false, toAcknowledge: [], actions: [], agreement: null, records: [] };
      }
      const staff = own.record;
      const today = todayOf(services);
      const data = await loadPerson(services, staff);
      const cadence = cadenceOf(services.pack, data, today);
      const nextSession = data.occurrences.find((o) => o.status === 'planned' && o.date >= today) ?? null;
      const preps = await services.records.where('prepResponses', 'superviseeId', staff.userId);
      const agreement = currentAgreement(data.agreements)?.record;
      const shared = data.records.map((r) => r.record).filter((r) => r.status !== 'draft');
      return {
        supervised: true,
        me,
        supervisor: await auth.personView(staff.supervisorId),
        roleLabel: findRole(services.pack, staff.role).label,
        cadence: cadence.summary,
        nextSession,
        nextDue: cadence.nextDue,
        prepSubmitted: nextSession !== null && preps.some((p) => p.record.sessionDate === nextSession.date),
        toAcknowledge: shared.filter((r) => r.status === 'finalised').map(summaryOf),
        actions: data.actions.map((a) => ({ ...a.record, overdue: !a.record.doneAt && a.record.due < today })).filter((a) => !a.doneAt),
        agreement: agreement ? { id: agreement.id, status: agreement.status, awaitingMe: agreement.status === 'awaiting-supervisee' } : null,
        records: shared.map(summaryOf).sort((a, b) => (a.sessionDate < b.sessionDate ? 1 : -1)),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/prep',
    operationId: 'getPrep',
    summary: 'The preparation questions for a session and the supervisee\'s answers',
    tags: ['supervisee'],
    params: idParams,
    query: prepQuerySchema,
    response: prepViewSchema,
    errors: [403, 404],
    handler: async ({ identity, params, query }) => {
      const { staff } = await new Authoriser(services).read(identity, params.id);
      const data = await loadPerson(services, staff);
      const today = todayOf(services);
      const next = data.occurrences.find((o) => o.status === 'planned' && o.date >= today);
      const sessionDate = query.sessionDate ?? next?.date ?? null;
      const eventId = query.sessionDate ? data.occurrences.find((o) => o.date === query.sessionDate && o.status !== 'cancelled')?.id : next?.id;
      const { questions, perCase } = prepQuestions(services.pack, staff);
      const response = sessionDate ? (await services.records.where('prepResponses', 'superviseeId', staff.userId)).find((p) => p.record.sessionDate === sessionDate) : undefined;
      if (response) auditRecordAccess(deps, identity, 'prepResponses', response.record, 'read');
      return {
        sessionDate,
        ...(eventId ? { eventId } : {}),
        questions: questions.map(questionView),
        perCase: perCase.map(questionView),
        caseload: data.caseload.filter((c) => !c.closed).map((c) => ({ ref: c.caseRef, category: c.category })),
        response: response ? { record: response.record, version: response.version } : null,
      };
    },
  });

  api.route({
    method: 'put',
    path: '/supervisees/{id}/prep',
    operationId: 'savePrep',
    summary: 'The supervisee saves their preparation for a session (case references only, never names)',
    tags: ['supervisee'],
    params: idParams,
    body: prepSaveSchema,
    response: prepViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, params.id, 'supervisee-write');
      const { questions, perCase } = prepQuestions(services.pack, staff);
      const known = new Set(questions.map((q) => q.id));
      for (const key of Object.keys(body.answers)) if (!known.has(key)) throw invalidInput(`answers.${key}`, `"${key}" is not a preparation question`);
      for (const q of questions) if (q.required && !body.answers[q.id]?.trim()) throw invalidInput(`answers.${q.id}`, `"${q.label}" needs an answer`);
      const perCaseKnown = new Set(perCase.map((q) => q.id));
      body.perCase.forEach((item, i) => {
        for (const key of Object.keys(item.answers)) if (!perCaseKnown.has(key)) throw invalidInput(`perCase[${i}].answers.${key}`, `"${key}" is not a per-case question`);
      });
      const id = `prep-${staff.userId}-${body.sessionDate}`;
      const record: PrepResponse = {
        id,
        superviseeId: staff.userId,
        supervisorId: staff.supervisorId,
        org: services.pack.id,
        sessionDate: body.sessionDate,
        ...(body.eventId ? { eventId: body.eventId } : {}),
        answers: body.answers,
        perCase: body.perCase,
        submittedAt: nowIso(services),
      };
      const existing = await services.records.get('prepResponses', id);
      if (existing) {
        if (body.version === undefined) throw new SupervisionError('CONFLICT', 'You already saved preparation for this session; reload to edit it.', { field: 'version' });
        await services.records.update('prepResponses', record, body.version);
      } else {
        await services.records.create('prepResponses', record);
      }
      const saved = (await services.records.get('prepResponses', id))!;
      const data = await loadPerson(services, staff);
      return {
        sessionDate: body.sessionDate,
        ...(body.eventId ? { eventId: body.eventId } : {}),
        questions: questions.map(questionView),
        perCase: perCase.map(questionView),
        caseload: data.caseload.filter((c) => !c.closed).map((c) => ({ ref: c.caseRef, category: c.category })),
        response: { record: saved.record, version: saved.version },
      };
    },
  });
}
