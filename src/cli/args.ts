import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { isCivilDate } from '../calendar/civil.js';
import { isLocalTime } from '../calendar/london.js';
import { invalidInput } from '../errors.js';

export const civilDateOption = z.string().refine(isCivilDate, { message: 'must be a date in the form YYYY-MM-DD' });
export const timeOption = z.string().refine(isLocalTime, { message: 'must be a time in the form HH:mm' });
export const weekdayOption = z.enum(['mon', 'tue', 'wed', 'thu', 'fri'], { message: 'must be one of mon, tue, wed, thu, fri' });

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses command-line options strictly, then validates their values with zod; any problem
 * becomes one INVALID_INPUT error naming the option (`--start: must be a date ...`).
 */
export function parseOptions<S extends z.ZodType>(args: readonly string[], options: Options, schema: S, positionals = false): { values: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: positionals });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw invalidInput(unknown[1] ?? 'option', `unknown option; valid options: ${Object.keys(options).map((o) => `--${o}`).join(', ')}`);
    const missingValue = /Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
    if (missingValue) throw invalidInput(missingValue[2] ?? 'option', 'needs a value');
    const positional = /Unexpected argument '([^']+)'/.exec(message);
    if (positional) throw invalidInput(positional[1] ?? 'argument', 'unexpected argument');
    throw invalidInput('arguments', message.split('\n')[0] ?? message);
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.length ? `--${issue.path.map(String).join('.')}` : 'arguments';
    const missing = issue?.code === 'invalid_type' && issue.input === undefined;
    const given = (parsed.values as Record<string, unknown>)[String(issue?.path[0] ?? '')];
    const message = missing ? 'is required' : `"${String(given)}" ${issue?.message ?? 'is invalid'}`;
    throw invalidInput(name, message);
  }
  return { values: result.data, positionals: parsed.positionals };
}

/** Left-aligned text columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}
