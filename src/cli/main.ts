import { isSupervisionError } from '../errors.js';
import { bookCommand, provisionCommand } from './commands/book.js';
import { complianceCommand } from './commands/compliance.js';
import { planCommand } from './commands/plan.js';
import { promptsCommand } from './commands/prompts.js';
import { policiesList, policiesSchema, policiesValidate } from './commands/policies.js';
import { roles } from './commands/roles.js';
import { retentionCommand } from './commands/retention.js';
import { subjectAccessCommand } from './commands/subject-access.js';
import type { CliIo, Command } from './io.js';

export const commands: Command[] = [policiesValidate, policiesSchema, policiesList, roles, planCommand, complianceCommand, bookCommand, provisionCommand, promptsCommand, retentionCommand, subjectAccessCommand];

function help(): string {
  return ['usage: supervision <command> [options]', '', ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n');
}

/** Longest command path matching the start of the arguments. */
function select(argv: readonly string[]): { command: Command; rest: readonly string[] } | undefined {
  const matches = commands.filter((c) => c.path.every((word, i) => argv[i] === word)).sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  return command ? { command, rest: argv.slice(command.path.length) } : undefined;
}

/**
 * Runs one CLI invocation. Expected failures (bad input, unknown org or role) print one line
 * on stderr and exit 2; nothing prints a stack trace.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.out(help());
    return argv.length === 0 ? 2 : 0;
  }
  const selected = select(argv);
  if (!selected) {
    const names = [...new Set(commands.map((c) => c.path.join(' ')))];
    io.err(`unknown command "${argv[0]}"; valid commands: ${names.join(', ')}`);
    return 2;
  }
  try {
    return await selected.command.run(selected.rest, io);
  } catch (error) {
    if (isSupervisionError(error)) {
      io.err(error.message);
      return error.exitCode;
    }
    io.err(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
