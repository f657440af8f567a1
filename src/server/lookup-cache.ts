/**
 * The one cache of identity and relationship lookups: directory users, managers, direct reports
 * and everyone, and the staff list (who supervises whom, roles, cover). Every API request asks
 * these questions several times over (GET /api/me made ~11 Graph calls) and their answers
 * change rarely, so they are kept for a short while (default 60 s), in a bounded map, per
 * services instance, which is per tenant. Concurrent identical lookups share one call. The
 * app's own writes to the staff list (a change of supervisor, cover, seeding) invalidate that
 * list at once; directory changes happen in Entra and age out. Nothing is logged.
 *
 * Activity (the other lists, and Outlook occurrences) changes often, so it is kept only a few
 * seconds: enough that a team view, compliance and a burst of tab requests share their reads
 * (GET /api/team made ~19 Graph calls), short enough that a change made elsewhere (Outlook,
 * another server) shows at once for practical purposes. The app's own writes invalidate.
 */
import type { ListKey, ModelOf } from '../records/lists.js';
import { RecordsRepository, type ListPort, type Versioned } from '../records/repository.js';
import type { AutomaticReplies } from '../absence/absence.js';
import type { CalendarPort, NewMeeting, Occurrence } from '../booking/ports.js';
import type { CivilDate } from '../calendar/civil.js';
import type { DirectoryPerson, PeopleDirectory } from './services.js';

export interface LookupCacheOptions {
  /** How long an answer is reused; default 60 s. */
  ttlMs?: number;
  /** Most answers kept; the oldest go first. Default 5,000. */
  maxEntries?: number;
  /** Clock seam for tests (milliseconds). */
  now?: () => number;
}

