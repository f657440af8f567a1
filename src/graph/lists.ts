/**
 * SharePoint lists through Graph (contract §5). What the records depend on:
 * - provisioning is repeatable: a list is created once, later runs only add the columns and
 *   indexes it lacks;
 * - every update names the eTag it was read at (If-Match), and a 412 becomes a
 *   GraphConflictError the user resolves, never a silent overwrite;
 * - filters should only touch indexed columns; filtering a non-indexed one needs
 *   `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly` and can fail past 5,000 items
 *   (gotcha 14), so the header is sent only when the caller says the column is not indexed;
 * - values in filters are OData string literals (quotes doubled), never pasted text.
 */
import { z } from 'zod';
import { invalidInput } from '../errors.js';
import { collect, parseResponse, segment, type GraphCall, type GraphClient } from './client.js';
import { GraphRequestError, isGraphItemNotFound, readErrorBody, toGraphError } from './errors.js';

export type ListColumnType = 'text' | 'note' | 'number' | 'dateTime' | 'boolean';

export interface ListColumn {
  /** Internal name: the key in `fields`; it can never change after creation. */
  name: string;
  type: ListColumnType;
  /** Index every column a query filters on. */
  indexed: boolean;
  /** `enforceUniqueValues`: SharePoint refuses (409) an item repeating a value; needs `indexed`. */
  unique?: boolean;
  displayName?: string;
}

export interface ListDefinition {
  displayName: string;
  columns: readonly ListColumn[];
}

export interface EnsureListResult {
  id: string;
  created: boolean;
  /** Columns created by this call (all of them when the list was created). */
  addedColumns: string[];
  /** Existing columns this call switched to indexed. */
  indexedColumns: string[];
}

export interface ListItem {
  id: string;
  /** The version an update must name in If-Match. */
  eTag: string;
  fields: Record<string, unknown>;
}

export interface QueryOptions {
  /** Page size (`$top`); all pages are followed. */
  top?: number;
  /** Stop after this many items. */
  limit?: number;
  /** The filter touches a column that is not indexed: send the Prefer header that allows it. */
  nonIndexed?: boolean;
  /** Field names to return (`$expand=fields($select=…)`); all fields when absent. */
  select?: readonly string[];
}

const builtInColumns = new Set(['title', 'id', 'created', 'modified', 'author', 'editor', 'contenttype', 'attachments']);

const listSchema = z.looseObject({ id: z.string().min(1), displayName: z.string().nullish(), name: z.string().nullish() });
const columnSchema = z.looseObject({ id: z.string().min(1), name: z.string(), indexed: z.boolean().nullish(), enforceUniqueValues: z.boolean().nullish() });
const itemSchema = z.looseObject({
  id: z.string().min(1),
  eTag: z.string().nullish(),
  '@odata.etag': z.string().nullish(),
  fields: z.record(z.string(), z.unknown()).nullish(),
});
const fieldsSchema = z.record(z.string(), z.unknown());

/** An OData string literal: `O'Neil` → `'O''Neil'`. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `fields/<Column>` for a filter, refusing anything that is not a plain column name. */
export function odataField(column: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) throw invalidInput('column', `"${column.slice(0, 40)}" is not a list column name`);
  return `fields/${column}`;
}

/** `fields/A eq 'x' and fields/B eq 'y'`. */
export function equalsFilter(where: readonly { column: string; value: string }[]): string {
  return where.map((w) => `${odataField(w.column)} eq ${odataString(w.value)}`).join(' and ');
}

function columnBody(column: ListColumn): Record<string, unknown> {
  const facet: Record<ListColumnType, Record<string, unknown>> = {
    text: { text: {} },
    note: { text: { allowMultipleLines: true } },
    number: { number: {} },
    dateTime: { dateTime: { format: 'dateTime' } },
    boolean: { boolean: {} },
  };
  return {
    name: column.name,
    ...(column.displayName ? { displayName: column.displayName } : {}),
    indexed: column.indexed || column.unique === true,
    ...(column.unique ? { enforceUniqueValues: true } : {}),
    ...facet[column.type],
  };
}

function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !key.startsWith('@odata.')));
}

function toListItem(body: unknown, what: string): ListItem {
  const item = parseResponse(itemSchema, body, what);
  const eTag = item.eTag ?? item['@odata.etag'];
  if (!eTag) throw new GraphRequestError(200, 'UnexpectedResponse', `Graph ${what} answered an item without an eTag`);
  return { id: item.id, eTag, fields: plainFields(item.fields ?? {}) };
}

export class GraphLists {
  constructor(private readonly client: GraphClient) {}

  private listPath(siteId: string, listId: string): string {
    return `/sites/${segment(siteId)}/lists/${segment(listId)}`;
  }

