/**
 * SharePoint list items through Graph (contract §5): create with `fields`, read with
 * `$expand=fields($select=…)`, `$filter` on `fields/X`, `$orderby`, `$top` paging, and
 * optimistic concurrency with `If-Match` against the item's `"guid,version"` eTag (412 on a
 * mismatch). Filtering or ordering on a non-indexed column is refused unless the request
 * carries `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly`, as SharePoint does.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RequestContext } from './context.js';
import { param } from './context.js';
import { GraphError, spInvalidRequest, spItemNotFound, spPreconditionFailed } from './errors.js';
import { findList, findSite, listViewThreshold } from './lists.js';
import { evaluateFilter, filterPaths, FilterSyntaxError, parseFilter, type FilterNode } from './odata-filter.js';
import { collection, emptyResponse, hasPreference, isRecord, jsonResponse, pageWindow, paginate, parseBody, queryParam, type GraphResponse } from './protocol.js';
import type { StoredColumn, StoredItem, StoredList, StoredSite } from './store.js';

const honorNonIndexed = 'HonorNonIndexedQueriesWarningMayFailRandomly';

const isoSeconds = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function itemETag(item: StoredItem): string {
  return `"${item.guid},${item.version}"`;
}

function sameETag(header: string, item: StoredItem): boolean {
  const normalise = (value: string) => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  if (header.trim() === '*') return true;
  return normalise(header) === normalise(itemETag(item));
}

function checkIfMatch(ctx: RequestContext, item: StoredItem): void {
  const header = ctx.request.headers['if-match'];
  if (header !== undefined && !sameETag(header, item)) throw spPreconditionFailed();
}

// ---------------------------------------------------------------------------------------------
// Fields

/** A field name as written in `fields`: a column, or `<Column>LookupId` for person and lookup columns. */
function columnFor(list: StoredList, key: string): { column: StoredColumn; lookupId: boolean } | undefined {
  const lower = key.toLowerCase();
  const direct = list.columns.find((c) => c.name.toLowerCase() === lower);
  if (direct) return { column: direct, lookupId: false };
  if (lower.endsWith('lookupid')) {
    const base = lower.slice(0, -'lookupid'.length);
    const column = list.columns.find((c) => c.name.toLowerCase() === base && (c.type === 'personOrGroup' || c.type === 'lookup'));
    if (column) return { column, lookupId: true };
  }
  return undefined;
}

/** Built-in fields a client may echo back; SharePoint maintains them itself. */
const maintainedFields = new Set(['id', 'contenttype', 'modified', 'created', 'authorlookupid', 'editorlookupid', '_uiversionstring', 'attachments', 'edit', 'linktitlenomenu', 'linktitle', 'itemchildcount', 'folderchildcount']);

function invalidField(key: string, detail: string): GraphError {
  return spInvalidRequest(`Invalid value for field '${key}': ${detail}`);
}

function writeValue(column: StoredColumn, key: string, lookupId: boolean, value: unknown): unknown {
  if (value === null) return null;
  if (column.type === 'personOrGroup' || column.type === 'lookup') {
    if (!lookupId) throw spInvalidRequest(`Field '${key}' can't be written directly; write '${column.name}LookupId' with the item id as a string.`);
    const many = column.facet['allowMultipleSelection'] === true || column.facet['allowMultipleValues'] === true;
    const one = (v: unknown) => {
      if (typeof v !== 'string' || !/^\d+$/.test(v)) throw invalidField(key, 'a lookup id is written as a string of digits, e.g. "12".');
      return v;
    };
    return many && Array.isArray(value) ? value.map(one) : one(value);
  }
  switch (column.type) {
    case 'text': {
      if (typeof value !== 'string') throw invalidField(key, 'expected a string.');
      const max = column.facet['allowMultipleLines'] === true ? 63999 : Number(column.facet['maxLength'] ?? 255);
      if (value.length > max) throw invalidField(key, `the value is longer than ${max} characters.`);
      return value;
    }
    case 'number':
    case 'currency': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidField(key, 'expected a number.');
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidField(key, 'expected true or false.');
      return value;
    case 'dateTime': {
      const t = typeof value === 'string' ? Date.parse(/T/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value) : NaN;
      if (Number.isNaN(t)) throw invalidField(key, 'expected an ISO 8601 date and time.');
      return isoSeconds(t);
    }
    case 'choice': {
      if (typeof value !== 'string') throw invalidField(key, 'expected one of the choices.');
      const choices = Array.isArray(column.facet['choices']) ? (column.facet['choices'] as unknown[]) : [];
      if (column.facet['allowTextEntry'] !== true && choices.length > 0 && !choices.includes(value)) throw invalidField(key, `'${value}' is not one of the choices.`);
      return value;
    }
    default:
      return value;
  }
}

