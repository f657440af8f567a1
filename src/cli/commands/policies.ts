import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { packSummary } from '../../policy/describe.js';
import { allPacks } from '../../policy/packs.js';
import { generatedSchema } from '../../policy/json-schema.js';
import { validatePack } from '../../policy/validate.js';
import { parseOptions, table } from '../args.js';
import type { Command } from '../io.js';

export const policiesList: Command = {
  path: ['policies'],
  summary: 'list the bundled policy packs',
  usage: 'supervision policies [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { json: { type: 'boolean' } }, z.object({ json: z.boolean().optional() }));
    const packs = allPacks().map(packSummary);
    if (values.json) io.out(JSON.stringify({ packs }, null, 2));
    else io.out(table([['ID', 'ORGANISATION', 'ROLES', 'SEED'], ...packs.map((p) => [p.id, p.name, String(p.roles), p.seed])]));
    return 0;
  },
};

export const policiesValidate: Command = {
  path: ['policies', 'validate'],
  summary: 'validate a pack file (or every bundled pack); exit 1 on any issue',
  usage: 'supervision policies validate [file] [--json]',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } }, z.object({ json: z.boolean().optional() }), true);
    if (positionals.length > 1) throw invalidInput(positionals[1] ?? 'file', 'give at most one pack file');
    const targets: { name: string; json: unknown }[] = [];
    if (positionals[0]) {
      const path = resolve(io.cwd, positionals[0]);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        throw invalidInput('file', `cannot read ${positionals[0]}`);
      }
      try {
        targets.push({ name: positionals[0], json: JSON.parse(text) });
      } catch (error) {
        io.err(`${positionals[0]}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      }
    } else {
      for (const pack of allPacks()) targets.push({ name: `policies/${pack.id}.json`, json: pack });
    }
    let failed = 0;
    const report: { file: string; ok: boolean; issues: { path: string; message: string }[] }[] = [];
    for (const target of targets) {
      const result = validatePack(target.json);
      report.push({ file: target.name, ok: result.ok, issues: result.ok ? [] : result.issues });
      if (!result.ok) failed++;
    }
    if (values.json) io.out(JSON.stringify({ results: report }, null, 2));
    else {
      for (const r of report) {
        if (r.ok) io.out(`${r.file}: valid`);
        else for (const issue of r.issues) io.out(`${r.file}: ${issue.path}: ${issue.message}`);
      }
    }
    return failed === 0 ? 0 : 1;
  },
};

export const policiesSchema: Command = {
  path: ['policies', 'schema'],
  summary: 'print the pack JSON Schema (--write updates policies/policy.schema.json)',
  usage: 'supervision policies schema [--write]',
  async run(args, io) {
    const { values } = parseOptions(args, { write: { type: 'boolean' } }, z.object({ write: z.boolean().optional() }));
    const schema = generatedSchema();
    if (values.write) {
      await writeFile(resolve(io.cwd, 'policies', 'policy.schema.json'), schema);
      io.out('wrote policies/policy.schema.json');
    } else io.out(schema.trimEnd());
    return 0;
  },
};
