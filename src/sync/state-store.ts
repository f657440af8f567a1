/**
 * Where calendar sync keeps, per supervisor mailbox, the deltaLink of the current round and
 * what it last saw of each booked occurrence. The snapshot is what turns Graph's bare
 * `@removed {id}` (no series id, no date) back into "which session was lost", and what lets a
 * fresh round (new window, or a 410 reset) notice occurrences that vanished in between.
 */
import Database from 'better-sqlite3';

/** What sync last saw of one booked occurrence (ids and instants only, no content). */
export interface SeenOccurrence {
  /** The booked event id the occurrence belongs to (series master or single). */
  bookedId: string;
  /** Original start (ISO instant): the occurrence's identity inside its series. */
  originalStart: string;
  /** Current start (ISO instant). */
  start: string;
}

export interface MailboxSyncState {
  /** The window the deltaLink was issued for (ISO instants); a token encodes its window. */
  from: string;
  to: string;
  deltaLink: string;
  /** By Graph event id. */
  occurrences: Record<string, SeenOccurrence>;
}

export interface SyncStateStore {
  get(mailbox: string): MailboxSyncState | undefined;
  put(mailbox: string, state: MailboxSyncState): void;
}

export class MemorySyncStateStore implements SyncStateStore {
  private readonly states = new Map<string, MailboxSyncState>();

  get(mailbox: string): MailboxSyncState | undefined {
    const state = this.states.get(mailbox);
    // A copy, so a caller mutating it cannot change what was stored.
    return state ? structuredClone(state) : undefined;
  }

  put(mailbox: string, state: MailboxSyncState): void {
    this.states.set(mailbox, structuredClone(state));
  }
}

/** One small table in the data directory (WAL, so several server instances can share it). */
export class SqliteSyncStateStore implements SyncStateStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS calendar_sync (
      mailbox TEXT PRIMARY KEY,
      window_from TEXT NOT NULL,
      window_to TEXT NOT NULL,
      delta_link TEXT NOT NULL,
      occurrences TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
  }

  get(mailbox: string): MailboxSyncState | undefined {
    const row = this.db.prepare('SELECT window_from, window_to, delta_link, occurrences FROM calendar_sync WHERE mailbox = ?').get(mailbox) as
      | { window_from: string; window_to: string; delta_link: string; occurrences: string }
      | undefined;
    if (!row) return undefined;
    return { from: row.window_from, to: row.window_to, deltaLink: row.delta_link, occurrences: JSON.parse(row.occurrences) as Record<string, SeenOccurrence> };
  }

  put(mailbox: string, state: MailboxSyncState): void {
    this.db
      .prepare(
        `INSERT INTO calendar_sync (mailbox, window_from, window_to, delta_link, occurrences, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(mailbox) DO UPDATE SET window_from = excluded.window_from, window_to = excluded.window_to,
           delta_link = excluded.delta_link, occurrences = excluded.occurrences, updated_at = excluded.updated_at`,
      )
      .run(mailbox, state.from, state.to, state.deltaLink, JSON.stringify(state.occurrences), Date.now());
  }

  close(): void {
    this.db.close();
  }
}
