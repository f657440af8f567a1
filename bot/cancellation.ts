/**
 * When sync finds a supervision session cancelled, declined or moved in Outlook, the
 * supervisor is asked, in a proactive card, for the reason the policy wants recorded (the
 * pack's reasons when it lists them) and offered free times inside the pack's window to
 * rearrange it. One submit does both (or just the reason); the work is the shared use case in
 * src/sync/cancellations.ts, the same the tab's banner calls.
 */
import { tabLink } from '../src/links/tab-links.js';
import { z } from 'zod';
import { isCivilDate, type CivilDate } from '../src/calendar/civil.js';
import { instantToLondon } from '../src/calendar/london.js';
import { whatHappened } from '../src/records/cancellation-words.js';
import type { Cancellation, Staff } from '../src/records/models.js';
import type { AppServices } from '../src/server/services.js';
import { pendingState, rearrange, recordReason, slotsFor } from '../src/sync/cancellations.js';
import { card, choiceInput, execute, facts, heading, openUrl, text, textInput, type AdaptiveCardJson, type CardElement } from './cards/elements.js';
import { messageCard } from './cards/personal-cards.js';
import { longDate, plain, when } from './format.js';
import { cardActivity } from './jobs.js';
import { displayName, staffOf } from './people.js';
import type { Slot } from '../src/server/rearrange.js';
import { NoConversationError, type Sender } from './sender.js';

export const cancellationVerb = 'cancellation.answer';

export interface CancellationCardInput {
  cancellation: Cancellation;
  superviseeName: string;
  reasons?: readonly string[] | undefined;
  needsReason: boolean;
  slots: readonly Slot[];
  window: { from: CivilDate; to: CivilDate; words: string };
  /** Opens the supervisee's schedule in the tab (a Teams deep link in a tenant). */
  link: string;
  error?: string;
  values?: Record<string, string>;
}

export function cancellationCard(input: CancellationCardInput): AdaptiveCardJson {
  const c = input.cancellation;
  const body: CardElement[] = [
    heading('A supervision session did not go ahead'),
    text(`${plain(input.superviseeName)}'s supervision on ${longDate(c.originalDate)} ${whatHappened[c.origin]}.`),
    facts([
      ['Supervisee', plain(input.superviseeName)],
      ['Original date', longDate(c.originalDate)],
      ...(c.reason ? ([['Reason', plain(c.reason)]] as const) : []),
      ...(c.rearrangedTo ? ([['Moved to', longDate(c.rearrangedTo)]] as const) : []),
    ]),
  ];
  if (input.needsReason) {
    body.push(text('Your organisation asks for the reason whenever supervision is cancelled; it is kept with the original date.', { subtle: true }));
    if (input.reasons && input.reasons.length > 0) {
      body.push(...choiceInput('reason', { label: 'Reason', choices: input.reasons.map((r) => ({ title: r, value: r })), expanded: true, value: input.values?.reason, error: input.error }));
      body.push(...textInput('details', { label: 'Details (for exceptional circumstances)', maxLength: 500, value: input.values?.details }));
    } else {
      body.push(...textInput('reason', { label: 'Reason', maxLength: 1000, value: input.values?.reason, error: input.error }));
    }
  } else if (input.error) {
    body.push(text(`⚠ ${input.error}`, { attention: true }));
  }
  const offerSlots = !c.rearrangedTo && c.origin !== 'outlook-moved';
  if (offerSlots && input.slots.length > 0) {
    body.push(text(`Rearrange it: times when you are both free (${input.window.words}).`));
    body.push(...choiceInput('slot', { label: 'New time (optional)', expanded: true, choices: input.slots.map((s) => ({ title: when(s.date, s.time), value: `${s.date}T${s.time}` })), value: input.values?.slot }));
  } else if (offerSlots) {
    body.push(text(`I found no time when you are both free (${input.window.words}). Agree one directly and book it from the tab.`, { subtle: true }));
  }
  const actions = [execute(offerSlots ? 'Save and rearrange' : 'Save the reason', cancellationVerb, { cancellationId: c.id }, { style: 'positive' }), openUrl('Open the schedule', input.link)];
  return card(body, actions);
}

async function buildCard(services: AppServices, staff: Staff, cancellation: Cancellation, extra: { error?: string; values?: Record<string, string> } = {}): Promise<AdaptiveCardJson> {
  const state = pendingState(cancellation, services.pack);
  const offer = await slotsFor(services, staff, cancellation, { max: 6, perDay: 2 });
  return cancellationCard({
    cancellation,
    superviseeName: await displayName(services, cancellation.superviseeId),
    reasons: services.pack.cancellation.permittedReasons,
    needsReason: state?.needsReason ?? false,
    slots: offer.slots,
    window: offer.window,
    link: tabLink(services, { view: 'schedule', superviseeId: cancellation.superviseeId }, 'Supervision schedule'),
    ...extra,
  });
}

