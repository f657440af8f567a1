import { describe, expect, it } from 'vitest';
import { columnsOf, fromFields, lists, toFields } from '../../../src/records/lists.js';

describe('SharePoint list definitions', () => {
  it.each(Object.values(lists).map((d) => [d.name, d] as const))('%s has unique column names, all indexed but the payload', (_name, definition) => {
    const columns = columnsOf(definition);
    const names = columns.map((c) => c.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(columns.filter((c) => !c.indexed).map((c) => c.name)).toEqual(['Payload']);
  });

  it('round-trips a model through list item fields and refuses a payload that no longer fits the model', () => {
    const entry = { id: 'case-1', superviseeId: 'u1', caseRef: 'LCS-100234', category: 'child-in-need', opened: '2027-01-04' };
    const fields = toFields(lists.caseload, entry);
    expect(fields).toMatchObject({ Title: 'case-1', RecordKey: 'case-1', SuperviseeId: 'u1' });
    expect(fromFields(lists.caseload, fields)).toEqual(entry);
    expect(() => fromFields(lists.caseload, { ...fields, Payload: JSON.stringify({ ...entry, caseRef: 'Amy Smith' }) })).toThrow(/does not match its model/);
  });
});
