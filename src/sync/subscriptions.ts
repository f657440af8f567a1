/**
 * Keeps one Graph change-notification subscription on each supervisor's mailbox events
 * (contract §6): created with a fresh per-subscription secret as clientState, renewed before
 * it expires, recreated when Graph has forgotten it (404 or `subscriptionRemoved`), and each
 * lifecycle notification answered. A notification is only ever a trigger for the mailbox's
 * delta sync: it names no occurrence (changes to one occurrence notify on the series master).
 *
 * Only a hash of each secret is kept: checking a notification needs no more, and a copy of
 * the database then lets nobody forge notifications.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import type { GraphSubscription, NewSubscription } from '../graph/subscriptions.js';

export interface SubscriptionRecord {
  id: string;
  mailbox: string;
  /** sha256 (hex) of the clientState secret. */
  secretHash: string;
  /** ISO instant. */
  expiresAt: string;
}

export interface SubscriptionStore {
  byId(id: string): SubscriptionRecord | undefined;
  byMailbox(mailbox: string): SubscriptionRecord | undefined;
  all(): SubscriptionRecord[];
  put(record: SubscriptionRecord): void;
  delete(id: string): void;
}

export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly records = new Map<string, SubscriptionRecord>();
  byId(id: string): SubscriptionRecord | undefined {
    const found = this.records.get(id);
    return found ? { ...found } : undefined;
  }
  byMailbox(mailbox: string): SubscriptionRecord | undefined {
    const found = [...this.records.values()].find((r) => r.mailbox === mailbox);
    return found ? { ...found } : undefined;
  }
  all(): SubscriptionRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }
  put(record: SubscriptionRecord): void {
    this.records.set(record.id, { ...record });
  }
  delete(id: string): void {
    this.records.delete(id);
  }
}

