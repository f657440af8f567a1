/**
 * The bundled packs as data: each file passes the schema, names every canonical role and case
 * category from the policy digest, quotes its seed faithfully, and every role plans a year
 * without breaking a planner invariant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalRoleIds, expectedCaseCategories, organisationIds } from '../../../src/policy/canonical.js';
import { generatedSchema } from '../../../src/policy/json-schema.js';
import { getPack } from '../../../src/policy/packs.js';
import { unquotedSources, validatePack } from '../../../src/policy/validate.js';
import { plan } from '../../../src/schedule/plan.js';
import { planViolations } from '../../support/invariants.js';

const root = join(import.meta.dirname, '..', '..', '..');
const seedsDir = process.env.SUPERVISION_SEEDS_DIR ?? join(root, '..', 'shared', 'seeds');
const readPack = (id: string): unknown => JSON.parse(readFileSync(join(root, 'policies', `${id}.json`), 'utf8'));

describe.each(organisationIds)('policies/%s.json', (org) => {
  it('passes the pack schema', () => {
    const result = validatePack(readPack(org));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('has every canonical role id from the policy digest', () => {
    const ids = getPack(org).roles.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([...canonicalRoleIds[org]]));
  });

  it('has a rule for every case category the digest names for it', () => {
    const categories = getPack(org).caseDiscussion.rules.map((r) => r.category);
    expect(categories).toEqual(expect.arrayContaining([...(expectedCaseCategories[org] ?? [])]));
  });

  it.runIf(existsSync(seedsDir))('quotes its seed verbatim in every source', () => {
    const pack = getPack(org);
    const seed = readFileSync(join(seedsDir, pack.seed.file), 'utf8');
    expect(unquotedSources(pack, seed)).toEqual([]);
  });

  it.each(getPack(org).roles.map((r) => r.id))('role %s plans a year from several starts without breaking an invariant', (role) => {
    const pack = getPack(org);
    for (const start of ['2026-12-21', '2027-03-26', '2027-08-30']) {
      const result = plan(pack, role, start);
      expect(result.sessions.length).toBeGreaterThan(0);
      expect(planViolations(pack, result)).toEqual([]);
    }
  });
});

describe('policies/policy.schema.json', () => {
  it('is the schema generated from src/policy/schema.ts (run `npm run schema` after changing it)', () => {
    expect(readFileSync(join(root, 'policies', 'policy.schema.json'), 'utf8')).toBe(generatedSchema());
  });
});

describe('a second stream never shares a day with the first', () => {
  it('Bristol § 6.1: group reflective supervision lands on a different day from the one-to-one', () => {
    const result = plan(getPack('bristol'), 'social-worker', '2027-01-04');
    const oneToOne = new Set(result.sessions.filter((s) => s.stream === 'one-to-one').map((s) => s.date));
    const group = result.sessions.filter((s) => s.stream === 'group');
    expect(group.length).toBeGreaterThan(10);
    expect(group.filter((s) => oneToOne.has(s.date))).toEqual([]);
  });
});
