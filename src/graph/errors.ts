/**
 * Graph failures as product errors. They extend SupervisionError so the API, CLI and bot
 * answer them like any other product error (a conflict is a 409 the user resolves, anything
 * else an upstream 502), while `graphStatus`/`graphCode`/`requestId` keep what an operator
 * needs to trace the call with Microsoft support.
 *
 * Graph's own messages can quote the mailbox, UPN or filter value that failed
 * ("The requested user 'a.person@contoso.com' is invalid."), and error messages end up in
 * logs and API answers, so every message here is built from the status, the code, the route
 * with its ids replaced by placeholders, and Graph's text with quoted values and addresses
 * removed.
 */
import { SupervisionError, type ErrorCode } from '../errors.js';

export class GraphRequestError extends SupervisionError {
  /** HTTP status Graph answered (0 when no answer arrived: network failure, timeout). */
  readonly graphStatus: number;
  /** Graph's error code, e.g. `ErrorItemNotFound`, `TooManyRequests`. */
  readonly graphCode: string;
  /** Graph's `request-id`, quoted to Microsoft support when a call misbehaves. */
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, requestId?: string, options: { productCode?: ErrorCode; cause?: unknown } = {}) {
    super(options.productCode ?? 'UPSTREAM', message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'GraphRequestError';
    this.graphStatus = status;
    this.graphCode = code;
    this.requestId = requestId;
  }
}

/** 412 on an If-Match write: someone changed the item since it was read. */
export class GraphConflictError extends GraphRequestError {
  constructor(code: string, message: string, requestId?: string) {
    super(412, code, message, requestId, { productCode: 'CONFLICT' });
    this.name = 'GraphConflictError';
  }
}

/** Still throttled after the retries the client allows (or asked to wait longer than it will). */
export class GraphThrottledError extends GraphRequestError {
  /** What Graph last asked us to wait, so a job can reschedule itself instead of spinning. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: string, message: string, requestId: string | undefined, retryAfterMs: number | undefined) {
    super(status, code, message, requestId);
    this.name = 'GraphThrottledError';
    this.retryAfterMs = retryAfterMs;
  }
}

export function isGraphRequestError(error: unknown): error is GraphRequestError {
  return error instanceof GraphRequestError;
}

/** A 404 for the addressed item itself (not an unknown mailbox or a wrong route). */
export function isGraphItemNotFound(error: unknown): boolean {
  return error instanceof GraphRequestError && error.graphStatus === 404 && /^(ErrorItemNotFound|itemNotFound)$/.test(error.graphCode);
}

// Collections whose next path segment is an id (or a UPN, a site path, a list title).
const idAfter = new Set(['users', 'events', 'instances', 'sites', 'lists', 'items', 'columns', 'calendars', 'groups', 'permissions', 'subscriptions']);

/** `/users/a.person@contoso.com/events/AAMk…` → `/users/{id}/events/{id}`: the route without who or what. */
export function routeTemplate(pathOrUrl: string): string {
  let path = new URL(pathOrUrl, 'http://relative.invalid').pathname;
  const version = /\/(?:v1\.0|beta)(?=\/)/.exec(path);
  if (version) path = path.slice(version.index + version[0].length);
  const segments = path.split('/');
  return segments.map((segment, i) => (i > 0 && idAfter.has(segments[i - 1] ?? '') ? '{id}' : segment)).join('/');
}

/** Graph's message without the values it quotes: names, addresses and filter text stay out of logs. */
export function sanitizeGraphMessage(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/[^\s@'"]+@[^\s@'"]+/g, '[address]')
    .slice(0, 300);
}

export interface GraphErrorBody {
  code: string;
  message: string;
  requestId: string | undefined;
  /** `innerError.code`, when the service behind Graph names the cause more precisely. */
  innerCode: string | undefined;
}

/** Reads Graph's OData error envelope `{ error: { code, message, innerError: { request-id } } }`, tolerating anything else. */
export function readErrorBody(body: unknown): GraphErrorBody {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const inner = error && (isRecord(error.innerError) ? error.innerError : isRecord(error.innererror) ? error.innererror : undefined);
  const requestId = inner && typeof inner['request-id'] === 'string' ? inner['request-id'] : undefined;
  return {
    code: error && typeof error.code === 'string' ? error.code : 'UnknownError',
    message: error && typeof error.message === 'string' ? error.message : '',
    requestId,
    innerCode: inner && typeof inner.code === 'string' ? inner.code : undefined,
  };
}

/**
 * SharePoint's list view threshold, as Graph relays it: a 429 `tooManyResources` without
 * Retry-After. It is not throttling (the same query fails again however long one waits), so
 * it is never retried.
 */
export function isListViewThresholdRefusal(status: number, body: unknown): boolean {
  if (status !== 429) return false;
  const parsed = readErrorBody(body);
  return parsed.code === 'tooManyResources' || parsed.innerCode === 'tooManyResources';
}

export interface FailedCall {
  method: string;
  url: string;
  status: number;
  body: unknown;
  /** Header lookup (the response's, or an inner $batch response's). */
  header(name: string): string | undefined;
  retryAfterMs?: number | undefined;
}

/** Maps a failed Graph answer to the error the gateway throws. */
export function toGraphError(call: FailedCall): GraphRequestError {
  const parsed = readErrorBody(call.body);
  const requestId = parsed.requestId ?? call.header('request-id') ?? undefined;
  const detail = parsed.message ? `: ${sanitizeGraphMessage(parsed.message)}` : '';
  const message = `Graph ${call.method} ${routeTemplate(call.url)} failed with ${call.status} ${parsed.code}${detail}`;
  if (call.status === 412) return new GraphConflictError(parsed.code, message, requestId);
  if (isListViewThresholdRefusal(call.status, call.body)) {
    return new GraphRequestError(
      call.status,
      'tooManyResources',
      `Graph ${call.method} ${routeTemplate(call.url)} was refused by SharePoint's 5,000-item list view threshold: the query's first indexed filter matches more items than that, or it filters or orders on a column without an index`,
      requestId,
    );
  }
  if (call.status === 429 || call.status === 503 || call.status === 504) {
    return new GraphThrottledError(call.status, parsed.code, message, requestId, call.retryAfterMs);
  }
  return new GraphRequestError(call.status, parsed.code, message, requestId);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
