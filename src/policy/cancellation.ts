import type { Pack } from './schema.js';

/**
 * Whether a cancellation reason is one the pack permits: it names one of the pack's reasons,
 * in any case. A bracketed note in the pack's wording ("Exceptional circumstances (state
 * them)") tells the person what to add; it is not part of what they must write. A pack that
 * lists no reasons permits any.
 */
export function reasonPermitted(rules: Pick<Pack['cancellation'], 'permittedReasons'>, reason: string): boolean {
  if (!rules.permittedReasons) return true;
  const given = reason.toLowerCase();
  return rules.permittedReasons.some((permitted) => given.includes(permitted.toLowerCase().replace(/\s*\(.*\)$/, '')));
}
