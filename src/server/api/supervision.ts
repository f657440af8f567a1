/**
 * From stored records and Outlook to what the API shows: each supervisee's sessions (booked
 * occurrences, cancellations, records), their compliance history for the pure engine, and
 * the on-time measure. Reads go through the ports; the judgements stay in src/compliance and
 * src/schedule.
 */
import { firstDayOfMonthIndex, monthIndex, toCivil, toDay, type CivilDate, type Day } from '../../calendar/civil.js';
import { instantToLondon, londonToInstant } from '../../calendar/london.js';
import { evaluate } from '../../compliance/evaluate.js';
import { isBreach, type Finding, type FindingKind } from '../../compliance/findings.js';
import type { PersonHistory, SessionHistory } from '../../compliance/input.js';
import { sourceRef, sourceText, cadenceSummary } from '../../policy/describe.js';
import { dayDeadline, durationText } from '../../policy/duration.js';
import { describeFrequency, type ConcreteFrequency } from '../../policy/frequency.js';
import { findRole, resolveRole, type ResolveOptions, type ResolvedStream } from '../../policy/resolve.js';
import type { Pack, Source } from '../../policy/schema.js';
import { meetingBody, sessionLink, transactionIdFor } from '../../booking/booking.js';
import { attendeeOf, type Occurrence } from '../../booking/ports.js';
import { SupervisionError } from '../../errors.js';
import type { Action, Agreement, Cancellation, CaseDiscussion, CaseloadEntry, Schedule, SessionRecord, Staff } from '../../records/models.js';
import type { Versioned } from '../../records/repository.js';
import { nextDue, phaseWindows } from '../../schedule/deadline.js';
import type { AppServices } from '../services.js';
import { absenceReader, type AbsencesOf } from './routes/cover.js';
import type { FindingView, MonthRate, OccurrenceView, SessionStatus, SourceView } from './schemas.js';

export function sourceView(source: Source): SourceView {
  return { ref: sourceRef(source), text: sourceText(source) };
}

/** Today in London: every date the API compares is a London civil date. */
export function todayOf(services: AppServices): CivilDate {
  return instantToLondon(services.now().getTime()).date;
}

export function nowIso(services: AppServices): string {
  return services.now().toISOString();
}

export interface PersonData {
  staff: Staff;
  schedules: Versioned<Schedule>[];
  agreements: Versioned<Agreement>[];
  records: Versioned<SessionRecord>[];
  actions: Versioned<Action>[];
  discussions: CaseDiscussion[];
  caseload: CaseloadEntry[];
  cancellations: Versioned<Cancellation>[];
  occurrences: OccurrenceView[];
  /** The supervisor's absences, for the pack's cover rule (routes/cover.ts). */
  supervisorAbsences?: PersonHistory['supervisorAbsences'];
}

/** The agreement in force (or being drafted) for the current relationship: the newest. */
export function currentAgreement(agreements: readonly Versioned<Agreement>[]): Versioned<Agreement> | undefined {
  return [...agreements].sort((a, b) => (a.record.updatedAt < b.record.updatedAt ? 1 : a.record.updatedAt > b.record.updatedAt ? -1 : a.record.id < b.record.id ? 1 : -1))[0];
}

/** Cadence options a person's records imply: their facts and their signed agreement. */
export function resolveOptionsFor(staff: Staff, agreement: Agreement | undefined): ResolveOptions {
  const options: ResolveOptions = {};
  if (staff.facts) options.facts = staff.facts;
  const agreed = agreement?.status === 'signed' ? agreement : undefined;
  const frequency = agreed?.agreedFrequency ?? staff.agreedFrequency;
  if (frequency && frequency.rule !== 'hours-worked') options.agreedFrequency = frequency;
  if (agreed?.agreedMinutes) options.agreedMinutes = agreed.agreedMinutes;
  return options;
}

/** The stream the formal frequency is about: the first one-to-one (or alternating) stream. */
export function primaryResolved(streams: readonly ResolvedStream[]): ResolvedStream {
  return streams.find((s) => s.kind !== 'group') ?? streams[0]!;
}

