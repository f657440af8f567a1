/**
 * `supervision prompts --as-of <ISO datetime>`: runs, once, what the bot's scheduler would run
 * at that moment (prep prompts, reminders, digests, sign-off requests and chasers, circle
 * timers). It shares the server's data directory: the same job table (so a prompt the server
 * sent is not sent again), and the conversation references the bot stored.
 */
import { z } from 'zod';
import { botConfigFrom, createAgent, type Bot, type BotOptions } from '../../../bot/agent.js';
import type { RunReport } from '../../jobs/runner.js';
import type { ServerConfig } from '../../server/config.js';
import type { AppServices } from '../../server/services.js';
import { parseOptions, table } from '../args.js';
import { cliGraphServices } from '../graph.js';
import type { CliIo, Command } from '../io.js';

export interface PromptsRuntime {
  services: AppServices;
  config: ServerConfig;
  close(): Promise<void>;
}

export interface PromptsDeps {
  /** AppServices whose clock reads `asOf`; default: Graph through the same gateway as the server. */
  runtime?(io: CliIo, options: { org: string | undefined; graphUrl: string | undefined; asOf: Date }): Promise<PromptsRuntime>;
  /** Bot options (tests pass stores and pacing). */
  bot?: BotOptions;
}

async function graphRuntime(io: CliIo, options: { org: string | undefined; graphUrl: string | undefined; asOf: Date }): Promise<PromptsRuntime> {
  const { services, config } = cliGraphServices(io, { org: options.org, graphUrl: options.graphUrl, now: () => options.asOf });
  return { services, config, close: async () => {} };
}

const promptsOptions = {
  'as-of': { type: 'string' },
  org: { type: 'string' },
  'graph-url': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const promptsArgs = z.object({
  'as-of': z.iso.datetime({ offset: true, message: 'must be an ISO date-time with an offset, e.g. 2026-03-02T09:00:00Z' }),
  org: z.string().optional(),
  'graph-url': z.url({ message: 'must be a URL ending in /v1.0' }).optional(),
  json: z.boolean().optional(),
});

function reportText(report: RunReport, asOf: Date): string {
  const lines = [
    `As of ${asOf.toISOString()}: ${report.done} sent, ${report.skipped} skipped, ${report.retried} to retry, ${report.failed} failed (${report.planned} newly planned${report.abandoned ? `, ${report.abandoned} abandoned after an interrupted send` : ''})`,
  ];
  if (report.outcomes.length > 0) lines.push(table([['JOB', 'OUTCOME', 'REASON'], ...report.outcomes.map((o) => [o.key, o.status, o.reason ?? ''])]));
  return lines.join('\n');
}

export function createPromptsCommand(deps: PromptsDeps = {}): Command {
  return {
    path: ['prompts'],
    summary: "run the bot's due jobs once as of a time: prep prompts, reminders, digests, sign-off chasers, circle timers",
    usage: 'supervision prompts --as-of <ISO datetime> [--org <id>] [--graph-url URL] [--json]',
    async run(args, io) {
      const { values } = parseOptions(args, promptsOptions, promptsArgs);
      const asOf = new Date(values['as-of']);
      const runtime = await (deps.runtime ?? graphRuntime)(io, { org: values.org, graphUrl: values['graph-url'], asOf });
      let bot: Bot | undefined;
      try {
        bot = createAgent(runtime.services, botConfigFrom(runtime.config), { schedulerIntervalMs: 0, runnerId: `cli-${process.pid}`, ...deps.bot });
        const report = await bot.runDueJobs(asOf);
        if (values.json) io.out(JSON.stringify({ asOf: asOf.toISOString(), ...report }, null, 2));
        else io.out(reportText(report, asOf));
        return report.failed > 0 ? 1 : 0;
      } finally {
        await bot?.close();
        await runtime.close();
      }
    },
  };
}

export const promptsCommand: Command = createPromptsCommand();
