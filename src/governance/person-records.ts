/**
 * Every record about one person, across the lists that name people by column. Governance
 * (retention, subject access) works from this one collector so the two can never disagree
 * about what "a person's records" are.
 */
import { lists, type ListKey } from '../records/lists.js';
import type { RecordsRepository } from '../records/repository.js';

export interface HeldRecord {
  list: ListKey;
  id: string;
  version: string;
  /** The validated model (content: never logged, only exported to its subject). */
  record: Record<string, unknown> & { id: string };
}

/** Person columns a list can be filtered by, in the order they are searched. */
const personColumns = ['userId', 'superviseeId', 'supervisorId'] as const;
export type PersonColumn = (typeof personColumns)[number];

/** Lists and the person columns each can be filtered by. */
export function personLists(columns: readonly PersonColumn[] = personColumns): { list: ListKey; column: PersonColumn }[] {
  const out: { list: ListKey; column: PersonColumn }[] = [];
  for (const list of Object.keys(lists) as ListKey[]) {
    const defined = new Set(lists[list].columns.map((c) => c.property));
    for (const column of columns) if (defined.has(column)) out.push({ list, column });
  }
  return out;
}

/** Records naming the person in any of `columns`, each once. */
export async function recordsOfPerson(records: RecordsRepository, userId: string, columns: readonly PersonColumn[] = personColumns): Promise<HeldRecord[]> {
  const found = new Map<string, HeldRecord>();
  for (const { list, column } of personLists(columns)) {
    for (const { record, version } of await records.where(list, column, userId)) {
      const model = record as HeldRecord['record'];
      found.set(`${list}/${model.id}`, { list, id: model.id, version, record: model });
    }
  }
  return [...found.values()].sort((a, b) => a.list.localeCompare(b.list) || a.id.localeCompare(b.id));
}

const dateProperties = ['sessionDate', 'originalDate', 'discussedOn', 'opened', 'start', 'due', 'submittedAt', 'cancelledAt', 'bookedAt', 'updatedAt', 'startedAt'] as const;

/** The date a record is about (its session, its cancellation…), as a civil date, if any. */
export function recordDate(record: Record<string, unknown>): string | undefined {
  for (const property of dateProperties) {
    const value = record[property];
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  }
  return undefined;
}
