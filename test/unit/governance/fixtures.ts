/** Small record builders for the governance tests (ids and dates only, no real people). */
import type { Cancellation, SessionRecord, Staff } from '../../../src/records/models.js';

export function session(id: string, superviseeId: string, sessionDate: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    superviseeId,
    supervisorId: 'sup-1',
    org: 'birmingham',
    templateId: 'standard',
    kind: 'individual',
    sessionDate,
    sections: {},
    cases: [],
    actions: [],
    status: 'finalised',
    updatedAt: `${sessionDate}T12:00:00Z`,
    ...extra,
  };
}

export function cancellation(id: string, superviseeId: string, originalDate: string): Cancellation {
  return { id, superviseeId, supervisorId: 'sup-1', org: 'birmingham', originalDate, origin: 'app', cancelledAt: `${originalDate}T09:00:00Z` };
}

export function staff(userId: string, leftAt?: string): Staff {
  return { id: `staff-${userId}`, userId, org: 'birmingham', role: 'social-worker', team: 'A', start: '2015-01-05', supervisorId: 'sup-1', ...(leftAt ? { leftAt } : {}) };
}
