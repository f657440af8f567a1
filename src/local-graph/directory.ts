/**
 * The directory: users (by id or userPrincipalName), their manager and direct reports, and
 * mailbox settings (time zone and working hours, which getSchedule reports). Users are seeded
 * through the service API, not created over Graph. Properties outside Graph's default set
 * (department, managerId…) appear only when `$select` asks for them, as in Entra ID.
 */
import { z } from 'zod';
import type { RequestContext, MailboxContext } from './context.js';
import { directoryNotFound, GraphError } from './errors.js';
import type { DirectoryUser } from './index.js';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './odata-filter.js';
import { collection, jsonResponse, pageWindow, paginate, parseBody, project, queryParam, selectList, type GraphResponse } from './protocol.js';
import type { MailboxSettings, Store, StoredUser } from './store.js';
import { localToInstant, parseGraphDateTime, resolveTimeZone, toDateTimeTimeZone, utcZone } from './time-zones.js';

export function defaultMailboxSettings(): MailboxSettings {
  return {
    timeZone: 'GMT Standard Time',
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '09:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: 'GMT Standard Time' },
    },
  };
}

/** Seeds or refreshes a user, keeping mailbox settings changed since through Graph. */
export function upsertUser(store: Store, user: DirectoryUser): void {
  const existing = store.findUser(user.id);
  store.putUser({ ...user, managerId: user.managerId ?? null, mailboxSettings: existing?.mailboxSettings ?? defaultMailboxSettings() });
}

const defaultUserProperties = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

function userJson(user: StoredUser): Record<string, unknown> {
  const [givenName, ...rest] = user.displayName.split(' ');
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: givenName ?? null,
    surname: rest.length > 0 ? rest.join(' ') : null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-GB',
    userPrincipalName: user.userPrincipalName,
    department: user.department ?? null,
    accountEnabled: true,
    userType: 'Member',
  };
}

function renderUser(ctx: RequestContext, user: StoredUser, typed = false): Record<string, unknown> {
  const select = selectList(ctx.request) ?? defaultUserProperties;
  const body = project(userJson(user), select, ['id']);
  return typed ? { '@odata.type': '#microsoft.graph.user', ...body } : body;
}

function userFilter(ctx: RequestContext): ((user: StoredUser) => boolean) | undefined {
  const raw = queryParam(ctx.request.query, 'filter');
  if (raw === undefined || raw.trim() === '') return undefined;
  let node;
  try {
    node = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new GraphError(400, 'Request_BadRequest', `Invalid filter clause: ${error.message}`);
    throw error;
  }
  return (user) => {
    const json = userJson(user);
    return evaluateFilter(
      node,
      (path) => {
        const name = path.join('/');
        if (!(name in json)) throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${name}' of resource 'User'.`);
        return json[name];
      },
      { caseInsensitive: true },
    );
  };
}

export function listUsers(ctx: RequestContext): GraphResponse {
  const filter = userFilter(ctx);
  let users = ctx.store.listUsers();
  if (filter) users = users.filter(filter);
  const page = paginate(ctx.request, users, pageWindow(ctx.request, 100, 999), 'skiptoken');
  return jsonResponse(200, collection({ ...page, value: page.value.map((u) => renderUser(ctx, u)) }, { '@odata.context': `${ctx.request.baseUrl}/$metadata#users` }));
}

export function getUser(ctx: MailboxContext): GraphResponse {
  return jsonResponse(200, renderUser(ctx, ctx.user));
}

export function getManager(ctx: MailboxContext): GraphResponse {
  const managerId = ctx.user.managerId;
  const manager = managerId ? ctx.store.findUser(managerId) : undefined;
  if (!manager) throw directoryNotFound('manager');
  return jsonResponse(200, renderUser(ctx, manager, true));
}

export function listDirectReports(ctx: MailboxContext): GraphResponse {
  const reports = ctx.store.listUsers().filter((u) => u.managerId === ctx.user.id);
  const page = paginate(ctx.request, reports, pageWindow(ctx.request, 100, 999), 'skiptoken');
  return jsonResponse(200, collection({ ...page, value: page.value.map((u) => renderUser(ctx, u, true)) }));
}

/** Automatic replies as kept: scheduled times as instants, rendered in UTC as Graph does by default. */
interface StoredAutomaticReplies {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  externalAudience: 'none' | 'contactsOnly' | 'all';
  internalReplyMessage: string;
  externalReplyMessage: string;
  scheduledStart?: number;
  scheduledEnd?: number;
}

/** Kept in the user's stored mailbox settings JSON beside time zone and working hours. */
type SettingsWithReplies = MailboxSettings & { automaticReplies?: StoredAutomaticReplies };

const disabledReplies: StoredAutomaticReplies = { status: 'disabled', externalAudience: 'all', internalReplyMessage: '', externalReplyMessage: '' };

function automaticRepliesJson(settings: SettingsWithReplies): Record<string, unknown> {
  const { scheduledStart, scheduledEnd, ...rest } = settings.automaticReplies ?? disabledReplies;
  return {
    ...rest,
    ...(scheduledStart !== undefined ? { scheduledStartDateTime: toDateTimeTimeZone(scheduledStart, utcZone) } : {}),
    ...(scheduledEnd !== undefined ? { scheduledEndDateTime: toDateTimeTimeZone(scheduledEnd, utcZone) } : {}),
  };
}

