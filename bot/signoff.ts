/**
 * Sign-off: when a supervisor finalises a record, the supervisee confirms it or records that
 * they disagree, in their own words. The outcome is written back to the record at the
 * version the card showed, so a record changed since is never signed unseen.
 */
import { tabLink } from '../src/links/tab-links.js';
import { z } from 'zod';
import { toCivil } from '../src/calendar/civil.js';
import { londonDayOf, londonToInstant } from '../src/calendar/london.js';
import { previousWorkingDayOnOrBefore } from '../src/calendar/working-days.js';
import { dayDeadline, durationText, instantDeadline } from '../src/policy/duration.js';
import type { Duration, Pack } from '../src/policy/schema.js';
import type { SessionRecord } from '../src/records/models.js';
import type { Versioned } from '../src/records/repository.js';
import type { AppServices } from '../src/server/services.js';
import { signOffCard, signOffDoneCard, notForYouCard } from './cards/signoff-cards.js';
import type { AdaptiveCardJson } from './cards/elements.js';
import { displayName } from './people.js';

/**
 * No bundled pack sets a deadline for the supervisee's confirmation (signWithin); where a
 * pack is silent the product asks within 5 working days, so a chaser still lands in the
 * same fortnight as the session.
 */
const defaultSignWithin: Duration = { workingDays: 5 };

export interface SignOffDeadline {
  due: number;
  text: string;
}

export function signOffDeadline(pack: Pack, finalisedAt: string): SignOffDeadline {
  const within = pack.records.signWithin?.within ?? defaultSignWithin;
  const due = instantDeadline(Date.parse(finalisedAt), within);
  const source = pack.records.signWithin ? `${pack.name} policy` : 'the product default (the policy sets no deadline)';
  return { due, text: `Please respond by ${toCivil(londonDayOf(due))}: within ${durationText(within)} of the record being finalised, under ${source}.` };
}

/** The chaser goes out at a time of day on the working day before the deadline. */
export function chaseAt(pack: Pack, finalisedAt: string, time: string): number {
  const within = pack.records.signWithin?.within ?? defaultSignWithin;
  const deadlineDay = dayDeadline(londonDayOf(Date.parse(finalisedAt)), within);
  return londonToInstant(toCivil(previousWorkingDayOnOrBefore(deadlineDay - 1)), time);
}

/** Records the bot writes for circle attendance are not signed off. */
export function needsSignOff(record: SessionRecord): boolean {
  return record.status === 'finalised' && !record.id.startsWith('circle-') && record.finalisedAt !== undefined;
}

export async function buildSignOffCard(services: AppServices, found: Versioned<SessionRecord>, options: { chase?: boolean; notice?: string; error?: string; comment?: string } = {}): Promise<AdaptiveCardJson> {
  const record = found.record;
  return signOffCard({
    record,
    version: found.version,
    supervisorName: await displayName(services, record.supervisorId),
    deadline: signOffDeadline(services.pack, record.finalisedAt ?? record.updatedAt).text,
    disagreement: services.pack.records.disagreement?.text,
    link: tabLink(services, { view: 'record', recordId: record.id }, 'Supervision record'),
    ...options,
  });
}

export const signOffDataSchema = z.object({
  recordId: z.string().min(1).max(200),
  version: z.string().min(1).max(200),
  comment: z.unknown().optional(),
});

/** Applies the supervisee's answer; every outcome (done, refused, changed meanwhile) is a card. */
export async function applySignOff(services: AppServices, userId: string, decision: 'acknowledged' | 'disputed', raw: unknown): Promise<AdaptiveCardJson> {
  const parsed = signOffDataSchema.safeParse(raw);
  if (!parsed.success) return notForYouCard('This card is incomplete. Type "actions" or open the tab to see records waiting for you.');
  const { recordId, version } = parsed.data;
  const found = await services.records.get('sessionRecords', recordId);
  if (!found) return notForYouCard('This record no longer exists.');
  if (found.record.superviseeId !== userId) return notForYouCard('Only the supervisee can confirm this record.');
  if (found.record.status !== 'finalised') return signOffDoneCard(found.record);
  const comment = typeof parsed.data.comment === 'string' ? parsed.data.comment.trim() : '';
  if (found.version !== version) {
    return buildSignOffCard(services, found, { notice: 'The record was changed since this card was sent. Please read the latest version before you answer.', comment });
  }
  if (decision === 'disputed' && !comment) return buildSignOffCard(services, found, { error: 'Say what you disagree with: it is kept with the record.', comment });
  if (comment.length > 4000) return buildSignOffCard(services, found, { error: 'Keep your comment under 4,000 characters.', comment });
  const now = services.now().toISOString();
  const next: SessionRecord = { ...found.record, status: decision, superviseeSignedAt: now, updatedAt: now, ...(comment ? { superviseeComment: comment } : {}) };
  try {
    const saved = await services.records.update('sessionRecords', next, version);
    return signOffDoneCard(saved.record);
  } catch (error) {
    if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    const latest = await services.records.get('sessionRecords', recordId);
    if (!latest) return notForYouCard('This record no longer exists.');
    if (latest.record.status !== 'finalised') return signOffDoneCard(latest.record);
    return buildSignOffCard(services, latest, { notice: 'The record was changed while you answered. Please read the latest version.', comment });
  }
}
