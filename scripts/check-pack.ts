/**
 * Author's check for a policy pack: schema, canonical ids and that every quoted source
 * really appears in the seed. Usage: node --import tsx scripts/check-pack.ts policies/dudley.json
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validatePack, unquotedSources } from '../src/policy/validate.js';
import { canonicalRoleIds, expectedCaseCategories, type OrganisationId } from '../src/policy/canonical.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: check-pack.ts <pack.json>');
  process.exit(2);
}
const result = validatePack(JSON.parse(readFileSync(file, 'utf8')));
if (!result.ok) {
  for (const issue of result.issues) console.log(`schema: ${issue.path}: ${issue.message}`);
  process.exit(1);
}
const pack = result.pack;
let problems = 0;
const roleIds = new Set(pack.roles.map((r) => r.id));
for (const id of canonicalRoleIds[pack.id as OrganisationId] ?? []) {
  if (!roleIds.has(id)) { console.log(`missing canonical role: ${id}`); problems++; }
}
const categories = new Set(pack.caseDiscussion.rules.map((r) => r.category));
for (const id of expectedCaseCategories[pack.id as OrganisationId] ?? []) {
  if (!categories.has(id)) { console.log(`missing case category: ${id}`); problems++; }
}
const seedsDir = resolve(process.env.SUPERVISION_SEEDS_DIR ?? join(process.cwd(), '..', 'shared', 'seeds'));
const seedPath = join(seedsDir, pack.seed.file);
if (existsSync(seedPath)) {
  for (const { path, quote } of unquotedSources(pack, readFileSync(seedPath, 'utf8'))) {
    console.log(`quote not found in seed at ${path}: "${quote}"`); problems++;
  }
} else console.log(`(seed ${seedPath} not found: quotes not checked)`);
console.log(problems === 0 ? `OK ${pack.id}: ${pack.roles.length} roles` : `${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
