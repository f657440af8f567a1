/**
 * The authorisation rule of src/records/access.ts applied to requests: the server resolves
 * the people around a supervisee (their staff record, the supervisor's line manager from the
 * directory, the service managers) and asks the pure rule whether the caller may read or do
 * something. Every record read or write goes through `read` or `write` below.
 */
import { coverSupervisorOn } from '../../absence/absence.js';
import { instantToLondon } from '../../calendar/london.js';
import { SupervisionError } from '../../errors.js';
import { capacityOf, canWrite, type Capacity, type Relationship, type WriteAction } from '../../records/access.js';
import type { Staff } from '../../records/models.js';
import type { Versioned } from '../../records/repository.js';
import type { AppServices, DirectoryPerson } from '../services.js';
import type { Identity } from './identity.js';
import type { PersonView } from './schemas.js';

export interface Subject {
  staff: Staff;
  relationship: Relationship;
  capacity: Capacity;
}

const actionWords: Record<WriteAction, string> = {
  'supervisor-write': 'only their supervisor can do this',
  'supervisee-write': 'only the supervisee can do this',
  'party-write': 'only the supervisee or their supervisor can do this',
  authorise: 'only the supervisor\'s line manager or a service manager can authorise this',
};

export function personView(person: Pick<DirectoryPerson, 'id' | 'displayName' | 'mail' | 'jobTitle' | 'department'>): PersonView {
  const view: PersonView = { id: person.id, displayName: person.displayName, mail: person.mail };
  if (person.jobTitle) view.jobTitle = person.jobTitle;
  if (person.department) view.department = person.department;
  return view;
}

/** Per-request lookups, cached: one request may touch the same people many times. */
export class Authoriser {
  private readonly people = new Map<string, Promise<DirectoryPerson | undefined>>();
  private readonly staffByUser = new Map<string, Promise<Versioned<Staff> | undefined>>();
  private serviceManagers: Promise<string[]> | undefined;

  constructor(private readonly services: AppServices) {}

  person(id: string): Promise<DirectoryPerson | undefined> {
    let found = this.people.get(id);
    if (!found) {
      found = this.services.directory.person(id);
      this.people.set(id, found);
    }
    return found;
  }

  /** Name and mail only (one directory read): for lists of many people. */
  async nameView(id: string): Promise<PersonView> {
    const known = this.people.get(id);
    if (known) return this.personView(id);
    const user = await this.services.directory.user(id);
    return user ? { id: user.id, displayName: user.displayName, mail: user.mail } : { id, displayName: 'Unknown person', mail: '' };
  }

  async personView(id: string): Promise<PersonView> {
    const person = await this.person(id);
    return person ? personView(person) : { id, displayName: 'Unknown person', mail: '' };
  }

  staff(userId: string): Promise<Versioned<Staff> | undefined> {
    let found = this.staffByUser.get(userId);
    if (!found) {
      found = this.services.records.where('staff', 'userId', userId).then((rows) => rows.find((r) => !r.record.leftAt) ?? rows[0]);
      this.staffByUser.set(userId, found);
    }
    return found;
  }

  serviceManagerIds(): Promise<string[]> {
    this.serviceManagers ??= this.services.serviceManagerIds();
    return this.serviceManagers;
  }

  async isServiceManager(userId: string): Promise<boolean> {
    return (await this.serviceManagerIds()).includes(userId);
  }

  async relationship(staff: Staff): Promise<Relationship> {
    const supervisor = await this.person(staff.supervisorId);
    return {
      superviseeId: staff.userId,
      supervisorId: staff.supervisorId,
      supervisorManagerId: supervisor?.managerId ?? null,
      serviceManagerIds: await this.serviceManagerIds(),
      // A temporary supervisor has the supervisor's rights only during the cover period.
      coverSupervisorId: coverSupervisorOn(staff, instantToLondon(this.services.now().getTime()).date),
    };
  }

  /**
   * The caller's capacity towards a supervisee, or 403. A supervisee without a staff record
   * is 404 for service managers (who may see everyone) and 403 for anyone else, so the
   * answer never tells an outsider who is supervised.
   */
  async read(identity: Identity, superviseeId: string): Promise<Subject> {
    const staff = (await this.staff(superviseeId))?.record;
    if (!staff) {
      if (await this.isServiceManager(identity.id)) throw new SupervisionError('NOT_FOUND', `nobody with id "${superviseeId}" is supervised in this organisation`, { field: 'id' });
      throw new SupervisionError('FORBIDDEN', 'You can only see supervision records you are part of.');
    }
    const relationship = await this.relationship(staff);
    const capacity = capacityOf(identity.id, relationship);
    if (!capacity) throw new SupervisionError('FORBIDDEN', 'You can only see supervision records you are part of: the supervisee, their supervisor, the supervisor\'s line manager or a service manager.');
    return { staff, relationship, capacity };
  }

  async write(identity: Identity, superviseeId: string, action: WriteAction): Promise<Subject> {
    const subject = await this.read(identity, superviseeId);
    if (!canWrite(identity.id, subject.relationship, action)) {
      throw new SupervisionError('FORBIDDEN', `You can see this record as ${subject.capacity.replace('-', ' ')}, but ${actionWords[action]}.`);
    }
    return subject;
  }
}
