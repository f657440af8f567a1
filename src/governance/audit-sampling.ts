/**
 * Audit sampling: a service manager draws a random sample of records for a period at the
 * pack's audit rhythm (Northumberland twice a year, Bristol quarterly, Dudley annually). The
 * draw is seeded, so the same seed gives the same sample: an auditor can show how it was drawn.
 */
import { addMonths, toCivil, toDay, type CivilDate } from '../calendar/civil.js';
import type { Pack } from '../policy/schema.js';

export interface AuditRhythm {
  reviewId: string;
  months: number;
  notifySuperviseeBeforehand: boolean;
}

/** The pack's periodic review that audits records, or null when the pack names none. */
export function auditRhythm(pack: Pack): AuditRhythm | null {
  const reviews = pack.periodicReviews ?? [];
  const audit = reviews.find((r) => /audit/i.test(r.id) || /audit/i.test(r.label)) ?? reviews.find((r) => /quality/i.test(r.id) || /quality/i.test(r.label));
  if (!audit || !('months' in audit.every)) return null;
  return { reviewId: audit.id, months: audit.every.months, notifySuperviseeBeforehand: audit.notifySuperviseeBeforehand ?? false };
}

/** The audit period holding `asOf`: periods of `months` from 1 January ([from, to)). */
export function auditPeriod(rhythm: AuditRhythm, asOf: CivilDate): { from: CivilDate; to: CivilDate } {
  const year = Number(asOf.slice(0, 4));
  const month = Number(asOf.slice(5, 7)) - 1;
  const index = Math.floor(month / rhythm.months);
  const from = addMonths(toDay(`${year}-01-01`), index * rhythm.months);
  return { from: toCivil(from), to: toCivil(addMonths(from, rhythm.months)) };
}

/** mulberry32: small, fast, good enough to shuffle; deterministic per seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Sampleable {
  id: string;
  /** The date the record is about (session date); sampled when inside the period. */
  date: CivilDate;
}

/** `size` records dated in [from, to), drawn without replacement; stable for a seed. */
export function drawSample<T extends Sampleable>(records: readonly T[], options: { from: CivilDate; to: CivilDate; size: number; seed: number }): T[] {
  // Sorted first so the draw depends on the seed and the set, not the order the lists returned.
  const pool = records.filter((r) => r.date >= options.from && r.date < options.to).sort((a, b) => a.id.localeCompare(b.id));
  const next = random(options.seed);
  const n = Math.min(Math.max(0, Math.floor(options.size)), pool.length);
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}
