import { isBreach } from '../../../compliance/findings.js';
import { SupervisionError } from '../../../errors.js';
import { findRole } from '../../../policy/resolve.js';
import type { Staff } from '../../../records/models.js';
import { Authoriser, personView } from '../authorisation.js';
import { sharedView, type ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import { devPeopleSchema, meSchema, policySummarySchema, teamQuerySchema, teamSchema, type TeamMember } from '../schemas.js';
import { agreementDueOf, cadenceOf, currentAgreement, findingsOf, loadPeople, loadPerson, sourceView, statusOf, todayOf, type PersonData } from '../supervision.js';
import { durationText } from '../../../policy/duration.js';

/** Current supervisees of a supervisor (people who left are not on the team). */
export async function superviseesOf(deps: ApiDeps, supervisorId: string): Promise<Staff[]> {
  const rows = await deps.services.records.where('staff', 'supervisorId', supervisorId);
  return rows.map((r) => r.record).filter((s) => !s.leftAt && s.userId !== supervisorId);
}

/**
 * Everyone whose compliance the caller oversees: their own supervisees, the supervisees of
 * the supervisors they line-manage, and everyone for a service manager.
 */
export async function overseenStaff(deps: ApiDeps, auth: Authoriser, identity: Identity): Promise<Staff[]> {
  const supervisors = new Set<string>([identity.id]);
  if (await auth.isServiceManager(identity.id)) {
    for (const person of await deps.services.directory.everyone()) supervisors.add(person.id);
  } else {
    for (const report of await deps.services.directory.directReports(identity.id)) supervisors.add(report.id);
  }
  const teams = await Promise.all([...supervisors].map((id) => superviseesOf(deps, id)));
  const byUser = new Map<string, Staff>();
  for (const staff of teams.flat()) if (staff.userId !== identity.id) byUser.set(staff.userId, staff);
  return [...byUser.values()];
}

export async function teamMember(deps: ApiDeps, auth: Authoriser, staff: Staff, loaded?: PersonData): Promise<TeamMember> {
  const { pack } = deps.services;
  const asOf = todayOf(deps.services);
  const data = loaded ?? (await loadPerson(deps.services, staff));
  const findings = findingsOf(pack, data, asOf);
  const cadence = cadenceOf(pack, data, asOf);
  const { status, why } = statusOf(findings, cadence);
  const agreement = currentAgreement(data.agreements)?.record;
  const { due } = agreementDueOf(pack, staff, data.occurrences);
  let state: TeamMember['agreement']['state'];
  if (!agreement) state = due < asOf ? 'late' : 'none';
  else if (agreement.status !== 'signed') state = agreement.status;
  else state = findings.some((f) => f.kind === 'agreement-review-due' && isBreach(f)) ? 'review-due' : 'signed';
  const nextBooked = data.occurrences.find((o) => o.status === 'planned' && o.date >= asOf)?.date ?? null;
  return {
    person: await auth.nameView(staff.userId),
    role: staff.role,
    roleLabel: findRole(pack, staff.role).label,
    team: staff.team,
    start: staff.start,
    cadence: cadence.summary,
    lastHeld: cadence.lastHeld,
    nextDue: cadence.nextDue,
    nextBooked,
    booked: data.schedules.some((s) => s.record.status === 'booked'),
    status,
    why,
    agreement: { state, due: agreement?.status === 'signed' ? (agreement.reviewDue ?? null) : due },
    unsignedRecords: data.records.filter((r) => r.record.status === 'draft' || r.record.status === 'finalised').length,
    overdueActions: findings.filter((f) => f.kind === 'action-overdue').length,
    caseDiscussionsDue: findings.filter((f) => f.kind === 'case-discussion-overdue' || f.kind === 'case-direction-late').length,
  };
}

export function peopleRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services, config } = deps;

  api.route({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The signed-in person and what they do in supervision',
    tags: ['people'],
    response: meSchema,
    handler: async ({ identity }) => {
      const auth = new Authoriser(services);
      const [supervisees, own, reports, serviceManager] = await Promise.all([
        superviseesOf(deps, identity.id),
        auth.staff(identity.id),
        services.directory.directReports(identity.id),
        auth.isServiceManager(identity.id),
      ]);
      const supervisesSupervisors = await Promise.all(reports.map(async (r) => (await superviseesOf(deps, r.id)).length > 0));
      return {
        id: identity.id,
        displayName: identity.displayName,
        mail: identity.mail,
        ...(identity.jobTitle ? { jobTitle: identity.jobTitle } : {}),
        mode: config.mode,
        org: { id: services.pack.id, name: services.pack.name },
        supervises: supervisees.length,
        supervised: own !== undefined && !own.record.leftAt,
        manages: supervisesSupervisors.some(Boolean),
        serviceManager,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/policy',
    operationId: 'getPolicy',
    summary: 'The organisation\'s pack in brief: case categories and the case-direction rule',
    tags: ['people'],
    response: policySummarySchema,
    handler: async () => {
      const { pack } = services;
      const direction = pack.records.caseDirection;
      return {
        id: pack.id,
        name: pack.name,
        caseCategories: pack.caseDiscussion.rules.map((r) => ({ id: r.category, label: r.label })),
        caseDirection: {
          within: direction.within ? durationText(direction.within) : null,
          urgentWithin: direction.urgentWithin ? durationText(direction.urgentWithin) : null,
          system: direction.system,
          source: sourceView(direction.source),
        },
        informalSupervision: pack.records.informalSupervision?.text ?? null,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/dev/people',
    operationId: 'listDevPeople',
    summary: 'Local mode on loopback only: the seeded people for the dev identity picker',
    tags: ['people'],
    public: true,
    response: devPeopleSchema,
    errors: [404],
    handler: async () => {
      const people = await services.directory.everyone();
      return people.sort((a, b) => a.displayName.localeCompare(b.displayName)).map(personView);
    },
  });

  api.route({
    method: 'get',
    path: '/team',
    operationId: 'getTeam',
    summary: 'A supervisor\'s supervisees with cadence, status and what needs doing',
    tags: ['team'],
    query: teamQuerySchema,
    response: teamSchema,
    errors: [403],
    handler: ({ identity, query }) => sharedView(deps, identity, `team:${query.supervisorId ?? ''}:${todayOf(services)}`, async () => {
      const auth = new Authoriser(services);
      const supervisorId = query.supervisorId ?? identity.id;
      if (supervisorId !== identity.id) {
        const supervisor = await auth.person(supervisorId);
        const allowed = supervisor?.managerId === identity.id || (await auth.isServiceManager(identity.id));
        if (!allowed) throw new SupervisionError('FORBIDDEN', 'You can see another supervisor\'s team only as their line manager or a service manager.', { field: 'supervisorId' });
      }
      const staff = await superviseesOf(deps, supervisorId);
      const loaded = await loadPeople(services, staff);
      const members = await Promise.all(staff.map((s, i) => teamMember(deps, auth, s, loaded[i])));
      members.sort((a, b) => a.person.displayName.localeCompare(b.person.displayName));
      return { asOf: todayOf(services), supervisor: await auth.personView(supervisorId), members };
    }),
  });
}
