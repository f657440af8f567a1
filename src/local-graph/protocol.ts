/**
 * The request/response shapes every handler sees, independent of Express, so `$batch` can run
 * inner requests through exactly the same code as top-level ones; plus the small OData
 * conventions (Prefer, $top/$skip paging, $select, body validation) shared by all resources.
 */
import type { z } from 'zod';
import { GraphError } from './errors.js';

export interface GraphRequest {
  method: string;
  /** Decoded path segments relative to /graph/v1.0, e.g. ['users', 'a@b', 'events']. */
  segments: string[];
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  body: unknown;
  /** Absolute base URL ending in /graph/v1.0, for @odata.nextLink and deltaLink. */
  baseUrl: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse {
  return { status, headers, body };
}

export function emptyResponse(status: 202 | 204): GraphResponse {
  return { status, headers: {} };
}

/** Splits `Prefer` into its preferences, keeping commas inside quoted values. */
export function preferences(headers: Readonly<Record<string, string>>): string[] {
  const raw = headers['prefer'];
  if (!raw) return [];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of raw) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

export function hasPreference(headers: Readonly<Record<string, string>>, name: string): boolean {
  const wanted = name.toLowerCase();
  return preferences(headers).some((p) => p.toLowerCase() === wanted);
}

/** `Prefer: odata.maxpagesize=N`, when sent. */
export function maxPageSize(headers: Readonly<Record<string, string>>): number | undefined {
  for (const p of preferences(headers)) {
    const m = /^odata\.maxpagesize\s*=\s*(\d+)$/i.exec(p);
    if (m) return Math.max(1, Number(m[1]));
  }
  return undefined;
}

export function queryParam(query: URLSearchParams, name: string): string | undefined {
  // OData system query options are accepted with or without `$`, in any case.
  const wanted = name.toLowerCase();
  for (const [key, value] of query) {
    const k = key.toLowerCase();
    if (k === wanted || k === `$${wanted}` || `$${k}` === wanted) return value;
  }
  return undefined;
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const raw = queryParam(query, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new GraphError(400, 'BadRequest', `Invalid value '${raw}' for query option '$${name}'.`);
  return Number(raw);
}

export interface PageWindow {
  top: number;
  skip: number;
}

/** $top/$skip (or a $skiptoken holding the offset), bounded like Graph bounds them. */
export function pageWindow(request: GraphRequest, defaultTop: number, maxTop: number): PageWindow {
  const top = nonNegativeInt(request.query, 'top') ?? maxPageSize(request.headers) ?? defaultTop;
  if (top > maxTop) throw new GraphError(400, 'BadRequest', `The limit of '${maxTop}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
  const token = queryParam(request.query, 'skiptoken');
  const skip = token !== undefined ? decodeSkipToken(token) : nonNegativeInt(request.query, 'skip') ?? 0;
  return { top: Math.max(1, top), skip };
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`Paged=TRUE&p_Offset=${offset}`).toString('base64url');
}

function decodeSkipToken(token: string): number {
  const m = /^Paged=TRUE&p_Offset=(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new GraphError(400, 'BadRequest', 'The $skiptoken is invalid or has expired.');
  return Number(m[1]);
}

/** Percent-encoding as Graph writes its links: `$`, `:`, `@`, `,`, `'` and parentheses stay readable. */
export function encodeLinkPart(value: string): string {
  return encodeURIComponent(value).replace(/%(24|3A|40|2C|27|28|29)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The request's own URL with some query options replaced, as Graph builds @odata.nextLink. */
export function linkWith(request: GraphRequest, changes: Record<string, string | null>): string {
  const pairs: [string, string][] = [];
  const changed = new Set(Object.keys(changes).map((k) => k.toLowerCase().replace(/^\$/, '')));
  for (const [key, value] of request.query) {
    if (!changed.has(key.toLowerCase().replace(/^\$/, ''))) pairs.push([key, value]);
  }
  for (const [key, value] of Object.entries(changes)) if (value !== null) pairs.push([key, value]);
  const path = request.segments.map(encodeLinkPart).join('/');
  const search = pairs.map(([k, v]) => `${encodeLinkPart(k)}=${encodeLinkPart(v)}`).join('&');
  return `${request.baseUrl}/${path}${search ? `?${search}` : ''}`;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

/**
 * One page of a collection. `token` chooses how the next page is addressed: Exchange
 * collections use $skip, directory and SharePoint collections an opaque $skiptoken.
 */
export function paginate<T>(request: GraphRequest, items: readonly T[], window: PageWindow, token: 'skip' | 'skiptoken'): Page<T> {
  const value = items.slice(window.skip, window.skip + window.top);
  const next = window.skip + window.top;
  if (next >= items.length) return { value };
  const nextLink =
    token === 'skip'
      ? linkWith(request, { $skip: String(next), $skiptoken: null })
      : linkWith(request, { $skiptoken: encodeSkipToken(next), $skip: null });
  return { value, nextLink };
}

export function collection<T>(page: Page<T>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, value: page.value, ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}) };
}

/** `$select=a,b` → the listed properties (plus those always returned), or undefined when absent. */
export function selectList(request: GraphRequest): string[] | undefined {
  const raw = queryParam(request.query, 'select');
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export function project(entity: Record<string, unknown>, select: readonly string[] | undefined, always: readonly string[] = ['id']): Record<string, unknown> {
  if (!select) return entity;
  const wanted = new Set([...select, ...always].map((s) => s.toLowerCase()));
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (wanted.has(key.toLowerCase()) || key.startsWith('@odata.')) result[key] = value;
  }
  return result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${String(part)}` : String(part);
  return text;
}

/**
 * Validates a request body with zod; the first issue becomes a 400 naming the property, and
 * an unknown property is reported the way OData does (RequestBodyRead).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, typeName: string, code = 'ErrorInvalidRequest'): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  // OData rejects unknown properties while reading the payload, before any value is checked.
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0];
  if (!issue) throw new GraphError(400, code, `The request body is not a valid ${typeName}.`);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const where = issue.path.length > 0 ? ` (in '${pathText(issue.path)}')` : '';
    throw new GraphError(400, 'RequestBodyRead', `Could not find a property named '${key}' on type 'microsoft.graph.${typeName}'${where}.`);
  }
  const where = pathText(issue.path);
  const message = where ? `Invalid value for property '${where}': ${issue.message}.` : `The request body is not a valid ${typeName}: ${issue.message}.`;
  throw new GraphError(400, code, message);
}
