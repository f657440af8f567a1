import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureTabBuilt } from '../../tab/ensure-built.js';
import { serverLogPath } from './support.js';

/**
 * The browser tests exercise the production bundle: build it first when it is stale. The server
 * log starts empty so the log privacy check reads this run only.
 */
export default function setup(): void {
  ensureTabBuilt(process.cwd(), (line) => process.stdout.write(`${line}\n`));
  mkdirSync(dirname(serverLogPath), { recursive: true });
  writeFileSync(serverLogPath, '');
}
