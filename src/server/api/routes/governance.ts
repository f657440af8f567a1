/**
 * Records governance over HTTP: the audit log (service managers of the organisation only),
 * subject-access exports (the person themself or a service manager) and audit samples drawn at
 * the pack's rhythm (service managers). The work is done by src/governance; this is the shell.
 */
import { londonToInstant } from '../../../calendar/london.js';
import { SupervisionError } from '../../../errors.js';
import { auditPeriod, auditRhythm } from '../../../governance/audit-sampling.js';
import { drawAuditSample, londonToday, markReviewed, requireSample, retryNotices, subjectAccess } from '../../../governance/service.js';
import type { StoredSample } from '../../../governance/store.js';
import { governanceDeps, governanceOf } from '../audit.js';
import { Authoriser } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import {
  auditLogQuerySchema,
  auditLogSchema,
  auditOverviewSchema,
  auditSampleViewSchema,
  drawSampleSchema,
  personParams,
  reviewSampledSchema,
  sampleParams,
  sampleRecordParams,
  subjectAccessHtmlSchema,
  subjectAccessSchema,
  type AuditOverview,
  type AuditSampleView,
} from '../schemas.js';
import { sourceView } from '../supervision.js';

async function requireServiceManager(auth: Authoriser, identity: Identity, what: string): Promise<void> {
  if (!(await auth.isServiceManager(identity.id))) throw new SupervisionError('FORBIDDEN', `Only a service manager can ${what}.`);
}

