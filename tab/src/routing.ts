/**
 * Hash routes, so the tab works unchanged at `/`, `/tab` and inside a host frame:
 * `#/team`, `#/schedule/<superviseeId>`, `#/agreement/<superviseeId>`, `#/record/<recordId>`,
 * `#/informal`, `#/me`, `#/compliance`, `#/compliance/<personId>`, `#/audit`; and
 * `#/session/<superviseeId>`, which links use: the supervisee's own page for them, that
 * person's schedule for anyone else. A Teams deep link carries the same path as its
 * sub-entity (src/links/tab-links.ts), read back from `page.subPageId`.
 */
import { useEffect, useState } from 'react';

export type ViewName = 'team' | 'schedule' | 'agreement' | 'record' | 'informal' | 'me' | 'compliance' | 'audit';

export interface Route {
  view: ViewName | 'session' | null;
  id?: string;
}

const views: readonly (ViewName | 'session')[] = ['team', 'schedule', 'agreement', 'record', 'informal', 'me', 'compliance', 'audit', 'session'];

export function parseRoute(hash: string): Route {
  const [view, id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (!view || !(views as readonly string[]).includes(view)) return { view: null };
  if (view === 'session' && !id) return { view: null };
  return id ? { view: view as ViewName, id } : { view: view as ViewName };
}

/** The view a route shows to the signed-in person (`session/<id>` depends on who they are). */
export function resolveRoute(route: Route, meId: string | undefined): { view: ViewName | null; id?: string } {
  if (route.view !== 'session') return route as { view: ViewName | null; id?: string };
  if (!route.id || !meId) return { view: null };
  return route.id === meId ? { view: 'me' } : { view: 'schedule', id: route.id };
}

/**
 * Opens the view a Teams deep link named (`page.subPageId`), once, when the tab starts
 * without a view of its own in the URL.
 */
export function openSubPage(subPageId: string | undefined, win: Window = window): void {
  if (!subPageId || parseRoute(win.location.hash).view !== null) return;
  const route = parseRoute(`#/${subPageId}`);
  if (route.view !== null) win.location.hash = `#/${subPageId.replace(/^\/+/, '')}`;
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
