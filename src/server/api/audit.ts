/**
 * The one place API handlers record access to a supervision record: a read or write by anyone
 * other than the record's two parties (a line manager, a service manager, a cover supervisor)
 * becomes one audit entry: who (directory id), when, which record and what they did. Never the
 * record's content, never a name.
 */
import { isThirdParty, type AuditEntry } from '../../governance/audit-log.js';
import type { GovernanceDeps } from '../../governance/service.js';
import { openGovernanceStore } from '../../governance/store.js';
import type { ListKey } from '../../records/lists.js';
import type { AppServices } from '../services.js';
import type { ApiDeps } from './deps.js';
import type { Identity } from './identity.js';

type Governance = NonNullable<AppServices['governance']>;

const inMemory = new WeakMap<AppServices, Governance>();

/** The services' governance store, or one in memory tied to these services (tests). */
export function governanceOf(services: AppServices): Governance {
  if (services.governance) return services.governance;
  let found = inMemory.get(services);
  if (!found) {
    found = { store: openGovernanceStore(':memory:') };
    inMemory.set(services, found);
  }
  return found;
}

/** The governance use cases' ports, from the API's shared (app-only) services. */
export function governanceDeps(deps: ApiDeps): GovernanceDeps {
  const { services } = deps;
  const governance = governanceOf(services);
  return {
    pack: services.pack,
    records: services.records,
    directory: services.directory,
    store: governance.store,
    now: () => services.now(),
    ...(governance.notify ? { notify: governance.notify } : {}),
  };
}

/** The parties of a record, as the lists name them. */
export interface AuditedRecord {
  id: string;
  superviseeId?: string;
  supervisorId?: string;
  userId?: string;
}

/**
 * Audits the caller's access to each record when they are not one of its parties. Call it
 * after authorising and before answering, so a refused request leaves no entry.
 */
export function auditRecordAccess(deps: ApiDeps, identity: Identity, list: ListKey, records: AuditedRecord | readonly AuditedRecord[], action: Extract<AuditEntry['action'], 'read' | 'write'>): void {
  const { audit } = governanceOf(deps.services).store;
  const at = deps.services.now().toISOString();
  for (const record of Array.isArray(records) ? (records as readonly AuditedRecord[]) : [records as AuditedRecord]) {
    if (!isThirdParty(identity.id, record)) continue;
    audit.write({ actorId: identity.id, action, list, recordId: record.id, at, org: deps.services.pack.id });
  }
}
