/**
 * Booking: a supervisee's plan → recurring meetings in the supervisor's Outlook calendar.
 *
 * Idempotent end to end. The schedule record's id and every meeting's transactionId derive
 * from what is being booked, so a retry, a re-run or a resume after a crash finds or
 * re-creates the same meetings and never a second copy; moves are applied only where the
 * occurrence is not already on its new date.
 */
import { createHash } from 'node:crypto';
import type { CivilDate } from '../calendar/civil.js';
import { toCivil, toDay, weekdayOf } from '../calendar/civil.js';
import { isWorkingDay } from '../calendar/working-days.js';
import { SupervisionError } from '../errors.js';
import { getPack } from '../policy/packs.js';
import { findRole, resolveRole, type ResolveOptions } from '../policy/resolve.js';
import type { Pack } from '../policy/schema.js';
import { tabLink, type TabLinkSettings } from '../links/tab-links.js';
import type { Schedule } from '../records/models.js';
import type { RecordsRepository } from '../records/repository.js';
import { plan } from '../schedule/plan.js';
import { compilePlan, type CompiledPlan, type CompiledSeries, type CompiledSingle } from '../schedule/series.js';
import { candidateDays, earliestCommonSlot } from '../schedule/slots.js';
import type { Plan, WorkingWeekday } from '../schedule/types.js';
import { attendeeOf, type CalendarPort, type DirectoryPort, type MeetingAttendee, type NewMeeting } from './ports.js';

export interface BookingRequest {
  org: string;
  role: string;
  supervisor: string;
  supervisee: string;
  start: CivilDate;
  until?: CivilDate;
  weekday?: WorkingWeekday;
  /** Fixed local start time; without it booking picks the earliest common free slot. */
  time?: string;
  /** Organisers for alternating supervisors by slot (e.g. `practice-educator`); the first slot is the supervisor. */
  alternateSupervisors?: Record<string, string>;
  /** Extra attendees of group sessions (the rest of the group). */
  groupAttendees?: readonly string[];
  teamsMeeting?: boolean;
  location?: string;
  variants?: ResolveOptions;
  bookedBy: string;
  /** The app's base URL, for the link to the tab in every meeting body. */
  appUrl: string;
  /** The Teams app id, so that link is a Teams deep link (src/links/tab-links.ts). */
  teamsAppId?: string | undefined;
}

export interface BookedSeriesSummary {
  key: string;
  id: string;
  organizer: string;
  pattern: NonNullable<CompiledSeries['recurrence']['pattern']>;
  range: NonNullable<CompiledSeries['recurrence']['range']>;
}

export interface BookingResult {
  scheduleId: string;
  org: string;
  role: string;
  weekday: WorkingWeekday;
  time: string;
  series: BookedSeriesSummary[];
  singles: { key: string; id: string; date: CivilDate }[];
  /** Every session the plan holds, in series or single. */
  occurrences: number;
  moved: { seriesKey: string; from: CivilDate; to: CivilDate; reason: string }[];
  warnings: string[];
  /** True when everything was already booked and nothing was written. */
  unchanged: boolean;
}

export interface BookingDeps {
  calendar: CalendarPort;
  directory: DirectoryPort;
  records: RecordsRepository;
  now: () => Date;
}

