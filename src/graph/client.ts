/**
 * The one HTTP path to Microsoft Graph, in production and locally alike: the Graph SDK's
 * client with our own middleware chain
 *
 *   auth → retry → per-mailbox limiter → HTTP
 *
 * - auth adds the bearer token, and only for the configured Graph origin, so a token can never
 *   follow a link to another host;
 * - retry sits above the limiter so a request waiting out Retry-After holds no mailbox slot;
 * - the limiter enforces Outlook's 4 concurrent requests per app and mailbox (contract §4,
 *   gotcha 10), counting the inner requests of a `$batch` against their mailboxes because
 *   Graph fans a batch out to Outlook 4 at a time;
 * - HTTP buffers the body before the slot is released, so "in flight" covers the whole
 *   exchange.
 */
import { Client, ResponseType, type Context, type Middleware, type MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { SupervisionError } from '../errors.js';
import type { AccessTokenProvider } from './auth.js';
import { GraphRequestError, isListViewThresholdRefusal, isRecord, routeTemplate, toGraphError } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  maxRetries: number;
  /**
   * Longest single wait (default 30 s). When Graph asks for longer, the call fails with
   * GraphThrottledError carrying the wait instead of retrying early into another 429.
   */
  maxDelayMs: number;
  /** First back-off step when Graph sends no Retry-After (default 1 s; doubles per attempt). */
  baseDelayMs?: number;
}

