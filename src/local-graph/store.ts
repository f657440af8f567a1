/**
 * Persistence: one SQLite file per data directory, each resource kept as its JSON payload
 * with the few columns lookups need. Synchronous by design: better-sqlite3 calls never
 * interleave, so a request's read-modify-write cannot race another request in this process.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DirectoryUser } from './index.js';
import type { StoredEvent } from './event-model.js';

export interface WorkingHours {
  daysOfWeek: string[];
  startTime: string;
  endTime: string;
  timeZone: { name: string };
}

export interface MailboxSettings {
  timeZone: string;
  workingHours: WorkingHours;
}

export interface StoredUser extends DirectoryUser {
  mailboxSettings: MailboxSettings;
}

export interface StoredSite {
  id: string;
  displayName: string;
  webUrl: string;
  createdDateTime: number;
}

export const columnTypes = ['text', 'number', 'dateTime', 'boolean', 'choice', 'personOrGroup', 'lookup', 'currency', 'hyperlinkOrPicture'] as const;
export type ColumnType = (typeof columnTypes)[number];

export interface StoredColumn {
  id: string;
  name: string;
  displayName: string;
  description: string;
  type: ColumnType;
  /** The type facet as sent (e.g. `{ allowMultipleLines: true }` for text). */
  facet: Record<string, unknown>;
  indexed: boolean;
  required: boolean;
  hidden: boolean;
  readOnly: boolean;
  enforceUniqueValues: boolean;
  columnGroup: string;
  /** An index added to a list past the list view threshold is built in the background; until then queries cannot use it. */
  indexReadyAt?: number;
}

export interface StoredList {
  id: string;
  siteId: string;
  displayName: string;
  name: string;
  description: string;
  template: string;
  createdDateTime: number;
  lastModifiedDateTime: number;
  columns: StoredColumn[];
  /** SharePoint never reuses an item id, even after a delete. */
  nextItemId: number;
}

export interface StoredItem {
  id: number;
  listId: string;
  /** The unique id in the item's eTag (`"guid,version"`). */
  guid: string;
  version: number;
  createdDateTime: number;
  lastModifiedDateTime: number;
  fields: Record<string, unknown>;
}

export interface DeltaRound {
  token: string;
  mailbox: string;
  from: number;
  to: number;
  /** Instance id → fingerprint of what the client holds after this round. */
  snapshot: Record<string, string>;
  /** Rendered entries of this round, served page by page. */
  entries: Record<string, unknown>[];
}

const schema = `
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, upn TEXT NOT NULL, mail TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS users_upn ON users (upn COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS users_mail ON users (mail COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, ical_uid TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_mailbox ON events (mailbox);
CREATE INDEX IF NOT EXISTS events_ical ON events (ical_uid);
CREATE TABLE IF NOT EXISTS event_transactions (mailbox TEXT NOT NULL, transaction_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (mailbox, transaction_id));
CREATE TABLE IF NOT EXISTS delta_rounds (token TEXT PRIMARY KEY, mailbox TEXT NOT NULL, created INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS subscriptions_mailbox ON subscriptions (mailbox);
CREATE TABLE IF NOT EXISTS teams_apps (id TEXT PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams_app_installations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, app_id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (user_id, app_id));
CREATE TABLE IF NOT EXISTS sites (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lists (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, display_name TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lists_site ON lists (site_id);
CREATE TABLE IF NOT EXISTS list_items (list_id TEXT NOT NULL, id INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (list_id, id));
CREATE TABLE IF NOT EXISTS list_unique_values (list_id TEXT NOT NULL, column_name TEXT NOT NULL, value TEXT NOT NULL, item_id INTEGER NOT NULL, PRIMARY KEY (list_id, column_name, value));
CREATE INDEX IF NOT EXISTS list_unique_values_item ON list_unique_values (list_id, item_id);
`;

