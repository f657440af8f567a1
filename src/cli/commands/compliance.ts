import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { complianceInputSchema } from '../../compliance/input.js';
import { evaluateAll, type ComplianceReport } from '../../compliance/rollup.js';
import { invalidInput } from '../../errors.js';
import { sourceRef } from '../../policy/describe.js';
import { getPack } from '../../policy/packs.js';
import { formatPath } from '../../policy/validate.js';
import { civilDateOption, parseOptions, table } from '../args.js';
import type { Command } from '../io.js';

function reportText(report: ComplianceReport, orgName: string): string {
  const lines = [`${orgName}: compliance as of ${report.asOf}`, `${report.summary.onTrack} of ${report.summary.people} people on track`, ''];
  const byPerson = new Map<string, typeof report.findings>();
  for (const f of report.findings) byPerson.set(f.person, [...(byPerson.get(f.person) ?? []), f]);
  for (const [person, findings] of byPerson) {
    lines.push(person);
    lines.push(
      table(
        findings.map((f) => [
          `  ${f.severity.toUpperCase()}`,
          f.kind,
          f.overdueBy > 0 ? `${f.overdueBy} d late` : `due ${f.due}`,
          f.subject,
          `[${sourceRef(f.source)}]`,
        ]),
      ),
    );
    lines.push('');
  }
  if (byPerson.size === 0) lines.push('No findings.');
  return lines.join('\n').trimEnd();
}

export const complianceCommand: Command = {
  path: ['compliance'],
  summary: 'what is due, overdue or late for each person in a history file',
  usage: 'supervision compliance --org <id> --input <file.json> --as-of YYYY-MM-DD [--json]',
  async run(args, io) {
    const { values } = parseOptions(
      args,
      { org: { type: 'string' }, input: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } },
      z.object({ org: z.string(), input: z.string(), 'as-of': civilDateOption, json: z.boolean().optional() }),
    );
    const pack = getPack(values.org);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(resolve(io.cwd, values.input), 'utf8'));
    } catch (error) {
      throw invalidInput('--input', error instanceof SyntaxError ? `not valid JSON: ${error.message}` : `cannot read ${values.input}`);
    }
    const parsed = complianceInputSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidInput(formatPath(issue?.path ?? []), issue?.message ?? 'invalid');
    }
    const report = evaluateAll(pack, parsed.data, values['as-of']);
    io.out(values.json ? JSON.stringify(report, null, 2) : reportText(report, pack.name));
    return 0;
  },
};
