/**
 * `supervision retention --dry-run|--apply --as-of <date>`: the pack's retention rule applied
 * to the organisation's records as of a date, through the same gateway and the same use case
 * as the server's daily retention job. A dry run lists what is past retention and deletes
 * nothing; --apply deletes exactly that list through the records repository and audits each
 * deletion in the data directory's audit log.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { invalidInput } from '../../errors.js';
import { runRetention, type GovernanceDeps, type RetentionRun } from '../../governance/service.js';
import { openGovernanceStore } from '../../governance/store.js';
import { civilDateOption, parseOptions, table } from '../args.js';
import { cliGraphServices } from '../graph.js';
import type { CliIo, Command } from '../io.js';

/** Who the CLI acts as in the audit log: the tool, never the operator's name. */
export const cliActor = 'supervision-cli';

export interface GovernanceCliRuntime {
  deps: GovernanceDeps;
  close(): void;
}

/**
 * Governance ports for a CLI run: the tenant's Graph with app credentials when tenant settings
 * are in the environment, otherwise the running local app's embedded service (or --graph-url),
 * and the governance store in the app's data directory, shared with the server.
 */
export function governanceCliRuntime(io: CliIo, options: { org: string | undefined; graphUrl: string | undefined }): GovernanceCliRuntime {
  const { services, config } = cliGraphServices(io, options);
  mkdirSync(config.dataDir, { recursive: true });
  const store = openGovernanceStore(join(config.dataDir, 'governance.sqlite'));
  return {
    deps: { pack: services.pack, records: services.records, directory: services.directory, store, now: () => new Date() },
    close: () => store.close(),
  };
}

export const graphOptions = {
  org: { type: 'string' },
  'graph-url': { type: 'string' },
} as const;

export const graphArgs = {
  org: z.string().optional(),
  'graph-url': z.url({ message: 'must be a URL ending in /v1.0' }).optional(),
};

function reportText(run: RetentionRun, orgName: string): string {
  const { report } = run;
  if (!report.rule) return `${orgName}: the policy sets no retention period; nothing is ever deleted.`;
  const lines = [
    `${orgName}: retention as of ${report.asOf}: keep ${report.rule.keep} after ${report.rule.after === 'worker-leaves' ? 'the worker leaves' : 'the record is made'}`,
    `${report.due.length} record(s) past retention; kept: ${report.kept.stillEmployed} of people still employed, ${report.kept.withinPeriod} within the period, ${report.kept.undated} undated (for a person to look at)`,
    run.dryRun ? 'Dry run: nothing deleted.' : `Deleted ${run.deleted}; left ${run.skipped} that changed since the report (the next run decides again).`,
  ];
  if (report.due.length > 0) lines.push('', table([['LIST', 'RECORD', 'KEEP UNTIL'], ...report.due.map((d) => [d.list, d.id, d.keepUntil])]));
  return lines.join('\n');
}

export const retentionCommand: Command = {
  path: ['retention'],
  summary: "records past the pack's retention period as of a date: list them (--dry-run) or delete them (--apply)",
  usage: 'supervision retention (--dry-run | --apply) --as-of YYYY-MM-DD [--org <id>] [--graph-url URL] [--json]',
  async run(args, io) {
    const { values } = parseOptions(
      args,
      { 'dry-run': { type: 'boolean' }, apply: { type: 'boolean' }, 'as-of': { type: 'string' }, json: { type: 'boolean' }, ...graphOptions },
      z.object({ 'dry-run': z.boolean().optional(), apply: z.boolean().optional(), 'as-of': civilDateOption, json: z.boolean().optional(), ...graphArgs }),
    );
    if (Boolean(values['dry-run']) === Boolean(values.apply)) throw invalidInput('--dry-run', 'give exactly one of --dry-run (report only) or --apply (delete)');
    const runtime = governanceCliRuntime(io, { org: values.org, graphUrl: values['graph-url'] });
    try {
      const run = await runRetention(runtime.deps, { asOf: values['as-of'], dryRun: !values.apply, actorId: cliActor });
      io.out(values.json ? JSON.stringify({ org: runtime.deps.pack.id, ...run.report, dryRun: run.dryRun, deleted: run.deleted, skipped: run.skipped }, null, 2) : reportText(run, runtime.deps.pack.name));
      return 0;
    } finally {
      runtime.close();
    }
  },
};
