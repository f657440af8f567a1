/**
 * The ports of the core, implemented over the Graph gateway: Outlook (calendar, free/busy),
 * the directory and SharePoint lists. Local mode and tenant mode build exactly these; only
 * the gateway's base URL and token provider differ.
 */
import type { DateTimeTimeZone, Event } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import { instantToLondon, londonToInstant, londonWindowsTimeZone } from '../calendar/london.js';
import type { CalendarPort, NewMeeting, Occurrence } from '../booking/ports.js';
import { segment } from '../graph/client.js';
import { GraphCalendar, GraphConflictError, GraphLists, createGraphClient, equalsFilter, isGraphRequestError, type GraphClient } from '../graph/index.js';
import { onBehalfOfAuth, type ConfidentialTokenSource } from '../graph/auth.js';
import { GraphTeamwork } from '../graph/teamwork.js';
import { conflict, recordKeyTaken, type FieldEquals, type ListItem, type ListPort } from '../records/repository.js';
import type { ColumnDefinition } from '../records/lists.js';
import type { BusyInterval } from '../schedule/slots.js';
import type { Pack } from '../policy/schema.js';
import type { AppServices, DirectoryPerson, PeopleDirectory } from './services.js';
import { CachedCalendar, CachedDirectory, CachedRecordsRepository, LookupCache, derivedPrefix, relationshipLists, writingThrough, type LookupCacheOptions } from './lookup-cache.js';
import type { AutomaticReplies } from '../absence/absence.js';

function zoned(localDateTime: string): DateTimeTimeZone {
  return { dateTime: `${localDateTime}:00`, timeZone: londonWindowsTimeZone };
}

