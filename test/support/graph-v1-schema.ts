/**
 * Graph v1.0's own type metadata (extracted from microsoftgraph/msgraph-metadata by
 * scripts/graph-v1-schema.ts) and a walker that names every property of an answer that the
 * v1.0 type does not have: a beta-only property, or one the embedded service made up.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface TypeEntry {
  open: boolean;
  properties: Record<string, string>;
  navigation: Record<string, string>;
}

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/graph-v1-schema.json', import.meta.url)), 'utf8')) as { source: string; types: Record<string, TypeEntry> };

export const v1Source = schema.source;

/** Types whose instances carry arbitrary names by design (a list item's column values). */
const dynamicTypes = new Set(['fieldValueSet']);

/** Paths (`event.uid`, `value[0].scheduleItems[0].isMeeting`) of properties v1.0 does not define for `type`. */
export function beyondV1(value: unknown, type: string, path = type): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => beyondV1(item, type, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const entry = schema.types[type];
  if (!entry) return type.startsWith('Edm.') ? [] : [`${path}: type ${type} is not in the v1.0 extract`];
  if (dynamicTypes.has(type)) return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    // Instance annotations (`@odata.etag`, `@removed`) are not properties.
    if (key.startsWith('@') || key.includes('@odata.')) continue;
    const childType = entry.properties[key] ?? entry.navigation[key];
    if (childType === undefined) problems.push(`${path}.${key}`);
    else problems.push(...beyondV1(child, childType, `${path}.${key}`));
  }
  return problems;
}