export function streamMinutes(pack: Pack, role: string, kind: 'individual' | 'group' | 'informal', options: ResolveOptions = {}): number {
  try {
    const resolved = resolveRole(pack, role, options);
    const stream = kind === 'group' ? (resolved.streams.find((s) => s.kind === 'group') ?? primaryResolved(resolved.streams)) : primaryResolved(resolved.streams);
    return stream.minutes;
  } catch {
    return findRole(pack, role).streams[0]?.minutes ?? 60;
  }
}

export function addMinutesLocal(date: CivilDate, time: string, minutes: number): string {
  const instant = londonToInstant(date, time) + minutes * 60_000;
  const end = instantToLondon(instant);
  return `${end.date}T${end.time}`;
}

/** Latest day a cancelled session may be rearranged to under the pack. */
export function rebookBy(pack: Pack, originalDate: CivilDate): CivilDate {
  const rule = pack.cancellation.rearrange;
  return toCivil(dayDeadline(toDay(originalDate), rule.by === 'within' ? rule.within : rule.flagAfter));
}

export function rearrangeWords(pack: Pack): string {
  const rule = pack.cancellation.rearrange;
  return rule.by === 'within' ? `rearrange within ${durationText(rule.within)}` : `rearrange at the earliest opportunity (flagged after ${durationText(rule.flagAfter)})`;
}

/**
 * The schedule model keeps no time per one-off meeting; singles the API adds (rebooked or
 * moved sessions) carry theirs in the key, `<key>@HH:mm`.
 */
export function singleTime(key: string): string | undefined {
  return /@(\d{2}:\d{2})$/.exec(key)?.[1];
}

export function withSingleTime(key: string, time: string): string {
  return `${key.replace(/@\d{2}:\d{2}$/, '')}@${time}`;
}

export interface Rebooking {
  staff: Pick<Staff, 'userId' | 'role'>;
  scheduleId: string;
  organizerId: string;
  /** The date of the session this one replaces. */
  originalDate: CivilDate;
  ruleId?: string | undefined;
  date: CivilDate;
  time: string;
  minutes: number;
  /** What makes a retry of this rebooking the same meeting (its transactionId). */
  idempotencyKey: string;
}

/**
 * Books the replacement for a session that did not go ahead (tab, bot or after Outlook) and
 * adds it to its schedule, re-reading the schedule when another writer got there first.
 */
export async function bookReplacement(services: AppServices, rebooking: Rebooking): Promise<{ eventId: string }> {
  const { staff, date, time } = rebooking;
  const supervisee = await services.directory.user(staff.userId);
  if (!supervisee) throw new SupervisionError('NOT_FOUND', `supervisee: no user "${staff.userId}" in the directory`, { field: 'supervisee' });
  // A rearranged session is held the way its series is: in Teams if the series was.
  const schedule = await services.records.get('schedules', rebooking.scheduleId);
  const { id } = await services.calendar.createMeeting(
    rebooking.organizerId,
    {
      subject: 'Supervision (rearranged)',
      bodyHtml: meetingBody(services.pack, staff.role, `rearranged from ${rebooking.originalDate}`, sessionLink(services, staff.userId)),
      start: `${date}T${time}`,
      end: addMinutesLocal(date, time, rebooking.minutes),
      attendees: [attendeeOf(supervisee, 'supervisee')],
      teamsMeeting: schedule?.record.teamsMeeting ?? false,
      categories: ['Supervision'],
    },
    transactionIdFor(rebooking.idempotencyKey),
  );
  const single = { key: withSingleTime(`rebook-${rebooking.originalDate}`, time), eventId: id, organizerId: rebooking.organizerId, date, ruleId: rebooking.ruleId ?? 'cancellation/rearrange' };
  for (let attempt = 0; ; attempt++) {
    const current = await services.records.get('schedules', rebooking.scheduleId);
    if (!current) break;
    try {
      await services.records.update('schedules', { ...current.record, singles: [...current.record.singles.filter((s) => s.eventId !== id), single] }, current.version);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT' || attempt >= 4) throw error;
    }
  }
  return { eventId: id };
}