function applyFields(list: StoredList, current: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('@odata.') || key.includes('@odata.')) continue;
    if (maintainedFields.has(key.toLowerCase())) continue;
    const found = columnFor(list, key);
    if (!found) throw spInvalidRequest(`Field '${key}' is not recognized`);
    if (found.column.readOnly) throw spInvalidRequest(`Field '${key}' is read-only`);
    const name = found.lookupId ? `${found.column.name}LookupId` : found.column.name;
    const stored = writeValue(found.column, key, found.lookupId, value);
    if (stored === null) delete next[name];
    else next[name] = stored;
  }
  return next;
}

function fieldsJson(item: StoredItem, select?: readonly string[]): Record<string, unknown> {
  const title = typeof item.fields['Title'] === 'string' ? item.fields['Title'] : undefined;
  // SharePoint leaves empty fields out of `fields` rather than sending nulls.
  const all: Record<string, unknown> = {
    '@odata.etag': itemETag(item),
    ...item.fields,
    id: String(item.id),
    ContentType: 'Item',
    Modified: isoSeconds(item.lastModifiedDateTime),
    Created: isoSeconds(item.createdDateTime),
    _UIVersionString: `${item.version}.0`,
    Attachments: false,
    Edit: '',
    ...(title !== undefined ? { LinkTitleNoMenu: title, LinkTitle: title } : {}),
    ItemChildCount: '0',
    FolderChildCount: '0',
  };
  if (!select) return all;
  const wanted = new Set(select.map((s) => s.toLowerCase()));
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === '@odata.etag' || wanted.has(k.toLowerCase())));
}

function itemJson(site: StoredSite, list: StoredList, item: StoredItem, fields: { expand: boolean; select?: string[] }): Record<string, unknown> {
  const etag = itemETag(item);
  return {
    '@odata.etag': etag,
    createdDateTime: isoSeconds(item.createdDateTime),
    eTag: etag,
    id: String(item.id),
    lastModifiedDateTime: isoSeconds(item.lastModifiedDateTime),
    webUrl: `${site.webUrl}/Lists/${list.name}/DispForm.aspx?ID=${item.id}`,
    createdBy: { user: { displayName: 'System Account' } },
    lastModifiedBy: { user: { displayName: 'System Account' } },
    parentReference: { id: list.id, siteId: site.id },
    contentType: { id: '0x0100', name: 'Item' },
    ...(fields.expand ? { fields: fieldsJson(item, fields.select) } : {}),
  };
}

/** `$expand=fields`, `expand=fields(select=A,B)` or `$expand=fields($select=A,B)`. */
function expandFields(ctx: RequestContext): { expand: boolean; select?: string[] } {
  const raw = queryParam(ctx.request.query, 'expand');
  if (!raw) return { expand: false };
  const m = /(?:^|,)\s*fields\s*(?:\(\s*\$?select\s*=\s*([^)]*)\))?\s*(?:,|$)/i.exec(raw);
  if (!m) return { expand: false };
  return m[1] ? { expand: true, select: m[1].split(',').map((s) => s.trim()).filter(Boolean) } : { expand: true };
}

// ---------------------------------------------------------------------------------------------
// Queries

interface Resolved {
  /** Reads a path from an item; throws for unknown fields. */
  read: (item: StoredItem, path: string[]) => unknown;
  /** The column a path names, undefined for the always-indexed id. */
  column: (path: string[]) => StoredColumn | undefined;
}

function resolver(list: StoredList): Resolved {
  const column = (path: string[]): StoredColumn | undefined => {
    const [head, field, ...rest] = path;
    if (head === 'id' && field === undefined) return undefined;
    if (head !== 'fields' || field === undefined || rest.length > 0) throw spInvalidRequest(`The property '${path.join('/')}' can't be used in a query; use fields/<column>.`);
    if (field.toLowerCase() === 'id') return undefined;
    const found = columnFor(list, field);
    if (!found) throw spInvalidRequest(`Field '${field}' is not recognized`);
    return found.column;
  };
  const read = (item: StoredItem, path: string[]): unknown => {
    const field = path[1];
    if (path[0] === 'id' || field === undefined) return String(item.id);
    const lower = field.toLowerCase();
    if (lower === 'id') return item.id;
    if (lower === 'created') return isoSeconds(item.createdDateTime);
    if (lower === 'modified') return isoSeconds(item.lastModifiedDateTime);
    const found = columnFor(list, field);
    if (!found) return undefined;
    return item.fields[found.lookupId ? `${found.column.name}LookupId` : found.column.name];
  };
  return { read, column };
}

