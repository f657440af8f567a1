/**
 * What a handler receives: the service's state, the request, the path parameters, and (for
 * mailbox resources) the resolved user whose mailbox the path names.
 */
import type { Faults } from './faults.js';
import type { ServiceLimits } from './limits.js';
import type { GraphRequest } from './protocol.js';
import type { Store, StoredUser } from './store.js';

export interface ServiceState {
  store: Store;
  faults: Faults;
  limits: ServiceLimits;
  clock: () => Date;
}

export interface RequestContext extends ServiceState {
  request: GraphRequest;
  params: Readonly<Record<string, string>>;
}

export interface MailboxContext extends RequestContext {
  user: StoredUser;
}

export function param(ctx: RequestContext, name: string): string {
  return ctx.params[name] ?? '';
}
