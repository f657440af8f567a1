import { isBreach, type Finding } from '../../../compliance/findings.js';
import { findRole } from '../../../policy/resolve.js';
import type { Staff } from '../../../records/models.js';
import { Authoriser } from '../authorisation.js';
import { sharedView, type ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import { complianceQuerySchema, complianceSchema, csvSchema, idParams, personComplianceSchema, type Compliance, type PersonView } from '../schemas.js';
import { cadenceOf, findingLabel, findingsOf, findingView, loadPeople, loadPerson, monthlyRates, sourceView, statusOf, timelineOf, todayOf, type Cadence, type PersonData, type Timeline } from '../supervision.js';
import { overseenStaff } from './people.js';

interface Assessed {
  staff: Staff;
  person: PersonView;
  data: PersonData;
  findings: Finding[];
  cadence: Cadence;
  timeline: Timeline;
}

async function assess(deps: ApiDeps, auth: Authoriser, staff: Staff, asOf: string, loaded?: PersonData): Promise<Assessed> {
  const { pack } = deps.services;
  const data = loaded ?? (await loadPerson(deps.services, staff));
  return {
    staff,
    person: await auth.nameView(staff.userId),
    data,
    findings: findingsOf(pack, data, asOf),
    cadence: cadenceOf(pack, data, asOf),
    timeline: timelineOf(pack, data, asOf),
  };
}

async function assessScope(deps: ApiDeps, identity: Identity, team: string | undefined): Promise<{ asOf: string; people: Assessed[] }> {
  const auth = new Authoriser(deps.services);
  const asOf = todayOf(deps.services);
  const staff = (await overseenStaff(deps, auth, identity)).filter((s) => team === undefined || s.team === team);
  const loaded = await loadPeople(deps.services, staff);
  const people = await Promise.all(staff.map((s, i) => assess(deps, auth, s, asOf, loaded[i])));
  people.sort((a, b) => a.staff.team.localeCompare(b.staff.team) || a.person.displayName.localeCompare(b.person.displayName));
  return { asOf, people };
}

function rateOf(timeline: Timeline): number | null {
  let due = 0;
  let onTime = 0;
  for (const m of timeline.months.values()) {
    due += m.due;
    onTime += m.onTime;
  }
  return due === 0 ? null : Math.round((onTime / due) * 1000) / 1000;
}

/** A CSV cell: quoted, and never read as a formula by a spreadsheet. */
function cell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function complianceRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;

  api.route({
    method: 'get',
    path: '/compliance',
    operationId: 'getCompliance',
    summary: 'Compliance of the people the caller oversees: per team, overdue by kind, on-time rate by month',
    tags: ['compliance'],
    query: complianceQuerySchema,
    response: complianceSchema,
    handler: ({ identity, query }): Promise<Compliance> => sharedView(deps, identity, `compliance:${query.team ?? ''}:${query.months}:${todayOf(services)}`, async () => {
      const { asOf, people } = await assessScope(deps, identity, query.team);
      const teams = new Map<string, { people: number; onTrack: number }>();
      const byKind = new Map<Finding['kind'], number>();
      for (const p of people) {
        const breaches = p.findings.filter(isBreach);
        const entry = teams.get(p.staff.team) ?? { people: 0, onTrack: 0 };
        entry.people += 1;
        if (breaches.length === 0) entry.onTrack += 1;
        teams.set(p.staff.team, entry);
        for (const f of breaches) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
      }
      return {
        asOf,
        teams: [...teams.entries()].map(([team, t]) => ({ team, people: t.people, onTrack: t.onTrack, onTrackRate: t.people === 0 ? 1 : Math.round((t.onTrack / t.people) * 1000) / 1000 })),
        overdueByKind: [...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([kind, count]) => ({ kind, label: findingLabel(kind), count })),
        monthly: monthlyRates(
          people.map((p) => p.timeline),
          asOf,
          query.months,
        ),
        people: people.map((p) => ({
          person: p.person,
          team: p.staff.team,
          roleLabel: findRole(services.pack, p.staff.role).label,
          status: statusOf(p.findings, p.cadence).status,
          breaches: p.findings.filter(isBreach).length,
          onTimeRate: rateOf(p.timeline),
          lastHeld: p.cadence.lastHeld,
          nextDue: p.cadence.nextDue,
        })),
      };
    }),
  });

  api.route({
    method: 'get',
    path: '/compliance/people/{id}',
    operationId: 'getPersonCompliance',
    summary: 'One supervisee\'s findings (each with the rule and seed section) and sessions, held on time or not',
    tags: ['compliance'],
    params: idParams,
    query: complianceQuerySchema.pick({ months: true }),
    response: personComplianceSchema,
    errors: [403, 404],
    handler: async ({ identity, params, query }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.read(identity, params.id);
      const asOf = todayOf(services);
      const p = await assess(deps, auth, staff, asOf);
      return {
        asOf,
        person: p.person,
        roleLabel: findRole(services.pack, staff.role).label,
        team: staff.team,
        status: statusOf(p.findings, p.cadence).status,
        findings: p.findings.map(findingView),
        sessions: p.data.occurrences
          .filter((o) => o.status !== 'planned' || o.date >= asOf)
          .map((o) => {
            const entry = o.status === 'held' ? p.timeline.sessions.get(o.date) : undefined;
            return {
              date: o.date,
              kind: o.kind,
              status: o.status,
              onTime: o.kind === 'informal' || o.status !== 'held' ? null : (entry?.onTime ?? null),
              dueBy: entry?.dueBy ?? null,
              recordStatus: o.recordStatus ?? null,
            };
          }),
        monthly: monthlyRates([p.timeline], asOf, query.months),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/compliance.csv',
    operationId: 'exportCompliance',
    summary: 'The compliance findings as CSV, one row per finding (a row per person without findings)',
    tags: ['compliance'],
    query: complianceQuerySchema.pick({ team: true }),
    response: csvSchema,
    produces: 'text/csv',
    handler: async ({ identity, query }) => {
      const { asOf, people } = await assessScope(deps, identity, query.team);
      const header = ['As of', 'Person', 'Team', 'Role', 'Status', 'Finding', 'Subject', 'Due', 'Days overdue', 'Severity', 'Rule', 'Policy source'];
      const rows = [header.map(cell).join(',')];
      for (const p of people) {
        const base = [asOf, p.person.displayName, p.staff.team, findRole(services.pack, p.staff.role).label, statusOf(p.findings, p.cadence).status];
        if (p.findings.length === 0) rows.push([...base, '', '', '', '', '', '', ''].map(cell).join(','));
        for (const f of p.findings) {
          const source = sourceView(f.source);
          rows.push([...base, f.kind, f.subject, f.due, f.overdueBy > 0 ? f.overdueBy : 0, f.severity, f.ruleId, source.ref].map(cell).join(','));
        }
      }
      return `${rows.join('\r\n')}\r\n`;
    },
  });
}