/**
 * An occurrence's local start time when the calendar adapter reports it (`start`,
 * `YYYY-MM-DDTHH:mm`); the port only promises dates, so a moved occurrence's time is otherwise
 * the schedule's.
 */
function occurrenceTime(occurrence: Occurrence): string | undefined {
  const start = (occurrence as Occurrence & { start?: unknown }).start;
  return typeof start === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(start) ? start.slice(11, 16) : undefined;
}

function isPast(date: CivilDate, time: string | undefined, today: CivilDate, now: Date): boolean {
  if (date < today) return true;
  if (date > today || !time) return false;
  return londonToInstant(date, time) <= now.getTime();
}

/** A session moved (in the app or in Outlook) rather than called off. */
export function isMove(cancellation: Pick<Cancellation, 'origin'>): boolean {
  return cancellation.origin === 'app-moved' || cancellation.origin === 'outlook-moved';
}

/**
 * Every session of a supervisee: booked occurrences from Outlook (cancelled ones from the
 * cancellation records, since Outlook omits them), with the record written for each, plus
 * sessions recorded without a booking (informal, group, ad hoc).
 */
export async function occurrencesOf(
  services: AppServices,
  schedules: readonly Schedule[],
  cancellations: readonly Cancellation[],
  records: readonly SessionRecord[],
): Promise<OccurrenceView[]> {
  const today = todayOf(services);
  const now = services.now();
  const pack = services.pack;
  const byId = new Map<string, OccurrenceView>();
  for (const schedule of schedules) {
    if (schedule.status !== 'booked') continue;
    for (const series of schedule.series) {
      const minutes = streamMinutes(pack, schedule.role, series.kind);
      const found = await services.calendar.occurrences(series.organizerId, series.eventId, series.firstDate, toCivil(toDay(series.lastDate) + 31));
      for (const o of found) {
        byId.set(o.id, {
          id: o.id,
          scheduleId: schedule.id,
          seriesKey: series.key,
          organizerId: series.organizerId,
          originalDate: o.originalDate,
          date: o.date,
          time: occurrenceTime(o) ?? schedule.time,
          durationMinutes: minutes,
          kind: series.kind,
          ruleId: series.ruleId,
          status: 'planned',
          ...(o.joinUrl ? { joinUrl: o.joinUrl } : {}),
        });
      }
    }
    for (const single of schedule.singles) {
      const date = single.date;
      const time = singleTime(single.key) ?? schedule.time;
      byId.set(single.eventId, {
        id: single.eventId,
        scheduleId: schedule.id,
        seriesKey: single.key,
        organizerId: single.organizerId,
        originalDate: single.date,
        date,
        time,
        durationMinutes: streamMinutes(pack, schedule.role, 'individual'),
        kind: 'individual',
        ruleId: single.ruleId,
        status: 'planned',
      });
    }
  }
  for (const cancellation of cancellations) {
    const existing = cancellation.eventId ? byId.get(cancellation.eventId) : undefined;
    // A moved session still happens, on the date Outlook now holds: the record keeps why and
    // from when, but the occurrence is neither cancelled nor missing.
    if (existing && isMove(cancellation)) continue;
    const cancelled: OccurrenceView['cancellation'] = { cancelledAt: cancellation.cancelledAt };
    if (cancellation.reason) cancelled.reason = cancellation.reason;
    if (cancellation.rearrangedTo) cancelled.rearrangedTo = cancellation.rearrangedTo;
    // Outlook drops cancelled occurrences, so the booked schedule supplies the time.
    const schedule = schedules.find((s) => s.status === 'booked' && s.supervisorId === cancellation.supervisorId);
    const base: OccurrenceView = existing ?? {
      id: cancellation.eventId ?? `cancellation:${cancellation.id}`,
      organizerId: cancellation.supervisorId,
      originalDate: cancellation.originalDate,
      date: cancellation.originalDate,
      kind: 'individual',
      status: 'cancelled',
      ...(schedule ? { scheduleId: schedule.id, time: schedule.time } : {}),
    };
    byId.set(base.id, { ...base, date: cancellation.originalDate, status: 'cancelled', cancellation: cancelled, rebookBy: rebookBy(pack, cancellation.originalDate) });
  }
  const linked = new Set<string>();
  for (const occurrence of byId.values()) {
    const record =
      records.find((r) => r.eventId === occurrence.id) ??
      records.find((r) => !r.eventId && r.kind === occurrence.kind && r.sessionDate === occurrence.date && !linked.has(r.id));
    if (record && occurrence.status !== 'cancelled') {
      linked.add(record.id);
      occurrence.recordId = record.id;
      occurrence.recordStatus = record.status;
    }
    if (occurrence.status !== 'cancelled') {
      const recorded = occurrence.recordStatus !== undefined && occurrence.recordStatus !== 'draft';
      occurrence.status = recorded || isPast(occurrence.date, occurrence.time, today, now) ? 'held' : 'planned';
      if (occurrence.status === 'planned') occurrence.rebookBy = rebookBy(pack, occurrence.originalDate);
    }
  }
  for (const record of records) {
    if (linked.has(record.id)) continue;
    const id = `record:${record.id}`;
    byId.set(id, {
      id,
      organizerId: record.supervisorId,
      originalDate: record.sessionDate,
      date: record.sessionDate,
      ...(record.sessionStart ? { time: record.sessionStart } : {}),
      kind: record.kind,
      status: record.sessionDate <= today ? 'held' : 'planned',
      recordId: record.id,
      recordStatus: record.status,
    });
  }
  return [...byId.values()].sort((a, b) => (a.date === b.date ? (a.time ?? '').localeCompare(b.time ?? '') : a.date < b.date ? -1 : 1));
}

