#!/usr/bin/env node
// The whole test suite, as CI runs it: type check, lint, unit/contract/api/bot tests, then
// browser tests in Debian's Chromium (installed here when missing and we are root).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(label, command, args, env = {}) {
  process.stdout.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, TZ: 'UTC', ...env } });
  if (result.status !== 0) {
    process.stderr.write(`\n✖ ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

function ensureChromium() {
  if (existsSync(chromium)) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`Chromium not found at ${chromium}. Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.\n`);
    process.exit(1);
  }
  run('install Chromium (Debian package)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
}

const hasE2e = existsSync('test/e2e') && readdirSync('test/e2e', { recursive: true }).some((f) => String(f).endsWith('.e2e.ts'));

run('type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
run('unit, contract, API and bot tests', 'npx', ['vitest', 'run']);
if (hasE2e) {
  ensureChromium();
  run('browser tests (Chromium)', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts'], { CHROMIUM_PATH: chromium });
  run('no personal data or record text in the browser run\'s server log', 'npx', ['vitest', 'run', '--config', 'test/e2e/log-privacy/vitest.config.ts']);
}
process.stdout.write('\n✔ all tests passed\n');
