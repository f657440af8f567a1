/**
 * Writes (with --write) or checks the Graph permission tables in docs/tenant-setup.md, between
 * the `permissions:start` and `permissions:end` markers, from src/graph/permissions.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permissionTablesMarkdown } from '../src/graph/permissions.js';

export const guidePath = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'tenant-setup.md');

/** The guide with its permission tables as the table says they are. */
export function withGeneratedTables(guide: string): string {
  const start = /<!-- permissions:start[^>]*-->\n/.exec(guide);
  const end = guide.indexOf('<!-- permissions:end -->');
  if (!start || end < start.index) throw new Error('docs/tenant-setup.md has no permissions:start/permissions:end markers');
  return `${guide.slice(0, start.index + start[0].length)}${permissionTablesMarkdown()}\n${guide.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const guide = readFileSync(guidePath, 'utf8');
  const generated = withGeneratedTables(guide);
  if (process.argv.includes('--write')) {
    writeFileSync(guidePath, generated);
    process.stdout.write('docs/tenant-setup.md: permission tables written\n');
  } else if (generated !== guide) {
    process.stderr.write('docs/tenant-setup.md: permission tables differ from src/graph/permissions.ts (run with --write)\n');
    process.exit(1);
  }
}
