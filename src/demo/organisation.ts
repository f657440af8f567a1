/**
 * The fictional organisation `npm start` seeds on first run: a service manager, three team
 * managers and their supervisees across the roles of one pack, with caseload references.
 * Every name is invented (none comes from a seed) and every case is a made-up reference.
 */
import { addMonths, toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import type { Pack } from '../policy/schema.js';
import type { CaseloadEntry, Staff } from '../records/models.js';

export const demoDomain = 'wrenfield.example';
export const demoSiteId = 'wrenfield.example,7f1c2a50-0d1e-4c55-9a7b-3c9e2f6a1b01,0a6d3b9e-51f2-4c6e-8d2a-7e4b1c9f3d02';

export interface DemoUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string;
  jobTitle: string;
  department: string;
  managerId: string | null;
}

export interface DemoOrganisation {
  users: DemoUser[];
  staff: Staff[];
  caseload: CaseloadEntry[];
}

const serviceManager = { given: 'Marisol', family: 'Thackeray' };
const teamManagers = [
  { given: 'Idris', family: 'Penhallow', team: 'Assessment North' },
  { given: 'Corliss', family: 'Abernathy', team: 'Family Support East' },
  { given: 'Tamsin', family: 'Vaudrey', team: 'Children in Care' },
];
const supervisees = [
  { given: 'Orla', family: 'Fenwright' },
  { given: 'Kofi', family: 'Ashdown' },
  { given: 'Priya', family: 'Lockhart-Mbeki' },
  { given: 'Ewan', family: 'Castellane' },
  { given: 'Nadia', family: "O'Rourke-Vance" },
  { given: 'Tobias', family: 'Greystoke' },
  { given: 'Yusra', family: 'Pellinore' },
  { given: 'Declan', family: 'Marchbanks' },
  { given: 'Hana', family: 'Wilberforce-Ito' },
  { given: 'Rufus', family: 'Ambleside' },
  { given: 'Leontine', family: 'Carrow' },
  { given: 'Sami', family: 'Birtwhistle' },
  { given: 'Imogen', family: 'Trevanion' },
  { given: 'Bartek', family: 'Holloway-Szabo' },
  { given: 'Femi', family: 'Quarrington' },
];

function guid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function person(n: number, name: { given: string; family: string }, jobTitle: string, department: string, managerId: string | null): DemoUser {
  const local = `${name.given}.${name.family}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    id: guid(n),
    displayName: `${name.given} ${name.family}`,
    userPrincipalName: `${local}@${demoDomain}`,
    mail: `${local}@${demoDomain}`,
    jobTitle,
    department,
    managerId,
  };
}

/**
 * Roles to give the demo supervisees: the pack's canonical practitioner roles first, so the
 * demo shows the phased cadences (ASYE) and the special cases (students, casual staff).
 */
function rolesFor(pack: Pack): string[] {
  const managerial = new Set(['team-manager', 'service-manager', 'head-of-service', 'service-director']);
  const preferred = ['asye', 'social-worker', 'student', 'casual', 'returner', 'support-services', 'early-help', 'residential'];
  const ids = pack.roles.map((r) => r.id).filter((id) => !managerial.has(id));
  return [...preferred.filter((id) => ids.includes(id)), ...ids.filter((id) => !preferred.includes(id))];
}

/** The demo organisation for a pack, as of a date (relationships start before it). */
export function demoOrganisation(pack: Pack, asOf: CivilDate): DemoOrganisation {
  const users: DemoUser[] = [];
  const staff: Staff[] = [];
  const caseload: CaseloadEntry[] = [];
  const manager = person(1, serviceManager, 'Service Manager', "Children's Services", null);
  users.push(manager);
  const managerRole = pack.roles.find((r) => r.id === 'service-manager') ? 'service-manager' : 'team-manager';
  const teamManagerRole = pack.roles.find((r) => r.id === 'team-manager')?.id ?? pack.roles[0]!.id;
  const today = toDay(asOf);
  const roles = rolesFor(pack);
  const categories = pack.caseDiscussion.rules.map((r) => r.category);

  teamManagers.forEach((tm, t) => {
    const user = person(10 + t, tm, 'Team Manager', tm.team, manager.id);
    users.push(user);
    staff.push({ id: `staff-${user.id}`, userId: user.id, org: pack.id, role: teamManagerRole, team: tm.team, start: toCivil(addMonths(today, -14 - t)), supervisorId: manager.id });
  });
  if (managerRole === 'service-manager') {
    staff.push({ id: `staff-${manager.id}`, userId: manager.id, org: pack.id, role: managerRole, team: 'Leadership', start: toCivil(addMonths(today, -30)), supervisorId: guid(2) });
    users.push(person(2, { given: 'Anselm', family: 'Gadsby' }, 'Head of Service', "Children's Services", null));
    manager.managerId = guid(2);
  }

  supervisees.forEach((name, i) => {
    const team = teamManagers[i % teamManagers.length]!;
    const teamManager = users.find((u) => u.displayName === `${team.given} ${team.family}`)!;
    const role = roles[i % roles.length]!;
    const label = pack.roles.find((r) => r.id === role)?.label ?? role;
    const user = person(100 + i, name, label.split(/[(:,]/)[0]!.trim().slice(0, 60), team.team, teamManager.id);
    users.push(user);
    // ASYEs and new starters started recently; others have longer relationships.
    const start = role === 'asye' || role === 'student' ? today - 21 - i : addMonths(today, -(3 + (i % 9)));
    staff.push({ id: `staff-${user.id}`, userId: user.id, org: pack.id, role, team: team.team, start: toCivil(start), employmentStart: toCivil(start), supervisorId: teamManager.id, supervisorSince: toCivil(start) });
    for (let c = 0; c < 3 + (i % 4); c++) {
      const n = 200000 + i * 10 + c;
      caseload.push({
        id: `case-${user.id}-${c}`,
        superviseeId: user.id,
        caseRef: `${pack.caseDiscussion.referenceSystems[0] ?? 'LCS'}-${n}`.replace(/\s+/g, ''),
        category: categories[(i + c) % categories.length]!,
        opened: toCivil(Math.max(start, today - 40 * (c + 1))),
      });
    }
  });
  return { users, staff, caseload };
}
