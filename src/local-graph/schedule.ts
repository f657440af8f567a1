/**
 * calendar/getSchedule (contract §2.1): free/busy of up to 20 mailboxes over a window shorter
 * than 62 days, as scheduleItems plus an availabilityView string with one digit per interval
 * (0 free or working elsewhere, 1 tentative, 2 busy, 3 out of office), and each mailbox's
 * working hours from its mailboxSettings. An unknown address yields an entry with an error.
 */
import { z } from 'zod';
import { responseZone } from './calendar-common.js';
import type { MailboxContext } from './context.js';
import { GraphError } from './errors.js';
import { eventTime } from './event-input.js';
import { instancesOf, instantOf, renderInstance, sortInstances, type Instance } from './event-model.js';
import { isRecord, jsonResponse, parseBody, type GraphResponse } from './protocol.js';
import { toDateTimeTimeZone, utcZone } from './time-zones.js';

const maxSchedules = 20;
const maxWindowDays = 62;
const DAY = 86_400_000;

const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });

const getScheduleSchema = z.strictObject({
  schedules: z.array(z.string().min(1)).min(1),
  startTime: dateTimeTimeZoneSchema,
  endTime: dateTimeTimeZoneSchema,
  // The documented example sends the interval as a string ("15").
  availabilityViewInterval: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish(),
});

/** Action parameters are matched without regard to case (the concept page writes "Schedules"). */
function camelKeys(body: unknown): unknown {
  if (!isRecord(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
}

const statusDigit: Record<string, string> = { free: '0', workingElsewhere: '0', unknown: '0', tentative: '1', busy: '2', oof: '3' };

export function getSchedule(ctx: MailboxContext): GraphResponse {
  const input = parseBody(getScheduleSchema, camelKeys(ctx.request.body), 'getSchedule', 'ErrorInvalidParameter');
  if (input.schedules.length > maxSchedules) {
    throw new GraphError(400, 'ErrorMailboxDataArrayTooBig', `There are too many target users in the EmailAddress array. The allowed size = ${maxSchedules}; the actual size = ${input.schedules.length}.`);
  }
  const interval = input.availabilityViewInterval ?? 30;
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
    throw new GraphError(400, 'ErrorInvalidParameter', `The value '${interval}' of parameter 'availabilityViewInterval' is invalid: it must be from 5 to 1440 minutes.`);
  }
  const from = instantOf(eventTime(input.startTime, 'start'));
  const to = instantOf(eventTime(input.endTime, 'end'));
  if (to <= from) throw new GraphError(400, 'ErrorInvalidParameter', "The parameter 'endTime' must be after 'startTime'.");
  if (to - from >= maxWindowDays * DAY) {
    const days = Math.ceil((to - from) / DAY);
    throw new GraphError(400, 'ErrorTimeIntervalTooBig', `The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The window must be shorter than ${maxWindowDays} days; the requested window is ${days} days.`);
  }
  const { zone, headers } = responseZone(ctx.request);
  const value = input.schedules.map((address) => scheduleFor(ctx, address, from, to, interval * 60_000, zone));
  return jsonResponse(200, { '@odata.context': `${ctx.request.baseUrl}/$metadata#Collection(microsoft.graph.scheduleInformation)`, value }, headers);
}

function scheduleFor(ctx: MailboxContext, address: string, from: number, to: number, slot: number, zone: ReturnType<typeof responseZone>['zone']): Record<string, unknown> {
  // `schedules` are SMTP addresses: anything else (a directory id) names no recipient.
  const user = ctx.store.findUserByAddress(address);
  if (!user) {
    return {
      scheduleId: address,
      availabilityView: '',
      scheduleItems: [],
      error: { message: `The user '${address}' could not be found.`, responseCode: 'ErrorMailRecipientNotFound' },
    };
  }
  const busy: { instance: Instance; status: string }[] = [];
  for (const instance of sortInstances(ctx.store.eventsOf(user.id).flatMap((e) => instancesOf(e, from, to)))) {
    if (instance.event.isCancelled) continue;
    const status = String(renderInstance(instance, undefined).showAs);
    if (status === 'free') continue;
    busy.push({ instance, status });
  }
  let view = '';
  for (let t = from; t < to; t += slot) {
    const end = Math.min(t + slot, to);
    let digit = '0';
    for (const { instance, status } of busy) {
      if (instance.start < end && instance.end > t) {
        const d = statusDigit[status] ?? '0';
        if (d > digit) digit = d;
      }
    }
    view += digit;
  }
  const out = zone ?? utcZone;
  const hours = user.mailboxSettings.workingHours;
  return {
    scheduleId: address,
    availabilityView: view,
    scheduleItems: busy.map(({ instance, status }) => {
      const rendered = renderInstance(instance, undefined);
      const location = rendered.location as { displayName?: string } | undefined;
      return {
        isPrivate: instance.event.sensitivity === 'private',
        status,
        subject: rendered.subject,
        location: location?.displayName ?? '',
        start: toDateTimeTimeZone(instance.start, out),
        end: toDateTimeTimeZone(instance.end, out),
      };
    }),
    workingHours: { daysOfWeek: hours.daysOfWeek, startTime: hours.startTime, endTime: hours.endTime, timeZone: { name: hours.timeZone.name } },
  };
}
