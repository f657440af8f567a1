/**
 * The identity and relationship cache (src/server/lookup-cache.ts): repeated lookups within
 * the time-to-live cost one call, the app's own writes to the staff list are seen at once,
 * failures are not kept, and the cache stays bounded. The clock is a seam: no timing here.
 */
import { describe, expect, it } from 'vitest';
import type { Staff } from '../../../src/records/models.js';
import type { CalendarPort, Occurrence } from '../../../src/booking/ports.js';
import type { SessionRecord } from '../../../src/records/models.js';
import { CachedCalendar, CachedDirectory, CachedRecordsRepository, LookupCache, derivedPrefix, relationshipLists, writingThrough } from '../../../src/server/lookup-cache.js';
import type { DirectoryPerson, PeopleDirectory } from '../../../src/server/services.js';
import { MemoryListPort } from '../../support/memory-services.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const person = (id: string, managerId: string | null = null): DirectoryPerson => ({ id, displayName: `Person ${id}`, mail: `${id}@example.invalid`, managerId });

/** A directory that counts what it is asked. */
function countingDirectory(withReplies = false) {
  const calls: string[] = [];
  const directory: PeopleDirectory = {
    user: async (id) => (calls.push(`user ${id}`), id === 'nobody' ? undefined : person(id)),
    person: async (id) => (calls.push(`person ${id}`), id === 'nobody' ? undefined : person(id, 'm1')),
    directReports: async (id) => (calls.push(`reports ${id}`), [person('r2'), person('r1')]),
    everyone: async () => (calls.push('everyone'), [person('b'), person('a')]),
    ...(withReplies ? { automaticReplies: async (id: string) => (calls.push(`replies ${id}`), { status: 'disabled' as const }) } : {}),
  };
  return { directory, calls };
}

describe('LookupCache', () => {
  it('answers again from the cache until the time-to-live passes, then asks once more', async () => {
    const t = clock();
    const cache = new LookupCache({ ttlMs: 60_000, now: t.now });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    t.advance(59_999);
    expect(await cache.get('k', load)).toBe(1);
    t.advance(1);
    expect(await cache.get('k', load)).toBe(2);
  });

  it('shares one call between concurrent identical lookups', async () => {
    const cache = new LookupCache();
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async () => {
      loads += 1;
      await gate;
      return 'answer';
    };
    const pending = Promise.all(Array.from({ length: 50 }, () => cache.get('k', load)));
    release();
    expect(await pending).toEqual(Array(50).fill('answer'));
    expect(loads).toBe(1);
  });

  it('never keeps a failure: the next lookup asks again', async () => {
    const cache = new LookupCache();
    let loads = 0;
    await expect(cache.get('k', async () => Promise.reject(new Error(`down ${++loads}`)))).rejects.toThrow('down 1');
    expect(await cache.get('k', async () => `up ${++loads}`)).toBe('up 2');
  });

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const cache = new LookupCache({ maxEntries: 2 });
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(cache.size).toBe(2);
    expect(await cache.get('b', load)).toBe(2);
    expect(await cache.get('a', load)).toBe(4);
  });

  it('forgets by key prefix', async () => {
    const cache = new LookupCache();
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('records:staff:x', load);
    await cache.get('directory:person:x', load);
    cache.invalidate('records:');
    expect(await cache.get('directory:person:x', load)).toBe(2);
    expect(await cache.get('records:staff:x', load)).toBe(3);
  });
});

