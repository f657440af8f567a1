/**
 * Building the Teams / Microsoft 365 app package from `manifest/manifest.json`: settings from
 * the environment or `.env`, placeholder substitution, offline validation against the official
 * JSON schema shipped in `@microsoft/app-manifest`, checks the schema cannot express (action
 * ids, URLs on the app's domain, SSO resource, icons), and the zip. `scripts/package.ts` is the
 * command-line front end; tests call these functions directly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { PNG } from 'pngjs';
import { ZipFile } from 'yazl';
import { applicationIdUri } from '../src/server/api/sso.js';

export const settingNames = ['APP_ID', 'BOT_ID', 'APP_DOMAIN'] as const;
export type SettingName = (typeof settingNames)[number];
export type Settings = Record<SettingName, string>;

export interface SettingProblem {
  name: SettingName;
  message: string;
}

const guid = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
/** A public DNS name: at least two labels, letters/digits/hyphens, no scheme, port or path. */
const hostName = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const describe: Record<SettingName, { what: string; example: string }> = {
  APP_ID: {
    what: "the Entra app registration's Application (client) id, a GUID; the same value as CLIENT_ID",
    example: '00000000-0000-0000-0000-000000000000',
  },
  BOT_ID: {
    what: "the Azure Bot resource's Microsoft App id, a GUID (it may equal APP_ID)",
    example: '00000000-0000-0000-0000-000000000000',
  },
  APP_DOMAIN: {
    what: 'the public host name serving the app, without https:// or a path',
    example: 'supervision.example.org',
  },
};

/**
 * A deliberately small `.env` reader: `KEY=VALUE` per line, `#` comments, optional `export `
 * prefix, optional matching quotes around the value. No interpolation, no multi-line values.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '').trim();
    values[match[1]!] = value;
  }
  return values;
}

/**
 * The three settings, the environment winning over `.env`. Every missing or malformed value
 * is reported (not just the first), each with what it should be.
 */
export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
  dotEnv: Readonly<Record<string, string>> = {},
): { settings: Settings; problems: [] } | { settings?: undefined; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const settings = {} as Settings;
  for (const name of settingNames) {
    const fromEnv = env[name]?.trim();
    const value = fromEnv || dotEnv[name]?.trim() || '';
    const source = fromEnv ? 'environment' : '.env';
    const { what, example } = describe[name];
    if (!value) {
      problems.push({ name, message: `${name} is missing: set it, in the environment or in .env, to ${what} (e.g. ${example})` });
      continue;
    }
    const ok = name === 'APP_DOMAIN' ? hostName.test(value) : guid.test(value);
    if (!ok) {
      const hint = name === 'APP_DOMAIN' && /[A-Z]/.test(value) && hostName.test(value.toLowerCase()) ? ' in lower case' : '';
      problems.push({ name, message: `${name} is invalid (${JSON.stringify(value)}, from the ${source}): it must be ${what}${hint} (e.g. ${example})` });
      continue;
    }
    settings[name] = name === 'APP_DOMAIN' ? value : value.toLowerCase();
  }
  return problems.length > 0 ? { problems } : { settings, problems: [] };
}

const placeholderPattern = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Replaces `${{NAME}}` with validated settings (GUIDs and host names need no JSON escaping). */
export function substitute(template: string, settings: Settings): string {
  return template.replace(placeholderPattern, (whole, name: string) =>
    (settingNames as readonly string[]).includes(name) ? settings[name as SettingName] : whole,
  );
}

/** Placeholders left in a text (unknown names, or a template that was never substituted). */
export function remainingPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(placeholderPattern)].map((m) => m[0]))];
}

const require = createRequire(import.meta.url);
// CommonJS packages: under NodeNext the default import is module.exports, the class is .default.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;

/** Where `@microsoft/app-manifest` ships the Teams schemas (one folder per version, v1.0…). */
export function teamsSchemaDir(): string {
  return join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
}

