import type { Pack, Phase } from '../../src/policy/schema.js';

const src = { productDefault: 'Test fixture pack for planner specifications.' };

export function phase(id: string, from: Phase['from'], until: Phase['until'], frequency: Phase['frequency']): Phase {
  return { id, label: id, from, until, frequency, source: src };
}

/** A small pack for planner specifications independent of any organisation's data. */
export function miniPack(overrides: Partial<Pack> = {}, roles: Pack['roles'] = defaultRoles()): Pack {
  return {
    id: 'mini',
    name: 'Mini Test Trust',
    seed: { file: '000_0000000000000000.txt', title: 'test' },
    version: '2026-11-23',
    timeZone: 'Europe/London',
    scheduling: { defaultWeekday: 'tue', defaultTime: '10:00', workingHours: { start: '09:00', end: '17:00' }, source: src },
    roles,
    caseDiscussion: { referenceSystems: ['LCS'], defaultCategory: 'other', rules: [{ category: 'other', label: 'every child', every: { months: 3 }, source: src }], source: src },
    agreement: { due: { by: 'before-first-session' }, dueSource: src, review: { every: { months: 12 }, onSupervisorChange: true, source: src }, template: 'record' },
    records: { caseDirection: { within: { workingDays: 2 }, system: 'LCS', source: src } },
    cancellation: { rearrange: { by: 'within', within: { months: 1 } }, rearrangeSource: src, reasonRequired: true, recordOriginalDate: true, reasonSource: src },
    prep: [{ questions: [{ id: 'agenda', label: 'Agenda', type: 'long-text', required: false, source: src }], source: src }],
    templates: [{ id: 'record', label: 'Record', purpose: 'session-record', sections: [{ id: 'notes', label: 'Notes' }], includesActions: true, includesCases: true, source: src }],
    ...overrides,
  };
}

export function role(id: string, phases: Phase[], extra: Partial<Pack['roles'][number]> = {}): Pack['roles'][number] {
  return {
    id,
    label: id,
    supervisedBy: 'Team manager',
    caseHolding: true,
    directWork: true,
    streams: [{ id: 'one-to-one', label: 'One-to-one', kind: 'individual', minutes: 90, minutesSource: src, phases, source: src }],
    recordTemplate: 'record',
    source: src,
    ...extra,
  };
}

function defaultRoles(): Pack['roles'] {
  return [
    role('asye', [
      phase('weekly', { weeks: 0 }, { weeks: 6 }, { rule: 'interval', weeks: 1 }),
      phase('fortnightly', { weeks: 6 }, { months: 6 }, { rule: 'interval', weeks: 2 }),
      phase('monthly', { months: 6 }, null, { rule: 'calendar-month' }),
    ]),
    role('four-weekly', [phase('four-weekly', { weeks: 0 }, null, { rule: 'interval', weeks: 4 })]),
    role('bi-monthly', [phase('bi-monthly', { weeks: 0 }, null, { rule: 'interval-months', months: 2 })]),
  ];
}
