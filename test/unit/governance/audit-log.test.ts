import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditAccess, isThirdParty, MemoryAuditLog, SqliteAuditLog, type AuditEntry } from '../../../src/governance/audit-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({ actorId: 'lm-1', action: 'read', list: 'sessionRecords', recordId: 's-1', at: '2026-03-01T10:00:00Z', ...over });
const record = { superviseeId: 'worker-a', supervisorId: 'sup-1' };

describe('audit log', () => {
  it('logs access by anyone but the two parties', () => {
    const log = new MemoryAuditLog();
    expect(auditAccess(log, entry({ actorId: 'worker-a' }), record)).toBe(false);
    expect(auditAccess(log, entry({ actorId: 'sup-1' }), record)).toBe(false);
    expect(auditAccess(log, entry({ actorId: 'lm-1' }), record)).toBe(true);
    expect(isThirdParty('sm-1', record)).toBe(true);
    expect(log.entries()).toEqual([entry()]);
  });

  it('refuses anything beyond who, when, what and which record (no content can be logged)', () => {
    const log = new MemoryAuditLog();
    expect(() => log.write({ ...entry(), text: 'record content' } as AuditEntry)).toThrow();
    expect(() => log.write(entry({ purpose: 'Free text about someone' }))).toThrow();
    expect(log.entries()).toEqual([]);
  });

  it('SQLite: persists across reopening and filters by record, actor and period', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
    dirs.push(dir);
    const file = join(dir, 'audit.sqlite');
    const log = new SqliteAuditLog(file);
    log.write(entry());
    log.write(entry({ recordId: 's-2', at: '2026-04-01T10:00:00Z', action: 'write' }));
    log.write(entry({ actorId: 'sm-1', action: 'export', purpose: 'subject-access' }));
    log.close();
    const reopened = new SqliteAuditLog(file);
    expect(reopened.entries()).toHaveLength(3);
    expect(reopened.entries({ recordId: 's-1' })).toHaveLength(2);
    expect(reopened.entries({ actorId: 'sm-1' })).toEqual([entry({ actorId: 'sm-1', action: 'export', purpose: 'subject-access' })]);
    expect(reopened.entries({ from: '2026-03-15T00:00:00Z', to: '2026-05-01T00:00:00Z' }).map((e) => e.recordId)).toEqual(['s-2']);
    reopened.close();
  });
});