/** Rows keep JSON we wrote ourselves; parsing it back needs no re-validation. */
function parse<T>(row: { json: string } | undefined): T | undefined {
  return row ? (JSON.parse(row.json) as T) : undefined;
}

function parseAll<T>(rows: { json: string }[]): T[] {
  return rows.map((r) => JSON.parse(r.json) as T);
}

type JsonRow = { json: string };

/** Told after each event write: which mailbox, which item, and whether it was new or removed. */
export type EventChangeListener = (change: { mailbox: string; eventId: string; changeType: 'created' | 'updated' | 'deleted'; changeKey?: string }) => void;

export class Store {
  private readonly db: Database.Database;
  private eventListener: EventChangeListener | undefined;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'local-graph.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schema);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` atomically: a multi-row change (an event and its attendee copies) lands whole or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  isEmpty(): boolean {
    const row = this.db.prepare('SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM sites) AS n').get() as { n: number };
    return row.n === 0;
  }

  // --- directory ------------------------------------------------------------------------

  putUser(user: StoredUser): void {
    this.db
      .prepare('INSERT INTO users (id, upn, mail, json) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET upn = excluded.upn, mail = excluded.mail, json = excluded.json')
      .run(user.id, user.userPrincipalName, user.mail, JSON.stringify(user));
  }

  /** By object id, userPrincipalName or mail, as `/users/{id|userPrincipalName}` resolves. */
  findUser(key: string): StoredUser | undefined {
    const row = this.db
      .prepare('SELECT json FROM users WHERE id = ? COLLATE NOCASE OR upn = ? COLLATE NOCASE OR mail = ? COLLATE NOCASE LIMIT 1')
      .get(key, key, key) as JsonRow | undefined;
    return parse<StoredUser>(row);
  }

  /**
   * The mailbox an e-mail address reaches, as Exchange resolves recipients: the primary SMTP
   * address, or the userPrincipalName standing in for a proxy address (this directory keeps
   * no proxyAddresses). Never an object id: that is not an address.
   */
  findUserByAddress(address: string): StoredUser | undefined {
    const row = this.db.prepare('SELECT json FROM users WHERE mail = ? COLLATE NOCASE OR upn = ? COLLATE NOCASE ORDER BY (mail = ? COLLATE NOCASE) DESC LIMIT 1').get(address, address, address) as JsonRow | undefined;
    return parse<StoredUser>(row);
  }

  listUsers(): StoredUser[] {
    return parseAll<StoredUser>(this.db.prepare('SELECT json FROM users ORDER BY rowid').all() as JsonRow[]);
  }

  // --- calendar -------------------------------------------------------------------------

  getEvent(id: string): StoredEvent | undefined {
    return parse<StoredEvent>(this.db.prepare('SELECT json FROM events WHERE id = ?').get(id) as JsonRow | undefined);
  }

  /** Change notifications hang off every event write (one listener: the subscriptions). */
  onEventChange(listener: EventChangeListener | undefined): void {
    this.eventListener = listener;
  }

  putEvent(event: StoredEvent): void {
    const existed = this.eventListener ? this.db.prepare('SELECT 1 FROM events WHERE id = ?').get(event.id) !== undefined : false;
    this.db
      .prepare('INSERT INTO events (id, mailbox, ical_uid, json) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json')
      .run(event.id, event.mailbox, event.iCalUId, JSON.stringify(event));
    this.eventListener?.({ mailbox: event.mailbox, eventId: event.id, changeType: existed ? 'updated' : 'created', changeKey: event.changeKey });
  }

  deleteEvent(id: string): void {
    const mailbox = this.eventListener ? (this.db.prepare('SELECT mailbox FROM events WHERE id = ?').get(id) as { mailbox: string } | undefined)?.mailbox : undefined;
    this.db.prepare('DELETE FROM events WHERE id = ?').run(id);
    if (mailbox !== undefined) this.eventListener?.({ mailbox, eventId: id, changeType: 'deleted' });
    this.db.prepare('DELETE FROM event_transactions WHERE event_id = ?').run(id);
  }

  eventsOf(mailbox: string): StoredEvent[] {
    return parseAll<StoredEvent>(this.db.prepare('SELECT json FROM events WHERE mailbox = ? ORDER BY rowid').all(mailbox) as JsonRow[]);
  }

  eventsByICalUId(iCalUId: string): StoredEvent[] {
    return parseAll<StoredEvent>(this.db.prepare('SELECT json FROM events WHERE ical_uid = ? ORDER BY rowid').all(iCalUId) as JsonRow[]);
  }

  transactionEvent(mailbox: string, transactionId: string): string | undefined {
    const row = this.db.prepare('SELECT event_id FROM event_transactions WHERE mailbox = ? AND transaction_id = ?').get(mailbox, transactionId) as
      | { event_id: string }
      | undefined;
    return row?.event_id;
  }

  recordTransaction(mailbox: string, transactionId: string, eventId: string): void {
    this.db
      .prepare('INSERT INTO event_transactions (mailbox, transaction_id, event_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET event_id = excluded.event_id')
      .run(mailbox, transactionId, eventId);
  }

  putDeltaRound(round: DeltaRound, created: number): void {
    this.db.prepare('INSERT INTO delta_rounds (token, mailbox, created, json) VALUES (?, ?, ?, ?)').run(round.token, round.mailbox, created, JSON.stringify(round));
  }

  getDeltaRound(token: string): DeltaRound | undefined {
    return parse<DeltaRound>(this.db.prepare('SELECT json FROM delta_rounds WHERE token = ?').get(token) as JsonRow | undefined);
  }

  /** Tokens older than `before` expire, as Graph's sync states do. */
  pruneDeltaRounds(before: number): void {
    this.db.prepare('DELETE FROM delta_rounds WHERE created < ?').run(before);
  }

  // --- change notification subscriptions ------------------------------------------------

  putSubscription(subscription: { id: string; mailbox: string }): void {
    this.db
      .prepare('INSERT INTO subscriptions (id, mailbox, json) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json')
      .run(subscription.id, subscription.mailbox, JSON.stringify(subscription));
  }

  getSubscription<T>(id: string): T | undefined {
    return parse<T>(this.db.prepare('SELECT json FROM subscriptions WHERE id = ? COLLATE NOCASE').get(id) as JsonRow | undefined);
  }

  subscriptions<T>(mailbox?: string): T[] {
    const rows = mailbox === undefined ? this.db.prepare('SELECT json FROM subscriptions ORDER BY rowid').all() : this.db.prepare('SELECT json FROM subscriptions WHERE mailbox = ? ORDER BY rowid').all(mailbox);
    return parseAll<T>(rows as JsonRow[]);
  }

  deleteSubscription(id: string): void {
    this.db.prepare('DELETE FROM subscriptions WHERE id = ? COLLATE NOCASE').run(id);
  }

  // --- Teams app catalog and installations (teamwork.ts) ---------------------------------

  /** False when an app with this id or manifest id is already in the catalog. */
  addTeamsApp(app: { id: string; externalId: string }): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO teams_apps (id, external_id, json) VALUES (?, ?, ?)').run(app.id, app.externalId, JSON.stringify(app)).changes === 1;
  }

  teamsApps<T>(): T[] {
    return parseAll<T>(this.db.prepare('SELECT json FROM teams_apps ORDER BY rowid').all() as JsonRow[]);
  }

  /** False when the user has this app installed already. */
  addInstallation(installation: { id: string; userId: string; appId: string }): boolean {
    return this.db
      .prepare('INSERT OR IGNORE INTO teams_app_installations (id, user_id, app_id, json) VALUES (?, ?, ?, ?)')
      .run(installation.id, installation.userId, installation.appId, JSON.stringify(installation)).changes === 1;
  }

  installationsOf<T>(userId: string): T[] {
    return parseAll<T>(this.db.prepare('SELECT json FROM teams_app_installations WHERE user_id = ? ORDER BY rowid').all(userId) as JsonRow[]);
  }

  // --- SharePoint -----------------------------------------------------------------------

  putSite(site: StoredSite): void {
    this.db.prepare('INSERT INTO sites (id, json) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json').run(site.id, JSON.stringify(site));
  }

  getSite(id: string): StoredSite | undefined {
    return parse<StoredSite>(this.db.prepare('SELECT json FROM sites WHERE id = ? COLLATE NOCASE').get(id) as JsonRow | undefined);
  }

  listSites(): StoredSite[] {
    return parseAll<StoredSite>(this.db.prepare('SELECT json FROM sites ORDER BY rowid').all() as JsonRow[]);
  }

  putList(list: StoredList): void {
    this.db
      .prepare('INSERT INTO lists (id, site_id, display_name, json) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, json = excluded.json')
      .run(list.id, list.siteId, list.displayName, JSON.stringify(list));
  }

  listsOf(siteId: string): StoredList[] {
    return parseAll<StoredList>(this.db.prepare('SELECT json FROM lists WHERE site_id = ? ORDER BY rowid').all(siteId) as JsonRow[]);
  }

  getList(id: string): StoredList | undefined {
    return parse<StoredList>(this.db.prepare('SELECT json FROM lists WHERE id = ?').get(id) as JsonRow | undefined);
  }

  deleteList(id: string): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM list_items WHERE list_id = ?').run(id);
      this.db.prepare('DELETE FROM list_unique_values WHERE list_id = ?').run(id);
      this.db.prepare('DELETE FROM lists WHERE id = ?').run(id);
    });
  }

  getItem(listId: string, id: number): StoredItem | undefined {
    return parse<StoredItem>(this.db.prepare('SELECT json FROM list_items WHERE list_id = ? AND id = ?').get(listId, id) as JsonRow | undefined);
  }

  putItem(item: StoredItem): void {
    this.db
      .prepare('INSERT INTO list_items (list_id, id, json) VALUES (?, ?, ?) ON CONFLICT (list_id, id) DO UPDATE SET json = excluded.json')
      .run(item.listId, item.id, JSON.stringify(item));
  }

  deleteItem(listId: string, id: number): void {
    this.db.prepare('DELETE FROM list_items WHERE list_id = ? AND id = ?').run(listId, id);
    this.db.prepare('DELETE FROM list_unique_values WHERE list_id = ? AND item_id = ?').run(listId, id);
  }

  /** The item holding `value` in a column that enforces unique values (compared without case, as SharePoint does). */
  uniqueValueHolder(listId: string, column: string, value: string): number | undefined {
    const row = this.db.prepare('SELECT item_id FROM list_unique_values WHERE list_id = ? AND column_name = ? AND value = ?').get(listId, column.toLowerCase(), value.toLowerCase()) as { item_id: number } | undefined;
    return row?.item_id;
  }

  /** Replaces an item's entries in the unique-value index. */
  setUniqueValues(listId: string, itemId: number, values: readonly { column: string; value: string }[]): void {
    this.db.prepare('DELETE FROM list_unique_values WHERE list_id = ? AND item_id = ?').run(listId, itemId);
    const insert = this.db.prepare('INSERT INTO list_unique_values (list_id, column_name, value, item_id) VALUES (?, ?, ?, ?)');
    for (const { column, value } of values) insert.run(listId, column.toLowerCase(), value.toLowerCase(), itemId);
  }

  itemsOf(listId: string): StoredItem[] {
    return parseAll<StoredItem>(this.db.prepare('SELECT json FROM list_items WHERE list_id = ? ORDER BY id').all(listId) as JsonRow[]);
  }

  countItems(listId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM list_items WHERE list_id = ?').get(listId) as { n: number }).n;
  }
}
