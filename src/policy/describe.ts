import { describeFrequency } from './frequency.js';
import type { Offset, Pack, Phase, Source } from './schema.js';

/** "file § section" for seed rules, "product default" otherwise: short enough for a table cell. */
export function sourceRef(source: Source): string {
  return 'file' in source ? `${source.file} § ${source.section}` : 'product default';
}

/** The words behind a rule, for people asking "why is this due?". */
export function sourceText(source: Source): string {
  return 'file' in source ? `${source.section}: “${source.quote}”` : `Product default: ${source.productDefault}`;
}

function offsetText(offset: Offset): string {
  if ('weeks' in offset) return offset.weeks === 1 ? '1 week' : `${offset.weeks} weeks`;
  return offset.months === 1 ? '1 month' : `${offset.months} months`;
}

/** "every week to 6 weeks, then every 2 weeks to 6 months, then at least once every calendar month" */
export function cadenceSummary(phases: readonly Pick<Phase, 'frequency' | 'until'>[]): string {
  return phases
    .map((phase) => (phase.until === null ? describeFrequency(phase.frequency) : `${describeFrequency(phase.frequency)} to ${offsetText(phase.until)}`))
    .join(', then ');
}

export function packSummary(pack: Pack): { id: string; name: string; roles: number; seed: string } {
  return { id: pack.id, name: pack.name, roles: pack.roles.length, seed: pack.seed.file };
}
