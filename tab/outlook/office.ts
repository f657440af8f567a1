/**
 * The little of Office.js the task pane uses, typed here (Office.js comes from Microsoft's CDN
 * script tag, never the bundle). Office is absent in a plain browser and in tests unless stubbed.
 */
import { officePattern, type RecurrenceSpec, type SeriesTimeLike } from './recurrence.js';

interface AsyncResult<T> {
  status: string;
  value: T;
  error?: { message?: string };
}

export interface EmailAddressDetails {
  emailAddress: string;
  displayName?: string;
}

export interface AppointmentItem {
  itemType?: string;
  requiredAttendees?: { getAsync(callback: (result: AsyncResult<EmailAddressDetails[]>) => void): void };
  recurrence?: { setAsync(pattern: unknown, callback: (result: AsyncResult<unknown>) => void): void };
}

export interface OfficeLike {
  onReady(callback?: (info: { host: string | null }) => void): Promise<{ host: string | null }> | void;
  context?: { mailbox?: { item?: AppointmentItem | null; userProfile?: { emailAddress?: string; displayName?: string } } };
  SeriesTime?: new () => SeriesTimeLike;
  AsyncResultStatus?: { Succeeded?: string };
}

/** The Office global from the CDN script, if it loaded. */
export function officeGlobal(win: Window = window): OfficeLike | undefined {
  const office = (win as unknown as { Office?: OfficeLike }).Office;
  return office && typeof office.onReady === 'function' ? office : undefined;
}

/** Waits for Office.onReady, giving up after `timeoutMs` (a page opened outside Office). */
export function officeReady(office: OfficeLike, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    try {
      const result = office.onReady(() => done());
      if (result && typeof result.then === 'function') result.then(done, () => resolve(false));
    } catch {
      clearTimeout(timer);
      resolve(false);
    }
  });
}

function succeeded(office: OfficeLike, result: AsyncResult<unknown>): boolean {
  return result.status === (office.AsyncResultStatus?.Succeeded ?? 'succeeded');
}

export function requiredAttendees(office: OfficeLike, item: AppointmentItem): Promise<EmailAddressDetails[]> {
  return new Promise((resolve, reject) => {
    if (!item.requiredAttendees) {
      reject(new Error('This item has no attendees to read: open the add-in from an appointment you organise.'));
      return;
    }
    item.requiredAttendees.getAsync((result) => {
      if (succeeded(office, result)) resolve(result.value ?? []);
      else reject(new Error(result.error?.message ?? 'Outlook could not read the attendees.'));
    });
  });
}

export function setRecurrence(office: OfficeLike, item: AppointmentItem, spec: RecurrenceSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!item.recurrence) {
      reject(new Error('Outlook does not let this add-in set a recurrence here (Mailbox 1.7 is needed).'));
      return;
    }
    if (typeof office.SeriesTime !== 'function') {
      reject(new Error('This version of Outlook has no SeriesTime: set the recurrence by hand.'));
      return;
    }
    const pattern = officePattern(spec, new office.SeriesTime());
    item.recurrence.setAsync(pattern, (result) => {
      if (succeeded(office, result)) resolve();
      else reject(new Error(result.error?.message ?? 'Outlook refused the recurrence.'));
    });
  });
}
