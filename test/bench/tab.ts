/**
 * Tab figures for `npm run bench` (printed, never asserted):
 * - initial JS (gzip) of the tab against a Fluent UI v9 hello world built by the same webpack
 *   config (TAB_ENTRY / TAB_OUTPUT), both production builds into temporary directories;
 * - first render of My team with 40 supervisees in headless Chromium (Debian's /usr/bin/chromium).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = process.cwd();

function build(output: string, entry?: string): void {
  const env = { ...process.env, TAB_OUTPUT: output, ...(entry ? { TAB_ENTRY: entry } : {}) };
  if (!entry) delete env.TAB_ENTRY;
  const result = spawnSync('npx', ['webpack', '--mode', 'production'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`webpack failed for ${entry ?? 'the tab'}`);
}

/** Sum of gzip sizes of the scripts index.html loads up front (the initial chunks). */
function initialGzip(output: string): { bytes: number; files: number } {
  const html = readFileSync(join(output, 'index.html'), 'utf8');
  // The production page is minified: attribute values may be unquoted.
  const sources = [...html.matchAll(/<script\b[^>]*?\bsrc=(?:"([^"]+)"|'([^']+)'|([^\s>]+))/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  if (sources.length === 0) throw new Error(`no initial scripts in ${join(output, 'index.html')}`);
  let bytes = 0;
  for (const src of sources) bytes += gzipSync(readFileSync(join(output, src.replace(/^\//, ''))), { level: 9 }).length;
  return { bytes, files: sources.length };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function benchTabSize(): string {
  const dir = mkdtempSync(join(tmpdir(), 'supervision-bench-tab-'));
  try {
    const tabOut = join(dir, 'tab');
    const helloOut = join(dir, 'hello');
    build(tabOut);
    build(helloOut, 'tab/bench/hello-world.tsx');
    const tab = initialGzip(tabOut);
    const hello = initialGzip(helloOut);
    const ratio = tab.bytes / hello.bytes;
    return `tab initial JS (gzip): ${kib(tab.bytes)} in ${tab.files} chunks; Fluent v9 hello world: ${kib(hello.bytes)} in ${hello.files} chunks; ratio ${ratio.toFixed(2)}× (target ≤ 1.5×)`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const idris = '00000000-0000-4000-8000-000000000010';

export async function benchMyTeam(): Promise<string> {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) return `My team first render: skipped (no Chromium at ${chromiumPath})`;
  const { ensureTabBuilt } = await import('../../tab/ensure-built.js');
  ensureTabBuilt(root, (line) => process.stdout.write(`${line}\n`));
  const { launch, newPage, startApp } = await import('../e2e/support.js');
  // The demo team manager has 5 supervisees; 35 more make 40 (as test/e2e/performance.e2e.ts).
  const app = await startApp('dudley', { extraSupervisees: 35 });
  const browser = await launch();
  try {
    const { page, context } = await newPage(browser);
    // Warm the bundle cache as a returning user would have it.
    await page.goto(`${app.url}/?as=${idris}#/compliance`);
    await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 30_000 });
    const started = performance.now();
    await page.goto(`${app.url}/?as=${idris}#/team`);
    await page.getByTestId('team-row').first().waitFor({ timeout: 30_000 });
    const elapsed = performance.now() - started;
    const rows = await page.getByRole('table', { name: 'Supervisees' }).getAttribute('aria-rowcount');
    await context.close();
    return `My team first render, ${Number(rows ?? 1) - 1} supervisees: ${Math.round(elapsed)} ms (target < 1500 ms)`;
  } finally {
    await browser.close();
    await app.close();
  }
}