describe('CachedDirectory', () => {
  it('asks the directory once per user, manager and reports within the time-to-live, whatever the case of a UPN', async () => {
    const t = clock();
    const { directory, calls } = countingDirectory();
    const cached = new CachedDirectory(directory, new LookupCache({ now: t.now }));
    for (let i = 0; i < 3; i++) {
      await cached.person('Idris@Example.invalid');
      await cached.person('idris@example.invalid');
      await cached.user('u1');
      await cached.directReports('m1');
      await cached.everyone();
    }
    expect(calls).toEqual(['person Idris@Example.invalid', 'user u1', 'reports m1', 'everyone']);
    t.advance(60_000);
    await cached.person('idris@example.invalid');
    expect(calls).toHaveLength(5);
  });

  it('remembers that someone is not in the directory, too', async () => {
    const { directory, calls } = countingDirectory();
    const cached = new CachedDirectory(directory, new LookupCache());
    expect(await cached.person('nobody')).toBeUndefined();
    expect(await cached.person('nobody')).toBeUndefined();
    expect(calls).toEqual(['person nobody']);
  });

  it('gives every caller its own copy, so sorting or changing one answer never changes the next', async () => {
    const { directory } = countingDirectory();
    const cached = new CachedDirectory(directory, new LookupCache());
    (await cached.everyone()).sort((a, b) => a.id.localeCompare(b.id));
    expect((await cached.everyone()).map((p) => p.id)).toEqual(['b', 'a']);
    (await cached.directReports('m')).reverse();
    expect((await cached.directReports('m')).map((p) => p.id)).toEqual(['r2', 'r1']);
    (await cached.person('p'))!.managerId = 'changed in place';
    expect((await cached.person('p'))!.managerId).toBe('m1');
  });

  it('offers automatic replies only when the directory has them, and caches them like the rest', async () => {
    expect(new CachedDirectory(countingDirectory().directory, new LookupCache()).automaticReplies).toBeUndefined();
    const { directory, calls } = countingDirectory(true);
    const cached = new CachedDirectory(directory, new LookupCache());
    await cached.automaticReplies!('s1');
    await cached.automaticReplies!('s1');
    expect(calls).toEqual(['replies s1']);
  });
});

describe('CachedRecordsRepository', () => {
  const staff = (userId: string, supervisorId: string): Staff => ({ id: `staff-${userId}`, userId, org: 'dudley', role: 'social-worker', team: 'North', start: '2026-01-05', supervisorId });

  async function repository() {
    const port = new MemoryListPort();
    const reads = { staff: 0, other: 0 };
    const counted = Object.assign(Object.create(port) as MemoryListPort, {
      findItems: async (listId: string, where: Parameters<MemoryListPort['findItems']>[1]) => {
        if (where.every((w) => w.column !== 'RecordKey')) reads[staffListId === listId ? 'staff' : 'other'] += 1;
        return port.findItems(listId, where);
      },
    });
    let staffListId = '';
    staffListId = (await port.ensureList({ displayName: 'Staff', columns: [] })).id;
    const repo = new CachedRecordsRepository(counted, new LookupCache());
    await repo.create('staff', staff('s1', 'm1'));
    await repo.create('staff', staff('s2', 'm1'));
    return { repo, reads };
  }

  it('reads who supervises whom once, then from the cache', async () => {
    const { repo, reads } = await repository();
    for (let i = 0; i < 5; i++) expect((await repo.where('staff', 'supervisorId', 'm1')).map((r) => r.record.userId).sort()).toEqual(['s1', 's2']);
    expect(reads.staff).toBe(1);
  });

  it('does not cache lists other than the relationships', async () => {
    const { repo, reads } = await repository();
    await repo.where('agreements', 'superviseeId', 's1');
    await repo.where('agreements', 'superviseeId', 's1');
    expect(reads.other).toBe(2);
  });

  it('sees its own change of supervisor at once', async () => {
    const { repo } = await repository();
    expect(await repo.where('staff', 'supervisorId', 'm2')).toEqual([]);
    const current = (await repo.where('staff', 'userId', 's1'))[0]!;
    await repo.update('staff', { ...current.record, supervisorId: 'm2' }, current.version);
    expect((await repo.where('staff', 'supervisorId', 'm2')).map((r) => r.record.userId)).toEqual(['s1']);
    expect((await repo.where('staff', 'supervisorId', 'm1')).map((r) => r.record.userId)).toEqual(['s2']);
    const moved = (await repo.where('staff', 'userId', 's1'))[0]!;
    expect(moved.version).not.toBe(current.version);
  });

  it('sees a new staff record and a removed one at once', async () => {
    const { repo } = await repository();
    await repo.where('staff', 'supervisorId', 'm1');
    await repo.create('staff', staff('s3', 'm1'));
    expect(await repo.where('staff', 'supervisorId', 'm1')).toHaveLength(3);
    await repo.remove('staff', 'staff-s3');
    expect(await repo.where('staff', 'supervisorId', 'm1')).toHaveLength(2);
  });

  it('never keeps an answer read while the app was changing the list', async () => {
    const port = new MemoryListPort();
    const repo = new CachedRecordsRepository(port, new LookupCache());
    await repo.create('staff', staff('s1', 'm1'));
    const updateItem = port.updateItem.bind(port);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    port.updateItem = async (...args) => {
      await held;
      return updateItem(...args);
    };
    const current = (await repo.get('staff', 'staff-s1'))!;
    const writing = repo.update('staff', { ...current.record, supervisorId: 'm2' }, current.version);
    // Read while the write is under way: the list still says m1.
    expect((await repo.where('staff', 'supervisorId', 'm1')).map((r) => r.record.userId)).toEqual(['s1']);
    release();
    await writing;
    expect(await repo.where('staff', 'supervisorId', 'm1')).toEqual([]);
  });

  it('gives every caller its own copy of each record', async () => {
    const { repo } = await repository();
    const first = await repo.where('staff', 'userId', 's1');
    first[0]!.record.team = 'changed in place';
    expect((await repo.where('staff', 'userId', 's1'))[0]!.record.team).toBe('North');
  });
});