function toGraphEvent(meeting: NewMeeting): Omit<Event, 'start' | 'end' | 'transactionId'> & { start: DateTimeTimeZone; end: DateTimeTimeZone } {
  return {
    subject: meeting.subject,
    body: { contentType: 'html', content: meeting.bodyHtml },
    start: zoned(meeting.start),
    end: zoned(meeting.end),
    attendees: meeting.attendees.map((a) => ({ type: 'required', emailAddress: { address: a.address, name: a.name } })),
    ...(meeting.recurrence ? { recurrence: meeting.recurrence } : {}),
    ...(meeting.location ? { location: { displayName: meeting.location } } : {}),
    ...(meeting.teamsMeeting ? { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' as const } : {}),
    ...(meeting.categories ? { categories: [...meeting.categories] } : {}),
    allowNewTimeProposals: true,
  };
}

/** A Graph dateTime in UTC (or with an explicit zone) → instant. */
function instantOf(value: DateTimeTimeZone | null | undefined): number | undefined {
  if (!value?.dateTime) return undefined;
  const zone = value.timeZone ?? 'UTC';
  if (zone === 'UTC' || zone === 'Etc/UTC') return Date.parse(`${value.dateTime.replace(/Z$/, '')}Z`);
  if (zone === londonWindowsTimeZone || zone === 'Europe/London') return londonToInstant(value.dateTime.slice(0, 10), value.dateTime.slice(11, 16));
  return Date.parse(value.dateTime);
}

/** How the calendar adapter finds a person's SMTP address (getSchedule takes addresses, not ids). */
export interface AddressBook {
  user(idOrUpn: string): Promise<{ mail: string } | undefined>;
}

export class GraphCalendarPort implements CalendarPort {
  private readonly calendar: GraphCalendar;

  constructor(
    client: GraphClient,
    private readonly addresses?: AddressBook,
  ) {
    this.calendar = new GraphCalendar(client);
  }

  /** getSchedule's `schedules` are SMTP addresses: a directory id would come back as an unknown recipient. */
  private async addressOf(mailbox: string): Promise<string> {
    if (mailbox.includes('@') || !this.addresses) return mailbox;
    return (await this.addresses.user(mailbox))?.mail || mailbox;
  }

  async createMeeting(organizer: string, meeting: NewMeeting, transactionId: string): Promise<{ id: string }> {
    const event = await this.calendar.createEvent(organizer, toGraphEvent(meeting), transactionId);
    return { id: event.id };
  }

  async createMeetings(items: readonly { organizer: string; meeting: NewMeeting; transactionId: string }[]): Promise<{ id: string }[]> {
    if (items.length === 0) return [];
    const events = await this.calendar.createEvents(items.map((item) => ({ mailbox: item.organizer, event: toGraphEvent(item.meeting), transactionId: item.transactionId })));
    return events.map((e) => ({ id: e.id }));
  }

  async occurrences(organizer: string, seriesId: string, from: CivilDate, to: CivilDate): Promise<Occurrence[]> {
    const start = new Date(londonToInstant(from, '00:00'));
    const end = new Date(londonToInstant(toCivil(toDay(to) + 1), '00:00'));
    const events = await this.calendar.listInstances(organizer, seriesId, start, end);
    return events.map((event) => {
      const startInstant = instantOf(event.start) ?? 0;
      const original = event.originalStart ? Date.parse(event.originalStart) : startInstant;
      const joinUrl = event.onlineMeeting?.joinUrl;
      return { id: event.id, originalDate: instantToLondon(original).date, date: instantToLondon(startInstant).date, ...(joinUrl ? { joinUrl } : {}) };
    });
  }

  async moveOccurrence(organizer: string, occurrenceId: string, start: string, end: string): Promise<void> {
    await this.calendar.patchEvent(organizer, occurrenceId, { start: zoned(start), end: zoned(end) });
  }

  async busy(mailboxes: readonly string[], from: CivilDate, to: CivilDate): Promise<BusyInterval[]> {
    const start = new Date(londonToInstant(from, '00:00'));
    const end = new Date(londonToInstant(to, '00:00'));
    const schedules = await this.calendar.getSchedule(await Promise.all(mailboxes.map((m) => this.addressOf(m))), start, end, 30);
    const busy: BusyInterval[] = [];
    for (const schedule of schedules) {
      for (const item of schedule.scheduleItems ?? []) {
        if (item.status === 'free') continue;
        const s = instantOf(item.start);
        const e = instantOf(item.end);
        if (s !== undefined && e !== undefined) busy.push({ start: s, end: e });
      }
    }
    return busy;
  }

  async cancelMeeting(organizer: string, eventId: string, comment: string): Promise<void> {
    await this.calendar.cancelEvent(organizer, eventId, comment);
  }
}

const userSchema = z.looseObject({
  id: z.string(),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  department: z.string().nullish(),
});
type GraphUser = z.infer<typeof userSchema>;
const select = 'id,displayName,mail,userPrincipalName,jobTitle,department';
const dateTimeTimeZoneSchema = z.looseObject({ dateTime: z.string(), timeZone: z.string().nullish() });
const automaticRepliesSchema = z.looseObject({
  status: z.enum(['disabled', 'alwaysEnabled', 'scheduled']),
  scheduledStartDateTime: dateTimeTimeZoneSchema.nullish(),
  scheduledEndDateTime: dateTimeTimeZoneSchema.nullish(),
});

export class GraphDirectory implements PeopleDirectory {
  constructor(private readonly client: GraphClient) {}

  private static person(user: GraphUser, managerId: string | null): DirectoryPerson {
    return {
      id: user.id,
      displayName: user.displayName ?? user.userPrincipalName ?? user.id,
      mail: user.mail ?? user.userPrincipalName ?? '',
      ...(user.jobTitle ? { jobTitle: user.jobTitle } : {}),
      ...(user.department ? { department: user.department } : {}),
      managerId,
    };
  }

  private async raw(idOrUpn: string): Promise<GraphUser | undefined> {
    const response = await this.client.request({ method: 'GET', path: `/users/${segment(idOrUpn)}`, query: { $select: select }, accept: [404, 400] });
    if (response.status !== 200) return undefined;
    return userSchema.parse(response.body);
  }

  private async managerId(id: string): Promise<string | null> {
    const response = await this.client.request({ method: 'GET', path: `/users/${segment(id)}/manager`, query: { $select: 'id' }, accept: [404] });
    if (response.status !== 200) return null;
    return z.looseObject({ id: z.string() }).parse(response.body).id;
  }

  async user(idOrUpn: string): Promise<{ id: string; displayName: string; mail: string } | undefined> {
    const user = await this.raw(idOrUpn);
    return user ? GraphDirectory.person(user, null) : undefined;
  }

  async person(idOrUpn: string): Promise<DirectoryPerson | undefined> {
    const user = await this.raw(idOrUpn);
    return user ? GraphDirectory.person(user, await this.managerId(user.id)) : undefined;
  }

  async directReports(idOrUpn: string): Promise<{ id: string; displayName: string; mail: string }[]> {
    const people: DirectoryPerson[] = [];
    for await (const page of this.client.pages({ method: 'GET', path: `/users/${segment(idOrUpn)}/directReports`, query: { $select: select } })) {
      for (const item of page) people.push(GraphDirectory.person(userSchema.parse(item), null));
    }
    return people;
  }

  async everyone(): Promise<DirectoryPerson[]> {
    const users: GraphUser[] = [];
    for await (const page of this.client.pages({ method: 'GET', path: '/users', query: { $select: select, $top: 200 } })) {
      for (const item of page) users.push(userSchema.parse(item));
    }
    return Promise.all(users.map(async (u) => GraphDirectory.person(u, await this.managerId(u.id))));
  }

  /** GET /users/{id}/mailboxSettings/automaticRepliesSetting: status and schedule; the reply texts are never read on. */
  async automaticReplies(idOrUpn: string): Promise<AutomaticReplies | undefined> {
    const response = await this.client.request({ method: 'GET', path: `/users/${segment(idOrUpn)}/mailboxSettings/automaticRepliesSetting`, accept: [404] });
    if (response.status !== 200) return undefined;
    const body = automaticRepliesSchema.parse(response.body);
    const start = body.status === 'scheduled' ? instantOf(body.scheduledStartDateTime) : undefined;
    const end = body.status === 'scheduled' ? instantOf(body.scheduledEndDateTime) : undefined;
    return { status: body.status, ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
  }
}

/** SharePoint lists of one site as the repository's ListPort. */
export class GraphListPort implements ListPort {
  private readonly lists: GraphLists;

  constructor(
    client: GraphClient,
    private readonly siteId: string,
  ) {
    this.lists = new GraphLists(client);
  }

  async ensureList(definition: { displayName: string; columns: readonly ColumnDefinition[] }): Promise<{ id: string; created: boolean; addedColumns: string[] }> {
    const result = await this.lists.ensureList(this.siteId, { displayName: definition.displayName, columns: definition.columns });
    return { id: result.id, created: result.created, addedColumns: result.addedColumns };
  }

  async createItem(listId: string, fields: Record<string, unknown>): Promise<ListItem> {
    try {
      return await this.lists.createItem(this.siteId, listId, fields);
    } catch (error) {
      if (isGraphRequestError(error) && error.graphStatus === 409) throw recordKeyTaken(listId);
      throw error;
    }
  }

  findItems(listId: string, where: readonly FieldEquals[]): Promise<ListItem[]> {
    return this.lists.queryItems(this.siteId, listId, equalsFilter(where), { top: 200 });
  }

  async updateItem(listId: string, itemId: string, fields: Record<string, unknown>, eTag: string): Promise<ListItem> {
    try {
      return await this.lists.updateItem(this.siteId, listId, itemId, fields, eTag);
    } catch (error) {
      if (error instanceof GraphConflictError) throw conflict(listId, String(fields.RecordKey ?? itemId));
      throw error;
    }
  }

  deleteItem(listId: string, itemId: string, eTag?: string): Promise<void> {
    return this.lists.deleteItem(this.siteId, listId, itemId, eTag);
  }
}

/**
 * The Teams app id deep links name (teams-docs "Deep link to an application": the org
 * catalog id for an app published to the org catalog, the manifest id for one uploaded as a
 * custom app). Looked up once at start-up; without the catalog entry, the manifest id.
 */
export async function teamsAppIdOf(client: GraphClient, manifestId: string): Promise<string> {
  try {
    return (await new GraphTeamwork(client).catalogApp(manifestId))?.id ?? manifestId;
  } catch {
    return manifestId;
  }
}

export interface GraphServicesOptions {
  client: GraphClient;
  siteId: string;
  pack: Pack;
  appUrl: string;
  /** Deep links in cards and meeting bodies name this Teams app (tenant mode). */
  teamsAppId?: string;
  now?: () => Date;
  /** Identity and relationship lookups (lookup-cache.ts); default 60 s, 5,000 answers. */
  lookupCache?: LookupCacheOptions;
  /** Activity: the other lists and Outlook occurrences (lookup-cache.ts); default 5 s. */
  activityCache?: LookupCacheOptions;
}

/** AppServices over Graph: the same object in local and tenant mode. */
export function createGraphServices(options: GraphServicesOptions): AppServices {
  const cache = new LookupCache(options.lookupCache);
  const activity = new LookupCache({ ttlMs: 5_000, ...options.activityCache });
  const directory = new CachedDirectory(new GraphDirectory(options.client), cache);
  const records = new CachedRecordsRepository(new GraphListPort(options.client, options.siteId), cache, relationshipLists, activity);
  return {
    pack: options.pack,
    records,
    calendar: new CachedCalendar(new GraphCalendarPort(options.client, directory), activity),
    directory,
    async serviceManagerIds() {
      // Service managers are the staff whose role is the pack's service-manager role, or who
      // manage the managers of supervisors when the pack has no such role.
      const staff = await records.where('staff', 'team', 'Leadership').catch(() => []);
      const fromRoles = staff.map((s) => s.record).filter((s) => s.role === 'service-manager' || s.role === 'senior-manager').map((s) => s.userId);
      if (fromRoles.length > 0) return fromRoles;
      const people = await directory.everyone();
      return people.filter((p) => /service manager/i.test(p.jobTitle ?? '')).map((p) => p.id);
    },
    now: options.now ?? (() => new Date()),
    appUrl: options.appUrl,
    ...(options.teamsAppId ? { teamsAppId: options.teamsAppId } : {}),
    views: { get: (key, compute) => activity.get(`${derivedPrefix}${key}`, compute) },
  };
}


/**
 * Services that can act on behalf of a signed-in user: `forUser(ssoToken)` answers the same
 * AppServices with calendar and directory calls made with a delegated (OBO) token for that
 * user. Records stay on the base services' app-only client on purpose: SharePoint lists are
 * reached with Sites.Selected, granted to the app for the one site, never to users.
 */
export interface DelegatingServices extends AppServices {
  forUser(ssoToken: string): AppServices;
}

export function isDelegating(services: AppServices): services is DelegatingServices {
  return typeof (services as Partial<DelegatingServices>).forUser === 'function';
}

export interface OnBehalfOfServicesOptions {
  /** One shared confidential client per process (its cache holds the OBO tokens). */
  source: ConfidentialTokenSource;
  baseUrl?: string;
  scopes?: string[];
  fetchImpl?: typeof fetch;
  /** Consent retry seam for tests. */
  consentRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How many users' services to keep; the oldest are dropped first. */
  maxUsers?: number;
}

/** Adds `forUser` to app-only services: per-token services memoised (LRU) on one MSAL client. */
export function withOnBehalfOf(base: AppServices, options: OnBehalfOfServicesOptions): DelegatingServices {
  const memo = new Map<string, AppServices>();
  const max = options.maxUsers ?? 500;
  const forUser = (ssoToken: string): AppServices => {
    const cached = memo.get(ssoToken);
    if (cached) {
      memo.delete(ssoToken);
      memo.set(ssoToken, cached);
      return cached;
    }
    const client = createGraphClient({
      baseUrl: options.baseUrl ?? 'https://graph.microsoft.com/v1.0',
      auth: onBehalfOfAuth(options.source, ssoToken, {
        ...(options.scopes ? { scopes: options.scopes } : {}),
        ...(options.consentRetries !== undefined ? { consentRetries: options.consentRetries } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      }),
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    });
    // Calendar (free/busy, booking, rescheduling) and directory: as the user. Records: app-only.
    const own = new GraphCalendarPort(client, base.directory);
    const calendar = base.calendar instanceof CachedCalendar ? writingThrough(own, base.calendar) : own;
    const services: AppServices = { ...base, calendar, directory: new GraphDirectory(client) };
    memo.set(ssoToken, services);
    if (memo.size > max) memo.delete(memo.keys().next().value as string);
    return services;
  };
  return { ...base, forUser };
}