type Batch = Pick<PersonData, 'schedules' | 'agreements' | 'records' | 'cancellations'>;

/**
 * Everyone in a list at once: the records lists that carry the supervisor are read once per
 * supervisor rather than once per supervisee (a team of 40 is then a handful of list queries,
 * not hundreds). People whose supervisor changed are read one by one, so records written
 * under an earlier supervisor still count.
 */
export async function loadPeople(services: AppServices, staffList: readonly Staff[]): Promise<PersonData[]> {
  const { records: repo } = services;
  const batched = staffList.filter((s) => !s.supervisorSince || s.supervisorSince <= s.start);
  const bySupervisor = new Map<string, Promise<Batch>>();
  const absences = absenceReader(services);
  for (const staff of batched) {
    if (bySupervisor.has(staff.supervisorId)) continue;
    const id = staff.supervisorId;
    bySupervisor.set(
      id,
      Promise.all([repo.where('schedules', 'supervisorId', id), repo.where('agreements', 'supervisorId', id), repo.where('sessionRecords', 'supervisorId', id), repo.where('cancellations', 'supervisorId', id)]).then(
        ([schedules, agreements, records, cancellations]) => ({ schedules, agreements, records, cancellations }),
      ),
    );
  }
  return Promise.all(
    staffList.map(async (staff) => {
      const batch = batched.includes(staff) ? await bySupervisor.get(staff.supervisorId) : undefined;
      if (!batch) return loadPerson(services, staff, undefined, absences);
      const mine = <T extends { record: { superviseeId: string } }>(rows: T[]) => rows.filter((r) => r.record.superviseeId === staff.userId);
      return loadPerson(services, staff, { schedules: mine(batch.schedules), agreements: mine(batch.agreements), records: mine(batch.records), cancellations: mine(batch.cancellations) }, absences);
    }),
  );
}

