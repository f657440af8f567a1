/**
 * Hash routes, so the tab works unchanged at `/`, `/tab` and inside a host frame:
 * `#/team`, `#/schedule/<superviseeId>`, `#/agreement/<superviseeId>`, `#/record/<recordId>`,
 * `#/informal`, `#/me`, `#/compliance`, `#/compliance/<personId>`, `#/audit`.
 */
import { useEffect, useState } from 'react';

export type ViewName = 'team' | 'schedule' | 'agreement' | 'record' | 'informal' | 'me' | 'compliance' | 'audit';

export interface Route {
  view: ViewName | null;
  id?: string;
}

const views: readonly ViewName[] = ['team', 'schedule', 'agreement', 'record', 'informal', 'me', 'compliance', 'audit'];

export function parseRoute(hash: string): Route {
  const [view, id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (!view || !(views as readonly string[]).includes(view)) return { view: null };
  return id ? { view: view as ViewName, id } : { view: view as ViewName };
}

export function href(view: ViewName, id?: string): string {
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}`;
}

export function navigate(view: ViewName, id?: string): void {
  window.location.hash = href(view, id);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
