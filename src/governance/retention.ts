/**
 * Retention per pack (e.g. Birmingham: six years after the worker leaves; Northumberland: 25
 * years). `retentionReport` is pure: which records are past retention as of a date, and why.
 * `applyRetention` deletes them only when not a dry run, writing an audit entry per deletion.
 */
import { toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import { dayDeadline } from '../policy/duration.js';
import type { Pack } from '../policy/schema.js';
import type { RecordsRepository } from '../records/repository.js';
import type { AuditLog } from './audit-log.js';
import { recordDate, type HeldRecord } from './person-records.js';

export interface RetentionSubject {
  /** The worker the records are about (the supervisee). */
  userId: string;
  leftAt?: CivilDate;
  records: readonly HeldRecord[];
}

export interface RetentionItem {
  list: HeldRecord['list'];
  id: string;
  version: string;
  /** Last day the record must be kept. */
  keepUntil: CivilDate;
}

export interface RetentionReport {
  asOf: CivilDate;
  /** Null when the pack sets no retention: nothing is ever due. */
  rule: { keep: string; after: 'worker-leaves' | 'record-created' } | null;
  due: RetentionItem[];
  /** Records kept, with why (counts only: the report may be shared). */
  kept: { stillEmployed: number; withinPeriod: number; undated: number };
}

function keepText(pack: Pack): string {
  const [unit, n] = Object.entries(pack.retention!.keep)[0] as [string, number];
  return `${n} ${unit}`;
}

/** Pure: what is past retention as of `asOf`. */
export function retentionReport(pack: Pack, asOf: CivilDate, subjects: readonly RetentionSubject[]): RetentionReport {
  const report: RetentionReport = { asOf, rule: null, due: [], kept: { stillEmployed: 0, withinPeriod: 0, undated: 0 } };
  const rule = pack.retention;
  if (!rule) return report;
  report.rule = { keep: keepText(pack), after: rule.after };
  const today = toDay(asOf);
  for (const subject of subjects) {
    for (const held of subject.records) {
      let from: CivilDate | undefined;
      if (rule.after === 'worker-leaves') {
        if (!subject.leftAt) {
          report.kept.stillEmployed += 1;
          continue;
        }
        // A record written after the worker left (a late sign-off) is kept from its own date.
        const dated = recordDate(held.record);
        from = dated && dated > subject.leftAt ? dated : subject.leftAt;
      } else {
        from = recordDate(held.record);
      }
      if (!from) {
        // Never delete what cannot be dated: a person must look at it.
        report.kept.undated += 1;
        continue;
      }
      const keepUntil = dayDeadline(toDay(from), rule.keep);
      if (today > keepUntil) report.due.push({ list: held.list, id: held.id, version: held.version, keepUntil: toCivil(keepUntil) });
      else report.kept.withinPeriod += 1;
    }
  }
  report.due.sort((a, b) => a.keepUntil.localeCompare(b.keepUntil) || a.list.localeCompare(b.list) || a.id.localeCompare(b.id));
  return report;
}

export interface ApplyOptions {
  dryRun: boolean;
  /** Who runs it (the retention job's service identity or a service manager). */
  actorId: string;
  at: Date;
  audit: AuditLog;
  /** The organisation the records belong to (scopes the audit entries). */
  org?: string;
}

/** Deletes what the report lists, unless dry run; a record changed since the report is left. */
export async function applyRetention(records: RecordsRepository, report: RetentionReport, options: ApplyOptions): Promise<{ deleted: number; skipped: number; dryRun: boolean }> {
  if (options.dryRun) return { deleted: 0, skipped: 0, dryRun: true };
  let deleted = 0;
  let skipped = 0;
  for (const item of report.due) {
    try {
      await records.remove(item.list, item.id, item.version);
      options.audit.write({ actorId: options.actorId, action: 'delete', list: item.list, recordId: item.id, at: options.at.toISOString(), ...(options.org ? { org: options.org } : {}), purpose: 'retention' });
      deleted += 1;
    } catch {
      // Changed since the report (a CONFLICT): someone is using it; the next run decides again.
      skipped += 1;
    }
  }
  return { deleted, skipped, dryRun: false };
}
