import { toCivil, toDay } from '../../../calendar/civil.js';
import { SupervisionError, invalidInput } from '../../../errors.js';
import { cadenceSummary } from '../../../policy/describe.js';
import { dayDeadline, durationText } from '../../../policy/duration.js';
import { describeFrequency, isAtLeastAsStrict, type ConcreteFrequency } from '../../../policy/frequency.js';
import { resolveRole } from '../../../policy/resolve.js';
import type { Frequency, Pack, Template } from '../../../policy/schema.js';
import type { Agreement, Staff } from '../../../records/models.js';
import { auditRecordAccess } from '../audit.js';
import { Authoriser } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import {
  agreementDraftSchema,
  agreementParams,
  agreementUpdateSchema,
  agreementViewSchema,
  idParams,
  versionBodySchema,
  type AgreementView,
  type TemplateView,
} from '../schemas.js';
import { agreementDueOf, currentAgreement, loadPerson, nowIso, primaryResolved, sourceView, todayOf } from '../supervision.js';

export function templateView(template: Template): TemplateView {
  return {
    id: template.id,
    label: template.label,
    sections: template.sections.map((s) => ({
      id: s.id,
      label: s.label,
      ...(s.hint ? { hint: s.hint } : {}),
      ...(s.repeatsPerCase ? { repeatsPerCase: true } : {}),
      ...(s.fields ? { fields: s.fields.map((f) => ({ ...f })) } : {}),
    })),
    includesActions: template.includesActions,
    includesCases: template.includesCases,
    source: sourceView(template.source),
  };
}

export function templateOf(pack: Pack, id: string): Template {
  const template = pack.templates.find((t) => t.id === id);
  if (!template) throw new SupervisionError('POLICY_INVALID', `${pack.id} has no template "${id}"`);
  return template;
}

/** Answers may only name the template's sections (`section`) and fields (`section.field`). */
export function checkAnswers(template: Template, answers: Record<string, string>, field = 'answers'): void {
  const keys = new Set<string>();
  for (const section of template.sections) {
    keys.add(section.id);
    for (const f of section.fields ?? []) keys.add(`${section.id}.${f.id}`);
  }
  for (const key of Object.keys(answers)) {
    if (!keys.has(key) && !key.startsWith('case:')) throw invalidInput(`${field}.${key}`, `"${key}" is not a section or field of the ${template.label}`);
  }
}

const candidateFrequencies: ConcreteFrequency[] = [
  { rule: 'interval', weeks: 1 },
  { rule: 'interval', weeks: 2 },
  { rule: 'interval', weeks: 3 },
  { rule: 'interval', weeks: 4 },
  { rule: 'calendar-month' },
  { rule: 'interval', weeks: 6 },
  { rule: 'interval-months', months: 1 },
  { rule: 'interval', weeks: 8 },
  { rule: 'interval-months', months: 2 },
  { rule: 'interval-months', months: 3 },
];

function checkAgreed(deps: ApiDeps, staff: Staff, agreedFrequency: Frequency | undefined, agreedMinutes: number | undefined): void {
  if (agreedFrequency?.rule === 'hours-worked') throw invalidInput('agreedFrequency', 'agree a frequency in weeks or months; the hours-worked rule comes from the policy');
  // Throws LOOSER_THAN_POLICY (422) naming the field when the agreement would loosen the policy.
  resolveRole(deps.services.pack, staff.role, {
    ...(staff.facts ? { facts: staff.facts } : {}),
    ...(agreedFrequency ? { agreedFrequency } : {}),
    ...(agreedMinutes !== undefined ? { agreedMinutes } : {}),
  });
}

async function agreementView(deps: ApiDeps, auth: Authoriser, identity: Identity, superviseeId: string): Promise<AgreementView> {
  const { pack } = deps.services;
  const { staff, capacity } = await auth.read(identity, superviseeId);
  const data = await loadPerson(deps.services, staff);
  const resolved = resolveRole(pack, staff.role, staff.facts ? { facts: staff.facts } : {});
  const stream = primaryResolved(resolved.streams);
  const { due, text } = agreementDueOf(pack, staff, data.occurrences);
  const review = pack.agreement.review;
  const reviewText =
    (review.every ? `Reviewed at least every ${durationText(review.every)}` : 'Reviewed when needed') +
    (review.onSupervisorChange ? ' and when the supervisor changes' : '') +
    (review.onRequest ? '; either of you may ask for a review at any time' : '');
  const current = currentAgreement(data.agreements);
  if (current) auditRecordAccess(deps, identity, 'agreements', current.record, 'read');
  return {
    supervisee: await auth.personView(staff.userId),
    supervisor: await auth.personView(staff.supervisorId),
    capacity,
    template: templateView(templateOf(pack, pack.agreement.template)),
    policy: {
      cadence: cadenceSummary(stream.phases),
      phases: stream.phases.map((p) => ({ label: p.label, frequency: describeFrequency(p.frequency), source: sourceView(p.source) })),
      minutes: stream.minutes,
      minutesSource: sourceView(stream.minutesSource),
      frequencyChoices: candidateFrequencies.filter((c) => stream.phases.every((p) => isAtLeastAsStrict(c, p.frequency))).map((frequency) => ({ frequency, label: describeFrequency(frequency) })),
      ...(pack.agreement.mutuallyAgreedFrequency ? { mutuallyAgreed: pack.agreement.mutuallyAgreedFrequency.text } : {}),
    },
    due,
    dueText: text,
    dueSource: sourceView(pack.agreement.dueSource),
    review: { text: reviewText, source: sourceView(review.source) },
    agreement: current ? { record: current.record, version: current.version } : null,
  };
}

