/**
 * A fake /api for component tests: routes answer from handlers keyed "METHOD /path" (path
 * without /api, query included), and every request is recorded for assertions.
 */
import { vi } from 'vitest';

export type Handler = (body: unknown, request: { method: string; path: string; headers: Record<string, string> }) => { status?: number; body: unknown } | unknown;

export interface FakeApi {
  calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[];
  on(route: string, handler: Handler): void;
}

export function installFakeApi(routes: Record<string, Handler> = {}): FakeApi {
  const handlers = new Map(Object.entries(routes));
  const calls: FakeApi['calls'] = [];
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = `${url.pathname.replace(/^\/api/, '')}${url.search}`;
    const headers = Object.fromEntries(Object.entries((init?.headers as Record<string, string>) ?? {}));
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, body, headers });
    const handler = handlers.get(`${method} ${path}`) ?? handlers.get(`${method} ${url.pathname.replace(/^\/api/, '')}`);
    if (!handler) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no fake for ${method} ${path}` } }), { status: 404, headers: { 'content-type': 'application/json' } });
    const result = handler(body, { method, path, headers }) as { status?: number; body?: unknown } | undefined;
    const isEnvelope = typeof result === 'object' && result !== null && 'status' in result && 'body' in result;
    const status = isEnvelope ? (result.status ?? 200) : 200;
    const payload = isEnvelope ? result.body : result;
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, on: (route, handler) => handlers.set(route, handler) };
}
