import { describe, expect, it } from 'vitest';
import { canRead, canWrite, capacityOf, type Relationship } from '../../../src/records/access.js';

const relationship: Relationship = {
  superviseeId: 'sve',
  supervisorId: 'sup',
  supervisorManagerId: 'lm',
  serviceManagerIds: ['sm'],
  coverSupervisorId: 'cover',
};

describe('record access: supervisee, supervisor, supervisor’s line manager and service manager only', () => {
  it.each([
    ['sve', 'supervisee', true],
    ['sup', 'supervisor', true],
    ['cover', 'supervisor', true],
    ['lm', 'line-manager', true],
    ['sm', 'service-manager', true],
    ['colleague', null, false],
    ['', null, false],
  ] as const)('%s reads as %s', (viewer, capacity, readable) => {
    expect(capacityOf(viewer, relationship)).toBe(capacity);
    expect(canRead(viewer, relationship)).toBe(readable);
  });

  it.each([
    ['supervisor-write', ['sup', 'cover']],
    ['supervisee-write', ['sve']],
    ['party-write', ['sup', 'cover', 'sve']],
    ['authorise', ['lm', 'sm']],
  ] as const)('%s is allowed only to %j', (action, allowed) => {
    for (const viewer of ['sve', 'sup', 'cover', 'lm', 'sm', 'colleague']) {
      expect(canWrite(viewer, relationship, action), `${viewer} ${action}`).toBe((allowed as readonly string[]).includes(viewer));
    }
  });

  it('gives nobody line-manager rights when the supervisor has no manager', () => {
    expect(capacityOf('lm', { ...relationship, supervisorManagerId: null })).toBeNull();
  });
});
