/**
 * Where governance keeps its own state: the record audit log and the audit samples, in one
 * SQLite file in the data directory (beside the job table). Both are about the records, not
 * records themselves, so they never hold record content: samples name records by id only.
 *
 * A sample carries an integer version; every change names the version it was read at, so two
 * service managers reviewing one sample get a conflict, never a silent overwrite.
 */
import Database from 'better-sqlite3';
import { z } from 'zod';
import { civilDateSchema } from '../compliance/input.js';
import { SupervisionError } from '../errors.js';
import { SqliteAuditLog, type AuditLog } from './audit-log.js';

const instant = z.iso.datetime({ offset: true });

export const sampleItemSchema = z.strictObject({
  list: z.literal('sessionRecords'),
  recordId: z.string().min(1),
  superviseeId: z.string().min(1),
  supervisorId: z.string().min(1),
  sessionDate: civilDateSchema,
  reviewedBy: z.string().min(1).optional(),
  reviewedAt: instant.optional(),
});
export type SampleItem = z.infer<typeof sampleItemSchema>;

export const sampleNoticeSchema = z.strictObject({
  userId: z.string().min(1),
  /** `pending`: the bot could not reach the person yet (no conversation); the next try sends it. */
  status: z.enum(['sent', 'pending']),
  at: instant,
});
export type SampleNotice = z.infer<typeof sampleNoticeSchema>;

export const auditSampleSchema = z.strictObject({
  id: z.string().min(1),
  org: z.string().min(1),
  /** The pack's periodic review the sample is drawn for. */
  reviewId: z.string().min(1),
  period: z.strictObject({ from: civilDateSchema, to: civilDateSchema }),
  seed: z.number().int().nonnegative(),
  drawnBy: z.string().min(1),
  drawnAt: instant,
  notifySupervisee: z.boolean(),
  items: z.array(sampleItemSchema),
  notices: z.array(sampleNoticeSchema),
});
export type AuditSample = z.infer<typeof auditSampleSchema>;

export interface StoredSample {
  sample: AuditSample;
  version: string;
}

export interface SampleStore {
  /** Stores a new sample; a second sample for the same org and period is a CONFLICT. */
  create(sample: AuditSample): StoredSample;
  get(id: string): StoredSample | undefined;
  list(org: string): StoredSample[];
  /** Replaces a sample read at `version`; a newer version is a CONFLICT. */
  update(sample: AuditSample, version: string): StoredSample;
}

export interface GovernanceStore {
  audit: AuditLog;
  samples: SampleStore;
  close(): void;
}

interface SampleRow {
  id: string;
  body: string;
  version: number;
}

function stored(row: SampleRow): StoredSample {
  return { sample: auditSampleSchema.parse(JSON.parse(row.body)), version: String(row.version) };
}

function sampleConflict(id: string): SupervisionError {
  return new SupervisionError('CONFLICT', `audit sample "${id}" was changed by someone else since you opened it; reload to see their changes`, { field: 'version' });
}

class SqliteSampleStore implements SampleStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS audit_samples (
      id TEXT PRIMARY KEY,
      org TEXT NOT NULL,
      period_from TEXT NOT NULL,
      body TEXT NOT NULL,
      version INTEGER NOT NULL,
      UNIQUE (org, period_from)
    );`);
  }

  create(sample: AuditSample): StoredSample {
    const s = auditSampleSchema.parse(sample);
    const result = this.db.prepare('INSERT OR IGNORE INTO audit_samples (id, org, period_from, body, version) VALUES (?, ?, ?, ?, 1)').run(s.id, s.org, s.period.from, JSON.stringify(s));
    if (result.changes === 0) throw new SupervisionError('CONFLICT', `a sample for ${s.period.from} to ${s.period.to} has already been drawn; review that one`, { field: 'asOf' });
    return { sample: s, version: '1' };
  }

  get(id: string): StoredSample | undefined {
    const row = this.db.prepare('SELECT id, body, version FROM audit_samples WHERE id = ?').get(id) as SampleRow | undefined;
    return row ? stored(row) : undefined;
  }

  list(org: string): StoredSample[] {
    return (this.db.prepare('SELECT id, body, version FROM audit_samples WHERE org = ? ORDER BY period_from DESC').all(org) as SampleRow[]).map(stored);
  }

  update(sample: AuditSample, version: string): StoredSample {
    const s = auditSampleSchema.parse(sample);
    const next = Number(version) + 1;
    const result = this.db.prepare('UPDATE audit_samples SET body = ?, version = ? WHERE id = ? AND version = ?').run(JSON.stringify(s), next, s.id, Number(version));
    if (result.changes === 0) {
      if (!this.get(s.id)) throw new SupervisionError('NOT_FOUND', `no audit sample "${s.id}"`, { field: 'sampleId' });
      throw sampleConflict(s.id);
    }
    return { sample: s, version: String(next) };
  }
}

/** The governance store in `file` (`:memory:` for a store that lives as long as the process). */
export function openGovernanceStore(file: string): GovernanceStore {
  const db = new Database(file);
  if (file !== ':memory:') {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
  }
  const audit = new SqliteAuditLog(db);
  const samples = new SqliteSampleStore(db);
  return {
    audit,
    samples,
    close: () => {
      if (db.open) db.close();
    },
  };
}
