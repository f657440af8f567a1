/**
 * Who may read and write a supervision record. The brief's rule, everywhere: the supervisee,
 * their supervisor, the supervisor's line manager and the service manager; nobody else.
 * Pure: the server resolves the people from the directory and asks here.
 */

/** The people around one supervisory relationship, by directory user id. */
export interface Relationship {
  superviseeId: string;
  supervisorId: string;
  /** The supervisor's line manager (directory manager of the supervisor). */
  supervisorManagerId: string | null;
  /** Service managers of the organisation (may audit every record). */
  serviceManagerIds: readonly string[];
  /** A temporary supervisor covering an absence: supervises with the supervisor's rights. */
  coverSupervisorId?: string | null;
}

export type Capacity = 'supervisee' | 'supervisor' | 'line-manager' | 'service-manager';

/** The capacity in which a person sees a relationship's records, or null for nobody. */
export function capacityOf(viewerId: string, relationship: Relationship): Capacity | null {
  if (viewerId === relationship.superviseeId) return 'supervisee';
  if (viewerId === relationship.supervisorId || (relationship.coverSupervisorId && viewerId === relationship.coverSupervisorId)) return 'supervisor';
  if (relationship.supervisorManagerId && viewerId === relationship.supervisorManagerId) return 'line-manager';
  if (relationship.serviceManagerIds.includes(viewerId)) return 'service-manager';
  return null;
}

export function canRead(viewerId: string, relationship: Relationship): boolean {
  return capacityOf(viewerId, relationship) !== null;
}

/** Actions on records, each allowed to the capacities that the workflow gives it to. */
export const writeRules = {
  /** Book, reschedule, cancel sessions; write and finalise records; draft agreements. */
  'supervisor-write': ['supervisor'],
  /** Answer prep prompts; acknowledge or disagree with a record; sign an agreement as supervisee. */
  'supervisee-write': ['supervisee'],
  /** Either party may sign their own part of an agreement or update an action they own. */
  'party-write': ['supervisor', 'supervisee'],
  /** Authorise a variant (e.g. 6-weekly for large teams) as the supervisor's line manager. */
  authorise: ['line-manager', 'service-manager'],
} as const satisfies Record<string, readonly Capacity[]>;

export type WriteAction = keyof typeof writeRules;

export function canWrite(viewerId: string, relationship: Relationship, action: WriteAction): boolean {
  const capacity = capacityOf(viewerId, relationship);
  return capacity !== null && (writeRules[action] as readonly Capacity[]).includes(capacity);
}
