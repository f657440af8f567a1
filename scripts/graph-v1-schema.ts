/**
 * Extracts, from Microsoft Graph's own v1.0 metadata, the property names and types of every
 * entity and complex type the embedded Graph service answers with, into
 * `test/fixtures/graph-v1-schema.json`. The contract test `v1.0 metadata` walks every answer
 * of the service against that file, so a beta-only property (or a made-up one) cannot reach
 * a v1.0 answer unnoticed.
 *
 * Usage: node --import tsx scripts/graph-v1-schema.ts <path to schemas/v1.0-Prod.csdl> <commit>
 * (the CSDL is in microsoftgraph/msgraph-metadata; it is 3 MB, so only the extract is kept).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The types the embedded service renders, and (through their properties) everything they reach. */
const roots = [
  'event',
  'scheduleInformation',
  'subscription',
  'user',
  'mailboxSettings',
  'calendar',
  'site',
  'list',
  'columnDefinition',
  'listItem',
  'teamsApp',
  'teamsAppDefinition',
  'userScopeTeamsAppInstallation',
  'chat',
  'fieldValueSet',
];

interface TypeInfo {
  baseType?: string;
  abstract: boolean;
  open: boolean;
  /** Property name → type name (`Collection(x)` unwrapped to `x`, namespace dropped). */
  properties: Record<string, string>;
  /** Navigation properties are only present when expanded. */
  navigation: Record<string, string>;
}

function plainType(type: string): string {
  const inner = /^Collection\((.+)\)$/.exec(type)?.[1] ?? type;
  return inner.replace(/^(graph|microsoft\.graph)\./, '');
}

function parse(csdl: string): Map<string, TypeInfo> {
  // Only the microsoft.graph namespace: the others (security, callRecords…) reuse names like `user`.
  const start = csdl.indexOf('<Schema Namespace="microsoft.graph"');
  const end = csdl.indexOf('<Schema Namespace="microsoft.graph.', start + 1);
  const schema = csdl.slice(start, end === -1 ? undefined : end);
  const types = new Map<string, TypeInfo>();
  const typeBlock = /<(EntityType|ComplexType) ([^>]*?)(\/?)>([\s\S]*?)(?:<\/\1>|(?=<(?:EntityType|ComplexType|EnumType|Function|Action|EntityContainer|Term|Annotations) ))/g;
  for (const match of schema.matchAll(typeBlock)) {
    const attributes = match[2] ?? '';
    const body = match[3] === '/' ? '' : (match[4] ?? '');
    const name = /Name="([^"]+)"/.exec(attributes)?.[1];
    if (!name) continue;
    const baseType = /BaseType="([^"]+)"/.exec(attributes)?.[1];
    const info: TypeInfo = {
      ...(baseType ? { baseType: plainType(baseType) } : {}),
      abstract: /Abstract="true"/.test(attributes),
      open: /OpenType="true"/.test(attributes),
      properties: {},
      navigation: {},
    };
    for (const p of body.matchAll(/<Property Name="([^"]+)" Type="([^"]+)"/g)) info.properties[p[1] as string] = plainType(p[2] as string);
    for (const p of body.matchAll(/<NavigationProperty Name="([^"]+)" Type="([^"]+)"/g)) info.navigation[p[1] as string] = plainType(p[2] as string);
    types.set(name, info);
  }
  return types;
}

/** Each reachable type with its inherited properties flattened in. */
function flatten(types: Map<string, TypeInfo>): Record<string, { open: boolean; properties: Record<string, string>; navigation: Record<string, string> }> {
  const out: Record<string, { open: boolean; properties: Record<string, string>; navigation: Record<string, string> }> = {};
  const resolve = (name: string): { properties: Record<string, string>; navigation: Record<string, string>; open: boolean } => {
    const info = types.get(name);
    if (!info) return { properties: {}, navigation: {}, open: false };
    const base = info.baseType ? resolve(info.baseType) : { properties: {}, navigation: {}, open: false };
    return { properties: { ...base.properties, ...info.properties }, navigation: { ...base.navigation, ...info.navigation }, open: info.open };
  };
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (out[name] || !types.has(name)) continue;
    const flat = resolve(name);
    out[name] = flat;
    // Navigation properties appear only when expanded; the types the service expands are roots.
    for (const type of Object.values(flat.properties)) if (types.has(type) && !out[type]) queue.push(type);
  }
  return out;
}

const [csdlPath, commit] = process.argv.slice(2);
if (!csdlPath || !commit) {
  process.stderr.write('usage: node --import tsx scripts/graph-v1-schema.ts <v1.0-Prod.csdl> <msgraph-metadata commit>\n');
  process.exit(2);
}
const types = flatten(parse(readFileSync(csdlPath, 'utf8')));
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'fixtures', 'graph-v1-schema.json');
const sorted = Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(out, `${JSON.stringify({ source: `microsoftgraph/msgraph-metadata@${commit} schemas/v1.0-Prod.csdl`, roots, types: sorted }, null, 1)}\n`);
process.stdout.write(`wrote ${Object.keys(sorted).length} types to ${out}\n`);