  /** Creates the list, or adds the columns (and indexes) it lacks. Safe to repeat. */
  async ensureList(siteId: string, definition: ListDefinition): Promise<EnsureListResult> {
    const wanted = definition.columns.filter((c) => !builtInColumns.has(c.name.toLowerCase()));
    const lists = await collect(this.client, { method: 'GET', path: `/sites/${segment(siteId)}/lists`, query: { $select: 'id,displayName,name' } });
    const existing = lists
      .map((l) => parseResponse(listSchema, l, 'GET /sites/{id}/lists'))
      .find((l) => (l.displayName ?? l.name ?? '').toLowerCase() === definition.displayName.toLowerCase());
    if (!existing) {
      const response = await this.client.request({
        method: 'POST',
        path: `/sites/${segment(siteId)}/lists`,
        body: { displayName: definition.displayName, columns: wanted.map(columnBody), list: { template: 'genericList' } },
      });
      const created = parseResponse(listSchema, response.body, 'POST /sites/{id}/lists');
      return { id: created.id, created: true, addedColumns: wanted.map((c) => c.name), indexedColumns: [] };
    }
    const columnsPath = `${this.listPath(siteId, existing.id)}/columns`;
    const columns = (await collect(this.client, { method: 'GET', path: columnsPath })).map((c) => parseResponse(columnSchema, c, 'GET /sites/{id}/lists/{id}/columns'));
    const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
    const addedColumns: string[] = [];
    const indexedColumns: string[] = [];
    for (const column of wanted) {
      const current = byName.get(column.name.toLowerCase());
      if (!current) {
        await this.client.request({ method: 'POST', path: columnsPath, body: columnBody(column) });
        addedColumns.push(column.name);
      } else if ((column.indexed || column.unique) && (!current.indexed || (column.unique && !current.enforceUniqueValues))) {
        // A list already past 5,000 items builds the index in the background (SharePoint
        // shows "Indexing in progress"): queries on the column fail until it is done.
        await this.client.request({ method: 'PATCH', path: `${columnsPath}/${segment(current.id)}`, body: { indexed: true, ...(column.unique ? { enforceUniqueValues: true } : {}) } });
        indexedColumns.push(column.name);
      }
    }
    return { id: existing.id, created: false, addedColumns, indexedColumns };
  }

  /**
   * Creates an item. A value that a column with enforceUniqueValues already holds is refused
   * by SharePoint with 409, thrown here as a GraphRequestError with graphStatus 409: the
   * caller decides whether that means "already exists".
   */
  async createItem(siteId: string, listId: string, fields: Record<string, unknown>): Promise<ListItem> {
    const response = await this.client.request({ method: 'POST', path: `${this.listPath(siteId, listId)}/items`, body: { fields } });
    const item = toListItem(response.body, 'POST /sites/{id}/lists/{id}/items');
    // Graph returns the created fields; fall back to what was sent if it does not.
    return Object.keys(item.fields).length > 0 ? item : { ...item, fields: { ...fields } };
  }

  /** The item with its fields and eTag, or undefined when it does not exist. */
  async getItem(siteId: string, listId: string, itemId: string): Promise<ListItem | undefined> {
    try {
      const response = await this.client.request({ method: 'GET', path: `${this.listPath(siteId, listId)}/items/${segment(itemId)}`, query: { $expand: 'fields' } });
      return toListItem(response.body, 'GET /sites/{id}/lists/{id}/items/{id}');
    } catch (error) {
      if (isGraphItemNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Writes only if the item is still at `ifMatchETag`; otherwise throws GraphConflictError (412). */
  async updateItem(siteId: string, listId: string, itemId: string, fields: Record<string, unknown>, ifMatchETag: string): Promise<ListItem> {
    if (!ifMatchETag) throw invalidInput('eTag', 'is required: an update must name the version it was read at');
    const response = await this.client.request({
      method: 'PATCH',
      path: `${this.listPath(siteId, listId)}/items/${segment(itemId)}/fields`,
      body: fields,
      headers: { 'If-Match': ifMatchETag },
    });
    const answered = parseResponse(fieldsSchema, response.body, 'PATCH /sites/{id}/lists/{id}/items/{id}/fields');
    const eTag = typeof answered['@odata.etag'] === 'string' ? answered['@odata.etag'] : undefined;
    if (eTag) return { id: itemId, eTag, fields: plainFields(answered) };
    // Without the new version in the answer, read it back (a write in between would surface on the next update).
    const current = await this.getItem(siteId, listId, itemId);
    if (!current) throw new GraphRequestError(404, 'itemNotFound', 'Graph list item vanished right after its update');
    return current;
  }

  /** Already gone counts as deleted. With an eTag, deletes only that version (412 → GraphConflictError). */
  async deleteItem(siteId: string, listId: string, itemId: string, ifMatchETag?: string): Promise<void> {
    const path = `${this.listPath(siteId, listId)}/items/${segment(itemId)}`;
    const response = await this.client.request({ method: 'DELETE', path, accept: [404], ...(ifMatchETag ? { headers: { 'If-Match': ifMatchETag } } : {}) });
    if (response.status === 404 && !/^(itemNotFound|ErrorItemNotFound)$/.test(readErrorBody(response.body).code)) {
      throw toGraphError({ method: 'DELETE', url: path, status: 404, body: response.body, header: (name) => response.headers.get(name) ?? undefined });
    }
  }

  /** Items matching an OData filter (build it with `equalsFilter`/`odataString`), every page followed. */
  async queryItems(siteId: string, listId: string, filter: string, options: QueryOptions = {}): Promise<ListItem[]> {
    const expand = options.select && options.select.length > 0 ? `fields($select=${options.select.join(',')})` : 'fields';
    const call: GraphCall = {
      method: 'GET',
      path: `${this.listPath(siteId, listId)}/items`,
      query: { $expand: expand, ...(filter ? { $filter: filter } : {}), ...(options.top ? { $top: options.top } : {}) },
      ...(options.nonIndexed ? { headers: { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' } } : {}),
    };
    const items: ListItem[] = [];
    for await (const page of this.client.pages(call)) {
      for (const raw of page) {
        items.push(toListItem(raw, 'GET /sites/{id}/lists/{id}/items'));
        if (options.limit !== undefined && items.length >= options.limit) return items;
      }
    }
    return items;
  }
}