export interface GraphClientOptions {
  /** `https://graph.microsoft.com/v1.0` in a tenant; `http://127.0.0.1:<port>/graph/v1.0` locally. */
  baseUrl: string;
  auth: AccessTokenProvider;
  retry?: Partial<RetryOptions>;
  /** Outlook allows 4 concurrent requests per app and mailbox. */
  concurrencyPerMailbox?: number;
  fetchImpl?: typeof fetch;
  /** Per attempt; a POST that times out is only retried when it is replay-safe. */
  timeoutMs?: number;
  /** SharePoint deprioritises undecorated traffic (contract §4). */
  userAgent?: string;
  /** Seams for tests: how to wait, and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** One Graph call. `path` is relative to the base URL, or an absolute `@odata.nextLink`. */
export interface GraphCall {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-2xx statuses to return instead of throwing (e.g. 404 for "is it there?"). */
  accept?: readonly number[];
  /** Overrides the replay-safety the retry middleware infers from method and body. */
  replaySafe?: boolean;
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, text for other content, undefined when empty. */
  body: unknown;
}

export interface ResolvedRetry {
  maxRetries: number;
  maxDelayMs: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export interface GraphClient {
  readonly baseUrl: string;
  /** The underlying SDK client (same middleware chain), for calls the gateway does not wrap. */
  readonly sdk: Client;
  readonly retry: ResolvedRetry;
  /** Sends a call; non-2xx answers (other than `accept`ed ones) throw a GraphRequestError. */
  request(call: GraphCall): Promise<GraphResponse>;
  /** Follows `@odata.nextLink` and yields each page's `value`; the last page's `@odata.deltaLink` is returned. */
  pages(call: GraphCall): AsyncGenerator<unknown[], string | undefined>;
  /** `path` relative to the base URL when `url` is one of ours (nextLink, deltaLink). */
  relative(url: string): string;
}

const defaultRetry = { maxRetries: 5, maxDelayMs: 30_000, baseDelayMs: 1_000 };
const retryableStatuses = new Set([429, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return retryableStatuses.has(status);
}

/**
 * Whether sending the request twice cannot do anything twice. GET/PUT/DELETE are idempotent;
 * PATCH sets values, so repeating it lands on the same state. A POST is safe only when it
 * carries a `transactionId` (Graph answers the replay from the first create, §1.3), is a
 * read-only action (getSchedule), or is a `$batch` whose every request is itself safe.
 */
export function isReplaySafe(method: string, url: string, body: unknown): boolean {
  const verb = method.toUpperCase();
  if (verb !== 'POST') return true;
  const path = url.split('?')[0] ?? '';
  if (/\/getSchedule$/i.test(path)) return true;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  if (!isRecord(parsed)) return false;
  if (/\/\$batch$/.test(path)) {
    const requests = parsed.requests;
    return Array.isArray(requests) && requests.every((r) => isRecord(r) && typeof r.method === 'string' && typeof r.url === 'string' && isReplaySafe(r.method, r.url, r.body));
  }
  return typeof parsed.transactionId === 'string' && parsed.transactionId.length > 0;
}

/**
 * Retry-After in milliseconds: delta-seconds (Graph sends decimals such as `2.128`) or an
 * HTTP date. SharePoint's RateLimit-Reset counts too, and the longer of the two wins (§4).
 */
export function retryAfterMs(header: (name: string) => string | null | undefined, now: number = Date.now()): number | undefined {
  const parse = (value: string | null | undefined): number | undefined => {
    if (value === null || value === undefined) return undefined;
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  };
  const waits = [parse(header('retry-after')), parse(header('ratelimit-reset'))].filter((w): w is number => w !== undefined);
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** Exponential back-off with jitter, for when Graph gives no Retry-After. */
export function backoffMs(attempt: number, retry: Pick<ResolvedRetry, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * retry.random());
}

// Outlook resources under /users/{id}; directory reads (/users/{id}, /manager) are not mailbox traffic.
const outlookSegments = new Set(['events', 'calendar', 'calendars', 'calendarview', 'calendargroups', 'mailboxsettings', 'messages', 'mailfolders', 'contacts', 'findmeetingtimes', 'outlook']);

/** The mailbox a relative Graph path addresses (lower-cased id or UPN), if it is Outlook traffic. */
export function mailboxOf(relativePath: string): string | undefined {
  const segments = (relativePath.split('?')[0] ?? '').split('/').filter(Boolean);
  if (segments[0] === 'me') return segments[1] && outlookSegments.has(segments[1].toLowerCase()) ? 'me' : undefined;
  if (segments[0] !== 'users' || !segments[1] || !segments[2] || !outlookSegments.has(segments[2].toLowerCase())) return undefined;
  return safeDecode(segments[1]).toLowerCase();
}

/** Slots a request needs per mailbox: one, or for a `$batch` one per inner request, at most the limit. */
export function mailboxDemand(relativePath: string, body: unknown, limit: number): Map<string, number> {
  const demand = new Map<string, number>();
  if (/^\/?\$batch(\?|$)/.test(relativePath)) {
    const parsed = typeof body === 'string' ? safeJson(body) : body;
    const requests = isRecord(parsed) && Array.isArray(parsed.requests) ? parsed.requests : [];
    for (const r of requests) {
      const key = isRecord(r) && typeof r.url === 'string' ? mailboxOf(r.url) : undefined;
      if (key) demand.set(key, Math.min(limit, (demand.get(key) ?? 0) + 1));
    }
    return demand;
  }
  const key = mailboxOf(relativePath);
  if (key) demand.set(key, 1);
  return demand;
}

interface Waiter {
  slots: number;
  grant: () => void;
}

interface MailboxState {
  active: number;
  queue: Waiter[];
  pausedUntil: number;
}

/** Counting semaphore per mailbox, FIFO so a batch needing 4 slots is not starved by singles. */
export class MailboxLimiter {
  private readonly mailboxes = new Map<string, MailboxState>();

  constructor(
    readonly limit: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new SupervisionError('CONFIGURATION', 'concurrencyPerMailbox must be a positive integer', { field: 'concurrencyPerMailbox' });
  }

  private state(key: string): MailboxState {
    let state = this.mailboxes.get(key);
    if (!state) {
      state = { active: 0, queue: [], pausedUntil: 0 };
      this.mailboxes.set(key, state);
    }
    return state;
  }

  /** After a 429 for a mailbox, the whole mailbox waits: its other requests would be refused too. */
  pause(key: string, ms: number): void {
    const state = this.state(key);
    state.pausedUntil = Math.max(state.pausedUntil, Date.now() + ms);
  }

  async acquire(key: string, wanted: number): Promise<() => void> {
    const slots = Math.min(Math.max(1, wanted), this.limit);
    const paused = this.state(key).pausedUntil - Date.now();
    if (paused > 0) await this.sleep(paused);
    // Looked up after the wait: an idle mailbox's state may have been dropped meanwhile.
    const state = this.state(key);
    if (state.queue.length > 0 || state.active + slots > this.limit) {
      await new Promise<void>((grant) => state.queue.push({ slots, grant }));
    } else {
      state.active += slots;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.active -= slots;
      while (state.queue[0] && state.active + state.queue[0].slots <= this.limit) {
        const next = state.queue.shift() as Waiter;
        state.active += next.slots;
        next.grant();
      }
      if (state.active === 0 && state.queue.length === 0 && state.pausedUntil <= Date.now()) this.mailboxes.delete(key);
    };
  }
}

/** Per-call state carried through the chain (the SDK's MiddlewareControl keys it by class). */
class CallState implements MiddlewareOptions {
  attempts = 0;
  error: unknown;
  constructor(readonly replaySafe: boolean | undefined) {}
}

function callState(context: Context): CallState | undefined {
  const option = context.middlewareControl?.getMiddlewareOptions(CallState);
  return option instanceof CallState ? option : undefined;
}

function urlOf(context: Context): string {
  const request = context.request;
  return typeof request === 'string' ? request : request instanceof Request ? request.url : String(request);
}

function setHeader(context: Context, name: string, value: string): void {
  const options = (context.options ??= {});
  if (options.headers instanceof Headers) options.headers.set(name, value);
  else if (Array.isArray(options.headers)) options.headers = [...options.headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase()), [name, value]];
  else options.headers = { ...(options.headers ?? {}), [name]: value };
}

abstract class Link implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected async forward(context: Context): Promise<void> {
    if (!this.next) throw new SupervisionError('CONFIGURATION', 'Graph middleware chain has no HTTP handler');
    await this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

class AuthLink extends Link {
  constructor(
    private readonly auth: AccessTokenProvider,
    private readonly origin: string,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    try {
      if (new URL(urlOf(context)).origin === this.origin) setHeader(context, 'Authorization', `Bearer ${await this.auth.getAccessToken()}`);
      await this.forward(context);
    } catch (error) {
      // The SDK rewraps whatever a middleware throws; keep the original for the caller.
      const state = callState(context);
      if (state) state.error = error;
      throw error;
    }
  }
}

class RetryLink extends Link {
  constructor(
    private readonly retry: ResolvedRetry,
    private readonly base: string,
    private readonly limiter: MailboxLimiter,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const state = callState(context);
    const url = urlOf(context);
    const method = context.options?.method ?? 'GET';
    const safe = state?.replaySafe ?? isReplaySafe(method, url, context.options?.body);
    const mailbox = mailboxOf(relativeTo(this.base, url));
    for (let attempt = 0; ; attempt++) {
      if (state) state.attempts = attempt + 1;
      context.response = undefined;
      try {
        await this.forward(context);
      } catch (error) {
        // No answer at all (reset, timeout): the request may or may not have run.
        if (!safe || attempt >= this.retry.maxRetries || error instanceof SupervisionError) throw error;
        await this.retry.sleep(backoffMs(attempt, this.retry));
        continue;
      }
      const response = context.response as Response | undefined;
      // A 429 was refused before Graph did anything, so even a POST without a transactionId
      // (a list item create) can be sent again; a 503/504 may have run and is retried only when safe.
      if (!response || !isRetryableStatus(response.status) || (!safe && response.status !== 429) || attempt >= this.retry.maxRetries) return;
      const asked = retryAfterMs((name) => response.headers.get(name));
      // A 429 that names no wait may be a query SharePoint will never run (list view threshold).
      if (asked === undefined && response.status === 429 && isListViewThresholdRefusal(429, safeJson(await response.clone().text()))) return;
      if (asked !== undefined && asked > this.retry.maxDelayMs) return;
      const wait = asked ?? backoffMs(attempt, this.retry);
      if (mailbox && response.status === 429) this.limiter.pause(mailbox, wait);
      await this.retry.sleep(wait);
    }
  }
}

class LimitLink extends Link {
  constructor(
    private readonly limiter: MailboxLimiter,
    private readonly base: string,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const demand = mailboxDemand(relativeTo(this.base, urlOf(context)), context.options?.body, this.limiter.limit);
    const releases: (() => void)[] = [];
    try {
      // A fixed order across mailboxes, so two batches never hold what the other waits for.
      for (const key of [...demand.keys()].sort()) releases.push(await this.limiter.acquire(key, demand.get(key) ?? 1));
      await this.forward(context);
    } finally {
      for (const release of releases) release();
    }
  }
}

class HttpLink extends Link {
  constructor(
    private readonly fetchImpl: typeof fetch,
    private readonly userAgent: string,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    setHeader(context, 'User-Agent', this.userAgent);
    setHeader(context, 'client-request-id', crypto.randomUUID());
    const init: RequestInit = { ...(context.options ?? {}) };
    if (!init.signal && this.timeoutMs > 0) init.signal = AbortSignal.timeout(this.timeoutMs);
    const response = await this.fetchImpl(urlOf(context), init);
    const bytes = await response.arrayBuffer();
    const empty = bytes.byteLength === 0 || response.status === 204 || response.status === 205 || response.status === 304;
    context.response = new Response(empty ? null : bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}

function relativeTo(base: string, url: string): string {
  return url.startsWith(base) ? url.slice(base.length) || '/' : url;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Query values are encoded here because the SDK passes query strings through verbatim. */
export function queryString(query: GraphCall['query']): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** A path segment (mailbox UPN, event id) made safe for a URL. */
export function segment(value: string): string {
  if (value.length === 0) throw new SupervisionError('INVALID_INPUT', 'A Graph path segment must not be empty', { field: 'id' });
  return encodeURIComponent(value);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json') || /^\s*[{[]/.test(text)) return safeJson(text) ?? text;
  return text;
}

const pageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

/** Throws the gateway's error for a response whose shape we rely on and do not get. */
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new GraphRequestError(200, 'UnexpectedResponse', `Graph ${what} answered in an unexpected shape${where}: ${issue?.code ?? 'invalid'}`);
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const parsedBase = new URL(baseUrl);
  const versionAt = baseUrl.lastIndexOf('/');
  if (versionAt < parsedBase.origin.length) {
    throw new SupervisionError('CONFIGURATION', 'Graph base URL must end in a version segment such as /v1.0', { field: 'baseUrl' });
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retry: ResolvedRetry = {
    maxRetries: options.retry?.maxRetries ?? defaultRetry.maxRetries,
    maxDelayMs: options.retry?.maxDelayMs ?? defaultRetry.maxDelayMs,
    baseDelayMs: options.retry?.baseDelayMs ?? defaultRetry.baseDelayMs,
    sleep,
    random: options.random ?? Math.random,
  };
  const limiter = new MailboxLimiter(options.concurrencyPerMailbox ?? 4, sleep);
  const chain: Middleware[] = [
    new AuthLink(options.auth, parsedBase.origin),
    new RetryLink(retry, baseUrl, limiter),
    new LimitLink(limiter, baseUrl),
    new HttpLink(options.fetchImpl ?? fetch, options.userAgent ?? 'NONISV|SupervisionForTeams|Supervision/0.1', options.timeoutMs ?? 100_000),
  ];
  // The SDK joins host + version + path; the host part may itself carry a path (/graph locally).
  const sdk = Client.initWithMiddleware({
    baseUrl: baseUrl.slice(0, versionAt),
    defaultVersion: baseUrl.slice(versionAt + 1),
    middleware: chain,
  });

  const relative = (url: string): string => {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url.startsWith('/') ? url : `/${url}`;
    if (url.startsWith(`${baseUrl}/`) || url.startsWith(`${baseUrl}?`)) return url.slice(baseUrl.length);
    // A link elsewhere would take our bearer token with it (the auth link refuses anyway).
    throw new GraphRequestError(0, 'ForeignLink', `Graph returned a link outside ${parsedBase.origin}${parsedBase.pathname}`);
  };

  async function request(call: GraphCall): Promise<GraphResponse> {
    const path = relative(call.path) + (call.query ? (call.path.includes('?') ? queryString(call.query).replace('?', '&') : queryString(call.query)) : '');
    const state = new CallState(call.replaySafe);
    let builder = sdk.api(path).responseType(ResponseType.RAW).middlewareOptions([state]);
    if (call.headers) builder = builder.headers(call.headers);
    let raw: unknown;
    try {
      switch (call.method) {
        case 'GET':
          raw = await builder.get();
          break;
        case 'POST':
          raw = await builder.post(call.body ?? {});
          break;
        case 'PATCH':
          raw = await builder.patch(call.body ?? {});
          break;
        case 'PUT':
          raw = await builder.put(call.body ?? {});
          break;
        case 'DELETE':
          raw = await builder.delete();
          break;
      }
    } catch (error) {
      const original: unknown = state.error ?? error;
      if (original instanceof SupervisionError) throw original;
      const kind = original instanceof Error ? original.name : 'Error';
      throw new GraphRequestError(0, 'NoResponse', `Graph ${call.method} ${routeTemplate(path)} got no answer (${kind}) after ${state.attempts} attempt(s)`, undefined, { cause: original });
    }
    if (!(raw instanceof Response)) throw new GraphRequestError(0, 'NoResponse', `Graph ${call.method} ${routeTemplate(path)} returned no response`);
    const body = await readBody(raw);
    if (!raw.ok && !call.accept?.includes(raw.status)) {
      const headers = raw.headers;
      throw toGraphError({
        method: call.method,
        url: path,
        status: raw.status,
        body,
        header: (name) => headers.get(name) ?? undefined,
        retryAfterMs: retryAfterMs((name) => headers.get(name)),
      });
    }
    return { status: raw.status, headers: raw.headers, body };
  }

  async function* pages(call: GraphCall): AsyncGenerator<unknown[], string | undefined> {
    let next: GraphCall | undefined = call;
    while (next) {
      const response = await request(next);
      const page: z.infer<typeof pageSchema> = parseResponse(pageSchema, response.body, `${call.method} ${routeTemplate(next.path)}`);
      yield page.value;
      const nextLink: string | undefined = page['@odata.nextLink'];
      if (!nextLink) return page['@odata.deltaLink'];
      // The link carries the query; the headers (Prefer) must be sent again.
      next = { method: 'GET', path: nextLink, ...(call.headers ? { headers: call.headers } : {}) };
    }
    return undefined;
  }

  return { baseUrl, sdk, retry, request, pages, relative };
}

/** Collects every page of a collection. */
export async function collect(client: GraphClient, call: GraphCall): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const page of client.pages(call)) all.push(...page);
  return all;
}
