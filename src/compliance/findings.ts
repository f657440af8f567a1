import type { Source } from '../policy/schema.js';

export const findingKinds = [
  'session-due-soon',
  'session-overdue',
  'first-session-late',
  'agreement-missing',
  'agreement-late',
  'agreement-review-due',
  'record-late',
  'case-direction-late',
  'case-discussion-overdue',
  'cancellation-not-rearranged',
  'cancellation-reason-missing',
  'cancellation-reason-not-permitted',
  'action-overdue',
  'group-attendance-low',
  'appraisal-review-due',
  'supervisor-absent',
] as const;

export type FindingKind = (typeof findingKinds)[number];
export type Severity = 'low' | 'medium' | 'high';

export interface Finding {
  /** The supervisee the finding is about. */
  person: string;
  kind: FindingKind;
  /** What is due or late, in words a supervisor recognises (no case details: references only). */
  subject: string;
  /** The deadline: a date, or an ISO instant for deadlines counted in hours. */
  due: string;
  /** Days past the deadline (fractions for hour deadlines); negative when due in the future. */
  overdueBy: number;
  severity: Severity;
  /** Pack-relative id of the rule, e.g. `records/shareWithin` or `roles/asye/one-to-one/weekly`. */
  ruleId: string;
  /** Where the organisation's policy says so. */
  source: Source;
}

/** Kinds that are warnings about the future, not breaches: a person with only these is on track. */
export const upcomingKinds: ReadonlySet<FindingKind> = new Set(['session-due-soon']);

export function isBreach(finding: Finding): boolean {
  return finding.overdueBy > 0 && !upcomingKinds.has(finding.kind);
}