function parseItemFilter(raw: string): FilterNode {
  try {
    return parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw spInvalidRequest(`Invalid filter clause: ${error.message}`);
    throw error;
  }
}

interface OrderBy {
  path: string[];
  descending: boolean;
}

function parseOrderBy(raw: string | undefined): OrderBy[] {
  if (!raw || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const m = /^\s*([\w/]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw spInvalidRequest(`Invalid $orderby clause '${part.trim()}'.`);
    return { path: (m[1] as string).split('/'), descending: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

/** A column whose index SharePoint can use now (one added to a large list is built first). */
export function usableIndex(column: StoredColumn, now: number): boolean {
  return column.indexed && (column.indexReadyAt === undefined || column.indexReadyAt <= now);
}

/** The conjuncts of a filter's top-level `and`s, left to right (an `or` at the top is one). */
function conjuncts(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

function thresholdExceeded(): GraphError {
  // Graph relays SharePoint's SPQueryThrottledException as a 429 without Retry-After: waiting
  // does not help, only an index that narrows the query below the threshold does.
  return new GraphError(429, 'notSupported', 'The request is unprocessable because it uses too many resources', {}, 'tooManyResources');
}

/**
 * SharePoint's list view threshold (5,000 items per query operation). A filter or order on a
 * column without an index is refused unless the client accepts that such queries "may fail
 * randomly" (the Prefer header), and fails on any list past the threshold. Past it, SharePoint
 * answers a query from the index of its first indexed clause (the leftmost of the top-level
 * `and`s): when that clause alone matches more than 5,000 items the query fails, whatever the
 * later clauses or $top would narrow it to. Reading a large list page by page without a
 * filter walks the id index, and works.
 */
function checkThreshold(ctx: RequestContext, list: StoredList, filter: FilterNode | undefined, orderBy: OrderBy[], resolved: Resolved): void {
  const now = ctx.clock().getTime();
  const filterColumns = filter ? filterPaths(filter).map(resolved.column) : [];
  const used = [...filterColumns, ...orderBy.map((o) => resolved.column(o.path))];
  const nonIndexed = used.filter((c): c is StoredColumn => c !== undefined && !usableIndex(c, now));
  const first = nonIndexed[0];
  if (first && !hasPreference(ctx.request.headers, honorNonIndexed)) {
    throw spInvalidRequest(
      `Field '${first.name}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: ${honorNonIndexed}' header to allow this, but be warned that such queries may fail on large lists.`,
    );
  }
  const items = ctx.store.itemsOf(list.id);
  if (items.length <= listViewThreshold) return;
  if (first) throw thresholdExceeded();
  if (!filter) return;
  const indexed = conjuncts(filter).find((clause) => {
    const paths = filterPaths(clause);
    return paths.length > 0 && paths.every((p) => resolved.column(p) === undefined || usableIndex(resolved.column(p) as StoredColumn, now));
  });
  if (!indexed) throw thresholdExceeded();
  const matching = items.filter((item) => evaluateFilter(indexed, (path) => resolved.read(item, path), { caseInsensitive: true })).length;
  if (matching > listViewThreshold) throw thresholdExceeded();
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function listItems(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const { read, column } = resolver(list);
  const rawFilter = queryParam(ctx.request.query, 'filter');
  const filter = rawFilter !== undefined && rawFilter.trim() !== '' ? parseItemFilter(rawFilter) : undefined;
  const orderBy = parseOrderBy(queryParam(ctx.request.query, 'orderby'));
  checkThreshold(ctx, list, filter, orderBy, { read, column });
  // Text comparisons in SharePoint queries ignore case.
  let items = ctx.store.itemsOf(list.id);
  if (filter) items = items.filter((item) => evaluateFilter(filter, (path) => read(item, path), { caseInsensitive: true }));
  if (orderBy.length > 0) {
    items = [...items].sort((x, y) => {
      for (const o of orderBy) {
        const c = compareValues(read(x, o.path), read(y, o.path));
        if (c !== 0) return o.descending ? -c : c;
      }
      return x.id - y.id;
    });
  }
  const fields = expandFields(ctx);
  const page = paginate(ctx.request, items, pageWindow(ctx.request, 200, 5000), 'skiptoken');
  return jsonResponse(200, collection({ ...page, value: page.value.map((i) => itemJson(site, list, i, fields)) }));
}

// ---------------------------------------------------------------------------------------------
// Single items

function findItem(ctx: RequestContext, list: StoredList): StoredItem {
  const raw = param(ctx, 'item');
  const item = /^\d+$/.test(raw) ? ctx.store.getItem(list.id, Number(raw)) : undefined;
  if (!item) throw spItemNotFound();
  return item;
}

const createItemSchema = z.strictObject({ '@odata.type': z.string().optional(), fields: z.record(z.string(), z.unknown()) });

/**
 * Columns with enforceUniqueValues: a value another item holds is refused with 409, inside
 * the write's transaction, so two racing creates cannot both succeed.
 */
function uniqueValues(ctx: RequestContext, list: StoredList, item: Pick<StoredItem, 'id' | 'fields'>): { column: string; value: string }[] {
  const values: { column: string; value: string }[] = [];
  for (const column of list.columns) {
    if (!column.enforceUniqueValues) continue;
    const value = item.fields[column.name];
    if (value === undefined || value === null || value === '') continue;
    const holder = ctx.store.uniqueValueHolder(list.id, column.name, String(value));
    if (holder !== undefined && holder !== item.id) throw new GraphError(409, 'nameAlreadyExists', 'One or more fields with unique constraints already has the provided value.');
    values.push({ column: column.name, value: String(value) });
  }
  return values;
}

export function createItem(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const input = parseBody(createItemSchema, ctx.request.body, 'listItem', 'invalidRequest');
  const fields = applyFields(list, {}, input.fields);
  const t = ctx.clock().getTime();
  const item = ctx.store.transaction(() => {
    // Re-read inside the transaction so two creates never take the same id.
    const fresh = ctx.store.getList(list.id) ?? list;
    const created: StoredItem = { id: fresh.nextItemId, listId: list.id, guid: randomUUID(), version: 1, createdDateTime: t, lastModifiedDateTime: t, fields };
    const unique = uniqueValues(ctx, fresh, created);
    ctx.store.putItem(created);
    ctx.store.setUniqueValues(list.id, created.id, unique);
    ctx.store.putList({ ...fresh, nextItemId: fresh.nextItemId + 1 });
    return created;
  });
  return jsonResponse(201, itemJson(site, list, item, { expand: true }));
}

export function getItem(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const item = findItem(ctx, list);
  const fields = expandFields(ctx);
  return jsonResponse(200, itemJson(site, list, item, fields), { ETag: itemETag(item) });
}

export function getFields(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const item = findItem(ctx, findList(ctx, site));
  const select = queryParam(ctx.request.query, 'select');
  return jsonResponse(200, fieldsJson(item, select ? select.split(',').map((s) => s.trim()) : undefined), { ETag: itemETag(item) });
}

function update(ctx: RequestContext, list: StoredList, item: StoredItem, input: Record<string, unknown>): StoredItem {
  checkIfMatch(ctx, item);
  const updated: StoredItem = { ...item, fields: applyFields(list, item.fields, input), version: item.version + 1, lastModifiedDateTime: ctx.clock().getTime() };
  ctx.store.transaction(() => {
    const unique = uniqueValues(ctx, list, updated);
    ctx.store.putItem(updated);
    ctx.store.setUniqueValues(list.id, updated.id, unique);
  });
  return updated;
}

export function updateFields(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const item = findItem(ctx, list);
  if (!isRecord(ctx.request.body)) throw spInvalidRequest('The request body must be a JSON object of field values.');
  const updated = update(ctx, list, item, ctx.request.body);
  return jsonResponse(200, fieldsJson(updated), { ETag: itemETag(updated) });
}

const updateItemSchema = z.strictObject({ '@odata.type': z.string().optional(), fields: z.record(z.string(), z.unknown()).optional() });

export function updateItem(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const item = findItem(ctx, list);
  const input = parseBody(updateItemSchema, ctx.request.body, 'listItem', 'invalidRequest');
  const updated = update(ctx, list, item, input.fields ?? {});
  return jsonResponse(200, itemJson(site, list, updated, { expand: true }), { ETag: itemETag(updated) });
}

export function deleteItem(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const item = findItem(ctx, list);
  checkIfMatch(ctx, item);
  ctx.store.deleteItem(list.id, item.id);
  return emptyResponse(204);
}
