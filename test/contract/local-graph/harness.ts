/**
 * Drives the local Graph service over real HTTP: a server on an ephemeral loopback port with
 * its own temporary data directory, a small seeded organisation, and typed response shapes
 * so assertions read like the Graph documentation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalGraphServer, type FaultConfig, type LimitsConfig, type RunningLocalGraph } from '../../../src/local-graph/index.js';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface GraphEvent {
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  subject: string;
  iCalUId: string;
  seriesMasterId: string | null;
  originalStart?: string;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isOrganizer: boolean;
  isCancelled: boolean;
  showAs: string;
  changeKey: string;
  transactionId: string | null;
  responseStatus: { response: string; time: string };
  attendees: { emailAddress: { address: string }; status: { response: string } }[];
  onlineMeeting: { joinUrl: string } | null;
  recurrence: { pattern: Record<string, unknown>; range: Record<string, unknown> } | null;
  '@removed'?: { reason: string };
}

export interface Collection<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface GraphErrorBody {
  error: { code: string; message: string; innerError: { 'request-id': string; date: string } };
}

export interface Reply<T> {
  status: number;
  body: T;
  headers: Headers;
}

export const users = {
  ann: { id: '11111111-0000-0000-0000-000000000001', displayName: 'Ann Organiser', userPrincipalName: 'ann@contoso.test', mail: 'ann@contoso.test', jobTitle: 'Team Manager', department: 'Children in Care', managerId: null },
  bob: { id: '11111111-0000-0000-0000-000000000002', displayName: 'Bob Attendee', userPrincipalName: 'bob@contoso.test', mail: 'bob@contoso.test', jobTitle: 'Social Worker', department: 'Children in Care', managerId: '11111111-0000-0000-0000-000000000001' },
  cat: { id: '11111111-0000-0000-0000-000000000003', displayName: 'Cat Colleague', userPrincipalName: 'cat@contoso.test', mail: 'cat@contoso.test', jobTitle: 'Social Worker', department: 'Fostering', managerId: '11111111-0000-0000-0000-000000000001' },
};

export const siteId = 'contoso.sharepoint.com,2f5e8d1b-0000-4000-8000-000000000001,7c1a2b3c-0000-4000-8000-000000000002';

export interface Harness {
  server: RunningLocalGraph;
  dataDir: string;
  call<T = unknown>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<Reply<T>>;
  /** Follows an absolute link (nextLink, deltaLink) as a client would. */
  follow<T = unknown>(url: string, headers?: Record<string, string>): Promise<Reply<T>>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function request<T>(url: string, method: string, options: { body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Reply<T>> {
  const hasBody = options.body !== undefined || options.raw !== undefined;
  const response = await fetch(url, {
    method,
    headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

export async function startHarness(options: { faults?: FaultConfig; limits?: LimitsConfig; clock?: () => Date; seed?: boolean; dataDir?: string } = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-graph-'));
  const serviceOptions = { ...(options.faults ? { faults: options.faults } : {}), ...(options.limits ? { limits: options.limits } : {}), ...(options.clock ? { clock: options.clock } : {}) };
  let server = await startLocalGraphServer({ dataDir, ...serviceOptions });
  if (options.seed !== false) {
    for (const user of Object.values(users)) server.graph.upsertUser(user);
    server.graph.ensureSite({ id: siteId, displayName: 'Supervision', webUrl: 'https://contoso.sharepoint.com/sites/Supervision' });
  }
  const harness: Harness = {
    get server() {
      return server;
    },
    dataDir,
    call: (method, path, callOptions) => request(`${server.url}${path}`, method, callOptions),
    follow: (url, headers) => request(url, 'GET', headers ? { headers } : {}),
    restart: async () => {
      await server.close();
      server = await startLocalGraphServer({ dataDir, ...serviceOptions });
    },
    stop: async () => {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const london = 'GMT Standard Time';

export function at(dateTime: string, timeZone = london): DateTimeTimeZone {
  return { dateTime, timeZone };
}

export function meeting(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subject: 'Supervision',
    body: { contentType: 'text', content: 'Agenda' },
    start: at('2025-06-02T10:00:00'),
    end: at('2025-06-02T11:00:00'),
    attendees: [{ emailAddress: { address: users.bob.mail, name: users.bob.displayName }, type: 'required' }],
    ...overrides,
  };
}

export function weekly(startDate: string, range: Record<string, unknown>, pattern: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday', ...pattern },
    range: { startDate, recurrenceTimeZone: london, ...range },
  };
}

/** A harness per test, each stopped after it (for tests that start the service their own way). */
export function harnessPerTest(afterEachHook: (fn: () => Promise<void>) => void): (...args: Parameters<typeof startHarness>) => Promise<Harness> {
  const running: Harness[] = [];
  afterEachHook(async () => {
    while (running.length > 0) await running.pop()?.stop();
  });
  return async (...args) => {
    const h = await startHarness(...args);
    running.push(h);
    return h;
  };
}
