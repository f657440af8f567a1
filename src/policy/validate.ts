import { packSchema, type Pack, type Source } from './schema.js';

export interface PackIssue {
  /** JSON path of the offending value, e.g. `roles[3].streams[0].phases[1].frequency`. */
  path: string;
  message: string;
}

export type PackValidation = { ok: true; pack: Pack } | { ok: false; issues: PackIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates untrusted JSON as a pack; issues name the JSON path of each problem. */
export function validatePack(json: unknown): PackValidation {
  const result = packSchema.safeParse(json);
  if (result.success) return { ok: true, pack: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** Every `source` object in a pack with the JSON path where it stands. */
export function collectSources(value: unknown, path: (string | number)[] = []): { path: string; source: Source }[] {
  const found: { path: string; source: Source }[] = [];
  const visit = (node: unknown, at: (string | number)[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...at, i]));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      const isSource =
        /source$/i.test(key) && child !== null && typeof child === 'object' && ('quote' in child || 'productDefault' in child);
      if (isSource) found.push({ path: formatPath([...at, key]), source: child as Source });
      else visit(child, [...at, key]);
    }
  };
  visit(value, path);
  return found;
}

/** Normalises text so a quote matches the seed despite line breaks, curly quotes or dashes. */
export function normaliseForQuote(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\*\*|<\/?[a-z]+>|\[bookmark:[^\]]*\]/gi, ' ')
    .replace(/[·•]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Quotes in the pack that do not appear in the seed text. */
export function unquotedSources(pack: Pack, seedText: string): { path: string; quote: string }[] {
  const haystack = normaliseForQuote(seedText);
  return collectSources(pack)
    .flatMap(({ path, source }) => ('quote' in source ? [{ path, quote: source.quote, file: source.file }] : []))
    .filter(({ quote, file }) => file !== pack.seed.file || !haystack.includes(normaliseForQuote(quote)))
    .map(({ path, quote }) => ({ path, quote }));
}
