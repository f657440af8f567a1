import { ensureTabBuilt } from '../../tab/ensure-built.js';

/** The browser tests exercise the production bundle: build it first when it is stale. */
export default function setup(): void {
  ensureTabBuilt(process.cwd(), (line) => process.stdout.write(`${line}\n`));
}
