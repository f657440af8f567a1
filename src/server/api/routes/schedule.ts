import { book, transactionIdFor } from '../../../booking/booking.js';
import { toCivil, toDay, weekdayIndex, weekdayNumber, type CivilDate } from '../../../calendar/civil.js';
import { londonToInstant } from '../../../calendar/london.js';
import { isWorkingDay } from '../../../calendar/working-days.js';
import { SupervisionError, invalidInput } from '../../../errors.js';
import { cadenceSummary } from '../../../policy/describe.js';
import { reasonPermitted } from '../../../policy/cancellation.js';
import { findRole, resolveRole } from '../../../policy/resolve.js';
import type { Cancellation, Schedule, Staff } from '../../../records/models.js';
import { plan } from '../../../schedule/plan.js';
import type { WorkingWeekday } from '../../../schedule/types.js';
import { Authoriser } from '../authorisation.js';
import type { ApiDeps } from '../deps.js';
import type { ApiBuilder } from '../http.js';
import type { Identity } from '../identity.js';
import {
  bookingResponseSchema,
  bookRequestSchema,
  cancelRequestSchema,
  cancelResponseSchema,
  idParams,
  occurrencesSchema,
  planQuerySchema,
  planViewSchema,
  rescheduleRequestSchema,
  seriesRescheduleRequestSchema,
  seriesRescheduleSchema,
  slotsQuerySchema,
  slotsSchema,
  type OccurrenceView,
} from '../schemas.js';
import {
  addMinutesLocal,
  bookReplacement,
  currentAgreement,
  loadPerson,
  nowIso,
  primaryResolved,
  rearrangeWords,
  rebookBy,
  resolveOptionsFor,
  sourceView,
  streamMinutes,
  todayOf,
  withSingleTime,
} from '../supervision.js';

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function clock(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** Refuses a session outside working days or hours, naming the field. */
function checkWhen(deps: ApiDeps, field: string, date: CivilDate, time: string, minutes: number): void {
  if (!isWorkingDay(toDay(date))) throw invalidInput(`${field}.date`, `${date} is not a working day (weekend or bank holiday)`);
  const { start, end } = deps.services.pack.scheduling.workingHours;
  if (minutesOf(time) < minutesOf(start) || minutesOf(time) + minutes > minutesOf(end)) {
    throw invalidInput(`${field}.time`, `a ${minutes}-minute session at ${time} falls outside working hours (${start}–${end})`);
  }
}

async function bookedSchedule(deps: ApiDeps, staff: Staff, scheduleId: string): Promise<{ record: Schedule; version: string }> {
  const found = await deps.services.records.get('schedules', scheduleId);
  if (!found || found.record.superviseeId !== staff.userId) throw new SupervisionError('NOT_FOUND', `no schedule "${scheduleId}" for this supervisee`, { field: 'scheduleId' });
  if (found.record.status !== 'booked') throw new SupervisionError('WORKFLOW', 'This schedule is not booked.', { field: 'scheduleId' });
  return found;
}

function findOccurrence(occurrences: readonly OccurrenceView[], occurrenceId: string): OccurrenceView {
  const occurrence = occurrences.find((o) => o.id === occurrenceId);
  if (!occurrence) throw new SupervisionError('NOT_FOUND', `no session "${occurrenceId}" for this supervisee`, { field: 'occurrenceId' });
  return occurrence;
}

/**
 * Notes a move made in the app, so calendar sync (which sees the new start in Outlook) knows
 * the supervisor did it and does not ask them why. Moving the same session again updates it.
 */
async function recordMove(deps: ApiDeps, identity: Identity, staff: Staff, occurrence: OccurrenceView, to: CivilDate): Promise<void> {
  const { services } = deps;
  const id = `move-${transactionIdFor(`${staff.userId}/${occurrence.id}`)}`;
  const move: Cancellation = {
    id,
    superviseeId: staff.userId,
    supervisorId: staff.supervisorId,
    org: services.pack.id,
    originalDate: occurrence.originalDate,
    eventId: occurrence.id,
    origin: 'app-moved',
    rearrangedTo: to,
    cancelledBy: identity.id,
    cancelledAt: nowIso(services),
  };
  const existing = await services.records.get('cancellations', id);
  if (!existing) await services.records.create('cancellations', move);
  else if (existing.record.rearrangedTo !== to) await services.records.update('cancellations', move, existing.version);
}

export function scheduleRoutes(api: ApiBuilder, deps: ApiDeps): void {
  const { services } = deps;
  const pack = () => services.pack;

  api.route({
    method: 'get',
    path: '/supervisees/{id}/plan',
    operationId: 'previewPlan',
    summary: 'The sessions the policy requires for a supervisee, each with its rule and seed section',
    tags: ['schedule'],
    params: idParams,
    query: planQuerySchema,
    response: planViewSchema,
    errors: [403, 404],
    handler: async ({ identity, params, query }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.read(identity, params.id);
      const [agreements, schedules] = await Promise.all([services.records.where('agreements', 'superviseeId', staff.userId), services.records.where('schedules', 'superviseeId', staff.userId)]);
      const options = resolveOptionsFor(staff, currentAgreement(agreements)?.record);
      const start = query.start ?? staff.start;
      const planned = plan(pack(), staff.role, start, {
        ...options,
        ...(query.until ? { until: query.until } : {}),
        ...(query.weekday ? { weekday: query.weekday } : {}),
        ...(query.time ? { time: query.time } : {}),
      });
      const resolved = resolveRole(pack(), staff.role, options);
      return {
        supervisee: await auth.personView(staff.userId),
        org: planned.org,
        role: planned.role,
        roleLabel: findRole(pack(), staff.role).label,
        start: planned.start,
        until: planned.until,
        weekday: planned.weekday,
        time: planned.time,
        cadence: cadenceSummary(primaryResolved(resolved.streams).phases),
        phases: planned.phases.map((p) => ({ stream: p.stream, label: p.label, from: p.from, until: p.until, frequency: p.frequency, ruleId: p.ruleId, source: sourceView(p.source) })),
        sessions: planned.sessions.map((s) => ({
          date: s.date,
          start: s.start,
          durationMinutes: s.durationMinutes,
          kind: s.kind,
          phase: s.phase,
          ruleId: s.ruleId,
          placement: s.placement,
          ...(s.movedFrom ? { movedFrom: s.movedFrom } : {}),
        })),
        warnings: planned.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.source ? { source: sourceView(w.source) } : {}) })),
        booked: schedules.some((s) => s.record.status === 'booked'),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/slots',
    operationId: 'freeSlots',
    summary: 'Start times when both the supervisor and the supervisee are free for a whole session',
    tags: ['schedule'],
    params: idParams,
    query: slotsQuerySchema,
    response: slotsSchema,
    errors: [403, 404, 502],
    handler: async ({ identity, params, query }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, params.id, 'supervisor-write');
      const minutes = streamMinutes(pack(), staff.role, 'individual');
      const from = query.from ?? todayOf(services);
      const to = toCivil(toDay(from) + query.days);
      // Free/busy as the signed-in user (OBO in tenant mode).
      const busy = await deps.servicesFor(identity).calendar.busy([staff.supervisorId, staff.userId], from, to);
      const { start, end } = pack().scheduling.workingHours;
      const days: { date: CivilDate; times: string[] }[] = [];
      for (let day = toDay(from); day < toDay(to); day++) {
        if (!isWorkingDay(day)) continue;
        const date = toCivil(day);
        const times: string[] = [];
        for (let t = minutesOf(start); t + minutes <= minutesOf(end); t += 30) {
          const slotStart = londonToInstant(date, clock(t));
          const slotEnd = slotStart + minutes * 60_000;
          if (slotStart < services.now().getTime()) continue;
          if (!busy.some((b) => b.start < slotEnd && b.end > slotStart)) times.push(clock(t));
        }
        days.push({ date, times });
      }
      return { durationMinutes: minutes, workingHours: { start, end }, days };
    },
  });

  api.route({
    method: 'post',
    path: '/bookings',
    operationId: 'bookSeries',
    summary: 'Book a supervisee\'s plan as recurring meetings in the supervisor\'s calendar (idempotent)',
    tags: ['schedule'],
    body: bookRequestSchema,
    response: bookingResponseSchema,
    status: 201,
    errors: [403, 404, 409, 422, 502],
    handler: async ({ identity, body }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, body.superviseeId, 'supervisor-write');
      const agreements = await services.records.where('agreements', 'superviseeId', staff.userId);
      // The meetings go into the calendar as the signed-in user (OBO in tenant mode); the
      // schedule records stay app-only (Sites.Selected).
      const asUser = deps.servicesFor(identity);
      const result = await book(
        { calendar: asUser.calendar, directory: asUser.directory, records: services.records, now: services.now },
        {
          org: pack().id,
          role: staff.role,
          supervisor: staff.supervisorId,
          supervisee: staff.userId,
          start: body.start ?? staff.start,
          ...(body.until ? { until: body.until } : {}),
          ...(body.weekday ? { weekday: body.weekday } : {}),
          ...(body.time ? { time: body.time } : {}),
          ...(body.teamsMeeting !== undefined ? { teamsMeeting: body.teamsMeeting } : {}),
          ...(body.location ? { location: body.location } : {}),
          variants: resolveOptionsFor(staff, currentAgreement(agreements)?.record),
          bookedBy: identity.id,
          appUrl: services.appUrl,
          teamsAppId: services.teamsAppId,
        },
      );
      const data = await loadPerson(services, staff);
      return {
        scheduleId: result.scheduleId,
        weekday: result.weekday,
        time: result.time,
        series: result.series.length,
        singles: result.singles.length,
        occurrences: data.occurrences.filter((o) => o.scheduleId === result.scheduleId),
        moved: result.moved.map((m) => ({ from: m.from, to: m.to, reason: m.reason })),
        warnings: result.warnings,
        unchanged: result.unchanged,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/supervisees/{id}/occurrences',
    operationId: 'listOccurrences',
    summary: 'Every booked, held and cancelled session of a supervisee, with its record',
    tags: ['schedule'],
    params: idParams,
    response: occurrencesSchema,
    errors: [403, 404],
    handler: async ({ identity, params }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.read(identity, params.id);
      const data = await loadPerson(services, staff);
      const rules = pack().cancellation;
      return {
        supervisee: await auth.personView(staff.userId),
        schedules: data.schedules.map((s) => s.record),
        occurrences: data.occurrences,
        cancellationPolicy: {
          reasonRequired: rules.reasonRequired,
          ...(rules.permittedReasons ? { permittedReasons: rules.permittedReasons } : {}),
          window: rearrangeWords(pack()),
          source: sourceView(rules.reasonSource),
        },
      };
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/occurrences/reschedule',
    operationId: 'rescheduleOccurrence',
    summary: 'Move one session to another day or time',
    tags: ['schedule'],
    params: idParams,
    body: rescheduleRequestSchema,
    response: occurrencesSchema.shape.occurrences,
    errors: [403, 404, 409, 502],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, params.id, 'supervisor-write');
      const schedule = await bookedSchedule(deps, staff, body.scheduleId);
      const data = await loadPerson(services, staff);
      const occurrence = findOccurrence(data.occurrences, body.occurrenceId);
      if (occurrence.scheduleId !== schedule.record.id) throw invalidInput('occurrenceId', 'this session is not part of that schedule');
      if (occurrence.status !== 'planned') throw new SupervisionError('WORKFLOW', `Only a session still to come can be moved; this one is ${occurrence.status}.`, { field: 'occurrenceId' });
      const minutes = occurrence.durationMinutes ?? streamMinutes(pack(), staff.role, occurrence.kind);
      checkWhen(deps, 'body', body.date, body.time, minutes);
      if (body.date < todayOf(services)) throw invalidInput('date', `${body.date} is in the past`);
      await deps.servicesFor(identity).calendar.moveOccurrence(occurrence.organizerId, occurrence.id, `${body.date}T${body.time}`, addMinutesLocal(body.date, body.time, minutes));
      await recordMove(deps, identity, staff, occurrence, body.date);
      const single = schedule.record.singles.find((s) => s.eventId === occurrence.id);
      if (single) {
        const singles = schedule.record.singles.map((s) => (s === single ? { ...s, date: body.date, key: withSingleTime(s.key, body.time) } : s));
        await services.records.update('schedules', { ...schedule.record, singles }, schedule.version);
      }
      return (await loadPerson(services, staff)).occurrences;
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/series/reschedule',
    operationId: 'rescheduleSeries',
    summary: 'Move every session still to come from a date to another weekday and time',
    tags: ['schedule'],
    params: idParams,
    body: seriesRescheduleRequestSchema,
    response: seriesRescheduleSchema,
    errors: [403, 404, 409, 502],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, params.id, 'supervisor-write');
      const schedule = await bookedSchedule(deps, staff, body.scheduleId);
      const data = await loadPerson(services, staff);
      const from = body.from < todayOf(services) ? todayOf(services) : body.from;
      const target = weekdayNumber(body.weekday);
      const skipped: { date: CivilDate; reason: string }[] = [];
      const warnings: string[] = [];
      let moved = 0;
      for (const occurrence of data.occurrences) {
        if (occurrence.scheduleId !== schedule.record.id || occurrence.status !== 'planned' || occurrence.date < from) continue;
        const day = toDay(occurrence.date);
        const date = toCivil(day - weekdayIndex(day) + target);
        const minutes = occurrence.durationMinutes ?? streamMinutes(pack(), staff.role, occurrence.kind);
        if (!isWorkingDay(toDay(date))) {
          skipped.push({ date: occurrence.date, reason: `${date} is not a working day; kept on ${occurrence.date}` });
          continue;
        }
        checkWhen(deps, 'body', date, body.time, minutes);
        if (date === occurrence.date && body.time === occurrence.time) continue;
        await deps.servicesFor(identity).calendar.moveOccurrence(occurrence.organizerId, occurrence.id, `${date}T${body.time}`, addMinutesLocal(date, body.time, minutes));
        await recordMove(deps, identity, staff, occurrence, date);
        moved++;
      }
      if (target > weekdayNumber(schedule.record.weekday as WorkingWeekday)) {
        warnings.push('Sessions moved later in the week: check the gap from the last session before the change still meets the policy.');
      }
      return { moved, skipped, warnings, occurrences: (await loadPerson(services, staff)).occurrences };
    },
  });

  api.route({
    method: 'post',
    path: '/supervisees/{id}/occurrences/cancel',
    operationId: 'cancelOccurrence',
    summary: 'Cancel one session with a reason (recorded with the original date), and optionally rebook it',
    tags: ['schedule'],
    params: idParams,
    body: cancelRequestSchema,
    response: cancelResponseSchema,
    errors: [403, 404, 409, 502],
    handler: async ({ identity, params, body }) => {
      const auth = new Authoriser(services);
      const { staff } = await auth.write(identity, params.id, 'supervisor-write');
      const rules = pack().cancellation;
      const reason = body.reason?.trim() || undefined;
      if (rules.reasonRequired && !reason) throw invalidInput('reason', 'the policy requires a reason for cancelling a supervision session', rules.permittedReasons);
      if (reason && !reasonPermitted(rules, reason)) {
        throw invalidInput('reason', `the policy permits cancelling only for: ${(rules.permittedReasons ?? []).join('; ')}`, rules.permittedReasons);
      }
      const data = await loadPerson(services, staff);
      const occurrence = findOccurrence(data.occurrences, body.occurrenceId);
      if (occurrence.status === 'cancelled') throw new SupervisionError('WORKFLOW', 'This session is already cancelled.', { field: 'occurrenceId' });
      if (!occurrence.scheduleId) throw invalidInput('occurrenceId', 'only a booked session can be cancelled');
      const latest = rebookBy(pack(), occurrence.originalDate);
      const minutes = occurrence.durationMinutes ?? streamMinutes(pack(), staff.role, occurrence.kind);
      if (body.rebook) {
        checkWhen(deps, 'rebook', body.rebook.date, body.rebook.time, minutes);
        if (body.rebook.date < todayOf(services)) throw invalidInput('rebook.date', `${body.rebook.date} is in the past`);
        if (body.rebook.date > latest) throw invalidInput('rebook.date', `the policy says ${rearrangeWords(pack())}: rebook by ${latest}`);
      }
      await services.calendar.cancelMeeting(occurrence.organizerId, occurrence.id, reason ? `Supervision cancelled: ${reason}` : 'Supervision cancelled');
      const cancellation: Cancellation = {
        id: `cancellation-${transactionIdFor(`${staff.userId}/${occurrence.id}`)}`,
        superviseeId: staff.userId,
        supervisorId: staff.supervisorId,
        org: pack().id,
        originalDate: occurrence.originalDate,
        eventId: occurrence.id,
        origin: 'app',
        cancelledBy: identity.id,
        cancelledAt: nowIso(services),
        ...(reason ? { reason } : {}),
        ...(body.rebook ? { rearrangedTo: body.rebook.date } : {}),
      };
      const saved = await services.records.create('cancellations', cancellation);
      let rebooked: { eventId: string; date: CivilDate; time: string } | undefined;
      if (body.rebook) {
        const schedule = await bookedSchedule(deps, staff, occurrence.scheduleId);
        const { date, time } = body.rebook;
        const { eventId: id } = await bookReplacement(services, {
          staff,
          scheduleId: schedule.record.id,
          organizerId: occurrence.organizerId,
          originalDate: occurrence.originalDate,
          ruleId: occurrence.ruleId,
          date,
          time,
          minutes,
          idempotencyKey: `${schedule.record.id}/rebook/${occurrence.id}`,
        });
        rebooked = { eventId: id, date, time };
      }
      return { cancellation: saved.record, ...(rebooked ? { rebooked } : {}), occurrences: (await loadPerson(services, staff)).occurrences };
    },
  });
}
