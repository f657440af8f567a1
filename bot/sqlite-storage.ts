/**
 * The Agents SDK `Storage` over SQLite: bot state and conversation references survive a
 * restart in local mode (tenant mode uses the SDK's Blob or Cosmos storage).
 *
 * Concurrency follows the interface's contract as MemoryStorage implements it: every write
 * gives the item a new eTag; a write naming an eTag succeeds only if it is still the stored
 * one ("*" or no eTag writes unconditionally). A batch is one transaction, so a conflict on
 * any key writes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem } from '@microsoft/agents-hosting';
import Database from 'better-sqlite3';
import { SupervisionError } from '../src/errors.js';

type StoredValue = Record<string, unknown>;

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag TEXT NOT NULL, updated_at INTEGER NOT NULL)');
  }

  async read(keys: string[]): Promise<StoreItem> {
    if (!Array.isArray(keys) || keys.length === 0) throw new SupervisionError('INVALID_INPUT', 'storage read needs at least one key', { field: 'keys' });
    const select = this.db.prepare('SELECT value, etag FROM store WHERE key = ?');
    const items: StoreItem = {};
    for (const key of new Set(keys)) {
      const row = select.get(key) as { value: string; etag: string } | undefined;
      if (row) items[key] = { ...(JSON.parse(row.value) as StoredValue), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItem): Promise<void> {
    const entries = changes && typeof changes === 'object' ? Object.entries(changes as Record<string, StoredValue | undefined>) : [];
    if (entries.length === 0) throw new SupervisionError('INVALID_INPUT', 'storage write needs at least one change', { field: 'changes' });
    const current = this.db.prepare('SELECT etag FROM store WHERE key = ?');
    const upsert = this.db.prepare(
      'INSERT INTO store (key, value, etag, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at',
    );
    const apply = this.db.transaction(() => {
      for (const [key, item] of entries) {
        const { eTag, ...value } = item ?? {};
        const stored = current.get(key) as { etag: string } | undefined;
        if (stored && typeof eTag === 'string' && eTag !== '*' && eTag !== stored.etag) {
          throw new SupervisionError('CONFLICT', `storage item "${key}" was changed by another turn (eTag mismatch)`, { field: 'eTag' });
        }
        upsert.run(key, JSON.stringify(value), randomUUID(), Date.now());
      }
    });
    apply.immediate();
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys) || keys.length === 0) return;
    const remove = this.db.prepare('DELETE FROM store WHERE key = ?');
    const apply = this.db.transaction(() => {
      for (const key of keys) remove.run(key);
    });
    apply.immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
