#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so `npx supervision` works straight after
// `npm install` with no build step and runs exactly the code the tests run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
});
