/**
 * The audit log of record access by anyone other than a record's two parties: who, when,
 * which record and what they did, never the record's content. The entry schema is strict, so
 * a caller cannot smuggle content in as an extra field.
 */
import Database from 'better-sqlite3';
import { z } from 'zod';

export const auditEntrySchema = z.strictObject({
  actorId: z.string().min(1).max(128),
  action: z.enum(['read', 'write', 'delete', 'export', 'sample', 'review']),
  list: z.string().min(1).max(64),
  recordId: z.string().min(1).max(256),
  at: z.iso.datetime({ offset: true }),
  /** The organisation (pack id) whose record it is: service managers read their own only. */
  org: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/)
    .optional(),
  /** Why, as a code (e.g. `retention`, `subject-access`, `audit-sample`), never free text. */
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/)
    .optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditQuery {
  org?: string;
  recordId?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

export interface AuditLog {
  write(entry: AuditEntry): void;
  entries(query?: AuditQuery): AuditEntry[];
}

/** Whether access by `actorId` is to be logged: the issue logs everyone but the two parties. */
export function isThirdParty(actorId: string, record: { superviseeId?: unknown; supervisorId?: unknown; userId?: unknown }): boolean {
  return actorId !== record.superviseeId && actorId !== record.supervisorId && actorId !== record.userId;
}

/** Writes the entry only when the actor is not a party to the record. */
export function auditAccess(log: AuditLog, entry: AuditEntry, record: { superviseeId?: unknown; supervisorId?: unknown; userId?: unknown }): boolean {
  if (!isThirdParty(entry.actorId, record)) return false;
  log.write(entry);
  return true;
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  return (
    (query.org === undefined || entry.org === query.org) &&
    (query.recordId === undefined || entry.recordId === query.recordId) &&
    (query.actorId === undefined || entry.actorId === query.actorId) &&
    (query.from === undefined || entry.at >= query.from) &&
    (query.to === undefined || entry.at < query.to)
  );
}

export class MemoryAuditLog implements AuditLog {
  private readonly log: AuditEntry[] = [];

  write(entry: AuditEntry): void {
    this.log.push(auditEntrySchema.parse(entry));
  }

  entries(query: AuditQuery = {}): AuditEntry[] {
    return this.log.filter((e) => matches(e, query));
  }
}

/** Append-only table in the data directory (or in a database the caller shares with it). */
export class SqliteAuditLog implements AuditLog {
  private readonly db: Database.Database;
  private readonly owned: boolean;

  constructor(file: string | Database.Database) {
    this.owned = typeof file === 'string';
    this.db = typeof file === 'string' ? new Database(file) : file;
    if (this.owned) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS record_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      actor_id TEXT NOT NULL,
      action TEXT NOT NULL,
      list TEXT NOT NULL,
      record_id TEXT NOT NULL,
      at TEXT NOT NULL,
      org TEXT,
      purpose TEXT
    );
    CREATE INDEX IF NOT EXISTS record_audit_record ON record_audit (record_id);
    CREATE INDEX IF NOT EXISTS record_audit_at ON record_audit (at);
    CREATE INDEX IF NOT EXISTS record_audit_org ON record_audit (org, at);`);
  }

  write(entry: AuditEntry): void {
    const e = auditEntrySchema.parse(entry);
    this.db
      .prepare('INSERT INTO record_audit (actor_id, action, list, record_id, at, org, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.actorId, e.action, e.list, e.recordId, e.at, e.org ?? null, e.purpose ?? null);
  }

  entries(query: AuditQuery = {}): AuditEntry[] {
    // Filtered in SQL: the log grows with every third-party read and is never pruned.
    const where: string[] = [];
    const values: string[] = [];
    const columns: [keyof AuditQuery, string][] = [
      ['org', 'org = ?'],
      ['recordId', 'record_id = ?'],
      ['actorId', 'actor_id = ?'],
      ['from', 'at >= ?'],
      ['to', 'at < ?'],
    ];
    for (const [key, clause] of columns) {
      const value = query[key];
      if (value === undefined) continue;
      where.push(clause);
      values.push(value);
    }
    const sql = `SELECT actor_id, action, list, record_id, at, org, purpose FROM record_audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    const rows = this.db.prepare(sql).all(...values) as {
      actor_id: string;
      action: AuditEntry['action'];
      list: string;
      record_id: string;
      at: string;
      org: string | null;
      purpose: string | null;
    }[];
    return rows
      .map((r) => ({ actorId: r.actor_id, action: r.action, list: r.list, recordId: r.record_id, at: r.at, ...(r.org ? { org: r.org } : {}), ...(r.purpose ? { purpose: r.purpose } : {}) }));
  }

  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }
}
