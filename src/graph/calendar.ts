/**
 * Calendar calls the product makes, typed with Graph's own types at the boundary and
 * validated with zod where the product relies on what comes back (ids, types, times).
 * Graph's rules that shape these calls (contract §1–§2, §6):
 * - every create carries a transactionId, so a retried POST returns the first event (§1.3);
 * - instances and calendarView need both window ends and page through @odata.nextLink;
 * - getSchedule takes at most 20 schedules and a window under 62 days, so larger asks are
 *   split and merged here, with sub-windows a whole number of intervals long so the
 *   availability views join without a seam;
 * - calendarView/delta reports removed occurrences as `@removed`, which `instances` never
 *   shows (gotcha 4).
 * Times go out as UTC instants; `timeZone` (a Windows zone name) only asks Graph to express
 * returned times in that zone (`Prefer: outlook.timezone`).
 */
import type { DateTimeTimeZone, Event, ScheduleInformation, ScheduleItem } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { SupervisionError, invalidInput } from '../errors.js';
import { batchBody, runBatch, type BatchRequest } from './batch.js';
import { parseResponse, segment, type GraphCall, type GraphClient } from './client.js';
import { isGraphItemNotFound, isGraphRequestError, readErrorBody, toGraphError } from './errors.js';

/** An event as Graph returns it; `id` is always present. */
export type GraphEvent = Event & { id: string };

/** An event to create: Graph's Event with start and end required (transactionId is a separate argument). */
export type NewEvent = Omit<Event, 'start' | 'end' | 'transactionId'> & { start: DateTimeTimeZone; end: DateTimeTimeZone };

/** An instant: a Date, or an ISO 8601 string with an offset or Z. */
export type Instant = Date | string;

export interface ZoneOptions {
  /** Windows time zone name for times in the response, e.g. `GMT Standard Time` (default UTC). */
  timeZone?: string;
}

export interface PageOptions extends ZoneOptions {
  /** `Prefer: odata.maxpagesize`; Graph may page sooner. */
  pageSize?: number;
}

export interface DeltaResult {
  /** Created or changed events (occurrences and exceptions expanded). */
  events: GraphEvent[];
  /** Ids reported `@removed`: deleted or cancelled, or changed and now outside the window. */
  removedIds: string[];
  /** Store it and pass it back next time. */
  deltaLink: string;
  /** The stored deltaLink had expired (410) and this is a fresh full round. */
  reset: boolean;
}

export const eventTypes = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'] as const;

const dateTimeTimeZoneSchema = z.looseObject({ dateTime: z.string().min(1), timeZone: z.string().nullish() });

/** What the product relies on in an event answer. */
export const eventSchema = z.looseObject({
  id: z.string().min(1),
  type: z.enum(eventTypes).nullish(),
  start: dateTimeTimeZoneSchema.nullish(),
  end: dateTimeTimeZoneSchema.nullish(),
  seriesMasterId: z.string().nullish(),
  originalStart: z.string().nullish(),
  transactionId: z.string().nullish(),
  isCancelled: z.boolean().nullish(),
});

const deltaItemSchema = z.looseObject({ id: z.string().min(1), '@removed': z.looseObject({ reason: z.string().optional() }).optional() });

const scheduleInformationSchema = z.looseObject({
  scheduleId: z.string().nullish(),
  availabilityView: z.string().nullish(),
  scheduleItems: z
    .array(z.looseObject({ status: z.string().nullish(), start: dateTimeTimeZoneSchema.nullish(), end: dateTimeTimeZoneSchema.nullish() }))
    .nullish(),
  workingHours: z.looseObject({}).nullish(),
  error: z.looseObject({ message: z.string().nullish(), responseCode: z.string().nullish() }).nullish(),
});
const scheduleAnswerSchema = z.object({ value: z.array(scheduleInformationSchema) });

export const maxSchedulesPerCall = 20;
const minute = 60_000;
/** The window must be under 62 days; 61 leaves no doubt at the edge. */
const maxWindowMinutes = 61 * 24 * 60;

