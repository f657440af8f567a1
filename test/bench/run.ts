/**
 * `npm run bench`: throughput of the pure core, printed as figures (never asserted in tests).
 *
 * - planner: one year for 10,000 supervisees spread over every role of all five packs;
 * - compliance: 10,000 staff with 150,000 sessions and 50,000 children on caseloads.
 *
 * Run on one core (the planner is synchronous), so the figures are per core.
 */
import { performance } from 'node:perf_hooks';
import { toCivil, toDay } from '../../src/calendar/civil.js';
import { evaluate } from '../../src/compliance/evaluate.js';
import type { PersonHistory } from '../../src/compliance/input.js';
import { allPacks } from '../../src/policy/packs.js';
import { plan } from '../../src/schedule/plan.js';

interface Figure {
  name: string;
  items: number;
  unit: string;
  ms: number;
}

const figures: Figure[] = [];
let peakRss = process.memoryUsage().rss;
const sampleMemory = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

function measure(name: string, unit: string, items: number, work: () => void): void {
  const started = performance.now();
  work();
  figures.push({ name, items, unit, ms: performance.now() - started });
  sampleMemory();
}

const packs = allPacks();
const targets = packs.flatMap((pack) => pack.roles.map((role) => ({ pack, role: role.id })));
const baseStart = toDay('2027-01-04');

// Warm up caches (bank holidays, strictness memo) so the figure is steady-state planning.
for (const { pack, role } of targets) plan(pack, role, '2027-01-04');

const SUPERVISEES = 10_000;
measure('plan one year', 'plans', SUPERVISEES, () => {
  for (let i = 0; i < SUPERVISEES; i++) {
    const target = targets[i % targets.length]!;
    const result = plan(target.pack, target.role, toCivil(baseStart + (i % 365)));
    if (result.sessions.length === 0) throw new Error(`no sessions for ${target.pack.id}/${target.role}`);
    if (i % 1000 === 0) sampleMemory();
  }
});

const STAFF = 10_000;
const SESSIONS_PER_PERSON = 15;
const CASES_PER_PERSON = 5;
const asOf = '2027-12-31';
const people: { pack: (typeof packs)[number]; person: PersonHistory }[] = [];
for (let i = 0; i < STAFF; i++) {
  const target = targets[i % targets.length]!;
  const start = baseStart - (i % 200);
  const sessions = Array.from({ length: SESSIONS_PER_PERSON }, (_, s) => {
    const date = toCivil(start + s * 24);
    return {
      date,
      kind: 'individual' as const,
      status: s % 11 === 10 ? ('cancelled' as const) : ('held' as const),
      ...(s % 11 === 10 ? { cancelReason: 'Court hearing' } : { recordSharedAt: date, supervisorSignedAt: date, superviseeSignedAt: date }),
    };
  });
  const category = target.pack.caseDiscussion.defaultCategory;
  const cases = Array.from({ length: CASES_PER_PERSON }, (_, c) => ({
    ref: `LCS-${i * CASES_PER_PERSON + c + 100000}`,
    category,
    opened: toCivil(start),
    discussions: sessions.filter((_, s) => (s + c) % 3 === 0).map((s) => ({ date: s.date, directionRecordedAt: s.date })),
  }));
  people.push({
    pack: target.pack,
    person: {
      id: `p${i}`,
      role: target.role,
      start: toCivil(start),
      supervisor: `s${i % 800}`,
      team: `t${i % 120}`,
      agreement: { signedBySupervisor: toCivil(start + 7), signedBySupervisee: toCivil(start + 7) },
      sessions,
      cases,
      actions: [{ id: `a${i}`, due: toCivil(start + 30), doneAt: toCivil(start + 29) }],
    },
  });
}
sampleMemory();

let findings = 0;
measure('evaluate compliance', 'people', STAFF, () => {
  for (const { pack, person } of people) findings += evaluate(pack, person, asOf).length;
});

const table = figures.map((f) => ({
  benchmark: f.name,
  [`${f.unit}`]: f.items,
  'wall ms': Math.round(f.ms),
  [`per second`]: Math.round((f.items / f.ms) * 1000),
}));
process.stdout.write(`node ${process.version}, ${packs.length} packs, ${targets.length} roles\n`);
for (const row of table) process.stdout.write(`${JSON.stringify(row)}\n`);
process.stdout.write(`compliance input: ${STAFF} staff, ${STAFF * SESSIONS_PER_PERSON} sessions, ${STAFF * CASES_PER_PERSON} cases → ${findings} findings\n`);
process.stdout.write(`peak RSS: ${Math.round(peakRss / 1024 / 1024)} MiB\n`);

const { benchBooking } = await import('./booking.js');
process.stdout.write(`${await benchBooking({}, 'no faults')}\n`);
process.stdout.write(`${await benchBooking({ throttleRate: 0.1, retryAfterSeconds: 0.01, seed: 42 }, '10% 429s')}\n`);

const { benchMyTeam, benchTabSize } = await import('./tab.js');
process.stdout.write(`${benchTabSize()}\n`);
process.stdout.write(`${await benchMyTeam()}\n`);

const { benchBotTurns, benchFanOut } = await import('./bot.js');
for (const line of await benchBotTurns()) process.stdout.write(`${line}\n`);
process.stdout.write(`${await benchFanOut()}\n`);
