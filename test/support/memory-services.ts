/**
 * An in-memory AppServices for API, tab and browser tests: SharePoint lists with ETags and
 * conflicts (the ListPort contract of src/records/repository.ts), an Outlook calendar that
 * expands Graph recurrences and honours transactionId, and a directory, all seeded with the
 * demo organisation. Hand-written fakes of the ports, never deep mocks.
 */
import { randomUUID } from 'node:crypto';
import type { CalendarPort, NewMeeting, Occurrence } from '../../src/booking/ports.js';
import { toCivil, toDay, type CivilDate } from '../../src/calendar/civil.js';
import { londonToInstant } from '../../src/calendar/london.js';
import { demoOrganisation, type DemoOrganisation, type DemoUser } from '../../src/demo/organisation.js';
import { SupervisionError } from '../../src/errors.js';
import { occurrenceDates, validateRecurrence } from '../../src/local-graph/recurrence.js';
import type { Pack } from '../../src/policy/schema.js';
import type { ColumnDefinition } from '../../src/records/lists.js';
import { RecordsRepository, recordKeyTaken, type FieldEquals, type ListItem, type ListPort } from '../../src/records/repository.js';
import type { BusyInterval } from '../../src/schedule/slots.js';
import type { AppServices, DirectoryPerson, PeopleDirectory } from '../../src/server/services.js';

interface StoredList {
  id: string;
  displayName: string;
  columns: ColumnDefinition[];
  items: Map<string, ListItem>;
}

export class MemoryListPort implements ListPort {
  private readonly lists = new Map<string, StoredList>();
  private nextItem = 1;
  /** Writes seen, so tests can assert that a refused request wrote nothing. */
  writes = 0;

  async ensureList(definition: { displayName: string; columns: readonly ColumnDefinition[] }): Promise<{ id: string; created: boolean; addedColumns: string[] }> {
    const existing = [...this.lists.values()].find((l) => l.displayName === definition.displayName);
    if (existing) {
      const added = definition.columns.filter((c) => !existing.columns.some((e) => e.name === c.name));
      existing.columns.push(...added);
      return { id: existing.id, created: false, addedColumns: added.map((c) => c.name) };
    }
    const list: StoredList = { id: randomUUID(), displayName: definition.displayName, columns: [...definition.columns], items: new Map() };
    this.lists.set(list.id, list);
    return { id: list.id, created: true, addedColumns: definition.columns.map((c) => c.name) };
  }

  private list(listId: string): StoredList {
    const list = this.lists.get(listId);
    if (!list) throw new SupervisionError('NOT_FOUND', `list ${listId} does not exist`);
    return list;
  }

  async createItem(listId: string, fields: Record<string, unknown>): Promise<ListItem> {
    const list = this.list(listId);
    // RecordKey is unique in every list, as provisioning makes it in SharePoint.
    for (const column of list.columns.filter((c) => c.unique)) {
      const value = fields[column.name];
      if (value !== undefined && value !== null && [...list.items.values()].some((i) => String(i.fields[column.name]).toLowerCase() === String(value).toLowerCase())) throw recordKeyTaken(list.displayName);
    }
    const id = String(this.nextItem++);
    const item: ListItem = { id, eTag: `"${randomUUID()},1"`, fields: { ...fields, id } };
    list.items.set(id, item);
    this.writes++;
    return structuredClone(item);
  }

  async findItems(listId: string, where: readonly FieldEquals[]): Promise<ListItem[]> {
    const list = this.list(listId);
    return [...list.items.values()].filter((item) => where.every((w) => item.fields[w.column] !== null && item.fields[w.column] !== undefined && String(item.fields[w.column]) === w.value)).map((item) => structuredClone(item));
  }

  async updateItem(listId: string, itemId: string, fields: Record<string, unknown>, eTag: string): Promise<ListItem> {
    const list = this.list(listId);
    const item = list.items.get(itemId);
    if (!item) throw new SupervisionError('NOT_FOUND', `item ${itemId} does not exist`);
    if (item.eTag !== eTag) throw new SupervisionError('CONFLICT', 'the item was changed since it was read', { field: 'version' });
    const version = Number(item.eTag.split(',')[1]?.replace('"', '') ?? '1') + 1;
    const updated: ListItem = { id: itemId, eTag: `"${randomUUID()},${version}"`, fields: { ...item.fields, ...fields, id: itemId } };
    list.items.set(itemId, updated);
    this.writes++;
    return structuredClone(updated);
  }

  async deleteItem(listId: string, itemId: string, eTag?: string): Promise<void> {
    const list = this.list(listId);
    const item = list.items.get(itemId);
    if (!item) return;
    if (eTag !== undefined && item.eTag !== eTag) throw new SupervisionError('CONFLICT', 'the item was changed since it was read', { field: 'version' });
    list.items.delete(itemId);
    this.writes++;
  }
}

