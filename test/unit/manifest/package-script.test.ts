/**
 * `scripts/package.ts` as an operator runs it: a child process (`node --import tsx`), settings
 * from the environment and a `.env` file, the zip on disk.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDotEnv, readSettings, settingNames, validateAgainstOfficialSchema } from '../../../manifest/packaging.js';
import { readZip } from '../../../src/local-graph/zip.js';
import { manifestDir, root, settings, type Manifest } from './fixtures.js';

const run = promisify(execFile);
const script = join(root, 'scripts', 'package.ts');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'supervision-package-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The parent's environment without any of the three settings, plus `env`. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of settingNames) delete clean[name];
  return { ...clean, ...env };
}

async function packageApp(options: { env?: Record<string, string>; dotEnv?: string; name: string }) {
  const dotenvFile = join(dir, `${options.name}.env`);
  writeFileSync(dotenvFile, options.dotEnv ?? '');
  const out = join(dir, `${options.name}.zip`);
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, '--dotenv', dotenvFile, '--out', out], {
      cwd: root,
      env: environment(options.env ?? {}),
    });
    return { code: 0, stdout, stderr, out };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', out };
  }
}

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('npm run package: settings', () => {
  it('exits 2 with one line naming each missing setting, and writes nothing', async () => {
    const result = await packageApp({ name: 'none' });
    expect(result.code).toBe(2);
    const errors = lines(result.stderr);
    expect(errors).toHaveLength(3);
    for (const [i, name] of settingNames.entries()) expect(errors[i]).toMatch(new RegExp(`^package: ${name} is missing: `));
    expect(existsSync(result.out)).toBe(false);
  });

  it('names only the setting that is missing', async () => {
    const result = await packageApp({ name: 'no-bot', env: { APP_ID: settings.APP_ID, APP_DOMAIN: settings.APP_DOMAIN } });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^package: BOT_ID is missing: .*GUID/)]);
  });

  it('names malformed settings: ids must be GUIDs, APP_DOMAIN a bare host name', async () => {
    const result = await packageApp({
      name: 'bad',
      env: { APP_ID: 'not-a-guid', BOT_ID: settings.BOT_ID },
      dotEnv: 'APP_DOMAIN=https://supervision.example.org/\n',
    });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^package: APP_ID is invalid \("not-a-guid", from the environment\): it must be .*GUID/),
      expect.stringMatching(/^package: APP_DOMAIN is invalid \("https:\/\/supervision\.example\.org\/", from the \.env\): .*without https:\/\//),
    ]);
  });

  it('exits 2 when an --dotenv named explicitly does not exist', async () => {
    const missing = join(dir, 'does-not-exist.env');
    await expect(run(process.execPath, ['--import', 'tsx', script, '--dotenv', missing], { cwd: root, env: environment({}) })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`--dotenv ${missing} does not exist`),
    });
  });
});

describe('npm run package: the app package', () => {
  let result: Awaited<ReturnType<typeof packageApp>>;
  let files: Map<string, Buffer>;
  let manifest: Manifest;

  beforeAll(async () => {
    // APP_DOMAIN from the environment wins over .env; the ids come from .env.
    result = await packageApp({
      name: 'ok',
      env: { APP_DOMAIN: settings.APP_DOMAIN },
      dotEnv: [
        '# tenant settings',
        `APP_ID=${settings.APP_ID}`,
        `export BOT_ID="${settings.BOT_ID}"`,
        'APP_DOMAIN=ignored.example.net',
        '',
      ].join('\n'),
    });
    if (result.code === 0) {
      files = readZip(readFileSync(result.out));
      manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
    }
  });

  it('succeeds and says where it wrote the zip', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*ok\.zip .*valid against the official schema/);
  });

  it('contains exactly manifest.json, color.png and outline.png at the root', () => {
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(files.get('color.png')!.equals(readFileSync(join(manifestDir, 'color.png')))).toBe(true);
    expect(files.get('outline.png')!.equals(readFileSync(join(manifestDir, 'outline.png')))).toBe(true);
  });

  it('has the settings substituted, no placeholder left, and validates against the official schema offline', () => {
    const text = files.get('manifest.json')!.toString('utf8');
    expect(text).not.toContain('${{');
    expect(text).not.toContain('ignored.example.net');
    expect(manifest.id).toBe(settings.APP_ID);
    expect(manifest.bots![0]!.botId).toBe(settings.BOT_ID);
    expect(manifest.staticTabs![0]!.contentUrl).toBe(`https://${settings.APP_DOMAIN}/tab`);
    expect(validateAgainstOfficialSchema(manifest)).toEqual([]);
  });

  it('is byte-for-byte reproducible', async () => {
    const again = await packageApp({ name: 'again', env: { ...settings } });
    expect(again.code).toBe(0);
    expect(readFileSync(again.out).equals(readFileSync(result.out))).toBe(true);
  });
});

describe('.env parsing and precedence', () => {
  it('reads KEY=VALUE lines, ignoring comments and blank lines, unquoting values', () => {
    expect(parseDotEnv('# c\n\nA=1\nexport B = "two words"\nC=\'3\'\nD=4 # trailing\nnot a line\n')).toEqual({ A: '1', B: 'two words', C: '3', D: '4' });
  });

  it('prefers the environment, and lower-cases GUIDs', () => {
    const read = readSettings({ APP_ID: settings.APP_ID.toUpperCase() }, { APP_ID: 'x', BOT_ID: settings.BOT_ID, APP_DOMAIN: settings.APP_DOMAIN });
    expect(read.settings).toEqual(settings);
  });

  it('asks for a lower-case APP_DOMAIN, which must match the Application ID URI exactly', () => {
    const read = readSettings({ ...settings, APP_DOMAIN: 'Supervision.Example.org' });
    expect(read.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^APP_DOMAIN is invalid .* in lower case/)]);
  });

  it('rejects ports, paths and single-label hosts', () => {
    for (const domain of ['supervision.example.org:8443', 'supervision.example.org/app', 'localhost', 'supervision example.org']) {
      expect(readSettings({ ...settings, APP_DOMAIN: domain }).problems, domain).toHaveLength(1);
    }
  });
});
