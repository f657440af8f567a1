/**
 * Booking a whole team: every direct report of a supervisor with a Staff record, their
 * meetings created together in $batch requests. Safe to re-run after a crash: people already
 * booked are skipped, and meetings created before the crash come back from their
 * transactionId instead of being created twice.
 */
import { toCivil } from '../calendar/civil.js';
import { londonDayOf } from '../calendar/london.js';
import { SupervisionError, isSupervisionError } from '../errors.js';
import { attendeeFor, completeBooking, meetingsOf, prepareBooking, scheduleIdFor, transactionIdFor, type BookingDeps, type MeetingToCreate } from './booking.js';
import type { MeetingAttendee } from './ports.js';

export interface TeamBookingRequest {
  org: string;
  /** The supervisor, by id or UPN. */
  supervisor: string;
  bookedBy: string;
  appUrl: string;
  teamsAppId?: string | undefined;
  teamsMeeting?: boolean;
}

export interface TeamBookingResult {
  supervisor: string;
  people: { supervisee: string; role: string; series: number; singles: number; status: 'booked' | 'already-booked' | 'failed'; error?: string }[];
  meetingsCreated: number;
  /** Group supervision series booked once for the whole team. */
  groupSeries: number;
}

export async function bookTeam(deps: BookingDeps, request: TeamBookingRequest, progress: (done: number, total: number) => void = () => {}): Promise<TeamBookingResult> {
  const supervisor = await deps.directory.user(request.supervisor);
  if (!supervisor) throw new SupervisionError('NOT_FOUND', `supervisor: no user "${request.supervisor}" in the directory`, { field: 'supervisor' });
  const reports = await deps.directory.directReports(supervisor.id);
  const today = toCivil(londonDayOf(deps.now().getTime()));
  const result: TeamBookingResult = { supervisor: supervisor.id, people: [], meetingsCreated: 0, groupSeries: 0 };
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
        teamsAppId: request.teamsAppId,
        teamsMeeting: request.teamsMeeting ?? false,
        ...(staff.facts ? { variants: { facts: staff.facts } } : {}),
      });
      pending.push({ prepared, role: staff.role, supervisee: report.mail });
    } catch (error) {
      if (!isSupervisionError(error)) throw error;
      result.people.push({ supervisee: report.mail, role: staff.role, series: 0, singles: 0, status: 'failed', error: error.message });
    }
  }

  // Group supervision is one meeting series for the whole team, not one per supervisee: the
  // first supervisee's group stream stands for the team, with everyone in it as attendees.
  const all = pending.map((person) => ({ person, meetings: meetingsOf(person.prepared) }));
  const isTeamGroup = (m: MeetingToCreate) => m.stream !== 'one-to-one' && m.kind === 'group';
  const groupAttendees = new Map<string, MeetingAttendee>();
  for (const { person } of all.filter(({ meetings }) => meetings.some(isTeamGroup))) {
    const attendee = attendeeFor(person.prepared, person.prepared.superviseeId);
    if (attendee) groupAttendees.set(person.prepared.superviseeId, attendee);
  }
  const lead = all.find(({ meetings }) => meetings.some(isTeamGroup));
  const teamGroup: MeetingToCreate[] = (lead?.meetings.filter(isTeamGroup) ?? []).map((m) => ({
    ...m,
    transactionId: transactionIdFor(`team-group/${request.org}/${supervisor.id}/${m.key}/${m.meeting.start}`),
    meeting: { ...m.meeting, attendees: [...groupAttendees].filter(([id]) => id !== m.organizer).map(([, attendee]) => attendee) },
  }));
  const individual = all.map(({ person, meetings }) => ({ person, meetings: meetings.filter((m) => !isTeamGroup(m)), ownGroup: meetings.filter(isTeamGroup) }));

  // Every meeting of the team in one stream of $batch requests: 20 creates per HTTP request.
  const flat = [...teamGroup, ...individual.flatMap(({ meetings }) => meetings)];
  const ids = await deps.calendar.createMeetings(flat.map((m) => ({ organizer: m.organizer, meeting: m.meeting, transactionId: m.transactionId })));
  result.meetingsCreated = ids.length;
  const groupIds = new Map(teamGroup.map((m, i) => [m.key, { id: ids[i]!.id, organizer: m.organizer }]));
  result.groupSeries = teamGroup.length;
  let offset = teamGroup.length;
  let done = 0;
  for (const { person, meetings, ownGroup } of individual) {
    const created = new Map(meetings.map((m, i) => [m.key, { id: ids[offset + i]!.id, organizer: m.organizer }]));
    offset += meetings.length;
    // The supervisee's schedule points at the team's group series, in order, under its own keys.
    ownGroup.forEach((m, j) => {
      const shared = teamGroup[j] && groupIds.get(teamGroup[j].key);
      if (shared) created.set(m.key, shared);
    });
    const booked = await completeBooking(deps, person.prepared, created);
    result.people.push({ supervisee: person.supervisee, role: person.role, series: booked.series.length, singles: booked.singles.length, status: 'booked' });
    progress(++done, individual.length);
  }
  return result;
}