describe('activity: the other lists, kept a few seconds', () => {
  const record = (id: string, text: string): SessionRecord => ({ id, superviseeId: 's1', supervisorId: 'm1', org: 'dudley', templateId: 't', kind: 'individual', sessionDate: '2026-06-10', sections: { w: text }, cases: [], actions: [], status: 'draft', updatedAt: '2026-06-10T10:00:00Z' });

  async function repository() {
    const t = clock();
    const port = new MemoryListPort();
    let reads = 0;
    const counted = Object.assign(Object.create(port) as MemoryListPort, {
      findItems: async (listId: string, where: Parameters<MemoryListPort['findItems']>[1]) => {
        if (where.every((w) => w.column !== 'RecordKey')) reads += 1;
        return port.findItems(listId, where);
      },
    });
    const repo = new CachedRecordsRepository(counted, new LookupCache({ now: t.now }), relationshipLists, new LookupCache({ ttlMs: 5_000, now: t.now }));
    await repo.create('sessionRecords', record('r1', 'first'));
    return { repo, t, reads: () => reads };
  }

  it('shares reads of a list within the short time-to-live, then asks again', async () => {
    const { repo, t, reads } = await repository();
    await repo.where('sessionRecords', 'superviseeId', 's1');
    await repo.where('sessionRecords', 'superviseeId', 's1');
    expect(reads()).toBe(1);
    t.advance(5_000);
    await repo.where('sessionRecords', 'superviseeId', 's1');
    expect(reads()).toBe(2);
  });

  it('sees its own writes to that list at once', async () => {
    const { repo } = await repository();
    const [before] = await repo.where('sessionRecords', 'superviseeId', 's1');
    await repo.update('sessionRecords', { ...before!.record, sections: { w: 'second' } }, before!.version);
    await repo.create('sessionRecords', record('r2', 'other'));
    const after = await repo.where('sessionRecords', 'superviseeId', 's1');
    expect(after.map((r) => [r.record.id, r.record.sections.w]).sort()).toEqual([['r1', 'second'], ['r2', 'other']]);
  });
});

