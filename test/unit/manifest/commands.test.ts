/**
 * Every bot command the manifest lists is one the bot code handles, and every action id the
 * Outlook extension names resolves: ribbon controls to a declared runtime action, and each
 * runtime's page to the task pane the app builds (webpack entry) and serves.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpCard } from '../../../bot/cards/personal-cards.js';
import { parseStart } from '../../../bot/circles.js';
import { commandNames, commandOf } from '../../../bot/personal.js';
import { silentLogger } from '../../../src/logger.js';
import { createApp } from '../../../src/server/app.js';
import { loadConfig } from '../../../src/server/config.js';
import { root, substituted } from './fixtures.js';

const manifest = substituted();
const commandLists = manifest.bots!.flatMap((b) => b.commandLists ?? []);
const titlesFor = (scope: string) => commandLists.filter((l) => (l.scopes as string[]).includes(scope)).flatMap((l) => l.commands.map((c) => c.title));

describe('bot commands in the manifest', () => {
  const personal = titlesFor('personal');
  const team = titlesFor('team');

  it('lists commands for both the personal and the team scope', () => {
    expect(personal.length).toBeGreaterThan(0);
    expect(team.length).toBeGreaterThan(0);
  });

  it.each(personal.map((t) => [t]))('personal "%s" is a command the 1:1 chat handles', (title) => {
    expect(commandNames as readonly string[]).toContain(title);
    expect(commandOf(title)).toBe(title);
    // As Teams sends it from the command menu, with a slash or in capitals.
    expect(commandOf(`/${title}`)).toBe(title);
    expect(commandOf(title.toUpperCase())).toBe(title);
  });

  it('lists every command the 1:1 chat handles, and the help card names them all', () => {
    expect([...personal].sort()).toEqual([...commandNames].sort());
    const help = JSON.stringify(helpCard('personal', 'https://supervision.example.org'));
    for (const name of commandNames) expect(help).toContain(`"${name}"`);
  });

  it.each(team.filter((t) => t !== 'help').map((t) => [t]))('team "%s" starts that circle', (title) => {
    const parsed = parseStart(title);
    expect(parsed).toEqual({ kind: title.split(' ')[0] });
    expect(parseStart(`${title} LCS-123456`)).toEqual({ kind: title.split(' ')[0], caseRef: 'LCS-123456' });
  });

  it('team "help" is answered with the channel help card, which names the circle commands', () => {
    expect(team).toContain('help');
    // The channel handler answers anything that does not start a circle with the help card.
    expect(parseStart('help')).toBeUndefined();
    const help = JSON.stringify(helpCard('channel', 'https://supervision.example.org'));
    for (const title of team.filter((t) => t !== 'help')) expect(help).toContain(title);
  });
});

describe('Outlook extension action ids', () => {
  const extensions = manifest.extensions ?? [];
  const runtimes = extensions.flatMap((e) => e.runtimes ?? []);
  const actions = runtimes.flatMap((r) => (r.actions ?? []).map((a) => ({ id: a.id, runtime: r })));
  const controls = extensions.flatMap((e) => (e.ribbons ?? []).flatMap((r) => r.tabs.flatMap((t) => (t.groups ?? []).flatMap((g) => g.controls ?? []))));

  it('declares actions, and their ids are unique', () => {
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
  });

  it.each(controls.map((c) => [c.id, c.actionId]))('ribbon control %s runs a declared action (%s)', (_id, actionId) => {
    expect(actions.map((a) => a.id)).toContain(actionId);
  });

  it('every declared action is on the ribbon', () => {
    for (const action of actions) expect(controls.map((c) => c.actionId)).toContain(action.id);
  });

  describe('runtime pages', () => {
    let server: Server;
    let base: string;
    let tabDir: string;

    beforeAll(async () => {
      tabDir = mkdtempSync(join(tmpdir(), 'supervision-pane-'));
      mkdirSync(join(tabDir, 'outlook'), { recursive: true });
      writeFileSync(join(tabDir, 'index.html'), '<!doctype html><title>tab</title>');
      writeFileSync(join(tabDir, 'outlook', 'taskpane.html'), '<!doctype html><meta name=supervision-config content={}><title>task pane for manifest test</title>');
      const app = createApp({ config: loadConfig({}), logger: silentLogger, tabDir });
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(tabDir, { recursive: true, force: true });
    });

    it.each(actions.map((a) => [a.id, new URL(a.runtime.code.page).pathname]))('%s opens %s, which the app serves with Office.js allowed', async (_id, path) => {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self' https:\/\/appsforoffice\.microsoft\.com/);
      const html = await response.text();
      expect(html).toContain('task pane for manifest test');
      expect(html).toContain('<meta name="supervision-config" content="{&quot;mode&quot;:&quot;local&quot;}" />');
    });

    it.each(actions.map((a) => [new URL(a.runtime.code.page).pathname]))('%s is built by webpack from the task pane entry', (path) => {
      const require = createRequire(import.meta.url);
      const factory = require(join(root, 'webpack.config.cjs')) as (env: unknown, argv: { mode: string }) => { entry: Record<string, string>; plugins: { filename?: string; entry?: string; template?: string }[] };
      const config = factory({}, { mode: 'production' });
      const page = config.plugins.find((p) => `/${p.filename}` === path);
      expect(page?.entry).toBe('taskpane');
      expect(config.entry.taskpane).toBe(join(root, 'tab', 'outlook', 'main.tsx'));
      expect(page?.template).toBe(join(root, 'tab', 'outlook', 'taskpane.html'));
    });
  });
});