function asEvent(body: unknown, what: string): GraphEvent {
  return parseResponse(eventSchema, body, what) as GraphEvent;
}

function toDate(value: Instant, field: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidInput(field, 'must be an ISO 8601 instant');
  if (typeof value === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) throw invalidInput(field, 'must carry an offset or Z, or it would mean UTC silently');
  return date;
}

/** `2025-03-01T10:00:00Z`: the form Graph documents for window parameters. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function span(from: Instant, to: Instant): { start: Date; end: Date } {
  const start = toDate(from, 'from');
  const end = toDate(to, 'to');
  if (end <= start) throw invalidInput('to', 'must be after from');
  return { start, end };
}

function preferHeader(options: PageOptions | undefined): Record<string, string> | undefined {
  const prefer: string[] = [];
  if (options?.timeZone) prefer.push(`outlook.timezone="${options.timeZone.replace(/"/g, '')}"`);
  if (options?.pageSize) prefer.push(`odata.maxpagesize=${Math.max(1, Math.floor(options.pageSize))}`);
  return prefer.length > 0 ? { Prefer: prefer.join(', ') } : undefined;
}

function withHeaders(call: GraphCall, headers: Record<string, string> | undefined): GraphCall {
  return headers ? { ...call, headers } : call;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function scheduleItemKey(item: ScheduleItem): string {
  return JSON.stringify([item.status, item.start?.dateTime, item.start?.timeZone, item.end?.dateTime, item.end?.timeZone, item.subject, item.location, item.isPrivate]);
}

/** Joins one mailbox's answers for consecutive sub-windows into the answer for the whole window. */
function mergeSchedules(scheduleId: string, parts: ScheduleInformation[]): ScheduleInformation {
  const seen = new Set<string>();
  const items: ScheduleItem[] = [];
  for (const part of parts) {
    for (const item of part.scheduleItems ?? []) {
      // An item crossing a split point comes back from both calls.
      const key = scheduleItemKey(item);
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
  }
  const merged: ScheduleInformation = {
    scheduleId,
    availabilityView: parts.map((p) => p.availabilityView ?? '').join(''),
    scheduleItems: items,
  };
  const workingHours = parts.find((p) => p.workingHours)?.workingHours;
  if (workingHours) merged.workingHours = workingHours;
  const error = parts.find((p) => p.error)?.error;
  if (error) merged.error = error;
  return merged;
}

export class GraphCalendar {
  constructor(private readonly client: GraphClient) {}

  private events(mailbox: string): string {
    return `/users/${segment(mailbox)}/events`;
  }

  /** Idempotent by `transactionId`: the same id twice yields one event (the first). */
  async createEvent(mailbox: string, event: NewEvent, transactionId: string, options?: ZoneOptions): Promise<GraphEvent> {
    if (!transactionId) throw invalidInput('transactionId', 'is required so a retried create cannot duplicate a meeting');
    const response = await this.client.request(withHeaders({ method: 'POST', path: this.events(mailbox), body: { ...event, transactionId } }, preferHeader(options)));
    return asEvent(response.body, 'POST /users/{id}/events');
  }

  /** Many creates through `$batch` (20 per request), results in input order; throws the first failure after all ran. */
  async createEvents(items: readonly { mailbox: string; event: NewEvent; transactionId: string }[], options?: ZoneOptions): Promise<GraphEvent[]> {
    const headers = preferHeader(options);
    const requests: BatchRequest[] = items.map((item, i) => {
      if (!item.transactionId) throw invalidInput(`items[${i}].transactionId`, 'is required so a retried create cannot duplicate a meeting');
      return { method: 'POST', url: this.events(item.mailbox), body: { ...item.event, transactionId: item.transactionId }, ...(headers ? { headers } : {}) };
    });
    const responses = await runBatch(this.client, requests);
    return responses.map((response, i) => asEvent(batchBody(requests[i] as BatchRequest, response), 'POST /users/{id}/events (batched)'));
  }

  /** The event, or undefined when the mailbox holds no such event. */
  async getEvent(mailbox: string, eventId: string, options?: ZoneOptions & { select?: readonly string[] }): Promise<GraphEvent | undefined> {
    try {
      const query = options?.select ? { $select: ['id', ...options.select].join(',') } : undefined;
      const response = await this.client.request(withHeaders({ method: 'GET', path: `${this.events(mailbox)}/${segment(eventId)}`, ...(query ? { query } : {}) }, preferHeader(options)));
      return asEvent(response.body, 'GET /users/{id}/events/{id}');
    } catch (error) {
      if (isGraphItemNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Occurrences and exceptions of a series in [from, to); cancelled occurrences are not listed (gotcha 4). */
  async listInstances(mailbox: string, seriesMasterId: string, from: Instant, to: Instant, options?: PageOptions): Promise<GraphEvent[]> {
    const { start, end } = span(from, to);
    return this.collectEvents(
      withHeaders({ method: 'GET', path: `${this.events(mailbox)}/${segment(seriesMasterId)}/instances`, query: { startDateTime: isoSeconds(start), endDateTime: isoSeconds(end) } }, preferHeader(options)),
      'GET /users/{id}/events/{id}/instances',
    );
  }

  /** Single instances, occurrences and exceptions overlapping [from, to). */
  async calendarView(mailbox: string, from: Instant, to: Instant, options?: PageOptions): Promise<GraphEvent[]> {
    const { start, end } = span(from, to);
    return this.collectEvents(
      withHeaders({ method: 'GET', path: `/users/${segment(mailbox)}/calendarView`, query: { startDateTime: isoSeconds(start), endDateTime: isoSeconds(end) } }, preferHeader(options)),
      'GET /users/{id}/calendarView',
    );
  }

  private async collectEvents(call: GraphCall, what: string): Promise<GraphEvent[]> {
    const events: GraphEvent[] = [];
    for await (const page of this.client.pages(call)) for (const item of page) events.push(asEvent(item, what));
    return events;
  }

  /** Patching an occurrence id turns it into an exception; the series master id changes the series. */
  async patchEvent(mailbox: string, eventId: string, patch: Event, options?: ZoneOptions): Promise<GraphEvent> {
    const response = await this.client.request(withHeaders({ method: 'PATCH', path: `${this.events(mailbox)}/${segment(eventId)}`, body: patch }, preferHeader(options)));
    return asEvent(response.body, 'PATCH /users/{id}/events/{id}');
  }

  /** Organizer only; attendees get the comment. An occurrence id cancels just that meeting (gotcha 6). */
  async cancelEvent(mailbox: string, eventId: string, comment: string): Promise<void> {
    await this.client.request({ method: 'POST', path: `${this.events(mailbox)}/${segment(eventId)}/cancel`, body: { comment } });
  }

  /** Deleting a series master deletes the series. Already gone counts as deleted, so a retry after a lost answer succeeds. */
  async deleteEvent(mailbox: string, eventId: string): Promise<void> {
    const path = `${this.events(mailbox)}/${segment(eventId)}`;
    const response = await this.client.request({ method: 'DELETE', path, accept: [404] });
    // An unknown mailbox is a 404 too, and must not pass for "deleted".
    if (response.status === 404 && !/^(ErrorItemNotFound|itemNotFound)$/.test(readErrorBody(response.body).code)) {
      throw toGraphError({ method: 'DELETE', url: path, status: 404, body: response.body, header: (name) => response.headers.get(name) ?? undefined });
    }
  }

  /**
   * Free/busy for any number of mailboxes over any window: split into calls of at most 20
   * schedules and under 62 days, merged per mailbox in input order. Calls go through
   * `options.via` (the mailbox whose calendar endpoint answers; `me` for delegated tokens),
   * by default each chunk's first mailbox, which app-only tokens may use and which spreads the
   * calls over mailboxes rather than queueing them all on one.
   */
  async getSchedule(mailboxes: readonly string[], from: Instant, to: Instant, intervalMinutes = 30, options?: ZoneOptions & { via?: string }): Promise<ScheduleInformation[]> {
    if (mailboxes.length === 0) return [];
    if (!Number.isInteger(intervalMinutes) || intervalMinutes < 5 || intervalMinutes > 1440) throw invalidInput('intervalMinutes', 'must be a whole number from 5 to 1440');
    const { start, end } = span(from, to);
    const step = Math.floor(maxWindowMinutes / intervalMinutes) * intervalMinutes * minute;
    const windows: { start: Date; end: Date }[] = [];
    for (let t = start.getTime(); t < end.getTime(); t += step) windows.push({ start: new Date(t), end: new Date(Math.min(t + step, end.getTime())) });
    const chunks = chunked(mailboxes, maxSchedulesPerCall);
    const headers = preferHeader(options);
    const answers = await Promise.all(
      chunks.map((chunk) =>
        Promise.all(
          windows.map(async (w) => {
            const via = options?.via ?? (chunk[0] as string);
            const path = via === 'me' ? '/me/calendar/getSchedule' : `/users/${segment(via)}/calendar/getSchedule`;
            const utc = (d: Date) => ({ dateTime: isoSeconds(d).slice(0, -1), timeZone: 'UTC' });
            const response = await this.client.request(
              withHeaders({ method: 'POST', path, body: { schedules: chunk, startTime: utc(w.start), endTime: utc(w.end), availabilityViewInterval: intervalMinutes } }, headers),
            );
            const { value } = parseResponse(scheduleAnswerSchema, response.body, 'POST /users/{id}/calendar/getSchedule');
            const values = value as ScheduleInformation[];
            return chunk.map((mailbox, i) => values.find((v) => v.scheduleId?.toLowerCase() === mailbox.toLowerCase()) ?? values[i] ?? { scheduleId: mailbox, scheduleItems: [] });
          }),
        ),
      ),
    );
    return chunks.flatMap((chunk, c) => chunk.map((mailbox, i) => mergeSchedules(mailbox, (answers[c] ?? []).map((perWindow) => perWindow[i] as ScheduleInformation))));
  }

  /**
   * One round of calendarView delta: from the stored deltaLink, or a fresh round over
   * [from, to) when there is none or it has expired. Pages until Graph hands out the next
   * deltaLink.
   */
  async calendarDelta(mailbox: string, from: Instant, to: Instant, deltaLink?: string, options?: PageOptions): Promise<DeltaResult> {
    const headers = preferHeader(options);
    const fresh = (): GraphCall => {
      const { start, end } = span(from, to);
      return withHeaders({ method: 'GET', path: `/users/${segment(mailbox)}/calendarView/delta`, query: { startDateTime: isoSeconds(start), endDateTime: isoSeconds(end) } }, headers);
    };
    if (!deltaLink) return { ...(await this.deltaRound(fresh())), reset: false };
    try {
      return { ...(await this.deltaRound(withHeaders({ method: 'GET', path: deltaLink }, headers))), reset: false };
    } catch (error) {
      // Graph forgets sync state after a while and answers 410: start a new round.
      if (isGraphRequestError(error) && error.graphStatus === 410) return { ...(await this.deltaRound(fresh())), reset: true };
      throw error;
    }
  }

  private async deltaRound(call: GraphCall): Promise<Omit<DeltaResult, 'reset'>> {
    const events: GraphEvent[] = [];
    const removedIds: string[] = [];
    const pages = this.client.pages(call);
    for (let page = await pages.next(); ; page = await pages.next()) {
      if (page.done) {
        if (!page.value) throw new SupervisionError('UPSTREAM', 'Graph calendarView delta ended without a deltaLink');
        return { events, removedIds, deltaLink: page.value };
      }
      for (const item of page.value) {
        const entry = parseResponse(deltaItemSchema, item, 'GET /users/{id}/calendarView/delta');
        if (entry['@removed']) removedIds.push(entry.id);
        else events.push(asEvent(item, 'GET /users/{id}/calendarView/delta'));
      }
    }
  }
}