interface StoredEvent {
  id: string;
  organizer: string;
  transactionId: string;
  meeting: NewMeeting;
  cancelled: boolean;
  /** Moved occurrences by original date. */
  moved: Map<CivilDate, { start: string; end: string }>;
  cancelledOccurrences: Set<CivilDate>;
}

function minutesBetween(start: string, end: string): number {
  return (londonToInstant(end.slice(0, 10), end.slice(11, 16)) - londonToInstant(start.slice(0, 10), start.slice(11, 16))) / 60_000;
}

function shift(localDateTime: string, date: CivilDate): string {
  return `${date}${localDateTime.slice(10)}`;
}

export class MemoryCalendar implements CalendarPort {
  readonly events = new Map<string, StoredEvent>();

  /** `busy` is asked by directory id; attendees are invited by address, as Exchange has them. */
  constructor(private readonly addressesOf: (mailbox: string) => readonly string[] = (mailbox) => [mailbox]) {}
  /** Extra busy periods per mailbox (meetings the app did not create). */
  readonly blocked: { mailbox: string; start: number; end: number }[] = [];
  private nextId = 1;

  async createMeeting(organizer: string, meeting: NewMeeting, transactionId: string): Promise<{ id: string }> {
    const existing = [...this.events.values()].find((e) => e.organizer === organizer && e.transactionId === transactionId);
    if (existing) return { id: existing.id };
    const id = `event-${this.nextId++}`;
    this.events.set(id, { id, organizer, transactionId, meeting: structuredClone(meeting), cancelled: false, moved: new Map(), cancelledOccurrences: new Set() });
    return { id };
  }

  async createMeetings(items: readonly { organizer: string; meeting: NewMeeting; transactionId: string }[]): Promise<{ id: string }[]> {
    const results: { id: string }[] = [];
    for (const item of items) results.push(await this.createMeeting(item.organizer, item.meeting, item.transactionId));
    return results;
  }

  private expand(event: StoredEvent, until: CivilDate): { occurrence: Occurrence; start: string; end: string }[] {
    if (event.cancelled) return [];
    const { meeting } = event;
    if (!meeting.recurrence) {
      const date = meeting.start.slice(0, 10);
      return [{ occurrence: { id: event.id, originalDate: date, date, start: meeting.start } as Occurrence, start: meeting.start, end: meeting.end }];
    }
    const checked = validateRecurrence(meeting.recurrence, { startDate: meeting.start.slice(0, 10), timeZone: 'Europe/London' });
    if (!checked.ok) throw new SupervisionError('UPSTREAM', `invalid recurrence: ${checked.message}`);
    const result: { occurrence: Occurrence; start: string; end: string }[] = [];
    for (const originalDate of occurrenceDates(checked.recurrence, until)) {
      if (event.cancelledOccurrences.has(originalDate)) continue;
      const moved = event.moved.get(originalDate);
      const start = moved?.start ?? shift(meeting.start, originalDate);
      const end = moved?.end ?? shift(meeting.end, originalDate);
      // `start` is beyond the port's type: the API uses it for the time when an adapter supplies it.
      result.push({ occurrence: { id: `${event.id}_${originalDate}`, originalDate, date: start.slice(0, 10), start } as Occurrence, start, end });
    }
    return result;
  }

  private find(organizer: string, id: string): { event: StoredEvent; originalDate?: CivilDate } {
    const [eventId, originalDate] = id.split('_');
    const event = this.events.get(eventId ?? '');
    if (!event || event.organizer !== organizer) throw new SupervisionError('NOT_FOUND', `no event ${id} in the organiser's calendar`, { field: 'occurrenceId' });
    return originalDate ? { event, originalDate } : { event };
  }

  async occurrences(organizer: string, seriesId: string, from: CivilDate, to: CivilDate): Promise<Occurrence[]> {
    const { event } = this.find(organizer, seriesId);
    const horizon = toCivil(toDay(to) + 400);
    return this.expand(event, horizon)
      .map((o) => o.occurrence)
      .filter((o) => (o.date >= from && o.date <= to) || (o.originalDate >= from && o.originalDate <= to));
  }

  async moveOccurrence(organizer: string, occurrenceId: string, start: string, end: string): Promise<void> {
    const { event, originalDate } = this.find(organizer, occurrenceId);
    if (originalDate === undefined) {
      event.meeting = { ...event.meeting, start, end };
      return;
    }
    event.moved.set(originalDate, { start, end });
  }

  async busy(mailboxes: readonly string[], from: CivilDate, to: CivilDate): Promise<BusyInterval[]> {
    const lower = londonToInstant(from, '00:00');
    const upper = londonToInstant(to, '00:00');
    const intervals: BusyInterval[] = [];
    for (const event of this.events.values()) {
      const addresses = new Set(mailboxes.flatMap((m) => this.addressesOf(m)).map((a) => a.toLowerCase()));
      if (!mailboxes.includes(event.organizer) && !event.meeting.attendees.some((a) => addresses.has(a.address.toLowerCase()))) continue;
      for (const o of this.expand(event, to)) {
        const start = londonToInstant(o.start.slice(0, 10), o.start.slice(11, 16));
        const end = start + minutesBetween(o.start, o.end) * 60_000;
        if (start < upper && end > lower) intervals.push({ start, end });
      }
    }
    for (const block of this.blocked) {
      if (mailboxes.includes(block.mailbox) && block.start < upper && block.end > lower) intervals.push({ start: block.start, end: block.end });
    }
    return intervals.sort((a, b) => a.start - b.start);
  }

