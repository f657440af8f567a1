import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createApi } from '../../src/server/api/index.js';
import { startHarness, testNow, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: testNow });
});
afterAll(() => h.close());

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every operation the server mounts', async () => {
    const res = await h.as(null).get<OpenApi>('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.values(res.body.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    const { operations } = createApi({ config: h.config, services: h.services, logger: silentLogger });
    expect(new Set(documented)).toEqual(new Set(operations));
    expect(documented).toHaveLength(operations.length);
    expect(documented.length).toBeGreaterThanOrEqual(30);
  });

  it('documents parameters, bodies, the error shape and both security schemes', async () => {
    const { body } = await h.as(null).get<OpenApi>('/api/openapi.json');
    const book = body.paths['/api/bookings']?.post;
    expect(book?.requestBody).toBeDefined();
    expect(Object.keys(book?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409']));
    const plan = body.paths['/api/supervisees/{id}/plan']?.get;
    expect(plan?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:id', 'query:start', 'query:weekday']));
    expect(body.components.schemas.Error).toBeDefined();
    expect(Object.keys(body.components.securitySchemes)).toEqual(['teamsSso', 'devUser']);
    expect(body.paths['/api/compliance.csv']?.get?.responses['200']).toMatchObject({ content: { 'text/csv': expect.anything() } });
  });
});
