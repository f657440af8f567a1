/**
 * Meetings across mailboxes: an organiser's event is copied into each attendee's calendar
 * that this directory holds (same iCalUId), changes and cancellations flow from the organiser
 * to the copies, and attendees' answers flow back to the organiser's attendee list.
 */
import {
  attendeeShowAs,
  newChangeKey,
  newEventId,
  noResponseTime,
  type ResponseType,
  type SharedEventFields,
  type StoredAttendee,
  type StoredEvent,
} from './event-model.js';
import type { Store, StoredUser } from './store.js';

function shared(event: StoredEvent): SharedEventFields {
  return {
    iCalUId: event.iCalUId,
    organizer: event.organizer,
    subject: event.subject,
    body: event.body,
    start: event.start,
    end: event.end,
    isAllDay: event.isAllDay,
    location: event.location,
    locations: event.locations,
    attendees: event.attendees,
    meetingShowAs: event.meetingShowAs,
    importance: event.importance,
    sensitivity: event.sensitivity,
    responseRequested: event.responseRequested,
    allowNewTimeProposals: event.allowNewTimeProposals,
    hideAttendees: event.hideAttendees,
    isOnlineMeeting: event.isOnlineMeeting,
    onlineMeetingProvider: event.onlineMeetingProvider,
    joinUrl: event.joinUrl,
    recurrence: event.recurrence,
    exceptions: event.exceptions,
    cancelledOccurrences: event.cancelledOccurrences,
  };
}

function copyFor(organiser: StoredEvent, mailbox: string, existing: StoredEvent | undefined, now: number, timeChanged: boolean): StoredEvent {
  // A changed time is a new request: Outlook clears earlier answers so attendees respond again.
  const keep = existing !== undefined && !existing.isCancelled && !timeChanged;
  const response: ResponseType = keep ? existing.response : 'none';
  return {
    ...shared(organiser),
    id: existing?.id ?? newEventId(),
    mailbox,
    isOrganizer: false,
    transactionId: null,
    showAs: attendeeShowAs(response, organiser.meetingShowAs),
    categories: existing?.categories ?? [],
    isReminderOn: existing?.isReminderOn ?? true,
    reminderMinutesBeforeStart: existing?.reminderMinutesBeforeStart ?? 15,
    isCancelled: false,
    response,
    responseTime: keep ? existing.responseTime : noResponseTime,
    removedOccurrences: keep ? existing.removedOccurrences : [],
    occurrenceResponses: keep ? existing.occurrenceResponses : {},
    createdDateTime: existing?.createdDateTime ?? now,
    lastModifiedDateTime: now,
    changeKey: newChangeKey(),
  };
}

function cancelledCopy(copy: StoredEvent, now: number): StoredEvent {
  return {
    ...copy,
    isCancelled: true,
    subject: copy.subject.startsWith('Canceled: ') ? copy.subject : `Canceled: ${copy.subject}`,
    showAs: 'free',
    lastModifiedDateTime: now,
    changeKey: newChangeKey(),
  };
}

/** Attendees resolved to mailboxes of this directory by address, as Exchange delivers (external addresses get no copy). */
function attendeeMailboxes(store: Store, organiser: StoredEvent): Map<string, StoredUser> {
  const result = new Map<string, StoredUser>();
  for (const attendee of organiser.attendees) {
    const user = store.findUserByAddress(attendee.emailAddress.address);
    if (user && user.id !== organiser.mailbox) result.set(user.id, user);
  }
  return result;
}

/** Brings every attendee's copy in line with the organiser's event; removed attendees get a cancellation. */
export function syncCopies(store: Store, organiser: StoredEvent, now: number, timeChanged: boolean): void {
  const copies = store.eventsByICalUId(organiser.iCalUId).filter((e) => e.id !== organiser.id);
  const byMailbox = new Map(copies.map((c) => [c.mailbox, c]));
  const wanted = attendeeMailboxes(store, organiser);
  for (const mailbox of wanted.keys()) store.putEvent(copyFor(organiser, mailbox, byMailbox.get(mailbox), now, timeChanged));
  for (const copy of copies) {
    if (!wanted.has(copy.mailbox) && !copy.isCancelled) store.putEvent(cancelledCopy(copy, now));
  }
}

/** The organiser cancelled or deleted the whole meeting: copies stay, marked cancelled, as Outlook leaves them. */
export function cancelCopies(store: Store, organiser: StoredEvent, now: number): void {
  for (const copy of store.eventsByICalUId(organiser.iCalUId)) {
    if (copy.id !== organiser.id && !copy.isCancelled) store.putEvent(cancelledCopy(copy, now));
  }
}

export function organiserCopy(store: Store, event: StoredEvent): StoredEvent | undefined {
  return store.eventsByICalUId(event.iCalUId).find((e) => e.isOrganizer);
}

/** Records an attendee's answer on the organiser's attendee list. */
export function recordAnswer(store: Store, attendeeCopy: StoredEvent, user: StoredUser, response: ResponseType, time: string, now: number): void {
  const organiser = organiserCopy(store, attendeeCopy);
  if (!organiser) return;
  const addresses = new Set([user.mail.toLowerCase(), user.userPrincipalName.toLowerCase()]);
  let changed = false;
  const attendees: StoredAttendee[] = organiser.attendees.map((a) => {
    if (!addresses.has(a.emailAddress.address.toLowerCase())) return a;
    changed = true;
    return { ...a, response, time };
  });
  if (changed) store.putEvent({ ...organiser, attendees, lastModifiedDateTime: now, changeKey: newChangeKey() });
}

/** Keeps known attendees' answers when the organiser rewrites the list; new ones start unanswered. */
export function mergeAttendees(previous: readonly StoredAttendee[], next: readonly StoredAttendee[], timeChanged: boolean): StoredAttendee[] {
  const known = new Map(previous.map((a) => [a.emailAddress.address.toLowerCase(), a]));
  return next.map((a) => {
    const before = known.get(a.emailAddress.address.toLowerCase());
    return before && !timeChanged ? { ...a, response: before.response, time: before.time } : a;
  });
}
