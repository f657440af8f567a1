/**
 * The service limits Graph enforces, enforced here the same way (contract §4; Graph
 * throttling-limits, "Outlook service limits"; SharePoint "Avoid getting throttled or blocked"):
 *
 * - Outlook, per app and mailbox: at most 4 requests in flight at once (the 5th gets 429
 *   `ApplicationThrottled` "Application is over its MailboxConcurrency limit.") and at most
 *   10,000 requests in any 10 minutes. Throttled requests count too.
 * - SharePoint, per app: resource units per minute by licence tier (1,250 for up to 1,000
 *   licences). A single-item read costs 1, a multi-item query or any write 2; past the
 *   budget the answer is 429 `activityLimitReached`, and from 80% of it every answer
 *   carries the RateLimit-Limit/-Remaining/-Reset headers.
 * Every refusal carries Retry-After, so the gateway's waits are the ones a tenant would ask.
 *
 * The app is the token's `appid` (v1) or `azp` (v2) claim; a token with neither is one app.
 */
import { errorBody } from './errors.js';
import type { GraphRequest, GraphResponse } from './protocol.js';

export interface LimitsConfig {
  /** Outlook requests in flight per app and mailbox (Graph: 4). */
  mailboxConcurrency?: number;
  /** Retry-After, in seconds, on a MailboxConcurrency refusal (decimals allowed). */
  concurrencyRetryAfterSeconds?: number;
  /** Outlook requests per app and mailbox per window (Graph: 10,000 per 10 minutes). */
  mailboxRequests?: number;
  mailboxWindowMs?: number;
  /** SharePoint resource units per app per minute (Graph: 1,250 up to 1,000 licences). */
  sharePointUnitsPerMinute?: number;
}

export const graphLimits: Required<LimitsConfig> = {
  mailboxConcurrency: 4,
  concurrencyRetryAfterSeconds: 1,
  mailboxRequests: 10_000,
  mailboxWindowMs: 10 * 60_000,
  sharePointUnitsPerMinute: 1_250,
};

const minute = 60_000;

export type Workload = { kind: 'outlook'; mailbox: string } | { kind: 'sharepoint'; units: number } | { kind: 'other' };

/** What a request costs against SharePoint's budget: reads of one item 1, queries and writes 2. */
export function sharePointUnits(request: GraphRequest): number {
  if (request.method !== 'GET') return 2;
  const last = (request.segments.at(-1) ?? '').toLowerCase();
  return ['items', 'lists', 'columns'].includes(last) ? 2 : 1;
}