export type PromptOutcome = 'sent' | 'unreachable' | 'not-needed' | 'held';

/**
 * One card per supervisee per London day. A supervisee who declines a whole series in Outlook
 * cancels every occurrence in the sync window at once; a card for each would bury the
 * supervisor's chat, and the tab's banner lists them all anyway.
 */
export class CancellationPromptThrottle {
  private readonly sent = new Map<string, string>();

  allow(cancellation: Pick<Cancellation, 'supervisorId' | 'superviseeId'>, now: Date): boolean {
    const key = `${cancellation.supervisorId}/${cancellation.superviseeId}`;
    const today = instantToLondon(now.getTime()).date;
    if (this.sent.get(key) === today) return false;
    this.sent.set(key, today);
    return true;
  }
}

/**
 * Asks the supervisor about a cancellation sync just recorded. A supervisor who never opened
 * a chat with the bot cannot be written to first; the tab's banner asks them instead.
 */
export async function promptForCancellation(services: AppServices, sender: Sender, cancellation: Cancellation, throttle?: CancellationPromptThrottle): Promise<PromptOutcome> {
  if (!pendingState(cancellation, services.pack)) return 'not-needed';
  const staff = await staffOf(services, cancellation.superviseeId);
  if (!staff) return 'not-needed';
  if (throttle && !throttle.allow(cancellation, services.now())) return 'held';
  const content = await buildCard(services, staff, cancellation);
  try {
    await sender.toUser(cancellation.supervisorId, cardActivity(content, 'A supervision session did not go ahead'));
    return 'sent';
  } catch (error) {
    if (error instanceof NoConversationError) return 'unreachable';
    throw error;
  }
}

const answerSchema = z.object({
  cancellationId: z.string().min(1).max(200),
  reason: z.string().max(1000).optional(),
  details: z.string().max(500).optional(),
  slot: z
    .string()
    .max(20)
    .optional()
    .refine((v) => v === undefined || v === '' || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) && isCivilDate(v.slice(0, 10))), { message: 'choose one of the times' }),
});

/** The supervisor's answer: the reason, and the new time when one was chosen. Every outcome is a card. */
export async function applyCancellationAnswer(services: AppServices, userId: string, raw: Record<string, unknown>): Promise<AdaptiveCardJson> {
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) return messageCard('This card is incomplete', 'Open the Supervision tab to see sessions waiting for a reason or a new date.');
  const { cancellationId, details = '', slot = '' } = parsed.data;
  const found = await services.records.get('cancellations', cancellationId);
  if (!found) return messageCard('Nothing to do', 'This cancellation no longer exists.');
  const cancellation = found.record;
  const staff = await staffOf(services, cancellation.superviseeId);
  const supervisor = staff && (staff.supervisorId === userId || staff.coverSupervisorId === userId);
  if (!staff || !supervisor) return messageCard('Not yours to answer', "Only the supervisee's supervisor can record why a session was cancelled.");
  const chosen = (parsed.data.reason ?? '').trim();
  const reason = details.trim() ? `${chosen}: ${details.trim()}` : chosen;
  const values = { reason: chosen, details, slot };
  const state = pendingState(cancellation, services.pack);
  if (!state) return messageCard('Already done', `The session on ${longDate(cancellation.originalDate)} has its reason${cancellation.rearrangedTo ? ` and was rearranged to ${longDate(cancellation.rearrangedTo)}` : ''}.`);
  if (state.needsReason && !reason) return buildCard(services, staff, cancellation, { error: 'Give the reason the session did not go ahead.', values });
  if (slot) {
    const outcome = await rearrange(services, staff, cancellationId, { date: slot.slice(0, 10), time: slot.slice(11) }, state.needsReason ? reason : undefined);
    if (outcome.status === 'refused') return buildCard(services, staff, (await services.records.get('cancellations', cancellationId))?.record ?? cancellation, { error: outcome.message, values });
    if (outcome.status === 'already') return messageCard('Already rearranged', `This session was already rearranged to ${longDate(outcome.date)}.`);
    return messageCard('Supervision rearranged', `The session is booked for ${when(outcome.date, outcome.time)} in both calendars. The original date${outcome.cancellation.reason ? ' and the reason are' : ' is'} kept with the records.`);
  }
  if (!state.needsReason) return buildCard(services, staff, cancellation, { error: 'Choose a new time, or book one from the tab.', values });
  const saved = await recordReason(services, cancellationId, reason);
  if (saved.status === 'refused') return buildCard(services, staff, cancellation, { error: saved.message, values });
  if (!pendingState(saved.cancellation.record, services.pack)) return messageCard('Reason saved', `The reason is kept with the session of ${longDate(cancellation.originalDate)}.`);
  return buildCard(services, staff, saved.cancellation.record);
}