describe('CachedCalendar', () => {
  const occurrence = (id: string, date: string): Occurrence => ({ id, originalDate: date, date });

  function countingCalendar() {
    const calls: string[] = [];
    let date = '2026-06-10';
    const port: CalendarPort = {
      occurrences: async () => (calls.push('occurrences'), [occurrence('o1', date)]),
      busy: async () => (calls.push('busy'), []),
      createMeeting: async () => (calls.push('create'), { id: 'e1' }),
      createMeetings: async (items) => (calls.push('createMany'), items.map((_, i) => ({ id: `e${i}` }))),
      moveOccurrence: async (_o, _id, start) => {
        calls.push('move');
        date = start.slice(0, 10);
      },
      cancelMeeting: async () => void calls.push('cancel'),
    };
    return { port, calls };
  }

  it('shares occurrence reads, never free/busy (booking decides on it)', async () => {
    const { port, calls } = countingCalendar();
    const calendar = new CachedCalendar(port, new LookupCache({ ttlMs: 5_000 }));
    await calendar.occurrences('m1', 'series', '2026-06-01', '2026-07-01');
    await calendar.occurrences('M1', 'series', '2026-06-01', '2026-07-01');
    await calendar.busy(['m1'], '2026-06-01', '2026-06-08');
    await calendar.busy(['m1'], '2026-06-01', '2026-06-08');
    expect(calls).toEqual(['occurrences', 'busy', 'busy']);
  });

  it('reads afresh after its own move, and after a move through the signed-in user\'s port', async () => {
    const { port, calls } = countingCalendar();
    const calendar = new CachedCalendar(port, new LookupCache({ ttlMs: 5_000 }));
    const read = async () => (await calendar.occurrences('m1', 'series', '2026-06-01', '2026-07-01'))[0]!.date;
    expect(await read()).toBe('2026-06-10');
    await calendar.moveOccurrence('m1', 'o1', '2026-06-11T10:00', '2026-06-11T11:00');
    expect(await read()).toBe('2026-06-11');
    const userPort = writingThrough(port, calendar);
    await userPort.moveOccurrence('m1', 'o1', '2026-06-12T10:00', '2026-06-12T11:00');
    expect(await read()).toBe('2026-06-12');
    expect(calls.filter((c) => c === 'occurrences')).toHaveLength(3);
  });
});

describe('computed views (services.views)', () => {
  it('are shared until any list or calendar write, through whichever port', async () => {
    const t = clock();
    const activity = new LookupCache({ ttlMs: 5_000, now: t.now });
    const repo = new CachedRecordsRepository(new MemoryListPort(), new LookupCache({ now: t.now }), relationshipLists, activity);
    const calendar = new CachedCalendar({ occurrences: async () => [], busy: async () => [], createMeeting: async () => ({ id: 'e' }), createMeetings: async () => [], moveOccurrence: async () => {}, cancelMeeting: async () => {} }, activity);
    let computed = 0;
    const view = () => activity.get(`${derivedPrefix}team:m1`, async () => ++computed);
    expect(await view()).toBe(1);
    expect(await view()).toBe(1);
    await repo.create('actions', { id: 'a1', recordId: 'r1', superviseeId: 's1', supervisorId: 'm1', what: 'Read the toolkit', who: 'supervisee', due: '2026-06-30' });
    expect(await view()).toBe(2);
    await repo.create('staff', { id: 'staff-s9', userId: 's9', org: 'dudley', role: 'social-worker', team: 'North', start: '2026-01-05', supervisorId: 'm1' });
    expect(await view()).toBe(3);
    await calendar.moveOccurrence('m1', 'o1', '2026-06-11T10:00', '2026-06-11T11:00');
    expect(await view()).toBe(4);
    await writingThrough(calendar, calendar).cancelMeeting('m1', 'o1', 'ill');
    expect(await view()).toBe(5);
    t.advance(5_000);
    expect(await view()).toBe(6);
  });
});