/** Everything stored about one supervisee, with their sessions. */
export async function loadPerson(services: AppServices, staff: Staff, known?: Batch, absences: AbsencesOf = absenceReader(services)): Promise<PersonData> {
  const { records: repo } = services;
  const id = staff.userId;
  const [schedules, agreements, records, actions, discussions, caseload, cancellations, supervisorAbsences] = await Promise.all([
    known?.schedules ?? repo.where('schedules', 'superviseeId', id),
    known?.agreements ?? repo.where('agreements', 'superviseeId', id),
    known?.records ?? repo.where('sessionRecords', 'superviseeId', id),
    repo.where('actions', 'superviseeId', id),
    repo.where('caseDiscussions', 'superviseeId', id),
    repo.where('caseload', 'superviseeId', id),
    known?.cancellations ?? repo.where('cancellations', 'superviseeId', id),
    absences(staff),
  ]);
  const occurrences = await occurrencesOf(
    services,
    schedules.map((s) => s.record),
    cancellations.map((c) => c.record),
    records.map((r) => r.record),
  );
  return {
    staff,
    schedules,
    agreements,
    records,
    actions,
    discussions: discussions.map((d) => d.record),
    caseload: caseload.map((c) => c.record),
    cancellations,
    occurrences,
    ...(supervisorAbsences ? { supervisorAbsences } : {}),
  };
}

/** The compliance engine's view of a person, built from their records and sessions. */
export function historyOf(pack: Pack, data: PersonData): PersonHistory {
  const { staff } = data;
  const recordsById = new Map(data.records.map((r) => [r.record.id, r.record]));
  const sessions: SessionHistory[] = data.occurrences.map((o) => {
    const record = o.recordId ? recordsById.get(o.recordId) : undefined;
    const session: SessionHistory = { date: o.status === 'cancelled' ? o.originalDate : o.date, kind: o.kind === 'group' ? 'group' : 'individual', status: o.status };
    if (o.time) session.start = o.time;
    if (o.kind === 'informal') session.informal = true;
    if (o.cancellation?.reason) session.cancelReason = o.cancellation.reason;
    if (o.cancellation?.rearrangedTo) session.rearrangedTo = o.cancellation.rearrangedTo;
    if (record?.sharedAt) session.recordSharedAt = record.sharedAt;
    if (record?.supervisorSignedAt) session.supervisorSignedAt = record.supervisorSignedAt;
    if (record?.superviseeSignedAt) session.superviseeSignedAt = record.superviseeSignedAt;
    return session;
  });
  const categories = new Set(pack.caseDiscussion.rules.map((r) => r.category));
  const cases = new Map<string, PersonHistory['cases'][number]>();
  for (const entry of data.caseload) {
    if (!categories.has(entry.category)) continue;
    cases.set(entry.caseRef, { ref: entry.caseRef, category: entry.category, opened: entry.opened, ...(entry.closed ? { closed: entry.closed } : {}), discussions: [] });
  }
  for (const d of [...data.discussions].sort((a, b) => (a.discussedOn < b.discussedOn ? -1 : 1))) {
    if (!categories.has(d.category)) continue;
    let item = cases.get(d.caseRef);
    if (!item) {
      item = { ref: d.caseRef, category: d.category, opened: d.discussedOn, discussions: [] };
      cases.set(d.caseRef, item);
    }
    item.discussions.push({ date: d.discussedOn, ...(d.directionRecordedAt ? { directionRecordedAt: d.directionRecordedAt } : {}), ...(d.urgent ? { urgent: true } : {}) });
  }
  const agreement = currentAgreement(data.agreements)?.record;
  const history: PersonHistory = {
    id: staff.userId,
    role: staff.role,
    start: staff.start,
    supervisor: staff.supervisorId,
    team: staff.team,
    sessions,
    cases: [...cases.values()],
    actions: data.actions.map((a) => ({ id: a.record.id, due: a.record.due, ...(a.record.doneAt ? { doneAt: a.record.doneAt } : {}) })),
  };
  if (staff.employmentStart) history.employmentStart = staff.employmentStart;
  if (data.supervisorAbsences?.length) history.supervisorAbsences = data.supervisorAbsences;
  if (staff.facts) history.variants = { facts: staff.facts };
  if (agreement) {
    history.agreement = {};
    if (agreement.supervisorSignedAt) history.agreement.signedBySupervisor = agreement.supervisorSignedAt;
    if (agreement.superviseeSignedAt) history.agreement.signedBySupervisee = agreement.superviseeSignedAt;
    if (agreement.reviewedAt) history.agreement.reviewedAt = agreement.reviewedAt;
    if (staff.supervisorSince) history.agreement.supervisorSince = staff.supervisorSince;
    if (agreement.status === 'signed' && agreement.agreedFrequency && agreement.agreedFrequency.rule !== 'hours-worked') history.agreement.agreedFrequency = agreement.agreedFrequency;
  }
  return history;
}

