/**
 * SharePoint sites, lists and columns through Graph (contract §5). Sites are seeded, lists
 * and columns are created over Graph; a list is addressable by id or display name. Column
 * type facets are mutually exclusive, and `indexed` decides which columns may be filtered
 * without the HonorNonIndexedQueriesWarningMayFailRandomly preference (see list-items.ts).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RequestContext } from './context.js';
import { param } from './context.js';
import { GraphError, spInvalidRequest, spItemNotFound } from './errors.js';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './odata-filter.js';
import { collection, emptyResponse, jsonResponse, pageWindow, paginate, parseBody, project, queryParam, selectList, type GraphResponse } from './protocol.js';
import { columnTypes, type ColumnType, type Store, type StoredColumn, type StoredList, type StoredSite } from './store.js';
import { formatUtcTimestamp } from './time-zones.js';

/** SharePoint's list view threshold: the most items one query operation may touch. */
export const listViewThreshold = 5000;

const isoSeconds = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function ensureSite(store: Store, site: { id: string; displayName: string; webUrl?: string }, now: number): void {
  const existing = store.getSite(site.id);
  store.putSite({
    id: site.id,
    displayName: site.displayName,
    webUrl: site.webUrl ?? existing?.webUrl ?? `https://contoso.sharepoint.com/sites/${site.displayName.replace(/[^A-Za-z0-9]/g, '')}`,
    createdDateTime: existing?.createdDateTime ?? now,
  });
}

/** `/sites/{id}`: the id Graph returned, `root`, or `{hostname}:/{server-relative-path}`. */
export function findSite(ctx: RequestContext): StoredSite {
  const key = param(ctx, 'site');
  const direct = ctx.store.getSite(key);
  if (direct) return direct;
  const sites = ctx.store.listSites();
  if (key.toLowerCase() === 'root' && sites[0]) return sites[0];
  const path = /^([^:]+):(\/[^:]*):?$/.exec(key);
  if (path) {
    const url = `https://${path[1]}${path[2]}`.replace(/\/$/, '').toLowerCase();
    const match = sites.find((s) => s.webUrl.replace(/\/$/, '').toLowerCase() === url);
    if (match) return match;
  }
  throw spItemNotFound('Requested site could not be found');
}

