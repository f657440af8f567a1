/**
 * The tab URLs the manifest declares are served by the real app (tab shell from the built
 * tab's index.html), not just well-formed strings.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { createApp } from '../../../src/server/app.js';
import { loadConfig } from '../../../src/server/config.js';
import { substituted } from './fixtures.js';

let server: Server;
let base: string;
let tabDir: string;
const marker = '<!doctype html><title>tab shell for manifest test</title>';

beforeAll(async () => {
  tabDir = mkdtempSync(join(tmpdir(), 'supervision-tab-'));
  mkdirSync(join(tabDir, 'assets'));
  writeFileSync(join(tabDir, 'index.html'), marker);
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

describe('tab URLs in the manifest', () => {
  const m = substituted();
  const urls = [
    ...m.staticTabs!.flatMap((t) => [t.contentUrl, t.websiteUrl]).filter((u): u is string => Boolean(u)),
    ...m.configurableTabs!.map((t) => t.configurationUrl),
  ];

  it('declares the personal tab, its website URL and the channel tab configuration page', () => {
    expect(urls.map((u) => new URL(u).pathname).sort()).toEqual(['/tab', '/tab', '/tab/config']);
  });

  it.each(urls.map((u) => [new URL(u).pathname]))('%s is served by the app with the tab shell', async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(marker);
  });
});

describe('Outlook add-in icons in the manifest', () => {
  const text = JSON.stringify(substituted());
  const paths = [...new Set([...text.matchAll(/https:\/\/[^"/]+(\/outlook\/icons\/[^"]+)/g)].map((m) => m[1] as string))];

  it('names at least the three ribbon sizes', () => {
    expect(paths.length).toBeGreaterThanOrEqual(3);
  });

  it.each(paths.map((p) => [p]))('%s is served as a PNG', async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
  });
});
