/**
 * Who the bot is talking to and what is stored about them, read through AppServices only.
 */
import type { CivilDate } from '../src/calendar/civil.js';
import type { Staff } from '../src/records/models.js';
import { loadPerson, type PersonData } from '../src/server/api/supervision.js';
import type { OccurrenceView } from '../src/server/api/schemas.js';
import type { AppServices } from '../src/server/services.js';

/** The current staff record of a person (their supervisory relationship), if they are supervised. */
export async function staffOf(services: AppServices, userId: string): Promise<Staff | undefined> {
  const found = await services.records.where('staff', 'userId', userId);
  const current = found.map((s) => s.record).filter((s) => !s.leftAt && s.org === services.pack.id);
  return current.sort((a, b) => (a.start < b.start ? 1 : -1))[0];
}

export async function displayName(services: AppServices, userId: string): Promise<string> {
  return (await services.directory.person(userId))?.displayName ?? 'your colleague';
}

export async function personData(services: AppServices, staff: Staff): Promise<PersonData> {
  return loadPerson(services, staff);
}

/** The next one-to-one still to come on or after a date. */
export function nextIndividual(data: PersonData, from: CivilDate): OccurrenceView | undefined {
  return data.occurrences.find((o) => o.status === 'planned' && o.kind === 'individual' && o.date >= from);
}

export type { OccurrenceView, PersonData };
