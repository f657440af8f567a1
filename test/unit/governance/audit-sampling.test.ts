import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditPeriod, auditRhythm, drawSample } from '../../../src/governance/audit-sampling.js';
import { getPack } from '../../../src/policy/packs.js';

const records = Array.from({ length: 60 }, (_, i) => ({ id: `r-${String(i).padStart(2, '0')}`, date: `2026-${String((i % 12) + 1).padStart(2, '0')}-15` }));

describe('audit sampling at the pack rhythm', () => {
  it.each([
    ['northumberland', 6],
    ['bristol', 3],
    ['dudley', 12],
  ] as const)('%s audits every %i months', (pack, months) => {
    expect(auditRhythm(getPack(pack))?.months).toBe(months);
  });

  it('periods run from 1 January at the rhythm', () => {
    const bristol = auditRhythm(getPack('bristol'))!;
    expect(auditPeriod(bristol, '2026-05-20')).toEqual({ from: '2026-04-01', to: '2026-07-01' });
    const northumberland = auditRhythm(getPack('northumberland'))!;
    expect(auditPeriod(northumberland, '2026-12-31')).toEqual({ from: '2026-07-01', to: '2027-01-01' });
  });

  it('the same seed draws the same sample, whatever order the records come in', () => {
    const options = { from: '2026-04-01', to: '2026-07-01', size: 5, seed: 42 };
    const a = drawSample(records, options);
    const b = drawSample([...records].reverse(), options);
    expect(a).toEqual(b);
    expect(a).toHaveLength(5);
    expect(drawSample(records, { ...options, seed: 43 })).not.toEqual(a);
  });

  it('draws distinct records inside the period, never more than there are', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 12 }), (seed, size, month) => {
        const from = `2026-${String(month).padStart(2, '0')}-01`;
        const to = month === 12 ? '2027-01-01' : `2026-${String(month + 1).padStart(2, '0')}-01`;
        const sample = drawSample(records, { from, to, size, seed });
        const inPeriod = records.filter((r) => r.date >= from && r.date < to);
        expect(sample).toHaveLength(Math.min(size, inPeriod.length));
        expect(new Set(sample.map((r) => r.id)).size).toBe(sample.length);
        expect(sample.every((r) => r.date >= from && r.date < to)).toBe(true);
      }),
      { seed: 1, numRuns: 200 },
    );
  });
});