export function findingsOf(pack: Pack, data: PersonData, asOf: CivilDate): Finding[] {
  return evaluate(pack, historyOf(pack, data), asOf);
}

export function findingView(finding: Finding): FindingView {
  return { ...finding, source: sourceView(finding.source), breach: isBreach(finding) };
}

const sessionKinds: ReadonlySet<FindingKind> = new Set(['session-overdue', 'first-session-late', 'group-attendance-low', 'session-due-soon']);

export interface Cadence {
  stream: ResolvedStream;
  summary: string;
  lastHeld: CivilDate | null;
  nextDue: CivilDate | null;
  /** The phase in force at the next due date (or now). */
  phaseLabel: string;
  ruleId: string;
  source: Source;
  frequency: ConcreteFrequency;
}

function heldDays(data: PersonData, stream: ResolvedStream, asOf: CivilDate): Day[] {
  const counts = (kind: OccurrenceView['kind']) => kind !== 'informal' && (stream.kind === 'alternating' || (stream.kind === 'group' ? kind === 'group' : kind === 'individual'));
  return [...new Set(data.occurrences.filter((o) => o.status === 'held' && counts(o.kind) && o.date <= asOf && o.date >= data.staff.start).map((o) => toDay(o.date)))].sort((a, b) => a - b);
}

export function cadenceOf(pack: Pack, data: PersonData, asOf: CivilDate): Cadence {
  const options = resolveOptionsFor(data.staff, currentAgreement(data.agreements)?.record);
  const resolved = resolveRole(pack, data.staff.role, options);
  const stream = primaryResolved(resolved.streams);
  const start = toDay(data.staff.start);
  const windows = phaseWindows(stream.phases, start);
  const held = heldDays(data, stream, asOf);
  const last = held.length > 0 ? held[held.length - 1]! : null;
  const due = nextDue(windows, last, start);
  const phase = (windows.find((w) => due >= w.from && due < w.end) ?? windows[windows.length - 1]!).phase;
  return {
    stream,
    summary: cadenceSummary(stream.phases),
    lastHeld: last === null ? null : toCivil(last),
    nextDue: Number.isFinite(due) ? toCivil(due) : null,
    phaseLabel: phase.label,
    ruleId: `roles/${phase.ruleId}`,
    source: phase.source,
    frequency: phase.frequency,
  };
}

export interface Status {
  status: SessionStatus;
  why: { subject: string; ruleId: string; source: SourceView };
}

/** On track, due soon or overdue for sessions, with the finding (rule and seed section) behind it. */
export function statusOf(findings: readonly Finding[], cadence: Cadence): Status {
  const sessionFindings = findings.filter((f) => sessionKinds.has(f.kind));
  const breach = sessionFindings.find((f) => isBreach(f));
  if (breach) return { status: 'overdue', why: { subject: breach.subject, ruleId: breach.ruleId, source: sourceView(breach.source) } };
  const soon = sessionFindings.find((f) => f.kind === 'session-due-soon');
  if (soon) return { status: 'due-soon', why: { subject: soon.subject, ruleId: soon.ruleId, source: sourceView(soon.source) } };
  const subject = cadence.nextDue
    ? `${cadence.phaseLabel}: next session due by ${cadence.nextDue} (${describeFrequency(cadence.frequency)})`
    : `${cadence.phaseLabel} (${describeFrequency(cadence.frequency)})`;
  return { status: 'on-track', why: { subject, ruleId: cadence.ruleId, source: sourceView(cadence.source) } };
}

