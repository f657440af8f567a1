/**
 * The SharePoint lists behind the records, declared once beside their models: provisioning
 * creates exactly these columns, and mapping to and from list items uses the same declaration.
 *
 * Each item keeps the whole validated model as JSON in `Payload` (a record's sections and
 * actions do not fit flat columns) plus the few scalar columns queries filter on, all indexed:
 * SharePoint refuses or randomly fails filters on non-indexed columns past 5,000 items.
 */
import type { z } from 'zod';
import { SupervisionError } from '../errors.js';
import {
  actionSchema,
  agreementSchema,
  cancellationSchema,
  caseDiscussionSchema,
  caseloadEntrySchema,
  circleSessionSchema,
  prepResponseSchema,
  scheduleSchema,
  sessionRecordSchema,
  staffSchema,
  supervisorLeaveSchema,
} from './models.js';

export type ColumnType = 'text' | 'dateTime' | 'number' | 'boolean' | 'note';

export interface ColumnDefinition {
  /** Internal column name (the key in `fields`). */
  name: string;
  type: ColumnType;
  indexed: boolean;
  /** SharePoint refuses a second item with the same value (enforceUniqueValues). */
  unique?: boolean;
}

export interface ListDefinition<S extends z.ZodType = z.ZodType> {
  /** SharePoint list display name. */
  name: string;
  schema: S;
  /** Model properties copied into filterable columns (column name = property name, capitalised). */
  columns: readonly { property: string; type: Exclude<ColumnType, 'note'> }[];
}

export const payloadColumn: ColumnDefinition = { name: 'Payload', type: 'note', indexed: false };

function defineList<S extends z.ZodType>(definition: ListDefinition<S>): ListDefinition<S> {
  return definition;
}

export function columnName(property: string): string {
  return property.charAt(0).toUpperCase() + property.slice(1);
}

export const lists = {
  staff: defineList({
    name: 'Staff',
    schema: staffSchema,
    columns: [
      { property: 'userId', type: 'text' },
      { property: 'supervisorId', type: 'text' },
      { property: 'team', type: 'text' },
      { property: 'coverSupervisorId', type: 'text' },
    ],
  }),
  schedules: defineList({
    name: 'SupervisionSchedule',
    schema: scheduleSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'supervisorId', type: 'text' },
      { property: 'status', type: 'text' },
    ],
  }),
  agreements: defineList({
    name: 'Agreements',
    schema: agreementSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'supervisorId', type: 'text' },
    ],
  }),
  sessionRecords: defineList({
    name: 'SessionRecords',
    schema: sessionRecordSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'supervisorId', type: 'text' },
      { property: 'sessionDate', type: 'text' },
      { property: 'status', type: 'text' },
    ],
  }),
  actions: defineList({
    name: 'Actions',
    schema: actionSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'recordId', type: 'text' },
    ],
  }),
  caseDiscussions: defineList({
    name: 'CaseDiscussions',
    schema: caseDiscussionSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'caseRef', type: 'text' },
    ],
  }),
  caseload: defineList({
    name: 'Caseload',
    schema: caseloadEntrySchema,
    columns: [{ property: 'superviseeId', type: 'text' }],
  }),
  prepResponses: defineList({
    name: 'PrepResponses',
    schema: prepResponseSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'sessionDate', type: 'text' },
    ],
  }),
  cancellations: defineList({
    name: 'Cancellations',
    schema: cancellationSchema,
    columns: [
      { property: 'superviseeId', type: 'text' },
      { property: 'supervisorId', type: 'text' },
    ],
  }),
  circleSessions: defineList({
    name: 'CircleSessions',
    schema: circleSessionSchema,
    columns: [{ property: 'conversationId', type: 'text' }],
  }),
  supervisorLeave: defineList({
    name: 'SupervisorLeave',
    schema: supervisorLeaveSchema,
    columns: [{ property: 'supervisorId', type: 'text' }],
  }),
} as const;

export type ListKey = keyof typeof lists;
export type ModelOf<K extends ListKey> = z.infer<(typeof lists)[K]['schema']>;

/** The columns provisioning must create for a list. */
export function columnsOf(definition: ListDefinition): ColumnDefinition[] {
  return [
    // Unique, so two racing creates of one record cannot both land (the second is told it exists).
    { name: 'RecordKey', type: 'text', indexed: true, unique: true },
    ...definition.columns.map((c) => ({ name: columnName(c.property), type: c.type, indexed: true })),
    payloadColumn,
  ];
}

/** List item fields for a model: its id as Title and RecordKey, filter columns, and the JSON payload. */
export function toFields(definition: ListDefinition, model: { id: string } & Record<string, unknown>): Record<string, string | number | boolean | null> {
  const fields: Record<string, string | number | boolean | null> = { Title: model.id, RecordKey: model.id };
  for (const column of definition.columns) {
    const value = model[column.property];
    fields[columnName(column.property)] = value === undefined ? null : (value as string | number | boolean);
  }
  fields.Payload = JSON.stringify(model);
  return fields;
}

/** The model in a list item, validated: a payload that no longer matches its schema is an error, never silently used. */
export function fromFields<S extends z.ZodType>(definition: ListDefinition<S>, fields: Record<string, unknown>): z.infer<S> {
  const payload = fields.Payload;
  if (typeof payload !== 'string') {
    throw new SupervisionError('UPSTREAM', `${definition.name} item ${String(fields.RecordKey ?? fields.id)} has no Payload`);
  }
  const parsed = definition.schema.safeParse(JSON.parse(payload));
  if (!parsed.success) {
    throw new SupervisionError('UPSTREAM', `${definition.name} item ${String(fields.RecordKey ?? fields.id)} does not match its model: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}
