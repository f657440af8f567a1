import { createContext, useContext } from 'react';
import type { Me } from '../../src/server/api/schemas.js';

export interface Session {
  me: Me;
  /** Reloads counts on the navigation after a change (e.g. a record acknowledged). */
  refresh: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}
