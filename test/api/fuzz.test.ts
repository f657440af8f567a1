/**
 * Issue 8 §3, hostile input: every operation in the OpenAPI document (so a new route is fuzzed
 * without anyone remembering to add it) gets random path parameters, query strings and bodies:
 * arbitrary JSON, the operation's own property names with wrong or nearly right values, and
 * text that is not JSON at all. The answer is always a 4xx in the one error shape, naming the
 * field when the input is invalid; never a 5xx. The seed is random each run; a failure prints
 * it (`fc.assert` report) so the case can be replayed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people, startHarness, testNow, type Harness } from './harness.js';

interface Operation {
  method: string;
  path: string;
  operationId: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties: string[];
  hasBody: boolean;
}

let h: Harness;
let operations: Operation[];

beforeAll(async () => {
  h = await startHarness({ now: testNow });
  const document = (await h.as(null).get<OpenApiDocument>('/api/openapi.json')).body;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = op.requestBody?.content?.['application/json']?.schema;
      const parameters = op.parameters ?? [];
      return {
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyProperties: propertiesOf(body),
        hasBody: body !== undefined,
      };
    }),
  );
});
afterAll(() => h.close());

interface SchemaLike {
  properties?: Record<string, unknown>;
  anyOf?: SchemaLike[];
  oneOf?: SchemaLike[];
  allOf?: SchemaLike[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId: string; parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: SchemaLike }> } }>>;
}

function propertiesOf(schema: SchemaLike | undefined): string[] {
  if (!schema) return [];
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap(propertiesOf);
  return [...new Set([...Object.keys(schema.properties ?? {}), ...nested])];
}

/** Text that has broken parsers, queries and renderers before. */
const nasty = fc.constantFrom(
  "O'Rourke-Vance",
  "x' or 1 eq 1 or '",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '🙂',
  ' ',
  '',
  'null',
  '9'.repeat(40),
  '2026-02-30',
  '2026-06-17',
  '2026-06-17T09:00:00Z',
  '25:61',
  '10:00',
  'mon',
  '-1',
  people.supervisee,
  people.supervisor,
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), nasty);
const nearlyRight = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 2 }));

function bodyFor(operation: Operation): fc.Arbitrary<{ raw: string }> {
  const keys = fc.constantFrom(...operation.bodyProperties, 'colour', '__proto__', 'constructor');
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({ raw: JSON.stringify(value) })),
    fc.dictionary(keys, nearlyRight, { maxKeys: 8 }).map((value) => ({ raw: JSON.stringify(value) })),
    fc.string({ maxLength: 30 }).map((raw) => ({ raw })),
  );
}

function requestFor(operation: Operation) {
  return fc.record({
    who: fc.constantFrom('supervisor', 'supervisee', 'serviceManager') as fc.Arbitrary<'supervisor' | 'supervisee' | 'serviceManager'>,
    pathValues: fc.tuple(...operation.pathParams.map(() => text)),
    query: fc.dictionary(fc.constantFrom(...operation.queryParams, 'unexpected'), text, { maxKeys: 4 }),
    body: operation.hasBody ? bodyFor(operation).map((b): { raw: string } | undefined => b) : fc.constant(undefined),
  });
}

type ErrorBody = { error?: { code?: unknown; message?: unknown; field?: unknown } };

describe('every API operation under hostile input', () => {
  it('finds the operations to fuzz in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((o) => o.hasBody).length).toBeGreaterThan(15);
  });

  it('answers random parameters and bodies with a 2xx or a 4xx in the one error shape, never a 5xx', async () => {
    let tried = 0;
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async ({ who, pathValues, query, body }) => {
          tried += 1;
          let path = operation.path;
          operation.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, encodeURIComponent(pathValues[i] ?? ''))));
          const search = new URLSearchParams(query).toString();
          const response = await fetch(`${h.base}${path}${search ? `?${search}` : ''}`, {
            method: operation.method,
            headers: { 'x-dev-user': people[who], ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { body: body.raw } : {}),
          });
          const raw = await response.text();
          const label = `${operation.operationId} ${response.status} ${raw.slice(0, 200)}`;
          expect(response.status, label).toBeLessThan(500);
          if (response.status < 400) return;
          const parsed = JSON.parse(raw) as ErrorBody;
          expect(typeof parsed.error?.code, label).toBe('string');
          expect(typeof parsed.error?.message, label).toBe('string');
          if (parsed.error?.code === 'INVALID_INPUT') {
            expect(typeof parsed.error.field, label).toBe('string');
            expect(String(parsed.error.message), label).toContain(String(parsed.error.field));
          }
        }),
        { numRuns: 25 },
      );
    }
    expect(tried).toBe(operations.length * 25);
  });
});