export function findList(ctx: RequestContext, site: StoredSite): StoredList {
  const key = param(ctx, 'list');
  const lists = ctx.store.listsOf(site.id);
  const lower = key.toLowerCase();
  const list = lists.find((l) => l.id.toLowerCase() === lower) ?? lists.find((l) => l.displayName.toLowerCase() === lower || l.name.toLowerCase() === lower);
  if (!list) throw spItemNotFound('The list could not be found.');
  return list;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function siteJson(site: StoredSite): Record<string, unknown> {
  const host = new URL(site.webUrl).hostname;
  return {
    id: site.id,
    createdDateTime: formatUtcTimestamp(site.createdDateTime),
    lastModifiedDateTime: formatUtcTimestamp(site.createdDateTime),
    name: site.webUrl.split('/').pop() ?? site.displayName,
    displayName: site.displayName,
    webUrl: site.webUrl,
    root: {},
    siteCollection: { hostname: host },
  };
}

const facetDefaults: Record<ColumnType, Record<string, unknown>> = {
  text: { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: 255 },
  number: { decimalPlaces: 'automatic', displayAs: 'number', maximum: 1.7976931348623157e308, minimum: -1.7976931348623157e308 },
  dateTime: { displayAs: 'default', format: 'dateTime' },
  boolean: {},
  choice: { allowTextEntry: false, choices: [], displayAs: 'dropDownMenu' },
  personOrGroup: { allowMultipleSelection: false, displayAs: 'account', chooseFromType: 'peopleOnly' },
  lookup: { allowMultipleValues: false, allowUnlimitedLength: false, columnName: 'Title', listId: '' },
  currency: { locale: 'en-GB' },
  hyperlinkOrPicture: { isPicture: false },
};

export function columnJson(column: StoredColumn): Record<string, unknown> {
  return {
    columnGroup: column.columnGroup,
    description: column.description,
    displayName: column.displayName,
    enforceUniqueValues: column.enforceUniqueValues,
    hidden: column.hidden,
    id: column.id,
    indexed: column.indexed,
    name: column.name,
    readOnly: column.readOnly,
    required: column.required,
    [column.type]: { ...facetDefaults[column.type], ...column.facet },
  };
}

export function listJson(site: StoredSite, list: StoredList, expandColumns = false): Record<string, unknown> {
  const etag = `"${list.id},${list.columns.length}"`;
  return {
    '@odata.etag': etag,
    createdDateTime: isoSeconds(list.createdDateTime),
    description: list.description,
    eTag: etag,
    id: list.id,
    lastModifiedDateTime: isoSeconds(list.lastModifiedDateTime),
    name: list.name,
    webUrl: `${site.webUrl}/Lists/${list.name}`,
    displayName: list.displayName,
    createdBy: { user: { displayName: 'System Account' } },
    parentReference: { siteId: site.id },
    list: { contentTypesEnabled: false, hidden: false, template: list.template },
    ...(expandColumns ? { columns: list.columns.map(columnJson) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Columns

/** Columns every genericList has; only Title is writable. */
function builtInColumns(): StoredColumn[] {
  const base = { description: '', required: false, hidden: false, enforceUniqueValues: false, columnGroup: 'Custom Columns', facet: {} };
  return [
    { ...base, id: 'fa564e0f-0c70-4ab9-b863-0177e6ddd247', name: 'Title', displayName: 'Title', type: 'text', indexed: false, readOnly: false, required: true },
    { ...base, id: '28cf69c5-fa48-462a-b5cd-27b6f9d2bd5f', name: 'Modified', displayName: 'Modified', type: 'dateTime', indexed: false, readOnly: true, columnGroup: '_Hidden' },
    { ...base, id: '8c06beca-0777-48f7-91c7-6da68bc07b69', name: 'Created', displayName: 'Created', type: 'dateTime', indexed: false, readOnly: true, columnGroup: '_Hidden' },
    { ...base, id: '1df5e554-ec7e-46a6-901d-d85a3881cb18', name: 'Author', displayName: 'Created By', type: 'personOrGroup', indexed: false, readOnly: true, columnGroup: '_Hidden' },
    { ...base, id: 'd31655d1-1d5b-4511-95a1-7a09e9b75bf2', name: 'Editor', displayName: 'Modified By', type: 'personOrGroup', indexed: false, readOnly: true, columnGroup: '_Hidden' },
  ];
}

const facetSchema = z.record(z.string(), z.unknown());

const columnSchema = z.strictObject({
  '@odata.type': z.string().optional(),
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a column name starts with a letter and holds letters, digits and underscores').max(255),
  displayName: z.string().optional(),
  description: z.string().optional(),
  indexed: z.boolean().optional(),
  required: z.boolean().optional(),
  hidden: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  enforceUniqueValues: z.boolean().optional(),
  columnGroup: z.string().optional(),
  text: facetSchema.optional(),
  number: facetSchema.optional(),
  dateTime: facetSchema.optional(),
  boolean: facetSchema.optional(),
  choice: facetSchema.optional(),
  personOrGroup: facetSchema.optional(),
  lookup: facetSchema.optional(),
  currency: facetSchema.optional(),
  hyperlinkOrPicture: facetSchema.optional(),
});

type ColumnInput = z.infer<typeof columnSchema>;

function columnFrom(input: ColumnInput, where: string): StoredColumn {
  const facets = columnTypes.filter((t) => input[t] !== undefined);
  if (facets.length > 1) {
    throw spInvalidRequest(`${where}: a column has exactly one type facet, but '${input.name}' sets ${facets.join(' and ')}.`);
  }
  const type = facets[0] ?? 'text';
  if (input.enforceUniqueValues && !input.indexed) {
    throw spInvalidRequest(`${where}: column '${input.name}' must be indexed to enforce unique values.`);
  }
  return {
    id: randomUUID(),
    name: input.name,
    displayName: input.displayName ?? input.name,
    description: input.description ?? '',
    type,
    facet: input[type] ?? {},
    indexed: input.indexed ?? false,
    required: input.required ?? false,
    hidden: input.hidden ?? false,
    readOnly: input.readOnly ?? false,
    enforceUniqueValues: input.enforceUniqueValues ?? false,
    columnGroup: input.columnGroup ?? 'Custom Columns',
  };
}

function duplicateColumn(name: string): GraphError {
  return new GraphError(409, 'nameAlreadyExists', `A duplicate field name "${name}" was found.`);
}

export function listColumns(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  return jsonResponse(200, { value: list.columns.map((c) => project(columnJson(c), selectList(ctx.request))) });
}

/**
 * How long SharePoint takes to build an index on a list already past the list view threshold
 * (the column shows "Indexing in progress"; queries cannot use it until it is done).
 */
export const largeListIndexBuildMs = 10 * 60_000;

/** An index switched on now: usable at once on a small list, after the build on a large one. */
function indexTiming(ctx: RequestContext, list: StoredList): Pick<StoredColumn, 'indexReadyAt'> {
  return ctx.store.countItems(list.id) > listViewThreshold ? { indexReadyAt: ctx.clock().getTime() + largeListIndexBuildMs } : {};
}

/** SharePoint refuses to make a column unique while two items share a value in it. */
function checkNoDuplicates(ctx: RequestContext, list: StoredList, column: StoredColumn): void {
  const seen = new Set<string>();
  for (const item of ctx.store.itemsOf(list.id)) {
    const value = item.fields[column.name];
    if (value === undefined || value === null) continue;
    const key = String(value).toLowerCase();
    if (seen.has(key)) throw spInvalidRequest(`Column '${column.name}' can't enforce unique values: the list already has duplicate values in it.`);
    seen.add(key);
  }
}

export function createColumn(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const input = columnFrom(parseBody(columnSchema, ctx.request.body, 'columnDefinition', 'invalidRequest'), 'columnDefinition');
  if (list.columns.some((c) => c.name.toLowerCase() === input.name.toLowerCase())) throw duplicateColumn(input.name);
  const column: StoredColumn = input.indexed ? { ...input, ...indexTiming(ctx, list) } : input;
  ctx.store.putList({ ...list, columns: [...list.columns, column], lastModifiedDateTime: ctx.clock().getTime() });
  return jsonResponse(201, columnJson(column));
}

function findColumn(ctx: RequestContext, list: StoredList): StoredColumn {
  const key = param(ctx, 'column').toLowerCase();
  const column = list.columns.find((c) => c.id.toLowerCase() === key || c.name.toLowerCase() === key);
  if (!column) throw spItemNotFound('Column not found');
  return column;
}

export function getColumn(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  return jsonResponse(200, project(columnJson(findColumn(ctx, findList(ctx, site))), selectList(ctx.request)));
}

const columnPatchSchema = columnSchema.partial().omit({ name: true });

export function updateColumn(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  const column = findColumn(ctx, list);
  const patch = parseBody(columnPatchSchema, ctx.request.body, 'columnDefinition', 'invalidRequest');
  const facet = columnTypes.find((t) => patch[t] !== undefined);
  if (facet && facet !== column.type) throw spInvalidRequest(`The type of column '${column.name}' can't be changed from ${column.type} to ${facet}.`);
  const indexed = patch.indexed ?? column.indexed;
  const enforceUniqueValues = patch.enforceUniqueValues ?? column.enforceUniqueValues;
  if (enforceUniqueValues && !indexed) throw spInvalidRequest(`columnDefinition: column '${column.name}' must be indexed to enforce unique values.`);
  if (enforceUniqueValues && !column.enforceUniqueValues) checkNoDuplicates(ctx, list, column);
  const updated: StoredColumn = {
    ...column,
    ...(indexed && !column.indexed ? indexTiming(ctx, list) : {}),
    displayName: patch.displayName ?? column.displayName,
    description: patch.description ?? column.description,
    indexed,
    required: patch.required ?? column.required,
    hidden: patch.hidden ?? column.hidden,
    readOnly: patch.readOnly ?? column.readOnly,
    enforceUniqueValues,
    columnGroup: patch.columnGroup ?? column.columnGroup,
    facet: facet ? { ...column.facet, ...patch[facet] } : column.facet,
  };
  ctx.store.transaction(() => {
    const columns = list.columns.map((c) => (c.id === column.id ? updated : c));
    ctx.store.putList({ ...list, columns, lastModifiedDateTime: ctx.clock().getTime() });
    if (updated.enforceUniqueValues !== column.enforceUniqueValues) {
      // The unique-value index covers the unique columns of every item.
      for (const item of ctx.store.itemsOf(list.id)) {
        const values = columns.filter((c) => c.enforceUniqueValues && item.fields[c.name] !== undefined && item.fields[c.name] !== null).map((c) => ({ column: c.name, value: String(item.fields[c.name]) }));
        ctx.store.setUniqueValues(list.id, item.id, values);
      }
    }
  });
  return jsonResponse(200, columnJson(updated));
}

// ---------------------------------------------------------------------------------------------
// Sites and lists

export function getSite(ctx: RequestContext): GraphResponse {
  return jsonResponse(200, project(siteJson(findSite(ctx)), selectList(ctx.request)));
}

function expandsColumns(ctx: RequestContext): boolean {
  return /(^|,)\s*columns\s*(,|$)/i.test(queryParam(ctx.request.query, 'expand') ?? '');
}

export function listLists(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  let lists = ctx.store.listsOf(site.id).map((l) => listJson(site, l, expandsColumns(ctx)));
  const raw = queryParam(ctx.request.query, 'filter');
  if (raw !== undefined && raw.trim() !== '') {
    let node;
    try {
      node = parseFilter(raw);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw spInvalidRequest(`Invalid filter clause: ${error.message}`);
      throw error;
    }
    lists = lists.filter((l) => evaluateFilter(node, (path) => l[path.join('/')], { caseInsensitive: true }));
  }
  const page = paginate(ctx.request, lists, pageWindow(ctx.request, 200, 5000), 'skiptoken');
  return jsonResponse(200, collection({ ...page, value: page.value.map((l) => project(l, selectList(ctx.request))) }));
}

export function getList(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  return jsonResponse(200, project(listJson(site, findList(ctx, site), expandsColumns(ctx)), selectList(ctx.request), ['id', 'columns']));
}

const listSchema = z.strictObject({
  '@odata.type': z.string().optional(),
  displayName: z.string().min(1).max(255),
  description: z.string().optional(),
  columns: z.array(columnSchema).optional(),
  list: z.object({ template: z.string().optional(), hidden: z.boolean().optional(), contentTypesEnabled: z.boolean().optional() }).optional(),
});

export function createList(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const input = parseBody(listSchema, ctx.request.body, 'list', 'invalidRequest');
  const template = input.list?.template ?? 'genericList';
  if (template !== 'genericList') throw spInvalidRequest(`The list template '${template}' is not supported here; use genericList.`);
  if (ctx.store.listsOf(site.id).some((l) => l.displayName.toLowerCase() === input.displayName.toLowerCase())) {
    throw new GraphError(409, 'nameAlreadyExists', 'A list, survey, discussion board, or document library with the specified title already exists in this Web site.  Please choose another title.');
  }
  const columns = builtInColumns();
  (input.columns ?? []).forEach((c, i) => {
    const column = columnFrom(c, `columns[${i}]`);
    if (columns.some((e) => e.name.toLowerCase() === column.name.toLowerCase())) throw duplicateColumn(column.name);
    columns.push(column);
  });
  const t = ctx.clock().getTime();
  const list: StoredList = {
    id: randomUUID(),
    siteId: site.id,
    displayName: input.displayName,
    name: input.displayName.replace(/[^A-Za-z0-9]/g, '') || 'List',
    description: input.description ?? '',
    template,
    createdDateTime: t,
    lastModifiedDateTime: t,
    columns,
    nextItemId: 1,
  };
  ctx.store.putList(list);
  return jsonResponse(201, listJson(site, list, true));
}

export function deleteList(ctx: RequestContext): GraphResponse {
  const site = findSite(ctx);
  const list = findList(ctx, site);
  ctx.store.deleteList(list.id);
  return emptyResponse(204);
}
