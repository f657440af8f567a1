/**
 * Builds the tab (webpack, production) when dist/tab is missing or older than its sources, so
 * a fresh clone's `npm start` and the browser tests serve what `npm run build` ships.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** True when a build ran. Throws when webpack fails. */
export function ensureTabBuilt(root = process.cwd(), output: (line: string) => void = () => undefined): boolean {
  const index = join(root, 'dist', 'tab', 'index.html');
  const sources = Math.max(newest(join(root, 'tab')), newest(join(root, 'src', 'server', 'api')), statSync(join(root, 'webpack.config.cjs')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return false;
  output('Building the tab (webpack)…');
  const result = spawnSync('npx', ['webpack', '--mode', 'production'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('building the tab with webpack failed; run `npm run build` to see why');
  return true;
}
