import { z } from 'zod';
import { packSchema } from './schema.js';

/**
 * The pack contract as JSON Schema, for editors (`policies/policy.schema.json`). Generated
 * from the zod schema so the two can never disagree; a test fails when the committed copy is stale.
 */
export function generatedSchema(): string {
  return `${JSON.stringify(
    { ...z.toJSONSchema(packSchema, { unrepresentable: 'any' }), title: 'Supervision policy pack', description: 'Generated from src/policy/schema.ts by `npm run schema`. Do not edit.' },
    null,
    2,
  )}\n`;
}
