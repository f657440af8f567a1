/**
 * Issue 8 §3: every API operation × every kind of caller answers exactly the status the
 * authorisation rule allows (test/api/authorisation-matrix.ts holds the matrix). A new
 * operation without a row fails here until someone decides who may call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellOrder, cells, expectations, outsiders, personas, problemOf, startMatrix, type Matrix } from './authorisation-matrix.js';

let matrix: Matrix;
let declared: string[];

beforeAll(async () => {
  matrix = await startMatrix();
  declared = await matrix.operations();
});
afterAll(() => matrix.close());

describe('the matrix covers the API', () => {
  it('has a row for every operation the server declares', () => {
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((op) => !expectations[op])).toEqual([]);
  });

  it('has a cell for every kind of caller in every row', () => {
    expect([...cellOrder].sort()).toEqual([...personas].sort());
    for (const expected of Object.values(expectations)) expect(Object.keys(expected).sort()).toEqual([...personas].sort());
  });
});

// Cells run in declaration order: within an operation, refusals first, then the permitted callers.
describe.each([...new Set(cells.map((c) => c.operationId))])('%s', (operationId) => {
  it.for(cells.filter((c) => c.operationId === operationId))('as $persona answers $expected', async (cell, context) => {
    // A row for an operation this server does not (yet) declare has nothing to check.
    if (!declared.includes(cell.operationId)) context.skip();
    const result = await matrix.run(cell);
    expect(result.status, JSON.stringify(result.body).slice(0, 300)).toBe(cell.expected);
    if (cell.expected >= 400) expect(result.writes, 'a refused call writes nothing').toBe(0);
    if (outsiders.includes(cell.persona)) expect(result.mentionsSupervisee, 'an outsider learns nothing about the supervisee').toBe(false);
    expect(problemOf(cell, result)).toBeUndefined();
  });
});
