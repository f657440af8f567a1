/**
 * Builds the app package (`manifest/build/appPackage.zip`): manifest.json with APP_ID, BOT_ID
 * and APP_DOMAIN substituted, color.png and outline.png, all at the zip root. The manifest is
 * validated offline against the official schema for its manifestVersion before anything is
 * written.
 *
 * Usage: npm run package [-- --dotenv <path> --out <zip path>]
 *        node --import tsx scripts/package.ts [--dotenv <path>] [--out <zip path>]
 *
 * Settings come from the environment, then from `.env` in the repository root (or --dotenv).
 * (The option is not called --env-file because Node 20 claims that name wherever it appears.)
 * Exit status: 0 written; 1 the manifest or icons are invalid; 2 a setting or argument is
 * missing or malformed (one line on stderr per problem, naming it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage, packageEntries, parseDotEnv, readSettings } from '../manifest/packaging.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = join(root, 'manifest');

function fail(code: number, lines: readonly string[]): never {
  for (const line of lines) process.stderr.write(`package: ${line}\n`);
  process.exit(code);
}

function parseArgs(argv: readonly string[]): { dotenvFile: string; dotenvExplicit: boolean; out: string } {
  let dotenvFile: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (!v) fail(2, [`${flag} needs a value`]);
      return v;
    };
    if (flag === '--dotenv') dotenvFile = resolve(value());
    else if (flag === '--out') out = resolve(value());
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write('usage: node --import tsx scripts/package.ts [--dotenv <path>] [--out <zip path>]\n');
      process.exit(0);
    } else fail(2, [`unknown argument ${arg} (expected --dotenv <path> or --out <zip path>)`]);
  }
  return { dotenvFile: dotenvFile ?? join(root, '.env'), dotenvExplicit: dotenvFile !== undefined, out: out ?? join(manifestDir, 'build', 'appPackage.zip') };
}

const args = parseArgs(process.argv.slice(2));
let dotEnv: Record<string, string> = {};
if (existsSync(args.dotenvFile)) dotEnv = parseDotEnv(readFileSync(args.dotenvFile, 'utf8'));
else if (args.dotenvExplicit) fail(2, [`--dotenv ${args.dotenvFile} does not exist`]);

const read = readSettings(process.env, dotEnv);
if (!read.settings) fail(2, read.problems.map((p) => p.message));

const result = await buildPackage(read.settings, manifestDir);
if (!result.zip) fail(1, ['the manifest is not valid; nothing was written:', ...result.problems.map((p) => `  ${p}`)]);

mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, result.zip);
const shown = relative(process.cwd(), args.out) || args.out;
process.stdout.write(
  `wrote ${shown} (${packageEntries.join(', ')}; manifest v${String(result.manifest?.manifestVersion)} valid against the official schema) for https://${read.settings.APP_DOMAIN}\n`,
);
