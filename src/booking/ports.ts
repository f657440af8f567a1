import type { PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import type { CivilDate } from '../calendar/civil.js';
import { SupervisionError } from '../errors.js';
import type { BusyInterval } from '../schedule/slots.js';

/**
 * Someone invited to a meeting, as Exchange addresses them: an SMTP address (the person's
 * `mail`, or their userPrincipalName when they have none) and the name Outlook shows. A
 * directory id is not an address: Exchange would refuse it, or send the invitation nowhere.
 */
export interface MeetingAttendee {
  address: string;
  name: string;
}

/** The attendee entry for a directory person; one with neither mail nor UPN cannot be invited. */
export function attendeeOf(person: { id: string; displayName: string; mail: string }, field: string): MeetingAttendee {
  if (!/^[^@\s]+@[^@\s]+$/.test(person.mail)) {
    throw new SupervisionError('INVALID_INPUT', `${field}: ${person.displayName || 'this person'} has no e-mail address in the directory, so Outlook cannot invite them`, { field });
  }
  return { address: person.mail, name: person.displayName || person.mail };
}

/** A meeting to create in the organiser's calendar (local London times). */
export interface NewMeeting {
  subject: string;
  /** HTML body: the agenda and a link to the tab. No case details. */
  bodyHtml: string;
  /** `YYYY-MM-DDTHH:mm` in Europe/London. */
  start: string;
  end: string;
  attendees: readonly MeetingAttendee[];
  recurrence?: PatternedRecurrence;
  location?: string;
  teamsMeeting: boolean;
  /** Product metadata kept on the event so a calendar entry can be traced to its schedule. */
  categories?: readonly string[];
}

export interface Occurrence {
  id: string;
  /** Local London date the occurrence was originally scheduled on. */
  originalDate: CivilDate;
  date: CivilDate;
  /** The Teams meeting's join link (onlineMeeting.joinUrl), when the session is one. */
  joinUrl?: string;
}

/**
 * What booking needs from Outlook (implemented over Graph by src/graph). Creates are
 * idempotent by `transactionId`: creating the same meeting twice returns the first.
 */
export interface CalendarPort {
  createMeeting(organizer: string, meeting: NewMeeting, transactionId: string): Promise<{ id: string }>;
  /** Many creates in as few requests as possible ($batch); results in request order. */
  createMeetings(items: readonly { organizer: string; meeting: NewMeeting; transactionId: string }[]): Promise<{ id: string }[]>;
  occurrences(organizer: string, seriesId: string, from: CivilDate, to: CivilDate): Promise<Occurrence[]>;
  /** Moves one occurrence of a series (becomes an exception). */
  moveOccurrence(organizer: string, occurrenceId: string, start: string, end: string): Promise<void>;
  /** Busy periods of each mailbox (directory id, UPN or address) in [from, to). */
  busy(mailboxes: readonly string[], from: CivilDate, to: CivilDate): Promise<BusyInterval[]>;
  cancelMeeting(organizer: string, eventId: string, comment: string): Promise<void>;
}

/** Directory lookups booking needs: people are addressed by id or UPN. */
export interface DirectoryPort {
  user(idOrUpn: string): Promise<{ id: string; displayName: string; mail: string } | undefined>;
  directReports(idOrUpn: string): Promise<{ id: string; displayName: string; mail: string }[]>;
}