async function requireAgreement(deps: ApiDeps, agreementId: string) {
  const found = await deps.services.records.get('agreements', agreementId);
  if (!found) throw new SupervisionError('NOT_FOUND', `no agreement "${agreementId}"`, { field: 'agreementId' });
  return found;
}

export function agreementRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  api.route({
    method: 'get',
    path: '/supervisees/{id}/agreement',
    operationId: 'getAgreement',
    summary: 'The agreement template, the policy it may only tighten, its deadline and the current agreement',
    tags: ['agreements'],
    params: idParams,
    response: agreementViewSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => agreementView(deps, new Authoriser(services), identity, params.id),
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/agreement',
    operationId: 'draftAgreement',
    summary: 'Start a supervision agreement (draft); agreed frequency and length may only be stricter than the policy',
    tags: ['agreements'],
    params: idParams,
    body: agreementDraftSchema,
    response: agreementViewSchema,
    status: 201,
    errors: [403, 404, 409, 422],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, params.id, 'supervisor-write');
      const existing = await services.records.where('agreements', 'superviseeId', staff.userId);
      const current = currentAgreement(existing);
      if (current && current.record.status !== 'signed') throw new SupervisionError('WORKFLOW', 'An agreement is already in progress; continue that one.', { field: 'id' });
      const template = templateOf(services.pack, services.pack.agreement.template);
      checkAnswers(template, body.answers);
      checkAgreed(deps, staff, body.agreedFrequency, body.agreedMinutes);
      const data = await loadPerson(services, staff);
      const agreement: Agreement = {
        id: `agreement-${staff.userId}-${existing.length + 1}`,
        superviseeId: staff.userId,
        supervisorId: staff.supervisorId,
        org: services.pack.id,
        templateId: template.id,
        answers: body.answers,
        ...(body.agreedFrequency ? { agreedFrequency: body.agreedFrequency } : {}),
        ...(body.agreedMinutes !== undefined ? { agreedMinutes: body.agreedMinutes } : {}),
        due: current ? todayOf(services) : agreementDueOf(services.pack, staff, data.occurrences).due,
        status: 'draft',
        updatedAt: nowIso(services),
      };
      await services.records.create('agreements', agreement);
      return agreementView(deps, auth, identity, staff.userId);
    },
  });

  api.route({
    method: 'put',
    path: '/agreements/{agreementId}',
    operationId: 'updateAgreement',
    summary: 'Save a draft agreement (409 when someone saved it since you read it)',
    tags: ['agreements'],
    params: agreementParams,
    body: agreementUpdateSchema,
    response: agreementViewSchema,
    errors: [403, 404, 409, 422],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const found = await requireAgreement(deps, params.agreementId);
      const { staff } = await auth.write(identity, found.record.superviseeId, 'supervisor-write');
      auditRecordAccess(deps, identity, 'agreements', found.record, 'write');
      if (found.record.status !== 'draft') throw new SupervisionError('WORKFLOW', 'A signed agreement cannot be changed; start a review instead.', { field: 'agreementId' });
      checkAnswers(templateOf(services.pack, found.record.templateId), body.answers);
      checkAgreed(deps, staff, body.agreedFrequency, body.agreedMinutes);
      const { agreedFrequency: _f, agreedMinutes: _m, ...rest } = found.record;
      await services.records.update(
        'agreements',
        {
          ...rest,
          answers: body.answers,
          ...(body.agreedFrequency ? { agreedFrequency: body.agreedFrequency } : {}),
          ...(body.agreedMinutes !== undefined ? { agreedMinutes: body.agreedMinutes } : {}),
          updatedAt: nowIso(services),
        },
        body.version,
      );
      return agreementView(deps, auth, identity, staff.userId);
    },
  });

  api.route({
    method: 'post',
    path: '/agreements/{agreementId}/sign',
    operationId: 'signAgreement',
    summary: 'Sign the agreement: the supervisor first, then the supervisee; the review date comes from the pack',
    tags: ['agreements'],
    params: agreementParams,
    body: versionBodySchema,
    response: agreementViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const found = await requireAgreement(deps, params.agreementId);
      const { capacity, staff } = await auth.write(identity, found.record.superviseeId, 'party-write');
      auditRecordAccess(deps, identity, 'agreements', found.record, 'write');
      const now = nowIso(services);
      let next: Agreement;
      if (capacity === 'supervisor') {
        if (found.record.status !== 'draft') throw new SupervisionError('WORKFLOW', 'You have already signed this agreement.', { field: 'agreementId' });
        next = { ...found.record, status: 'awaiting-supervisee', supervisorSignedAt: now, updatedAt: now };
      } else {
        if (found.record.status === 'draft') throw new SupervisionError('WORKFLOW', 'Your supervisor signs the agreement first, then you.', { field: 'agreementId' });
        if (found.record.status === 'signed') throw new SupervisionError('WORKFLOW', 'You have already signed this agreement.', { field: 'agreementId' });
        const every = services.pack.agreement.review.every;
        const today = todayOf(services);
        next = { ...found.record, status: 'signed', superviseeSignedAt: now, updatedAt: now, ...(every ? { reviewDue: toCivil(dayDeadline(toDay(today), every)) } : {}) };
      }
      await services.records.update('agreements', next, body.version);
      return agreementView(deps, auth, identity, staff.userId);
    },
  });
}