/** A table beside the sync state (same data directory, WAL). */
export class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS calendar_subscriptions (
      id TEXT PRIMARY KEY,
      mailbox TEXT NOT NULL,
      secret_hash TEXT NOT NULL,
      expires_at TEXT NOT NULL
    )`);
  }

  private static row(r: { id: string; mailbox: string; secret_hash: string; expires_at: string } | undefined): SubscriptionRecord | undefined {
    return r ? { id: r.id, mailbox: r.mailbox, secretHash: r.secret_hash, expiresAt: r.expires_at } : undefined;
  }

  byId(id: string): SubscriptionRecord | undefined {
    return SqliteSubscriptionStore.row(this.db.prepare('SELECT * FROM calendar_subscriptions WHERE id = ?').get(id) as never);
  }
  byMailbox(mailbox: string): SubscriptionRecord | undefined {
    return SqliteSubscriptionStore.row(this.db.prepare('SELECT * FROM calendar_subscriptions WHERE mailbox = ? ORDER BY expires_at DESC LIMIT 1').get(mailbox) as never);
  }
  all(): SubscriptionRecord[] {
    return (this.db.prepare('SELECT * FROM calendar_subscriptions ORDER BY mailbox').all() as never[]).map((r) => SqliteSubscriptionStore.row(r)!);
  }
  put(record: SubscriptionRecord): void {
    this.db
      .prepare('INSERT INTO calendar_subscriptions (id, mailbox, secret_hash, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at, secret_hash = excluded.secret_hash')
      .run(record.id, record.mailbox, record.secretHash, record.expiresAt);
  }
  delete(id: string): void {
    this.db.prepare('DELETE FROM calendar_subscriptions WHERE id = ?').run(id);
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}

export interface SubscriptionApi {
  create(input: NewSubscription): Promise<GraphSubscription>;
  renew(id: string, expirationDateTime: Date): Promise<GraphSubscription | undefined>;
}

export interface SubscriptionManagerOptions {
  api: SubscriptionApi;
  store: SubscriptionStore;
  now: () => Date;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  /** Asks for a delta sync of the mailbox (debounced by the caller). */
  resync: (mailbox: string) => void;
  /**
   * Requested lifetime. Under both documented limits for Outlook events (4,230 minutes in
   * the older text, 10,080 now), so a tenant on either accepts it.
   */
  lifetimeMinutes?: number;
  /** Renew when less than this is left. */
  renewWithinMinutes?: number;
}

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface EnsureReport {
  created: number;
  renewed: number;
  kept: number;
  /** Mailboxes that could not be subscribed (error codes only); the timer's next round retries. */
  failed: { mailbox: string; error: string }[];
}

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function codeOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.name : 'unknown';
}

export class SubscriptionManager {
  private readonly lifetimeMs: number;
  private readonly renewWithinMs: number;
  /** One change at a time per mailbox, so a renewal and a lifecycle recreate never race. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly options: SubscriptionManagerOptions) {
    this.lifetimeMs = (options.lifetimeMinutes ?? 4_200) * 60_000;
    this.renewWithinMs = (options.renewWithinMinutes ?? 24 * 60) * 60_000;
  }

  private serial<T>(mailbox: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(mailbox) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.chains.set(mailbox, next);
    void next.finally(() => {
      if (this.chains.get(mailbox) === next) this.chains.delete(mailbox);
    }).catch(() => undefined);
    return next;
  }

  private expiry(): Date {
    return new Date(this.options.now().getTime() + this.lifetimeMs);
  }

  private async create(mailbox: string): Promise<SubscriptionRecord> {
    // 32 random bytes, base64url: 43 characters, well inside Graph's 128.
    const secret = randomBytes(32).toString('base64url');
    const created = await this.options.api.create({
      mailbox,
      notificationUrl: this.options.notificationUrl,
      lifecycleNotificationUrl: this.options.lifecycleNotificationUrl,
      clientState: secret,
      expirationDateTime: this.expiry(),
    });
    const record: SubscriptionRecord = { id: created.id, mailbox, secretHash: hash(secret), expiresAt: new Date(Date.parse(created.expirationDateTime)).toISOString() };
    this.options.store.put(record);
    return record;
  }

  /** Renews; a subscription Graph no longer has is recreated (and the mailbox resynced, since changes in between were not notified). */
  private async renewOrRecreate(record: SubscriptionRecord): Promise<'renewed' | 'created'> {
    const renewed = await this.options.api.renew(record.id, this.expiry());
    if (renewed) {
      this.options.store.put({ ...record, expiresAt: new Date(Date.parse(renewed.expirationDateTime)).toISOString() });
      return 'renewed';
    }
    this.options.store.delete(record.id);
    await this.create(record.mailbox);
    this.options.resync(record.mailbox);
    return 'created';
  }

  private dueForRenewal(record: SubscriptionRecord): boolean {
    return Date.parse(record.expiresAt) - this.options.now().getTime() < this.renewWithinMs;
  }

  /** Every mailbox subscribed, and every subscription with time left; what the timer runs. */
  async ensure(mailboxes: readonly string[]): Promise<EnsureReport> {
    const report: EnsureReport = { created: 0, renewed: 0, kept: 0, failed: [] };
    for (const mailbox of new Set(mailboxes)) {
      try {
        const outcome = await this.serial(mailbox, async () => {
          const record = this.options.store.byMailbox(mailbox);
          if (!record || Date.parse(record.expiresAt) <= this.options.now().getTime()) {
            if (record) this.options.store.delete(record.id);
            await this.create(mailbox);
            return 'created' as const;
          }
          return this.dueForRenewal(record) ? this.renewOrRecreate(record) : ('kept' as const);
        });
        report[outcome] += 1;
      } catch (error) {
        report.failed.push({ mailbox, error: codeOf(error) });
      }
    }
    return report;
  }

  /**
   * The mailbox a notification is for, when it names one of our subscriptions and carries its
   * secret; undefined otherwise (never acted on).
   */
  verify(subscriptionId: string, clientState: string | null | undefined): string | undefined {
    const record = this.options.store.byId(subscriptionId);
    if (!record || typeof clientState !== 'string') return undefined;
    const given = Buffer.from(hash(clientState), 'hex');
    const expected = Buffer.from(record.secretHash, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? record.mailbox : undefined;
  }

  /** Acts on a verified lifecycle notification. */
  async lifecycle(subscriptionId: string, event: LifecycleEvent): Promise<void> {
    const record = this.options.store.byId(subscriptionId);
    if (!record) return;
    await this.serial(record.mailbox, async () => {
      const current = this.options.store.byId(subscriptionId);
      if (!current) return;
      if (event === 'reauthorizationRequired') {
        await this.renewOrRecreate(current);
      } else if (event === 'subscriptionRemoved') {
        this.options.store.delete(current.id);
        await this.create(current.mailbox);
        this.options.resync(current.mailbox);
      } else {
        // Notifications were lost: only a delta round can tell what changed.
        this.options.resync(current.mailbox);
      }
    });
  }
}
