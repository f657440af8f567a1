/**
 * `supervision subject-access --person <upn> --format json|html --out <file>`: every record
 * about one person, as the API's export gives it, written to a file (never to the terminal, so
 * record text does not land in scroll-back or CI logs). Each exported record is audited.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { SupervisionError, invalidInput } from '../../errors.js';
import { subjectAccess } from '../../governance/service.js';
import { parseOptions } from '../args.js';
import type { Command } from '../io.js';
import { cliActor, governanceCliRuntime, graphArgs, graphOptions } from './retention.js';

export const subjectAccessCommand: Command = {
  path: ['subject-access'],
  summary: 'export every record about one person (subject access request) as JSON or a readable HTML page',
  usage: 'supervision subject-access --person <upn|id> --format json|html --out <file> [--org <id>] [--graph-url URL]',
  async run(args, io) {
    const { values } = parseOptions(
      args,
      { person: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, ...graphOptions },
      z.object({
        person: z.string().min(1).max(256),
        format: z.enum(['json', 'html'], { message: 'must be json or html' }),
        out: z.string().min(1),
        ...graphArgs,
      }),
    );
    const runtime = governanceCliRuntime(io, { org: values.org, graphUrl: values['graph-url'] });
    try {
      const person = await runtime.deps.directory.person(values.person);
      // A leaver may be gone from the directory; their id still finds their records, a UPN does not.
      if (!person && values.person.includes('@')) throw new SupervisionError('NOT_FOUND', `--person: nobody with the sign-in name "${values.person}" is in the directory; give their user id instead`, { field: '--person' });
      const subjectId = person?.id ?? values.person;
      const { doc, html } = await subjectAccess(runtime.deps, subjectId, cliActor);
      const file = resolve(io.cwd, values.out);
      try {
        await writeFile(file, values.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : html, { encoding: 'utf8', mode: 0o600 });
      } catch {
        throw invalidInput('--out', `cannot write ${values.out}`);
      }
      io.out(`Wrote ${doc.records.length} record(s) about ${subjectId} to ${values.out} (${values.format}).`);
      return 0;
    } finally {
      runtime.close();
    }
  },
};
