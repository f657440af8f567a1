/**
 * Reading event payloads (POST and PATCH): zod for shape, then Graph's own rules for time
 * zones, wall-clock times and recurrence, each failure naming the property at fault.
 */
import { z } from 'zod';
import { GraphError, propertyValidation, timeZoneNotSupported } from './errors.js';
import { showAsValues, type EventTime, type ItemBody } from './event-model.js';
import { parseBody } from './protocol.js';
import { validateRecurrence, type PatternedRecurrence } from './recurrence.js';
import { localToInstant, parseGraphDateTime, resolveTimeZone, utcZone } from './time-zones.js';

const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
const emailAddressSchema = z.object({ address: z.string().min(1), name: z.string().nullish() });
const attendeeSchema = z.object({ emailAddress: emailAddressSchema, type: z.enum(['required', 'optional', 'resource']).nullish() });
const bodySchema = z.object({ contentType: z.string().nullish(), content: z.string().nullish() });
const locationSchema = z.record(z.string(), z.unknown());

const eventInputSchema = z.strictObject({
  subject: z.string().nullish(),
  body: bodySchema.nullish(),
  start: dateTimeTimeZoneSchema.nullish(),
  end: dateTimeTimeZoneSchema.nullish(),
  isAllDay: z.boolean().nullish(),
  attendees: z.array(attendeeSchema).max(500).nullish(),
  location: locationSchema.nullish(),
  locations: z.array(locationSchema).nullish(),
  isOnlineMeeting: z.boolean().nullish(),
  onlineMeetingProvider: z.enum(['unknown', 'teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer']).nullish(),
  recurrence: z.unknown().optional(),
  transactionId: z.string().max(512).nullish(),
  showAs: z.enum(showAsValues).nullish(),
  importance: z.enum(['low', 'normal', 'high']).nullish(),
  sensitivity: z.enum(['normal', 'personal', 'private', 'confidential']).nullish(),
  categories: z.array(z.string()).nullish(),
  isReminderOn: z.boolean().nullish(),
  reminderMinutesBeforeStart: z.number().int().min(0).nullish(),
  responseRequested: z.boolean().nullish(),
  allowNewTimeProposals: z.boolean().nullish(),
  hideAttendees: z.boolean().nullish(),
});

export type EventInput = z.infer<typeof eventInputSchema>;

/** Read-only properties clients echo back from a GET; Graph ignores them on write. */
const readOnlyProperties = new Set([
  '@odata.type', '@odata.etag', '@odata.context', 'id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'iCalUId',
  'type', 'seriesMasterId', 'isOrganizer', 'isCancelled', 'webLink', 'bodyPreview', 'originalStart', 'originalStartTimeZone',
  'originalEndTimeZone', 'responseStatus', 'onlineMeeting', 'onlineMeetingUrl', 'hasAttachments', 'isDraft', 'organizer', 'occurrenceId',
]);

export function parseEventInput(body: unknown): EventInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(400, 'RequestBodyRead', 'The request body must be a JSON object describing a microsoft.graph.event.');
  }
  const writable = Object.fromEntries(Object.entries(body).filter(([key]) => !readOnlyProperties.has(key)));
  return parseBody(eventInputSchema, writable, 'event');
}

export function eventTime(input: { dateTime: string; timeZone?: string | null | undefined }, property: 'start' | 'end'): EventTime {
  const zone = input.timeZone === undefined || input.timeZone === null || input.timeZone === '' ? utcZone : resolveTimeZone(input.timeZone);
  if (!zone) throw timeZoneNotSupported(input.timeZone ?? '');
  const local = parseGraphDateTime(input.dateTime, zone);
  if (!local) throw new GraphError(400, 'ErrorInvalidRequest', `Cannot convert the literal '${input.dateTime}' of property '${property}.dateTime' to a date and time.`);
  return { local, zone: zone.name };
}

export function itemBody(input: { contentType?: string | null | undefined; content?: string | null | undefined }): ItemBody {
  const type = (input.contentType ?? 'text').toLowerCase();
  if (type !== 'text' && type !== 'html') {
    throw new GraphError(400, 'RequestBodyRead', `Cannot convert the literal '${input.contentType}' of property 'body.contentType' to the expected type 'microsoft.graph.bodyType'.`);
  }
  return { contentType: type, content: input.content ?? '' };
}

/** Start must not be after end, and an all-day event spans whole days in one zone. */
export function checkTimes(start: EventTime, end: EventTime, isAllDay: boolean): void {
  const s = localToInstant(start.local, resolveTimeZone(start.zone)?.iana ?? 'Etc/UTC');
  const e = localToInstant(end.local, resolveTimeZone(end.zone)?.iana ?? 'Etc/UTC');
  if (e < s) throw propertyValidation("At least one property failed validation. The 'end' of the event must not be before its 'start'.");
  if (isAllDay) {
    const midnight = (t: EventTime) => t.local.endsWith('T00:00:00');
    if (!midnight(start) || !midnight(end) || e === s) {
      throw propertyValidation("At least one property failed validation. An all-day event's 'start' and 'end' must be midnight, at least a day apart.");
    }
  }
}

/** Validates `recurrence` against the event's start, as Graph does on POST and PATCH. */
export function checkRecurrence(input: unknown, start: EventTime): PatternedRecurrence {
  const check = validateRecurrence(input, { startDate: start.local.slice(0, 10), timeZone: start.zone });
  if (!check.ok) throw new GraphError(400, check.code, check.message);
  return check.recurrence;
}