function settingsJson(ctx: MailboxContext): Record<string, unknown> {
  const s = ctx.user.mailboxSettings;
  return {
    '@odata.context': `${ctx.request.baseUrl}/$metadata#users('${ctx.user.id}')/mailboxSettings`,
    archiveFolder: null,
    timeZone: s.timeZone,
    automaticRepliesSetting: automaticRepliesJson(s),
    dateFormat: 'dd/MM/yyyy',
    timeFormat: 'HH:mm',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    language: { locale: 'en-GB', displayName: 'English (United Kingdom)' },
    workingHours: s.workingHours,
    userPurpose: 'user',
  };
}

export function getMailboxSettings(ctx: MailboxContext): GraphResponse {
  const property = ctx.params['property'];
  const all = settingsJson(ctx);
  if (!property) return jsonResponse(200, all);
  const key = Object.keys(all).find((k) => k.toLowerCase() === property.toLowerCase());
  if (!key) throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${property}'.`);
  const value = all[key];
  return jsonResponse(200, typeof value === 'object' && value !== null ? value : { value });
}

const timeOfDay = z.string().regex(/^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/, 'expected a time of day (HH:mm:ss)');
const days = z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']);

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string() });

const mailboxSettingsPatch = z.object({
  timeZone: z.string().optional(),
  automaticRepliesSetting: z
    .object({
      status: z.enum(['disabled', 'alwaysEnabled', 'scheduled']).optional(),
      externalAudience: z.enum(['none', 'contactsOnly', 'all']).optional(),
      internalReplyMessage: z.string().optional(),
      externalReplyMessage: z.string().optional(),
      scheduledStartDateTime: dateTimeTimeZone.optional(),
      scheduledEndDateTime: dateTimeTimeZone.optional(),
    })
    .optional(),
  workingHours: z
    .object({
      daysOfWeek: z.array(days).optional(),
      startTime: timeOfDay.optional(),
      endTime: timeOfDay.optional(),
      timeZone: z.object({ name: z.string() }).optional(),
    })
    .optional(),
});

function graphTime(value: string): string {
  const [h = '00', m = '00', s = '00'] = value.split('.')[0]?.split(':') ?? [];
  return `${h}:${m}:${s}.0000000`;
}

export function updateMailboxSettings(ctx: MailboxContext): GraphResponse {
  const patch = parseBody(mailboxSettingsPatch, ctx.request.body, 'mailboxSettings');
  for (const name of [patch.timeZone, patch.workingHours?.timeZone?.name]) {
    if (name !== undefined && !resolveTimeZone(name)) throw new GraphError(400, 'ErrorInvalidParameter', `The time zone '${name}' is not supported.`);
  }
  const current = ctx.user.mailboxSettings;
  const wh = patch.workingHours;
  const next: MailboxSettings = {
    timeZone: patch.timeZone ?? current.timeZone,
    workingHours: {
      daysOfWeek: wh?.daysOfWeek ?? current.workingHours.daysOfWeek,
      startTime: wh?.startTime ? graphTime(wh.startTime) : current.workingHours.startTime,
      endTime: wh?.endTime ? graphTime(wh.endTime) : current.workingHours.endTime,
      timeZone: wh?.timeZone ?? current.workingHours.timeZone,
    },
  };
  const replies = patch.automaticRepliesSetting;
  const currentReplies = (current as SettingsWithReplies).automaticReplies ?? disabledReplies;
  let automaticReplies: StoredAutomaticReplies | undefined = (current as SettingsWithReplies).automaticReplies;
  if (replies) {
    const instant = (value: { dateTime: string; timeZone: string } | undefined, name: string): number | undefined => {
      if (!value) return undefined;
      const zone = resolveTimeZone(value.timeZone);
      if (!zone) throw new GraphError(400, 'ErrorInvalidParameter', `The time zone '${value.timeZone}' is not supported.`);
      const local = parseGraphDateTime(value.dateTime, zone);
      if (!local) throw new GraphError(400, 'ErrorInvalidParameter', `${name}: '${value.dateTime}' is not a valid date and time.`);
      return localToInstant(local, zone.iana);
    };
    const start = instant(replies.scheduledStartDateTime, 'scheduledStartDateTime') ?? currentReplies.scheduledStart;
    const end = instant(replies.scheduledEndDateTime, 'scheduledEndDateTime') ?? currentReplies.scheduledEnd;
    const status = replies.status ?? currentReplies.status;
    // Exchange refuses a schedule without both ends or ending before it starts.
    if (status === 'scheduled' && (start === undefined || end === undefined || end <= start)) {
      throw new GraphError(400, 'ErrorInvalidParameter', 'automaticRepliesSetting: a scheduled reply needs scheduledStartDateTime before scheduledEndDateTime.');
    }
    automaticReplies = {
      status,
      externalAudience: replies.externalAudience ?? currentReplies.externalAudience,
      internalReplyMessage: replies.internalReplyMessage ?? currentReplies.internalReplyMessage,
      externalReplyMessage: replies.externalReplyMessage ?? currentReplies.externalReplyMessage,
      ...(start !== undefined ? { scheduledStart: start } : {}),
      ...(end !== undefined ? { scheduledEnd: end } : {}),
    };
  }
  const settings: SettingsWithReplies = { ...next, ...(automaticReplies ? { automaticReplies } : {}) };
  const user: StoredUser = { ...ctx.user, mailboxSettings: settings };
  ctx.store.putUser(user);
  return jsonResponse(200, settingsJson({ ...ctx, user }));
}