/** Promise-valued memo with a time-to-live and a size bound; a failed lookup is never kept. */
export class LookupCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: LookupCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 5_000;
    this.now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const found = this.entries.get(key);
    if (found && found.expires > now) return found.value as Promise<T>;
    if (found) this.entries.delete(key);
    const value = load();
    this.entries.set(key, { expires: now + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /** Forgets every answer whose key starts with `prefix` (everything without one). */
  invalidate(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

type Basic = { id: string; displayName: string; mail: string };

/** A PeopleDirectory answering repeated questions from the cache, each caller with its own copy (callers sort lists). */
export class CachedDirectory implements PeopleDirectory {
  readonly automaticReplies?: (idOrUpn: string) => Promise<AutomaticReplies | undefined>;

  constructor(
    private readonly inner: PeopleDirectory,
    private readonly cache: LookupCache,
  ) {
    const replies = inner.automaticReplies?.bind(inner);
    if (replies) this.automaticReplies = (idOrUpn) => this.cache.get(`directory:replies:${idOrUpn.toLowerCase()}`, () => replies(idOrUpn));
  }

  async user(idOrUpn: string): Promise<Basic | undefined> {
    const found = await this.cache.get(`directory:user:${idOrUpn.toLowerCase()}`, () => this.inner.user(idOrUpn));
    return found && { ...found };
  }

  async person(idOrUpn: string): Promise<DirectoryPerson | undefined> {
    const found = await this.cache.get(`directory:person:${idOrUpn.toLowerCase()}`, () => this.inner.person(idOrUpn));
    return found && { ...found };
  }

  async directReports(idOrUpn: string): Promise<Basic[]> {
    return [...(await this.cache.get(`directory:reports:${idOrUpn.toLowerCase()}`, () => this.inner.directReports(idOrUpn)))];
  }

  async everyone(): Promise<DirectoryPerson[]> {
    return [...(await this.cache.get('directory:everyone', () => this.inner.everyone()))];
  }
}

/** Where computed views (services.views) live in the activity cache. */
export const derivedPrefix = 'derived:';

/** The lists that hold relationships and roles: read on every request, written rarely. */
export const relationshipLists: readonly ListKey[] = ['staff'];

/**
 * A RecordsRepository that answers filtered reads of the relationship lists (`where`) from the
 * cache, parsed once. Reads by id (`get`, and the reads inside create, update and remove) are
 * never cached: a write must see the current item and version. A write forgets the list's
 * answers before and after it runs, and an answer is kept from the moment it is asked for, so a
 * read in flight during the write cannot bring the old answer back. Each caller gets its own
 * shallow copy of every record.
 */
export class CachedRecordsRepository extends RecordsRepository {
  constructor(
    port: ListPort,
    private readonly cache: LookupCache,
    private readonly cached: readonly ListKey[] = relationshipLists,
    /** Where every other list's answers are kept (a short-lived cache); none: not cached. */
    private readonly activity?: LookupCache,
  ) {
    super(port);
  }

  private cacheFor(key: ListKey): LookupCache | undefined {
    return this.cached.includes(key) ? this.cache : this.activity;
  }

  override async where<K extends ListKey>(key: K, property: string, value: string): Promise<Versioned<ModelOf<K>>[]> {
    const cache = this.cacheFor(key);
    if (!cache) return super.where(key, property, value);
    const rows = await cache.get(`records:${key}:${property}=${value}`, () => super.where(key, property, value));
    return rows.map((row) => ({ record: { ...row.record }, version: row.version }));
  }

  override create<K extends ListKey>(key: K, record: ModelOf<K>): Promise<Versioned<ModelOf<K>>> {
    return this.written(key, () => super.create(key, record));
  }

  override update<K extends ListKey>(key: K, record: ModelOf<K>, version: string): Promise<Versioned<ModelOf<K>>> {
    return this.written(key, () => super.update(key, record, version));
  }

  override remove(key: ListKey, id: string, version?: string): Promise<void> {
    return this.written(key, () => super.remove(key, id, version));
  }

  private async written<T>(key: ListKey, write: () => Promise<T>): Promise<T> {
    const cache = this.cacheFor(key);
    const forget = () => {
      cache?.invalidate(`records:${key}:`);
      // Views computed from the lists (services.views) may read any of them.
      this.activity?.invalidate(derivedPrefix);
    };
    forget();
    try {
      return await write();
    } finally {
      forget();
    }
  }
}

/**
 * A CalendarPort that shares reads of series occurrences for a few seconds. Free/busy is never
 * cached: booking decides on it. Any write through this port, or one reported by `forget` (the
 * signed-in user's own calendar port writing on their behalf), drops every cached occurrence
 * before and after it runs, the same way list writes do.
 */
export class CachedCalendar implements CalendarPort {
  constructor(
    private readonly inner: CalendarPort,
    private readonly cache: LookupCache,
  ) {}

  async occurrences(organizer: string, seriesId: string, from: CivilDate, to: CivilDate): Promise<Occurrence[]> {
    const found = await this.cache.get(`calendar:${organizer.toLowerCase()}:${seriesId}:${from}:${to}`, () => this.inner.occurrences(organizer, seriesId, from, to));
    return found.map((o) => ({ ...o }));
  }

  busy(...args: Parameters<CalendarPort['busy']>): ReturnType<CalendarPort['busy']> {
    return this.inner.busy(...args);
  }

  createMeeting(organizer: string, meeting: NewMeeting, transactionId: string): Promise<{ id: string }> {
    return this.writing(() => this.inner.createMeeting(organizer, meeting, transactionId));
  }

  createMeetings(items: readonly { organizer: string; meeting: NewMeeting; transactionId: string }[]): Promise<{ id: string }[]> {
    return this.writing(() => this.inner.createMeetings(items));
  }

  moveOccurrence(organizer: string, occurrenceId: string, start: string, end: string): Promise<void> {
    return this.writing(() => this.inner.moveOccurrence(organizer, occurrenceId, start, end));
  }

  cancelMeeting(organizer: string, eventId: string, comment: string): Promise<void> {
    return this.writing(() => this.inner.cancelMeeting(organizer, eventId, comment));
  }

  /** Someone else wrote to a calendar (delegated port, Outlook itself): read afresh. */
  forget(): void {
    this.cache.invalidate('calendar:');
    this.cache.invalidate(derivedPrefix);
  }

  async writing<T>(write: () => Promise<T>): Promise<T> {
    this.forget();
    try {
      return await write();
    } finally {
      this.forget();
    }
  }
}

/** A calendar port whose writes also make `shared` read afresh (the user's port beside the app's cached one). */
export function writingThrough(port: CalendarPort, shared: CachedCalendar): CalendarPort {
  return {
    occurrences: (...args) => port.occurrences(...args),
    busy: (...args) => port.busy(...args),
    createMeeting: (...args) => shared.writing(() => port.createMeeting(...args)),
    createMeetings: (...args) => shared.writing(() => port.createMeetings(...args)),
    moveOccurrence: (...args) => shared.writing(() => port.moveOccurrence(...args)),
    cancelMeeting: (...args) => shared.writing(() => port.cancelMeeting(...args)),
  };
}
