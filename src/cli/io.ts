/** What a command may touch, so commands are testable in-process and the binary stays thin. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface Command {
  /** Words that select the command, e.g. ["policies", "validate"]. */
  path: readonly string[];
  summary: string;
  usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
