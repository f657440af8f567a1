import type { Pack } from '../policy/schema.js';
import { evaluate } from './evaluate.js';
import { findingKinds, isBreach, type Finding, type FindingKind } from './findings.js';
import type { ComplianceInput, PersonHistory } from './input.js';

export interface ComplianceSummary {
  people: number;
  /** People with no breach (findings about the future do not count). */
  onTrack: number;
  byKind: Partial<Record<FindingKind, number>>;
}

export interface ComplianceReport {
  asOf: string;
  findings: Finding[];
  summary: ComplianceSummary;
}

export function summarise(people: readonly Pick<PersonHistory, 'id'>[], findings: readonly Finding[]): ComplianceSummary {
  const breached = new Set(findings.filter(isBreach).map((f) => f.person));
  const byKind: Partial<Record<FindingKind, number>> = {};
  for (const kind of findingKinds) {
    const n = findings.filter((f) => f.kind === kind).length;
    if (n > 0) byKind[kind] = n;
  }
  return { people: people.length, onTrack: people.filter((p) => !breached.has(p.id)).length, byKind };
}

/** Evaluates everyone; errors name the JSON path of the person at fault (`people[3].role`). */
export function evaluateAll(pack: Pack, input: ComplianceInput, asOf: string): ComplianceReport {
  const findings: Finding[] = [];
  input.people.forEach((person, i) => findings.push(...evaluate(pack, person, asOf, `people[${i}]`)));
  return { asOf, findings, summary: summarise(input.people, findings) };
}

export interface GroupRollup extends ComplianceSummary {
  group: string;
  /** Share of people on track, 0..1. */
  onTrackRate: number;
}

/** The same summary per team (or per supervisor). */
export function rollupBy(people: readonly PersonHistory[], findings: readonly Finding[], key: (p: PersonHistory) => string): GroupRollup[] {
  const groups = new Map<string, PersonHistory[]>();
  for (const person of people) {
    const k = key(person);
    groups.set(k, [...(groups.get(k) ?? []), person]);
  }
  return [...groups.entries()]
    .map(([group, members]) => {
      const ids = new Set(members.map((m) => m.id));
      const summary = summarise(members, findings.filter((f) => ids.has(f.person)));
      return { group, ...summary, onTrackRate: summary.people === 0 ? 1 : summary.onTrack / summary.people };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}
