/**
 * Supervisor absence and temporary cover (issue 8 §1): the evidence of absence (Outlook
 * automatic replies, recorded leave), who needs cover under the pack, assigning and ending a
 * temporary supervisor, and a permanent change of supervisor. The counting is the pure rule
 * in src/absence; who may do what is the rule of src/records/access.ts through the Authoriser.
 */
import { createHash } from 'node:crypto';
import { absenceFromAutomaticReplies, absenceFromLeave, coverNeed, coverSupervisorOn, mergeAbsences, type AbsencePeriod } from '../../../absence/absence.js';
import { toDay } from '../../../calendar/civil.js';
import { SupervisionError, invalidInput } from '../../../errors.js';
import { durationText } from '../../../policy/duration.js';
import type { PersonHistory } from '../../../compliance/input.js';
import type { Staff, SupervisorLeave } from '../../../records/models.js';
import type { Versioned } from '../../../records/repository.js';
import type { AppServices } from '../../services.js';
import { Authoriser } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import {
  absenceViewSchema,
  coverOverviewSchema,
  coverRequestSchema,
  idParams,
  leaveRequestSchema,
  superviseeCoverSchema,
  supervisorChangeSchema,
  supervisorParams,
  type AbsenceView,
  type CoverOverview,
  type PersonView,
  type SuperviseeCover,
} from '../schemas.js';
import { nowIso, sourceView, todayOf } from '../supervision.js';
import { overseenStaff } from './people.js';

type RepliesState = AbsenceView['automaticReplies'];

export interface SupervisorAbsence {
  automaticReplies: RepliesState;
  leave: Versioned<SupervisorLeave>[];
  /** Continuous absences from both kinds of evidence. */
  periods: AbsencePeriod[];
}

/** The evidence of one supervisor's absence: recorded leave and their Outlook automatic replies. */
export async function supervisorAbsence(services: AppServices, supervisorId: string): Promise<SupervisorAbsence> {
  const [leave, replies] = await Promise.all([
    services.records.where('supervisorLeave', 'supervisorId', supervisorId),
    // A mailbox that cannot be read (no licence, consent not granted) leaves recorded leave as the only evidence.
    services.directory.automaticReplies ? services.directory.automaticReplies(supervisorId).catch(() => undefined) : Promise.resolve(undefined),
  ]);
  const periods = leave.map((l) => absenceFromLeave(l.record));
  const fromReplies = replies ? absenceFromAutomaticReplies(replies) : null;
  if (fromReplies) periods.push(fromReplies);
  return { automaticReplies: replies?.status ?? 'unknown', leave, periods: mergeAbsences(periods) };
}

export type AbsencesOf = (staff: Staff) => Promise<PersonHistory['supervisorAbsences']>;

/**
 * The compliance engine's view of supervisees' supervisor absences: each continuous absence,
 * covered when a temporary supervisor is in force today. One reader per listing reads each
 * supervisor's evidence once (a team shares it). Nothing is read when the pack sets no
 * absence limit (Bristol, Dudley): there is no rule to feed.
 */
export function absenceReader(services: AppServices): AbsencesOf {
  const bySupervisor = new Map<string, Promise<SupervisorAbsence>>();
  return async (staff) => {
    if (!services.pack.supervisorAbsence) return undefined;
    let evidence = bySupervisor.get(staff.supervisorId);
    if (!evidence) {
      evidence = supervisorAbsence(services, staff.supervisorId);
      bySupervisor.set(staff.supervisorId, evidence);
    }
    const { periods } = await evidence;
    const coveredBy = coverSupervisorOn(staff, todayOf(services));
    return periods.map((p) => ({ from: p.from, ...(p.to ? { to: p.to } : {}), ...(coveredBy ? { coveredBy } : {}) }));
  };
}

/** The absence in force on a day, if any. */
function absenceOn(periods: readonly AbsencePeriod[], asOf: string): AbsencePeriod | undefined {
  return periods.find((p) => p.from <= asOf && (p.to === undefined || p.to >= asOf));
}

function periodView(period: AbsencePeriod): { from: string; to: string | null; sources: AbsencePeriod['sources'] } {
  return { from: period.from, to: period.to ?? null, sources: [...period.sources] };
}

async function coverOf(auth: Authoriser, staff: Staff, asOf: string): Promise<SuperviseeCover['cover']> {
  if (!staff.coverSupervisorId) return null;
  return {
    supervisor: await auth.nameView(staff.coverSupervisorId),
    from: staff.coverFrom ?? null,
    to: staff.coverUntil ?? null,
    inForce: coverSupervisorOn(staff, asOf) !== null,
  };
}

async function superviseeCover(services: AppServices, auth: Authoriser, staff: Staff): Promise<SuperviseeCover> {
  return {
    person: await auth.nameView(staff.userId),
    supervisor: await auth.nameView(staff.supervisorId),
    supervisorSince: staff.supervisorSince ?? null,
    cover: await coverOf(auth, staff, todayOf(services)),
  };
}