export interface TimelineEntry {
  date: CivilDate;
  onTime: boolean;
  dueBy: CivilDate;
}

export interface Timeline {
  sessions: Map<CivilDate, TimelineEntry>;
  months: Map<string, { due: number; onTime: number }>;
}

function monthKey(day: Day): string {
  return toCivil(day).slice(0, 7);
}

/**
 * Held on time against the pack: walking the held sessions in order, each is on time when it
 * falls by the date the rule required after the previous one (nextDue). A deadline that passes
 * with no session counts as due and missed in its month; a late session counts in the month
 * it fell due. The rate of a month is on-time sessions over sessions due.
 */
export function timelineOf(pack: Pack, data: PersonData, asOf: CivilDate): Timeline {
  const sessions = new Map<CivilDate, TimelineEntry>();
  const months = new Map<string, { due: number; onTime: number }>();
  const bump = (day: Day, onTime: boolean) => {
    const key = monthKey(day);
    const entry = months.get(key) ?? { due: 0, onTime: 0 };
    entry.due += 1;
    if (onTime) entry.onTime += 1;
    months.set(key, entry);
  };
  let options = resolveOptionsFor(data.staff, currentAgreement(data.agreements)?.record);
  let resolved;
  try {
    resolved = resolveRole(pack, data.staff.role, options);
  } catch {
    options = {};
    resolved = resolveRole(pack, data.staff.role, options);
  }
  const stream = primaryResolved(resolved.streams);
  const start = toDay(data.staff.start);
  const windows = phaseWindows(stream.phases, start);
  const held = heldDays(data, stream, asOf);
  const today = toDay(asOf);
  let last: Day | null = null;
  let index = 0;
  for (let guard = 0; guard < 2000; guard++) {
    const due = nextDue(windows, last, start);
    if (!Number.isFinite(due)) break;
    const next = held[index];
    if (next !== undefined) {
      const onTime = next <= due;
      sessions.set(toCivil(next), { date: toCivil(next), onTime, dueBy: toCivil(due) });
      bump(onTime ? next : due, onTime);
      last = next;
      index++;
    } else if (due < today) {
      bump(due, false);
      last = due;
    } else {
      break;
    }
  }
  return { sessions, months };
}

export function monthlyRates(timelines: readonly Timeline[], asOf: CivilDate, count: number): MonthRate[] {
  const end = monthIndex(toDay(asOf));
  const rates: MonthRate[] = [];
  for (let m = end - count + 1; m <= end; m++) {
    const month = toCivil(firstDayOfMonthIndex(m)).slice(0, 7);
    let due = 0;
    let onTime = 0;
    for (const t of timelines) {
      const entry = t.months.get(month);
      if (entry) {
        due += entry.due;
        onTime += entry.onTime;
      }
    }
    rates.push({ month, due, onTime, rate: due === 0 ? null : Math.round((onTime / due) * 1000) / 1000 });
  }
  return rates;
}

/** When the supervision agreement is due under the pack, and the rule in words. */
export function agreementDueOf(pack: Pack, staff: Staff, occurrences: readonly OccurrenceView[]): { due: CivilDate; text: string } {
  const rule = pack.agreement.due;
  if (rule.by === 'within') {
    const from = rule.from === 'employment-start' ? (staff.employmentStart ?? staff.start) : staff.start;
    const due = toCivil(dayDeadline(toDay(from), rule.within));
    const what = rule.from === 'employment-start' ? 'starting in post' : 'the start of the supervisory relationship';
    return { due, text: `Within ${durationText(rule.within)} of ${what} (${from}): by ${due}` };
  }
  const first = occurrences.find((o) => o.kind === 'individual' && o.status !== 'cancelled');
  const due = first?.date ?? staff.start;
  return { due, text: `Before the first supervision session${first ? ` (${first.date})` : ''}` };
}

export function findingLabel(kind: FindingKind): string {
  if (kind === 'supervisor-absent') return 'Supervisor absent: cover needed';
  const text = kind.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