  async cancelMeeting(organizer: string, eventId: string, _comment: string): Promise<void> {
    const { event, originalDate } = this.find(organizer, eventId);
    if (originalDate === undefined) event.cancelled = true;
    else event.cancelledOccurrences.add(originalDate);
  }
}

function toPerson(user: DemoUser): DirectoryPerson {
  return { id: user.id, displayName: user.displayName, mail: user.mail, jobTitle: user.jobTitle, department: user.department, managerId: user.managerId };
}

export class MemoryDirectory implements PeopleDirectory {
  constructor(readonly users: DemoUser[]) {}

  private lookup(idOrUpn: string): DemoUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.find((u) => u.id === idOrUpn || u.userPrincipalName.toLowerCase() === key || u.mail.toLowerCase() === key);
  }

  async user(idOrUpn: string): Promise<{ id: string; displayName: string; mail: string } | undefined> {
    const user = this.lookup(idOrUpn);
    return user ? { id: user.id, displayName: user.displayName, mail: user.mail } : undefined;
  }

  async directReports(idOrUpn: string): Promise<{ id: string; displayName: string; mail: string }[]> {
    const manager = this.lookup(idOrUpn);
    if (!manager) return [];
    return this.users.filter((u) => u.managerId === manager.id).map((u) => ({ id: u.id, displayName: u.displayName, mail: u.mail }));
  }

  async person(idOrUpn: string): Promise<DirectoryPerson | undefined> {
    const user = this.lookup(idOrUpn);
    return user ? toPerson(user) : undefined;
  }

  async everyone(): Promise<DirectoryPerson[]> {
    return this.users.map(toPerson);
  }
}

export interface MemoryServices extends AppServices {
  lists: MemoryListPort;
  calendarFake: MemoryCalendar;
  directoryFake: MemoryDirectory;
  organisation: DemoOrganisation;
  /** Moves the clock the services report. */
  setNow(date: Date): void;
}

export interface MemoryServicesOptions {
  pack: Pack;
  /** The services' clock; the demo organisation is seeded as of this day. */
  now?: Date;
  appUrl?: string;
  /** Extra supervisees appended to the first team manager's team (load tests). */
  extraSupervisees?: number;
  /** Service managers; default: the demo's "Service Manager". */
  serviceManagerIds?: string[];
}

/** The demo organisation in memory: lists provisioned, staff and caseload seeded. */
export async function createMemoryServices(options: MemoryServicesOptions): Promise<MemoryServices> {
  let now = options.now ?? new Date();
  const asOf = now.toISOString().slice(0, 10);
  const organisation = demoOrganisation(options.pack, asOf);
  if (options.extraSupervisees) {
    const manager = organisation.users.find((u) => u.jobTitle === 'Team Manager')!;
    const template = organisation.staff.find((s) => s.supervisorId === manager.id && s.role !== organisation.staff[0]?.role) ?? organisation.staff.find((s) => s.supervisorId === manager.id)!;
    for (let i = 0; i < options.extraSupervisees; i++) {
      const id = `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      organisation.users.push({ id, displayName: `Load Tester ${i + 1}`, userPrincipalName: `load.tester${i + 1}@wrenfield.example`, mail: `load.tester${i + 1}@wrenfield.example`, jobTitle: 'Social Worker', department: manager.department, managerId: manager.id });
      organisation.staff.push({ ...template, id: `staff-${id}`, userId: id });
    }
  }
  const lists = new MemoryListPort();
  const records = new RecordsRepository(lists);
  await records.provision();
  for (const staff of organisation.staff) await records.create('staff', staff);
  for (const entry of organisation.caseload) await records.create('caseload', entry);
  const calendarFake = new MemoryCalendar((mailbox) => organisation.users.filter((u) => u.id === mailbox || u.userPrincipalName === mailbox).flatMap((u) => [u.mail, u.userPrincipalName]));
  const directoryFake = new MemoryDirectory(organisation.users);
  const serviceManagers = options.serviceManagerIds ?? organisation.users.filter((u) => u.jobTitle === 'Service Manager').map((u) => u.id);
  return {
    pack: options.pack,
    records,
    calendar: calendarFake,
    directory: directoryFake,
    serviceManagerIds: async () => serviceManagers,
    now: () => now,
    appUrl: options.appUrl ?? 'http://localhost:3978/tab',
    lists,
    calendarFake,
    directoryFake,
    organisation,
    setNow(date: Date) {
      now = date;
    },
  };
}
