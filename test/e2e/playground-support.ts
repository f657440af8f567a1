/**
 * Microsoft 365 Agents Playground for the browser tests: the devDependency's own CLI, started
 * the way `npm run playground` starts it (loopback only, our people and conversations), but on a
 * port of its own and pointed at the test app's /api/messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createPromptsCommand } from '../../src/cli/commands/prompts.js';
import type { RunningApp } from './support.js';

const require = createRequire(import.meta.url);
const playgroundDir = fileURLToPath(new URL('../../bot/playground/', import.meta.url));
const cli = join(require.resolve('@microsoft/m365agentsplayground/package.json'), '..', 'cli.js');

export interface RunningPlayground {
  /** The Playground's web UI; its mocked connector (the bot's serviceUrl) is under /_connector. */
  url: string;
  /** Everything the Playground printed, for the failure message when it does not come up. */
  output(): string;
  close(): Promise<void>;
}

/**
 * Port 0 lets the OS choose: the Playground passes it to listen() and prints the port it got
 * ("Listening on N"), which is also the port of the connector it tells the bot about.
 */
export async function startPlayground(app: Pick<RunningApp, 'url'>): Promise<RunningPlayground> {
  const logDir = mkdtempSync(join(tmpdir(), 'supervision-playground-'));
  const child = spawn(process.execPath, [cli, '-e', `${app.url}/api/messages`, '-c', 'msteams', '--disable-telemetry', '-p', '0'], {
    cwd: logDir,
    env: {
      ...process.env,
      NODE_OPTIONS: `--import=${join(playgroundDir, 'loopback.mjs')}`,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(playgroundDir, 'm365agentsplayground.yml'),
      M365_AGENTS_PLAYGROUND_LOGFILE: join(logDir, 'playground.log'),
      TEAMSAPPTESTER_BROWSER: 'none',
    },
    // Its own process group, so closing it ends whatever it started too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const close = async () => {
    await stop(child);
    rmSync(logDir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Playground did not start within 60 s:\n${output}`)), 60_000);
      const check = () => {
        const match = /Listening on (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the Playground exited (${code}):\n${output}`));
      });
    });
    return { url: `http://127.0.0.1:${port}`, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

export interface PromptsRun {
  done: number;
  failed: number;
  outcomes: { key: string; status: string; reason?: string }[];
}

/**
 * `supervision prompts --as-of <asOf> --json` against the running app, as an operator would run
 * it: the CLI's own runtime (Graph through the app's embedded service, the clock at `asOf`) on
 * the app's data directory, so it shares the server's job table and conversation references.
 */
export async function runPrompts(app: Pick<RunningApp, 'url' | 'dataDir'>, org: string, asOf: Date): Promise<PromptsRun> {
  let out = '';
  let err = '';
  const code = await createPromptsCommand().run(['--as-of', asOf.toISOString(), '--json'], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: { PORT: new URL(app.url).port, SUPERVISION_ORG: org, SUPERVISION_DATA_DIR: app.dataDir },
    cwd: process.cwd(),
  });
  if (!out) throw new Error(`supervision prompts printed nothing (exit ${code}): ${err}`);
  return JSON.parse(out) as PromptsRun;
}

/** People and ids from bot/playground/m365agentsplayground.yml that the tests act as. */
export const playgroundPeople = {
  tenantId: '00000000-0000-4000-8000-0000000000aa',
  bot: { id: '00000000-0000-4000-8000-0000000000b0', name: 'Supervision' },
  ewan: { id: 'user-ewan', name: 'Ewan Castellane', aadObjectId: '00000000-0000-4000-8000-000000000103' },
  priya: { id: 'user-priya', name: 'Priya Lockhart-Mbeki', aadObjectId: '00000000-0000-4000-8000-000000000102' },
} as const;

/**
 * Sends an activity through the Playground's "Mock an Activity" → "Custom activity" editor,
 * the Playground's way to act as someone other than its signed-in user. The envelope the
 * Playground would add itself (ids, channel, its connector as serviceUrl, the bot as recipient)
 * is filled in here.
 */
export async function sendCustomActivity(page: Page, playground: Pick<RunningPlayground, 'url'>, activity: Record<string, unknown>): Promise<void> {
  const full = {
    id: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: `http://localhost:${new URL(playground.url).port}/_connector`,
    recipient: playgroundPeople.bot,
    channelData: { tenant: { id: playgroundPeople.tenantId } },
    ...activity,
  };
  await page.getByRole('button', { name: 'Mock an Activity' }).click();
  await page.getByRole('menuitem', { name: 'Custom activity' }).click();
  const dialog = page.getByRole('dialog', { name: 'Custom activity' });
  const editor = dialog.getByRole('textbox', { name: /^Editor content/ });
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText, not typing: the editor would add closing brackets and quotes to typed JSON.
  await page.keyboard.insertText(JSON.stringify(full));
  await dialog.getByRole('button', { name: 'Send activity' }).click();
  await dialog.waitFor({ state: 'hidden' });
}