/** The staff record with the version to write against (the Authoriser has just read it). */
async function versionedStaff(auth: Authoriser, superviseeId: string): Promise<Versioned<Staff>> {
  const found = await auth.staff(superviseeId);
  if (!found) throw new SupervisionError('NOT_FOUND', `nobody with id "${superviseeId}" is supervised in this organisation`, { field: 'id' });
  return found;
}

/** The supervisor themselves, their line manager, or a service manager: who may see and record a supervisor's leave. */
async function requireLeaveAccess(auth: Authoriser, identity: Identity, supervisorId: string): Promise<void> {
  if (identity.id === supervisorId) return;
  const supervisor = await auth.person(supervisorId);
  if (supervisor?.managerId === identity.id || (await auth.isServiceManager(identity.id))) return;
  throw new SupervisionError('FORBIDDEN', 'Only the supervisor, their line manager or a service manager can see or record their leave.', { field: 'id' });
}

async function absenceView(services: AppServices, auth: Authoriser, supervisorId: string): Promise<AbsenceView> {
  const absence = await supervisorAbsence(services, supervisorId);
  return {
    supervisor: await auth.nameView(supervisorId),
    automaticReplies: absence.automaticReplies,
    absences: absence.periods.map(periodView),
    leave: absence.leave
      .map((l) => ({ id: l.record.id, from: l.record.from, to: l.record.to ?? null, recordedBy: l.record.recordedBy, recordedAt: l.record.recordedAt }))
      .sort((a, b) => (a.from < b.from ? -1 : 1)),
  };
}

function leaveId(supervisorId: string, from: string): string {
  return `leave-${createHash('sha256').update(`${supervisorId}|${from}`).digest('hex').slice(0, 20)}`;
}

function checkOrder(from: string, to: string | undefined): void {
  if (to !== undefined && to < from) throw invalidInput('to', `must be on or after from (${from})`);
}