export function officialSchemaPath(manifestVersion: string): string {
  return join(teamsSchemaDir(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

type JsonObject = Record<string, unknown>;

/**
 * Validates against the official schema of the manifest's own `manifestVersion`, read from
 * disk: no network. Returns one line per error, empty when valid.
 */
export function validateAgainstOfficialSchema(manifest: unknown): string[] {
  const version = (manifest as JsonObject | null)?.manifestVersion;
  if (typeof version !== 'string') return ['/manifestVersion is missing'];
  const file = officialSchemaPath(version);
  if (!existsSync(file)) return [`/manifestVersion ${version}: @microsoft/app-manifest ships no schema for this version (looked for ${file})`];
  const schema = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  // The schemas are draft-04 and use keywords ajv's strict mode would complain about.
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
}

function walkStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, `${path}/${i}`, visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, `${path}/${k}`, visit);
}

interface ExtensionShape {
  runtimes?: { id?: string; actions?: { id?: string }[] }[];
  ribbons?: { contexts?: string[]; tabs?: { groups?: { controls?: { id?: string; actionId?: string; items?: { actionId?: string }[] }[] }[] }[] }[];
  autoRunEvents?: { events?: { actionId?: string }[] }[];
}

/** Every ribbon control (and menu item) with the path it sits at. */
export function ribbonControls(manifest: JsonObject): { path: string; id?: string; actionId?: string; contexts: string[] }[] {
  const out: { path: string; id?: string; actionId?: string; contexts: string[] }[] = [];
  const extensions = (manifest.extensions as ExtensionShape[] | undefined) ?? [];
  extensions.forEach((ext, e) =>
    (ext.ribbons ?? []).forEach((ribbon, r) =>
      (ribbon.tabs ?? []).forEach((tab, t) =>
        (tab.groups ?? []).forEach((group, g) =>
          (group.controls ?? []).forEach((control, c) => {
            const path = `/extensions/${e}/ribbons/${r}/tabs/${t}/groups/${g}/controls/${c}`;
            out.push({ path, id: control.id, actionId: control.actionId, contexts: ribbon.contexts ?? [] });
            (control.items ?? []).forEach((item, i) => out.push({ path: `${path}/items/${i}`, actionId: item.actionId, contexts: ribbon.contexts ?? [] }));
          }),
        ),
      ),
    ),
  );
  return out;
}

/**
 * What the schema cannot check: every action id a control or event names exists in a runtime;
 * runtime action ids are unique; every URL is https on APP_DOMAIN (which validDomains lists);
 * the SSO resource is the Application ID URI the server accepts (`api://<APP_DOMAIN>/botid-<BOT_ID>`,
 * the form Teams requires for an app with a bot); no placeholder is left.
 */
export function checkConsistency(manifest: JsonObject, settings: Settings): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(manifest);
  for (const p of remainingPlaceholders(text)) problems.push(`placeholder ${p} was not substituted (known: ${settingNames.join(', ')})`);

  const actions = new Map<string, string>();
  const extensions = (manifest.extensions as ExtensionShape[] | undefined) ?? [];
  extensions.forEach((ext, e) =>
    (ext.runtimes ?? []).forEach((runtime, r) =>
      (runtime.actions ?? []).forEach((action, a) => {
        const path = `/extensions/${e}/runtimes/${r}/actions/${a}`;
        if (!action.id) return;
        if (actions.has(action.id)) problems.push(`${path}: action id "${action.id}" is also defined at ${actions.get(action.id)}`);
        else actions.set(action.id, path);
      }),
    ),
  );
  for (const control of ribbonControls(manifest)) {
    if (control.actionId !== undefined && !actions.has(control.actionId)) problems.push(`${control.path}: actionId "${control.actionId}" is not an action of any runtime`);
  }
  extensions.forEach((ext, e) =>
    (ext.autoRunEvents ?? []).forEach((group, g) =>
      (group.events ?? []).forEach((event, i) => {
        if (event.actionId && !actions.has(event.actionId)) problems.push(`/extensions/${e}/autoRunEvents/${g}/events/${i}: actionId "${event.actionId}" is not an action of any runtime`);
      }),
    ),
  );

  const validDomains = (manifest.validDomains as string[] | undefined) ?? [];
  if (!validDomains.includes(settings.APP_DOMAIN)) problems.push(`/validDomains must include ${settings.APP_DOMAIN}`);
  walkStrings(manifest, '', (value, path) => {
    if (path === '/$schema' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${path}: ${value} is not a valid URL`);
      return;
    }
    if (url.protocol === 'api:') return;
    if (url.protocol !== 'https:') problems.push(`${path}: ${value} must use https`);
    else if (url.host !== settings.APP_DOMAIN) problems.push(`${path}: ${value} is not on APP_DOMAIN (${settings.APP_DOMAIN})`);
  });

  const sso = manifest.webApplicationInfo as { id?: string; resource?: string } | undefined;
  const resource = applicationIdUri(settings.APP_DOMAIN, settings.BOT_ID);
  if (sso?.id !== settings.APP_ID) problems.push(`/webApplicationInfo/id must be APP_ID (${settings.APP_ID})`);
  if (sso?.resource !== resource) problems.push(`/webApplicationInfo/resource must be ${resource}, the Application ID URI the server accepts`);
  return problems;
}

export interface IconFiles {
  color: Buffer;
  outline: Buffer;
}

function readPng(name: string, data: Buffer): ReturnType<typeof PNG.sync.read> | string {
  try {
    return PNG.sync.read(data);
  } catch (error) {
    return `${name} is not a readable PNG (${(error as Error).message})`;
  }
}

/**
 * Teams' icon rules: colour 192×192; outline 32×32, white on a transparent background (every
 * visible pixel pure white, the corners and some of the canvas fully transparent).
 */
export function checkIcons(files: IconFiles): string[] {
  const problems: string[] = [];
  const color = readPng('color.png', files.color);
  if (typeof color === 'string') problems.push(color);
  else if (color.width !== 192 || color.height !== 192) problems.push(`color.png is ${color.width}×${color.height}; it must be 192×192`);

  const outline = readPng('outline.png', files.outline);
  if (typeof outline === 'string') problems.push(outline);
  else {
    if (outline.width !== 32 || outline.height !== 32) problems.push(`outline.png is ${outline.width}×${outline.height}; it must be 32×32`);
    if (!outline.alpha) problems.push('outline.png has no alpha channel; it must be white on a transparent background');
    else {
      let transparent = 0;
      let visible = 0;
      let coloured = 0;
      const { data, width, height } = outline;
      for (let i = 0; i < width * height; i++) {
        const [r, g, b, a] = [data[i * 4]!, data[i * 4 + 1]!, data[i * 4 + 2]!, data[i * 4 + 3]!];
        if (a === 0) transparent++;
        else {
          visible++;
          if (r !== 255 || g !== 255 || b !== 255) coloured++;
        }
      }
      const corners = [0, width - 1, (height - 1) * width, height * width - 1].every((i) => data[i * 4 + 3] === 0);
      if (coloured > 0) problems.push(`outline.png has ${coloured} visible pixel(s) that are not white; the outline icon must be white only`);
      if (visible === 0) problems.push('outline.png is fully transparent');
      if (transparent === 0 || !corners) problems.push('outline.png must have a transparent background (its corners are not transparent)');
    }
  }
  return problems;
}

/** The files at the zip root, in this order. */
export const packageEntries = ['manifest.json', 'color.png', 'outline.png'] as const;

/** A zip of the given files at the root, with a fixed timestamp so equal inputs give equal bytes. */
export function zip(entries: readonly { name: string; data: Buffer }[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const file = new ZipFile();
    const chunks: Buffer[] = [];
    file.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.outputStream.on('error', reject);
    file.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    const mtime = new Date(Date.UTC(2020, 0, 1));
    for (const entry of entries) file.addBuffer(entry.data, entry.name, { mtime, mode: 0o100644 });
    file.end();
  });
}

export interface BuildResult {
  /** Empty when the package is valid; otherwise nothing should be written. */
  problems: string[];
  manifest?: JsonObject;
  zip?: Buffer;
}

/** Substitutes, validates and zips. Writes nothing: the caller decides where the zip goes. */
export async function buildPackage(settings: Settings, manifestDir: string): Promise<BuildResult> {
  const templatePath = join(manifestDir, 'manifest.json');
  const text = substitute(readFileSync(templatePath, 'utf8'), settings);
  let manifest: JsonObject;
  try {
    manifest = JSON.parse(text) as JsonObject;
  } catch (error) {
    return { problems: [`${templatePath} is not valid JSON after substitution: ${(error as Error).message}`] };
  }
  const problems = [
    ...validateAgainstOfficialSchema(manifest).map((p) => `schema v${String(manifest.manifestVersion)}: ${p}`),
    ...checkConsistency(manifest, settings),
  ];
  const schemaUrl = String(manifest.$schema ?? '');
  if (!schemaUrl.includes(`/v${String(manifest.manifestVersion)}/`)) problems.push(`/$schema (${schemaUrl}) does not name manifestVersion ${String(manifest.manifestVersion)}`);

  const icons = manifest.icons as { color?: string; outline?: string } | undefined;
  if (icons?.color !== 'color.png' || icons.outline !== 'outline.png') problems.push('/icons must name color.png and outline.png (the files packaged at the zip root)');
  const missing = ['color.png', 'outline.png'].filter((f) => !existsSync(join(manifestDir, f)));
  if (missing.length) problems.push(`missing ${missing.join(' and ')} in ${manifestDir}: run node --import tsx manifest/make-icons.ts`);
  else problems.push(...checkIcons({ color: readFileSync(join(manifestDir, 'color.png')), outline: readFileSync(join(manifestDir, 'outline.png')) }));
  if (problems.length) return { problems, manifest };

  const data = await zip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'color.png', data: readFileSync(join(manifestDir, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(manifestDir, 'outline.png')) },
  ]);
  return { problems: [], manifest, zip: data };
}
