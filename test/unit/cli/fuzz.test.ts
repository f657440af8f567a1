/**
 * Issue 8 §3, hostile input for the CLI and for policy files. Every command gets random
 * argument sets built from every option any command knows, valid-looking and broken values,
 * and stray words; the Graph it may reach is a stub that answers 404, so nothing leaves the
 * machine. Policy files are the bundled packs with one value somewhere replaced by random JSON.
 * Expected: an exit code with one message, never an "internal error" or an exception; a pack
 * either fails with issues that name their JSON path or plans every role without crashing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSupervisionError } from '../../../src/errors.js';
import { commands, main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { allPacks } from '../../../src/policy/packs.js';
import { validatePack } from '../../../src/policy/validate.js';
import { plan } from '../../../src/schedule/plan.js';

let graphStub: Server;
let port: number;
let cwd: string;

beforeAll(async () => {
  graphStub = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'itemNotFound', message: 'not here' } }));
  });
  await new Promise<void>((resolve) => graphStub.listen(0, '127.0.0.1', resolve));
  port = (graphStub.address() as AddressInfo).port;
  cwd = mkdtempSync(join(tmpdir(), 'supervision-cli-fuzz-'));
  writeFileSync(join(cwd, 'history.json'), '{"staff":[{"id":1}]}');
  writeFileSync(join(cwd, 'not-json.json'), '{"staff":');
});
afterAll(async () => {
  await new Promise((resolve) => graphStub.close(resolve));
  rmSync(cwd, { recursive: true, force: true });
});

// Options that write files are left out: the fuzzer must not be able to overwrite anything.
const writing = new Set(['--write', '--out', '--apply']);
const options = [...new Set(commands.flatMap((c) => c.usage.match(/--[a-z][a-z-]*/g) ?? []))].filter((o) => !writing.has(o));
const values = fc.oneof(
  fc.constantFrom('dudley', 'bristol', 'nowhere', 'asye', 'social-worker', '2027-01-04', '2027-02-30', '2027-01-04T09:00:00Z', 'yesterday', '10:00', '24:00', 'mon', 'sun', 'history.json', 'not-json.json', 'missing.json', '../../etc/passwd', "o'brien@wrenfield.example", 'idris.penhallow@wrenfield.example', '-1', ''),
  fc.string({ maxLength: 20 }),
);
const token = fc.oneof(fc.constantFrom(...options), values, fc.constantFrom('-x', '--', '--json=yes'));

/**
 * A working argument set per command; the fuzzer breaks it a little (a value replaced, an
 * option dropped, junk added) so many cases get past parsing into the commands themselves.
 */
const validArguments: Record<string, string[]> = {
  roles: ['--org', 'dudley'],
  plan: ['--org', 'dudley', '--role', 'asye', '--start', '2027-01-04'],
  compliance: ['--org', 'dudley', '--input', 'history.json', '--as-of', '2027-01-04'],
  book: ['--org', 'dudley', '--role', 'asye', '--supervisor', 'idris.penhallow@wrenfield.example', '--supervisee', 'orla.fenwright@wrenfield.example', '--start', '2027-01-04'],
  prompts: ['--as-of', '2027-01-04T09:00:00Z'],
};
type Edit = (args: string[]) => string[];
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), values).map(([i, value]): Edit => (args) => args.map((a, j) => (args.length > 0 && j === i % args.length ? value : a))),
  fc.nat().map((i): Edit => (args) => args.filter((_, j) => args.length === 0 || j !== i % args.length)),
  fc.array(token, { minLength: 1, maxLength: 3 }).map((extra): Edit => (args) => [...args, ...extra]),
);

async function run(argv: string[]): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const io: CliIo = { out: () => {}, err: (text) => err.push(text), env: { PORT: String(port), SUPERVISION_DATA_DIR: cwd }, cwd };
  const code = await main(argv, io);
  return { code, err };
}

describe('every CLI command under hostile arguments', () => {
  it('collects the options to fuzz from the commands themselves', () => {
    expect(options).toEqual(expect.arrayContaining(['--org', '--role', '--start', '--as-of', '--input', '--graph-url']));
  });

  it('ends with an exit code and a message, never an internal error', async () => {
    const paths = commands.map((c) => [...c.path]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.array(edit, { maxLength: 4 }), async (path, edits) => {
        const argv = [...path, ...edits.reduce((args, change) => change(args), validArguments[path.join(' ')] ?? [])];
        // A --graph-url value other than the stub could leave the machine: pin it.
        const pinned = argv.map((t, i) => (argv[i - 1] === '--graph-url' ? `http://127.0.0.1:${port}/graph/v1.0` : t));
        const { code, err } = await run(pinned);
        const label = `${pinned.join(' ')} -> ${code} ${err.join(' | ')}`;
        expect([0, 1, 2], label).toContain(code);
        expect(err.join('\n'), label).not.toMatch(/internal error/);
        if (code !== 0) expect(err.join('').trim().length, label).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('names the option in error for an invalid value or a missing one', async () => {
    const invalid = await run(['plan', '--org', 'dudley', '--role', 'asye', '--start', '2027-02-30']);
    expect(invalid.code).toBe(2);
    expect(invalid.err.join('')).toContain('--start');
    const missing = await run(['plan', '--org', 'dudley', '--start', '2027-01-04']);
    expect(missing.code).toBe(2);
    expect(missing.err.join('')).toContain('--role');
  });
});

/** Every JSON path in a value, to pick one to break. */
function jsonPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, i) => jsonPaths(item, [...path, i]))];
  if (value !== null && typeof value === 'object') return [path, ...Object.entries(value).flatMap(([k, v]) => jsonPaths(v, [...path, k]))];
  return [path];
}

function replaced(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaced(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head as string]: replaced(record[head as string], rest, replacement) };
}

describe('policy files with one value broken', () => {
  const packs = allPacks().map((pack) => ({ pack, paths: jsonPaths(pack) }));

  it('are refused with issues that name a JSON path, or plan every role without crashing', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 2 }), (p, q, replacement) => {
        const { pack, paths } = packs[p % packs.length]!;
        const target = paths[q % paths.length]!;
        const broken = replaced(pack, target, replacement);
        const result = validatePack(broken);
        if (!result.ok) {
          refused += 1;
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(issue.path.length).toBeGreaterThan(0);
            expect(issue.message.length).toBeGreaterThan(0);
          }
          return;
        }
        for (const role of result.pack.roles) {
          try {
            plan(result.pack, role.id, '2027-01-04', { until: '2027-06-30' });
          } catch (error) {
            // A valid pack may still describe a role the planner cannot plan without facts
            // (e.g. a condition); that must be a named, expected error, not a crash.
            expect(isSupervisionError(error), `${target.join('.')} -> ${String(error)}`).toBe(true);
          }
        }
      }),
      { numRuns: 400 },
    );
    // Most single-value breaks must be caught by the schema, or the property says little.
    expect(refused).toBeGreaterThan(100);
  });
});
