/**
 * Booking a whole team: every direct report of a supervisor with a Staff record, their
 * meetings created together in $batch requests. Safe to re-run after a crash: people already
 * booked are skipped, and meetings created before the crash come back from their
 * transactionId instead of being created twice.
 */
import { toCivil } from '../calendar/civil.js';
import { londonDayOf } from '../calendar/london.js';
import { SupervisionError, isSupervisionError } from '../errors.js';
import { completeBooking, meetingsOf, prepareBooking, scheduleIdFor, type BookingDeps } from './booking.js';

export interface TeamBookingRequest {
  org: string;
  /** The supervisor, by id or UPN. */
  supervisor: string;
  bookedBy: string;
  appUrl: string;
  teamsMeeting?: boolean;
}

export interface TeamBookingResult {
  supervisor: string;
  people: { supervisee: string; role: string; series: number; singles: number; status: 'booked' | 'already-booked' | 'failed'; error?: string }[];
  meetingsCreated: number;
}

export async function bookTeam(deps: BookingDeps, request: TeamBookingRequest, progress: (done: number, total: number) => void = () => {}): Promise<TeamBookingResult> {
  const supervisor = await deps.directory.user(request.supervisor);
  if (!supervisor) throw new SupervisionError('NOT_FOUND', `supervisor: no user "${request.supervisor}" in the directory`, { field: 'supervisor' });
  const reports = await deps.directory.directReports(supervisor.id);
  const today = toCivil(londonDayOf(deps.now().getTime()));
  const result: TeamBookingResult = { supervisor: supervisor.id, people: [], meetingsCreated: 0 };
  const pending: { prepared: Awaited<ReturnType<typeof prepareBooking>>; role: string; supervisee: string }[] = [];

  for (const report of reports) {
    const staff = (await deps.records.where('staff', 'userId', report.id)).map((s) => s.record).find((s) => s.org === request.org && !s.leftAt);
    if (!staff) continue;
    // A relationship that began in the past is booked from today: the past cannot be booked.
    const start = staff.start > today ? staff.start : today;
    const existing = await deps.records.get('schedules', scheduleIdFor(request.org, report.id, start));
    if (existing?.record.status === 'booked') {
      result.people.push({ supervisee: report.mail, role: staff.role, series: existing.record.series.length, singles: existing.record.singles.length, status: 'already-booked' });
      continue;
    }
    try {
      const prepared = await prepareBooking(deps, {
        org: request.org,
        role: staff.role,
        supervisor: supervisor.id,
        supervisee: report.id,
        start,
        bookedBy: request.bookedBy,
        appUrl: request.appUrl,
        teamsMeeting: request.teamsMeeting ?? false,
        ...(staff.facts ? { variants: { facts: staff.facts } } : {}),
      });
      pending.push({ prepared, role: staff.role, supervisee: report.mail });
    } catch (error) {
      if (!isSupervisionError(error)) throw error;
      result.people.push({ supervisee: report.mail, role: staff.role, series: 0, singles: 0, status: 'failed', error: error.message });
    }
  }

  // All meetings of the team in one stream of $batch requests: 20 creates per HTTP request.
  const all = pending.map((person) => ({ person, meetings: meetingsOf(person.prepared) }));
  const flat = all.flatMap(({ meetings }) => meetings);
  const ids = await deps.calendar.createMeetings(flat.map((m) => ({ organizer: m.organizer, meeting: m.meeting, transactionId: m.transactionId })));
  result.meetingsCreated = ids.length;
  let offset = 0;
  let done = 0;
  for (const { person, meetings } of all) {
    const created = new Map(meetings.map((m, i) => [m.key, { id: ids[offset + i]!.id, organizer: m.organizer }]));
    offset += meetings.length;
    const booked = await completeBooking(deps, person.prepared, created);
    result.people.push({ supervisee: person.supervisee, role: person.role, series: booked.series.length, singles: booked.singles.length, status: 'booked' });
    progress(++done, all.length);
  }
  return result;
}