/** Deterministic GUID-shaped id from a key: Graph dedupes creates by transactionId. */
export function transactionIdFor(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function scheduleIdFor(org: string, superviseeId: string, start: CivilDate): string {
  return `schedule-${org}-${superviseeId}-${start}`;
}

function addMinutes(date: CivilDate, time: string, minutes: number): string {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes;
  return `${date}T${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The meeting body: the pack's record template as the agenda, the rule, and a link to the tab (see tabLink). */
export function meetingBody(pack: Pack, roleId: string, ruleLabel: string, link: string): string {
  const role = findRole(pack, roleId);
  const template = pack.templates.find((t) => t.id === role.recordTemplate);
  const items = (template?.sections ?? []).map((s) => `<li>${escapeHtml(s.label)}</li>`).join('');
  return [
    `<p>Supervision under ${escapeHtml(pack.name)} policy: ${escapeHtml(ruleLabel)}.</p>`,
    items ? `<p>Agenda</p><ol>${items}</ol>` : '',
    `<p>Prepare, record and sign off in <a href="${escapeHtml(link)}">Supervision for Teams</a>.</p>`,
  ].join('');
}

/** Where a meeting body sends both people: the supervisee's sessions in the tab. */
export function sessionLink(settings: TabLinkSettings, superviseeId: string): string {
  return tabLink(settings, { view: 'session', superviseeId }, 'Supervision');
}

interface Prepared {
  pack: Pack;
  request: BookingRequest;
  supervisorId: string;
  superviseeId: string;
  /** Everyone a meeting of this booking may invite, by directory id. */
  people: Map<string, MeetingAttendee>;
  groupAttendeeIds: string[];
  scheduleId: string;
  plan: Plan;
  compiled: CompiledPlan;
  organizers: Map<string, string>;
}

async function resolveUser(directory: DirectoryPort, field: string, idOrUpn: string, people: Map<string, MeetingAttendee>): Promise<string> {
  const user = await directory.user(idOrUpn);
  if (!user) throw new SupervisionError('NOT_FOUND', `${field}: no user "${idOrUpn}" in the directory`, { field });
  people.set(user.id, attendeeOf(user, field));
  return user.id;
}

/** Validates everything that can be checked without Outlook, then resolves people and the slot. */
export async function prepareBooking(deps: BookingDeps, request: BookingRequest): Promise<Prepared> {
  const pack = getPack(request.org);
  // A pack/role mismatch is refused before any Graph call.
  resolveRole(pack, request.role, request.variants ?? {});
  const people = new Map<string, MeetingAttendee>();
  const supervisorId = await resolveUser(deps.directory, 'supervisor', request.supervisor, people);
  const superviseeId = await resolveUser(deps.directory, 'supervisee', request.supervisee, people);
  const groupAttendeeIds: string[] = [];
  for (const [i, member] of (request.groupAttendees ?? []).entries()) groupAttendeeIds.push(await resolveUser(deps.directory, `groupAttendees[${i}]`, member, people));
  if (supervisorId === superviseeId) throw new SupervisionError('INVALID_INPUT', 'supervisee: a person cannot supervise themselves', { field: 'supervisee' });

  const weekday = request.weekday ?? (pack.scheduling.defaultWeekday as WorkingWeekday);
  let time = request.time;
  let firstWeekday = weekday;
  if (time === undefined) {
    const role = findRole(pack, request.role);
    const minutes = Math.max(...role.streams.map((s) => s.minutes));
    const days = candidateDays(request.start, weekday, (d) => isWorkingDay(toDay(d)));
    const last = days.reduce((a, b) => (a > b ? a : b), request.start);
    const busy = await deps.calendar.busy([supervisorId, superviseeId], request.start, toCivil(toDay(last) + 1));
    const slot = earliestCommonSlot({ busy, days, preferredTime: pack.scheduling.defaultTime, durationMinutes: minutes, workingHours: pack.scheduling.workingHours });
    if (!slot) throw new SupervisionError('NO_FREE_SLOT', `no common free ${minutes}-minute slot in working hours in the week of ${request.start}; give --time`, { field: 'time' });
    time = slot.time;
    firstWeekday = weekdayOf(toDay(slot.date)) as WorkingWeekday;
  }

  const options = { ...(request.variants ?? {}), weekday: firstWeekday, time, ...(request.until ? { until: request.until } : {}) };
  const planned = plan(pack, request.role, request.start, options);
  const compiled = compilePlan(planned);
  const organizers = new Map<string, string>();
  const slots = [...new Set([...compiled.series, ...compiled.singles].map((s) => s.supervisorSlot).filter((s): s is string => s !== undefined))];
  for (const [index, slot] of slots.entries()) {
    const named = request.alternateSupervisors?.[slot];
    if (named) organizers.set(slot, await resolveUser(deps.directory, `alternateSupervisors.${slot}`, named, people));
    else if (index === 0) organizers.set(slot, supervisorId);
    else throw new SupervisionError('INVALID_INPUT', `alternateSupervisors.${slot}: this role alternates supervisors; name who takes the "${slot}" sessions`, { field: `alternateSupervisors.${slot}`, choices: slots });
  }
  return { pack, request, supervisorId, superviseeId, people, groupAttendeeIds, scheduleId: scheduleIdFor(pack.id, superviseeId, request.start), plan: planned, compiled, organizers };
}

/** The invitation entry for someone this booking resolved. */
export function attendeeFor(prepared: Prepared, userId: string): MeetingAttendee | undefined {
  return prepared.people.get(userId);
}

export interface MeetingToCreate {
  key: string;
  /** The plan stream it books (`one-to-one`, `group` ...) and the kind of its sessions. */
  stream: string;
  kind: CompiledSeries['kind'];
  organizer: string;
  transactionId: string;
  meeting: NewMeeting;
}

/** Every meeting a prepared booking creates, with its organiser and idempotency key. */
export function meetingsOf(prepared: Prepared): MeetingToCreate[] {
  const { pack, request, superviseeId, scheduleId, plan: planned } = prepared;
  const ruleLabel = (ruleId: string) => planned.phases.find((p) => p.ruleId === ruleId)?.label ?? ruleId;
  const organizerOf = (item: CompiledSeries | CompiledSingle) => (item.supervisorSlot ? prepared.organizers.get(item.supervisorSlot) : undefined) ?? prepared.supervisorId;
  const attendeesOf = (item: CompiledSeries | CompiledSingle, organizer: string): MeetingAttendee[] => {
    const ids = [superviseeId, ...(item.kind === 'group' ? prepared.groupAttendeeIds : [])];
    if (organizer !== prepared.supervisorId) ids.push(prepared.supervisorId);
    return [...new Set(ids)].filter((p) => p !== organizer).map((p) => prepared.people.get(p) as MeetingAttendee);
  };
  const base = (item: CompiledSeries | CompiledSingle, date: CivilDate): Omit<NewMeeting, 'attendees'> => ({
    subject: item.kind === 'group' ? 'Group supervision' : 'Supervision',
    bodyHtml: meetingBody(pack, planned.role, ruleLabel(item.ruleId), sessionLink(request, superviseeId)),
    start: `${date}T${item.time}`,
    end: addMinutes(date, item.time, item.durationMinutes),
    teamsMeeting: request.teamsMeeting ?? false,
    categories: ['Supervision'],
    ...(request.location ? { location: request.location } : {}),
  });
  const meetings: MeetingToCreate[] = [];
  for (const series of prepared.compiled.series) {
    const organizer = organizerOf(series);
    meetings.push({
      key: series.key,
      stream: series.stream,
      kind: series.kind,
      organizer,
      transactionId: transactionIdFor(`${scheduleId}/${series.key}`),
      meeting: { ...base(series, series.firstDate), attendees: attendeesOf(series, organizer), recurrence: series.recurrence },
    });
  }
  for (const single of prepared.compiled.singles) {
    const organizer = organizerOf(single);
    meetings.push({
      key: single.key,
      stream: single.stream,
      kind: single.kind,
      organizer,
      transactionId: transactionIdFor(`${scheduleId}/${single.key}`),
      meeting: { ...base(single, single.date), attendees: attendeesOf(single, organizer) },
    });
  }
  return meetings;
}

function summarise(prepared: Prepared, schedule: Schedule, unchanged: boolean): BookingResult {
  const { compiled } = prepared;
  return {
    scheduleId: schedule.id,
    org: prepared.pack.id,
    role: prepared.plan.role,
    weekday: prepared.plan.weekday,
    time: prepared.plan.time,
    series: compiled.series.map((s) => {
      const booked = schedule.series.find((b) => b.key === s.key);
      return { key: s.key, id: booked?.eventId ?? '', organizer: booked?.organizerId ?? '', pattern: s.recurrence.pattern!, range: s.recurrence.range! };
    }),
    singles: schedule.singles.map((s) => ({ key: s.key, id: s.eventId, date: s.date })),
    occurrences: prepared.plan.sessions.length,
    moved: compiled.moves.map((m) => ({ seriesKey: m.seriesKey, from: m.originalDate, to: m.newDate, reason: m.reason })),
    warnings: prepared.plan.warnings.map((w) => w.message),
    unchanged,
  };
}

/**
 * Applies the plan's moves to created series: each moved occurrence is patched to its new day
 * unless it is already there (a resumed booking must not move anything twice).
 */
async function applyMoves(deps: BookingDeps, prepared: Prepared, seriesIds: Map<string, { id: string; organizer: string }>): Promise<void> {
  for (const move of prepared.compiled.moves) {
    const series = seriesIds.get(move.seriesKey);
    if (!series) continue;
    const occurrences = await deps.calendar.occurrences(series.organizer, series.id, move.originalDate, move.originalDate);
    const occurrence = occurrences.find((o) => o.originalDate === move.originalDate);
    if (!occurrence || occurrence.date === move.newDate) continue;
    const compiled = prepared.compiled.series.find((s) => s.key === move.seriesKey);
    const minutes = compiled?.durationMinutes ?? 60;
    await deps.calendar.moveOccurrence(series.organizer, occurrence.id, `${move.newDate}T${move.time}`, addMinutes(move.newDate, move.time, minutes));
  }
}

function scheduleRecord(prepared: Prepared, deps: BookingDeps, created: Map<string, { id: string; organizer: string }>, status: Schedule['status']): Schedule {
  const { plan: planned, compiled, request } = prepared;
  return {
    id: prepared.scheduleId,
    superviseeId: prepared.superviseeId,
    supervisorId: prepared.supervisorId,
    org: prepared.pack.id,
    role: planned.role,
    start: planned.start,
    until: planned.until,
    weekday: planned.weekday,
    time: planned.time,
    series: compiled.series
      .filter((s) => created.has(s.key))
      .map((s) => ({
        key: s.key,
        eventId: created.get(s.key)!.id,
        organizerId: created.get(s.key)!.organizer,
        phase: s.phase,
        ruleId: s.ruleId,
        kind: s.kind === 'group' ? 'group' : 'individual',
        firstDate: s.firstDate,
        lastDate: s.occurrences[s.occurrences.length - 1] ?? s.firstDate,
      })),
    singles: compiled.singles.filter((s) => created.has(s.key)).map((s) => ({ key: s.key, eventId: created.get(s.key)!.id, organizerId: created.get(s.key)!.organizer, date: s.date, ruleId: s.ruleId })),
    status,
    bookedAt: deps.now().toISOString(),
    bookedBy: request.bookedBy,
    teamsMeeting: request.teamsMeeting ?? false,
  };
}

/** Finishes a prepared booking whose meetings exist (ids by key): moves, then the schedule record. */
export async function completeBooking(deps: BookingDeps, prepared: Prepared, created: Map<string, { id: string; organizer: string }>): Promise<BookingResult> {
  await applyMoves(deps, prepared, created);
  const record = scheduleRecord(prepared, deps, created, 'booked');
  const existing = await deps.records.get('schedules', record.id);
  const saved = existing ? await deps.records.update('schedules', { ...record, bookedAt: existing.record.bookedAt }, existing.version) : await deps.records.create('schedules', record);
  return summarise(prepared, saved.record, false);
}

/** Books one supervisee's plan. Re-running a completed booking changes nothing. */
export async function book(deps: BookingDeps, request: BookingRequest): Promise<BookingResult> {
  const prepared = await prepareBooking(deps, request);
  const existing = await deps.records.get('schedules', prepared.scheduleId);
  if (existing?.record.status === 'booked') {
    // Re-plan with the stored slot so the summary describes what is in Outlook.
    const stored = existing.record;
    const again = await prepareBooking(deps, { ...request, weekday: stored.weekday, time: stored.time });
    return summarise(again, stored, true);
  }
  const created = new Map<string, { id: string; organizer: string }>();
  for (const item of meetingsOf(prepared)) {
    const { id } = await deps.calendar.createMeeting(item.organizer, item.meeting, item.transactionId);
    created.set(item.key, { id, organizer: item.organizer });
  }
  return completeBooking(deps, prepared, created);
}