export function governanceRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  async function sampleView(auth: Authoriser, stored: StoredSample): Promise<AuditSampleView> {
    const { sample, version } = stored;
    const notices = new Map(sample.notices.map((n) => [n.userId, n.status]));
    return {
      id: sample.id,
      version,
      reviewId: sample.reviewId,
      period: sample.period,
      seed: sample.seed,
      drawnBy: sample.drawnBy,
      drawnAt: sample.drawnAt,
      notifySupervisee: sample.notifySupervisee,
      items: await Promise.all(
        sample.items.map(async (item) => ({
          recordId: item.recordId,
          sessionDate: item.sessionDate,
          supervisee: await auth.nameView(item.superviseeId),
          supervisor: await auth.nameView(item.supervisorId),
          ...(item.reviewedBy ? { reviewedBy: item.reviewedBy } : {}),
          ...(item.reviewedAt ? { reviewedAt: item.reviewedAt } : {}),
          told: sample.notifySupervisee ? (notices.get(item.superviseeId) ?? 'pending') : ('not-required' as const),
        })),
      ),
    };
  }

  /** The person an export is about: the caller themself or, for a service manager, anyone. */
  async function exportSubject(identity: Identity, idOrUpn: string): Promise<string> {
    const auth = new Authoriser(services);
    const person = await services.directory.person(idOrUpn);
    // A leaver may no longer be in the directory; their id still finds their records.
    const subjectId = person?.id ?? idOrUpn;
    if (subjectId !== identity.id) await requireServiceManager(auth, identity, "export someone else's records");
    return subjectId;
  }

  api.route({
    method: 'get',
    path: '/audit-log',
    operationId: 'getAuditLog',
    summary: "Who read or changed whose record (other than its two parties): the organisation's audit log",
    tags: ['governance'],
    query: auditLogQuerySchema,
    response: auditLogSchema,
    errors: [403],
    handler: async ({ identity, query }) => {
      await requireServiceManager(new Authoriser(services), identity, 'read the audit log');
      const { audit } = governanceOf(services).store;
      const entries = audit.entries({
        org: services.pack.id,
        ...(query.recordId ? { recordId: query.recordId } : {}),
        ...(query.from ? { from: new Date(londonToInstant(query.from, '00:00')).toISOString() } : {}),
        ...(query.to ? { to: new Date(londonToInstant(query.to, '00:00')).toISOString() } : {}),
      });
      return { org: services.pack.id, entries: entries.map(({ org: _o, ...entry }) => entry) };
    },
  });

  api.route({
    method: 'get',
    path: '/people/{id}/subject-access',
    operationId: 'exportSubjectAccess',
    summary: 'Every record about one person (subject access), as JSON: the person themself or a service manager',
    tags: ['governance'],
    params: personParams,
    response: subjectAccessSchema,
    errors: [403],
    handler: async ({ identity, params }) => (await subjectAccess(governanceDeps(deps), await exportSubject(identity, params.id), identity.id)).doc,
  });

  api.route({
    method: 'get',
    path: '/people/{id}/subject-access/html',
    operationId: 'exportSubjectAccessHtml',
    summary: 'The same subject-access export as a readable, self-contained HTML page (record text escaped)',
    tags: ['governance'],
    params: personParams,
    response: subjectAccessHtmlSchema,
    produces: 'text/html',
    errors: [403],
    handler: async ({ identity, params }) => (await subjectAccess(governanceDeps(deps), await exportSubject(identity, params.id), identity.id)).html,
  });

  api.route({
    method: 'get',
    path: '/audit-samples',
    operationId: 'listAuditSamples',
    summary: "The pack's audit rhythm, the current audit period and the samples drawn so far",
    tags: ['governance'],
    response: auditOverviewSchema,
    errors: [403],
    handler: async ({ identity }): Promise<AuditOverview> => {
      const auth = new Authoriser(services);
      await requireServiceManager(auth, identity, 'see audit samples');
      const rhythm = auditRhythm(services.pack);
      const review = rhythm ? services.pack.periodicReviews?.find((r) => r.id === rhythm.reviewId) : undefined;
      const samples = governanceOf(services).store.samples.list(services.pack.id);
      return {
        rhythm: rhythm && review ? { reviewId: rhythm.reviewId, label: review.label, months: rhythm.months, notifySuperviseeBeforehand: rhythm.notifySuperviseeBeforehand, source: sourceView(review.source) } : null,
        currentPeriod: rhythm ? auditPeriod(rhythm, londonToday(services)) : null,
        samples: await Promise.all(samples.map((s) => sampleView(auth, s))),
      };
    },
  });

  api.route({
    method: 'post',
    path: '/audit-samples',
    operationId: 'drawAuditSample',
    summary: "Draw a random sample of finished records for the audit period (at the pack's rhythm); supervisees are told first where the pack says so",
    tags: ['governance'],
    body: drawSampleSchema,
    response: auditSampleViewSchema,
    status: 201,
    errors: [403, 409],
    handler: async ({ identity, body }) => {
      const auth = new Authoriser(services);
      await requireServiceManager(auth, identity, 'draw an audit sample');
      const gov = governanceDeps(deps);
      const stored = await drawAuditSample(gov, { actorId: identity.id, asOf: body.asOf ?? londonToday(gov), size: body.size, ...(body.seed !== undefined ? { seed: body.seed } : {}) });
      return sampleView(auth, stored);
    },
  });

  api.route({
    method: 'post',
    path: '/audit-samples/{sampleId}/notify',
    operationId: 'notifySampledSupervisees',
    summary: 'Try again to tell the supervisees whose notice is still pending',
    tags: ['governance'],
    params: sampleParams,
    response: auditSampleViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params }) => {
      const auth = new Authoriser(services);
      await requireServiceManager(auth, identity, 'notify supervisees');
      const gov = governanceDeps(deps);
      return sampleView(auth, await retryNotices(gov, requireSample(gov, params.sampleId)));
    },
  });

  api.route({
    method: 'post',
    path: '/audit-samples/{sampleId}/records/{recordId}/review',
    operationId: 'reviewSampledRecord',
    summary: 'Mark a sampled record reviewed (or not); 409 when the sample changed since it was read',
    tags: ['governance'],
    params: sampleRecordParams,
    body: reviewSampledSchema,
    response: auditSampleViewSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      await requireServiceManager(auth, identity, 'review sampled records');
      const saved = markReviewed(governanceDeps(deps), { sampleId: params.sampleId, recordId: params.recordId, version: body.version, actorId: identity.id, reviewed: body.reviewed });
      return sampleView(auth, saved);
    },
  });
}