export function coverRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  api.route({
    method: 'get',
    path: '/cover',
    operationId: 'getCover',
    summary: 'Supervisees of absent supervisors the caller oversees: whether cover is needed under the pack, and any temporary supervisor',
    tags: ['cover'],
    response: coverOverviewSchema,
    handler: async ({ identity }): Promise<CoverOverview> => {
      const auth = new Authoriser(services);
      const asOf = todayOf(services);
      const rule = services.pack.supervisorAbsence;
      const staff = await overseenStaff(deps, auth, identity);
      const bySupervisor = new Map<string, Promise<SupervisorAbsence>>();
      for (const s of staff) if (!bySupervisor.has(s.supervisorId)) bySupervisor.set(s.supervisorId, supervisorAbsence(services, s.supervisorId));
      const serviceManager = await auth.isServiceManager(identity.id);
      const rows: CoverOverview['supervisees'] = [];
      for (const s of staff) {
        const absence = await bySupervisor.get(s.supervisorId)!;
        const current = absenceOn(absence.periods, asOf);
        if (!current && !s.coverSupervisorId && absence.automaticReplies !== 'alwaysEnabled') continue;
        const need = rule ? coverNeed(rule.coverAfter, absence.periods, asOf) : null;
        const cover = await coverOf(auth, s, asOf);
        const supervisor = await auth.person(s.supervisorId);
        rows.push({
          person: await auth.nameView(s.userId),
          team: s.team,
          supervisor: await auth.nameView(s.supervisorId),
          automaticReplies: absence.automaticReplies,
          absence: current ? periodView(current) : null,
          coverNeeded: need !== null && !cover?.inForce,
          due: need?.due ?? null,
          cover,
          canAssign: serviceManager || supervisor?.managerId === identity.id,
        });
      }
      rows.sort((a, b) => Number(b.coverNeeded) - Number(a.coverNeeded) || a.person.displayName.localeCompare(b.person.displayName));
      const absent = new Set(rows.filter((r) => r.absence !== null).map((r) => r.supervisor.id));
      const reports = await services.directory.directReports(identity.id);
      const candidates: PersonView[] = [await auth.nameView(identity.id), ...reports.map((r) => ({ id: r.id, displayName: r.displayName, mail: r.mail }))].filter((p) => !absent.has(p.id));
      const covered = (await services.records.where('staff', 'coverSupervisorId', identity.id)).map((r) => r.record).filter((s) => !s.leftAt && (s.coverUntil === undefined || s.coverUntil >= asOf));
      const covering = await Promise.all(
        covered.map(async (s) => ({ person: await auth.nameView(s.userId), supervisor: await auth.nameView(s.supervisorId), from: s.coverFrom ?? null, to: s.coverUntil ?? null, inForce: coverSupervisorOn(s, asOf) !== null })),
      );
      return {
        asOf,
        rule: rule ? { coverAfter: durationText(rule.coverAfter), source: sourceView(rule.source) } : null,
        supervisees: rows,
        candidates,
        covering,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisors/{id}/absence',
    operationId: 'getSupervisorAbsence',
    summary: 'A supervisor\'s recorded leave and Outlook automatic replies, joined into absences',
    tags: ['cover'],
    params: supervisorParams,
    response: absenceViewSchema,
    errors: [403],
    handler: async ({ identity, params }) => {
      const auth = new Authoriser(services);
      await requireLeaveAccess(auth, identity, params.id);
      return absenceView(services, auth, params.id);
    },
  });

  api.route({
    method: 'post',
    path: '/supervisors/{id}/leave',
    operationId: 'recordLeave',
    summary: 'Record a supervisor\'s leave (the supervisor or their line manager); again with the same first day sets the return',
    tags: ['cover'],
    params: supervisorParams,
    body: leaveRequestSchema,
    response: absenceViewSchema,
    status: 201,
    errors: [403, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      await requireLeaveAccess(auth, identity, params.id);
      checkOrder(body.from, body.to);
      const leave: SupervisorLeave = {
        id: leaveId(params.id, body.from),
        supervisorId: params.id,
        org: services.pack.id,
        from: body.from,
        ...(body.to ? { to: body.to } : {}),
        recordedBy: identity.id,
        recordedAt: nowIso(services),
      };
      const existing = await services.records.get('supervisorLeave', leave.id);
      if (existing) await services.records.update('supervisorLeave', leave, existing.version);
      else await services.records.create('supervisorLeave', leave);
      return absenceView(services, auth, params.id);
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/cover',
    operationId: 'assignCover',
    summary: 'Assign a temporary supervisor for a period (the supervisor\'s line manager or a service manager); they read and write the supervisee\'s records while it lasts',
    tags: ['cover'],
    params: idParams,
    body: coverRequestSchema,
    response: superviseeCoverSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      await auth.write(identity, params.id, 'authorise');
      const found = await versionedStaff(auth, params.id);
      const staff = found.record;
      const from = body.from ?? todayOf(services);
      checkOrder(from, body.to);
      if (body.coverSupervisorId === staff.userId) throw invalidInput('coverSupervisorId', 'a supervisee cannot cover their own supervision');
      if (body.coverSupervisorId === staff.supervisorId) throw invalidInput('coverSupervisorId', 'is already the supervisor');
      if (!(await auth.person(body.coverSupervisorId))) throw invalidInput('coverSupervisorId', `nobody with id "${body.coverSupervisorId}" is in the directory`);
      const next: Staff = { ...staff, coverSupervisorId: body.coverSupervisorId, coverFrom: from, coverAssignedBy: identity.id };
      if (body.to) next.coverUntil = body.to;
      else delete next.coverUntil;
      const saved = await services.records.update('staff', next, found.version);
      return superviseeCover(services, auth, saved.record);
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/cover/end',
    operationId: 'endCover',
    summary: 'End a temporary supervisor\'s cover now (the supervisor\'s line manager or a service manager)',
    tags: ['cover'],
    params: idParams,
    response: superviseeCoverSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params }) => {
      const auth = new Authoriser(services);
      await auth.write(identity, params.id, 'authorise');
      const found = await versionedStaff(auth, params.id);
      const { coverSupervisorId: _c, coverFrom: _f, coverUntil: _u, coverAssignedBy: _b, ...rest } = found.record;
      const saved = found.record.coverSupervisorId ? (await services.records.update('staff', rest, found.version)).record : found.record;
      return superviseeCover(services, auth, saved);
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/supervisor',
    operationId: 'changeSupervisor',
    summary: 'Change a supervisee\'s supervisor for good (the supervisor\'s line manager or a service manager): every record follows the relationship, so the new supervisor sees them and the old one no longer does',
    tags: ['cover'],
    params: idParams,
    body: supervisorChangeSchema,
    response: superviseeCoverSchema,
    errors: [403, 404, 409],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      await auth.write(identity, params.id, 'authorise');
      const found = await versionedStaff(auth, params.id);
      const staff = found.record;
      const today = todayOf(services);
      const from = body.from ?? today;
      if (from > today) throw invalidInput('from', `must not be in the future (today is ${today})`);
      if (toDay(from) < toDay(staff.start)) throw invalidInput('from', `must not be before the supervision started (${staff.start})`);
      if (body.supervisorId === staff.userId) throw invalidInput('supervisorId', 'a supervisee cannot supervise themselves');
      if (body.supervisorId === staff.supervisorId) throw invalidInput('supervisorId', 'is already the supervisor');
      if (!(await auth.person(body.supervisorId))) throw invalidInput('supervisorId', `nobody with id "${body.supervisorId}" is in the directory`);
      // Cover was for the previous supervisor's absence; the change ends it.
      const { coverSupervisorId: _c, coverFrom: _f, coverUntil: _u, coverAssignedBy: _b, ...rest } = staff;
      const saved = await services.records.update('staff', { ...rest, supervisorId: body.supervisorId, supervisorSince: from }, found.version);
      return superviseeCover(services, auth, saved.record);
    },
  });
}
