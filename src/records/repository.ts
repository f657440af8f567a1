/**
 * Records in SharePoint lists, as validated models. The repository knows the list
 * definitions and the item ⇄ model mapping; the `ListPort` (the Graph gateway in every mode)
 * knows HTTP. Every write of an existing record carries the version it was read at, so two
 * people editing one record get a conflict, never a silent overwrite.
 */
import { SupervisionError } from '../errors.js';
import { columnsOf, fromFields, lists, toFields, type ColumnDefinition, type ListDefinition, type ListKey, type ModelOf } from './lists.js';

export interface ListItem {
  id: string;
  /** The item's ETag: the version a later update must name. */
  eTag: string;
  fields: Record<string, unknown>;
}

export interface FieldEquals {
  column: string;
  value: string;
}

/** What the repository needs from SharePoint (implemented over Graph by src/graph). */
export interface ListPort {
  /** Creates the list, or adds the columns it lacks; returns the list id. Safe to repeat. */
  ensureList(definition: { displayName: string; columns: readonly ColumnDefinition[] }): Promise<{ id: string; created: boolean; addedColumns: string[] }>;
  /** Throws `recordKeyTaken()` when an item with the same RecordKey exists (the column is unique). */
  createItem(listId: string, fields: Record<string, unknown>): Promise<ListItem>;
  /** Items whose columns equal the values (indexed columns only). */
  findItems(listId: string, where: readonly FieldEquals[]): Promise<ListItem[]>;
  /** Throws a CONFLICT SupervisionError when `eTag` is no longer current. */
  updateItem(listId: string, itemId: string, fields: Record<string, unknown>, eTag: string): Promise<ListItem>;
  deleteItem(listId: string, itemId: string, eTag?: string): Promise<void>;
}

export interface Versioned<T> {
  record: T;
  /** Opaque version (the list item's ETag); send it back to update. */
  version: string;
}

export type ProvisionReport = { list: string; created: boolean; addedColumns: string[] }[];

/** Lists the product keeps, in the order provisioning creates them. */
export const listKeys = Object.keys(lists) as ListKey[];

export class RecordsRepository {
  private readonly listIds = new Map<ListKey, string>();

  constructor(private readonly port: ListPort) {}

  /** Creates missing lists and missing columns; re-running changes nothing. */
  async provision(): Promise<ProvisionReport> {
    const report: ProvisionReport = [];
    for (const key of listKeys) {
      const definition = lists[key];
      const result = await this.port.ensureList({ displayName: definition.name, columns: columnsOf(definition) });
      this.listIds.set(key, result.id);
      report.push({ list: definition.name, created: result.created, addedColumns: result.addedColumns });
    }
    return report;
  }

  private async listId(key: ListKey): Promise<string> {
    const known = this.listIds.get(key);
    if (known) return known;
    const definition = lists[key];
    const result = await this.port.ensureList({ displayName: definition.name, columns: columnsOf(definition) });
    this.listIds.set(key, result.id);
    return result.id;
  }

  private toVersioned<K extends ListKey>(key: K, item: ListItem): Versioned<ModelOf<K>> {
    const definition: ListDefinition = lists[key];
    return { record: fromFields(definition, item.fields) as ModelOf<K>, version: item.eTag };
  }

  private async itemOf(key: ListKey, id: string): Promise<ListItem | undefined> {
    const items = await this.port.findItems(await this.listId(key), [{ column: 'RecordKey', value: id }]);
    return items[0];
  }

  async get<K extends ListKey>(key: K, id: string): Promise<Versioned<ModelOf<K>> | undefined> {
    const item = await this.itemOf(key, id);
    return item ? this.toVersioned(key, item) : undefined;
  }

  async require<K extends ListKey>(key: K, id: string): Promise<Versioned<ModelOf<K>>> {
    const found = await this.get(key, id);
    if (!found) throw new SupervisionError('NOT_FOUND', `${lists[key].name} record "${id}" does not exist`, { field: 'id' });
    return found;
  }

  /** Records whose filter column equals a value, e.g. every agreement of one supervisee. */
  async where<K extends ListKey>(key: K, property: string, value: string): Promise<Versioned<ModelOf<K>>[]> {
    const definition = lists[key];
    if (!definition.columns.some((c) => c.property === property)) {
      throw new SupervisionError('INVALID_INPUT', `${definition.name} cannot be filtered by ${property}`, { field: property });
    }
    const column = property.charAt(0).toUpperCase() + property.slice(1);
    const items = await this.port.findItems(await this.listId(key), [{ column, value }]);
    return items.map((item) => this.toVersioned(key, item));
  }

  /**
   * Creates a record. Creating one whose id already exists returns the stored one instead
   * (a retried request must not make two records), unless it differs: then it conflicts.
   */
  async create<K extends ListKey>(key: K, record: ModelOf<K>): Promise<Versioned<ModelOf<K>>> {
    const definition = lists[key];
    const model = definition.schema.parse(record) as ModelOf<K> & { id: string };
    const existing = await this.itemOf(key, model.id);
    if (existing) return this.sameOrConflict(key, existing, model);
    try {
      const item = await this.port.createItem(await this.listId(key), toFields(definition, model));
      return this.toVersioned(key, item);
    } catch (error) {
      // Someone created it between the read and the write: the list's unique RecordKey refused
      // the second copy, so this is "already exists", answered by reading what is there.
      if (!isRecordKeyTaken(error)) throw error;
      const raced = await this.itemOf(key, model.id);
      if (!raced) throw error;
      return this.sameOrConflict(key, raced, model);
    }
  }

  private sameOrConflict<K extends ListKey>(key: K, existing: ListItem, model: ModelOf<K> & { id: string }): Versioned<ModelOf<K>> {
    const stored = this.toVersioned(key, existing);
    if (JSON.stringify(stored.record) === JSON.stringify(model)) return stored;
    throw new SupervisionError('CONFLICT', `${lists[key].name} record "${model.id}" already exists with different content`, { field: 'id' });
  }

  /** Replaces a record read at `version`; a newer version in the list is a CONFLICT. */
  async update<K extends ListKey>(key: K, record: ModelOf<K>, version: string): Promise<Versioned<ModelOf<K>>> {
    const definition = lists[key];
    const model = definition.schema.parse(record) as ModelOf<K> & { id: string };
    const existing = await this.itemOf(key, model.id);
    if (!existing) throw new SupervisionError('NOT_FOUND', `${definition.name} record "${model.id}" does not exist`, { field: 'id' });
    if (existing.eTag !== version) throw conflict(definition.name, model.id);
    const item = await this.port.updateItem(await this.listId(key), existing.id, toFields(definition, model), version);
    return this.toVersioned(key, item);
  }

  async remove(key: ListKey, id: string, version?: string): Promise<void> {
    const existing = await this.itemOf(key, id);
    if (!existing) return;
    if (version !== undefined && existing.eTag !== version) throw conflict(lists[key].name, id);
    await this.port.deleteItem(await this.listId(key), existing.id, version);
  }
}

/** What a ListPort throws when the list already holds an item with this RecordKey. */
export function recordKeyTaken(list: string): SupervisionError {
  return new SupervisionError('CONFLICT', `${list} already holds an item with this RecordKey`, { field: 'RecordKey' });
}

export function isRecordKeyTaken(error: unknown): boolean {
  return error instanceof SupervisionError && error.code === 'CONFLICT' && error.field === 'RecordKey';
}

export function conflict(list: string, id: string): SupervisionError {
  return new SupervisionError('CONFLICT', `${list} record "${id}" was changed by someone else since you opened it; reload to see their changes`, { field: 'version' });
}