/** The calling app, from the bearer token's claims (not verified here: this only keys the limits). */
export function appOf(headers: Readonly<Record<string, string>>): string {
  const token = /^Bearer\s+([^.\s]+)\.([^.\s]+)\./i.exec(headers['authorization'] ?? '');
  if (token) {
    try {
      const claims = JSON.parse(Buffer.from(token[2] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
      for (const claim of ['appid', 'azp']) if (typeof claims[claim] === 'string') return claims[claim];
    } catch {
      // Not a JWT: one unnamed app.
    }
  }
  return 'local-app';
}

function seconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** Timestamps (and weights) inside a sliding window. */
class Window {
  private readonly entries: { at: number; weight: number }[] = [];
  private sum = 0;

  constructor(private readonly lengthMs: number) {}

  private prune(now: number): void {
    while (this.entries.length > 0 && (this.entries[0] as { at: number }).at <= now - this.lengthMs) this.sum -= (this.entries.shift() as { weight: number }).weight;
  }

  total(now: number): number {
    this.prune(now);
    return this.sum;
  }

  add(now: number, weight = 1): void {
    this.entries.push({ at: now, weight });
    this.sum += weight;
  }

  /** How long until the total drops to `target` or below. */
  waitUntil(now: number, target: number): number {
    this.prune(now);
    let sum = this.sum;
    for (const entry of this.entries) {
      if (sum <= target) break;
      sum -= entry.weight;
      if (sum <= target) return entry.at + this.lengthMs - now;
    }
    return 0;
  }
}

export interface Admission {
  /** Set when the request is refused: the answer to send. */
  refused?: GraphResponse;
  /** Headers to add to the answer (SharePoint's RateLimit-* near the budget). */
  headers: Record<string, string>;
  /** Call once the request has finished (releases its concurrency slot). */
  release(): void;
}

export class ServiceLimits {
  private config: Required<LimitsConfig>;
  private readonly inFlight = new Map<string, number>();
  private readonly mailboxWindows = new Map<string, Window>();
  private readonly sharePointWindows = new Map<string, Window>();

  constructor(
    config: LimitsConfig,
    private readonly clock: () => Date,
  ) {
    this.config = { ...graphLimits, ...config };
  }

  set(config: LimitsConfig): void {
    this.config = { ...graphLimits, ...config };
  }

  current(): Required<LimitsConfig> {
    return { ...this.config };
  }

  admit(app: string, workload: Workload, requestId: string): Admission {
    const none = { headers: {}, release: () => undefined };
    if (workload.kind === 'outlook') return this.admitOutlook(`${app}|${workload.mailbox}`, requestId);
    if (workload.kind === 'sharepoint') return this.admitSharePoint(app, workload.units, requestId) ?? none;
    return none;
  }

  private admitOutlook(key: string, requestId: string): Admission {
    const now = this.clock().getTime();
    let window = this.mailboxWindows.get(key);
    if (!window) {
      window = new Window(this.config.mailboxWindowMs);
      this.mailboxWindows.set(key, window);
    }
    const overRate = window.total(now) >= this.config.mailboxRequests;
    // Throttled requests count against the limit too (Graph throttling guidance).
    window.add(now);
    if (overRate) {
      const wait = window.waitUntil(now, this.config.mailboxRequests - 1);
      return refusal(429, 'ApplicationThrottled', 'Application is over its MailboxRequests limit.', seconds(wait), requestId, now);
    }
    const active = (this.inFlight.get(key) ?? 0) + 1;
    if (active > this.config.mailboxConcurrency) {
      return refusal(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', String(this.config.concurrencyRetryAfterSeconds), requestId, now);
    }
    this.inFlight.set(key, active);
    let released = false;
    return {
      headers: {},
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(key);
        else this.inFlight.set(key, left);
      },
    };
  }

  private admitSharePoint(app: string, units: number, requestId: string): Admission | undefined {
    const now = this.clock().getTime();
    let window = this.sharePointWindows.get(app);
    if (!window) {
      window = new Window(minute);
      this.sharePointWindows.set(app, window);
    }
    const budget = this.config.sharePointUnitsPerMinute;
    const used = window.total(now);
    if (used + units > budget) {
      const wait = window.waitUntil(now, budget - units);
      const answer = refusal(429, 'activityLimitReached', 'The request has been throttled', seconds(wait), requestId, now);
      const refused = answer.refused as GraphResponse;
      return { ...answer, refused: { ...refused, headers: { ...refused.headers, ...rateLimitHeaders(budget, Math.max(0, budget - used), wait) } } };
    }
    window.add(now, units);
    const remaining = budget - used - units;
    // SharePoint sends the RateLimit headers once an app has used 80% of its minute.
    const headers = used + units >= budget * 0.8 ? rateLimitHeaders(budget, remaining, window.waitUntil(now, 0)) : {};
    return { headers, release: () => undefined };
  }
}

function rateLimitHeaders(limit: number, remaining: number, resetMs: number): Record<string, string> {
  return { 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': String(remaining), 'RateLimit-Reset': seconds(resetMs) };
}

function refusal(status: number, code: string, message: string, retryAfter: string, requestId: string, now: number): Admission {
  return { refused: { status, headers: { 'Retry-After': retryAfter }, body: errorBody(code, message, requestId, new Date(now)) }, headers: {}, release: () => undefined };
}
