/**
 * A scriptable stand-in for Graph's HTTP surface, for the gateway's own behaviour (retry,
 * limiter, batching, splitting) independently of the local service: each test answers the
 * requests it cares about and reads back exactly what the gateway sent.
 */
import { createGraphClient, type GraphClient, type GraphClientOptions } from '../../../src/graph/index.js';

export const base = 'https://graph.test/v1.0';

export interface SentRequest {
  method: string;
  url: URL;
  /** Path relative to the base URL, decoded. */
  path: string;
  headers: Headers;
  body: unknown;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (request: SentRequest) => Answer | Promise<Answer>;

export interface FakeGraph {
  fetch: typeof fetch;
  sent: SentRequest[];
  /** Highest number of concurrent requests seen per mailbox (first path segment after /users). */
  maxInFlight: Map<string, number>;
  maxInFlightTotal: number;
}

export function fakeGraph(handler: Handler, options: { latencyMs?: number } = {}): FakeGraph {
  const sent: SentRequest[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let total = 0;
  const fake: FakeGraph = {
    sent,
    maxInFlight,
    maxInFlightTotal: 0,
    fetch: async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const headers = new Headers(init?.headers);
      const text = typeof init?.body === 'string' ? init.body : undefined;
      const request: SentRequest = {
        method: init?.method ?? 'GET',
        url,
        path: decodeURIComponent(url.pathname.replace(/^\/v1\.0/, '')),
        headers,
        body: text ? JSON.parse(text) : undefined,
      };
      sent.push(request);
      const mailbox = /^\/users\/([^/]+)\//.exec(request.path)?.[1]?.toLowerCase();
      total += 1;
      fake.maxInFlightTotal = Math.max(fake.maxInFlightTotal, total);
      if (mailbox) {
        const now = (inFlight.get(mailbox) ?? 0) + 1;
        inFlight.set(mailbox, now);
        maxInFlight.set(mailbox, Math.max(maxInFlight.get(mailbox) ?? 0, now));
      }
      try {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const answer = await handler(request);
        const body = answer.body === undefined ? null : JSON.stringify(answer.body);
        return new Response(body, { status: answer.status, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(answer.headers ?? {}) } });
      } finally {
        total -= 1;
        if (mailbox) inFlight.set(mailbox, (inFlight.get(mailbox) ?? 1) - 1);
      }
    },
  };
  return fake;
}

export interface Harness {
  client: GraphClient;
  fake: FakeGraph;
  /** Every wait the gateway asked for, in ms, in order. */
  sleeps: number[];
}

/** A client over the fake whose waits are recorded and skipped, so retry timing is exact and instant. */
export function harness(handler: Handler, options: Partial<GraphClientOptions> & { latencyMs?: number } = {}): Harness {
  const fake = fakeGraph(handler, options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs });
  const sleeps: number[] = [];
  const client = createGraphClient({
    baseUrl: base,
    auth: { getAccessToken: async () => 'test-token' },
    fetchImpl: fake.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client, fake, sleeps };
}

export const graphError = (status: number, code: string, message = 'failed', headers: Record<string, string> = {}): Answer => ({
  status,
  headers,
  body: { error: { code, message, innerError: { 'request-id': 'req-1', date: '2025-01-01T00:00:00' } } },
});
