/**
 * The 1:1 chat: commands (next, prepare, actions, reschedule, help) and the card actions
 * behind them. Every path ends in a card, including refusals: a malformed or stale card
 * comes back as a card that says what to do, never as an error.
 */
import { tabHome } from '../src/links/tab-links.js';
import { z } from 'zod';
import { isCivilDate } from '../src/calendar/civil.js';
import { isLocalTime } from '../src/calendar/london.js';
import type { Staff } from '../src/records/models.js';
import { todayOf } from '../src/server/api/supervision.js';
import type { AppServices } from '../src/server/services.js';
import type { AdaptiveCardJson } from './cards/elements.js';
import { actionsCard, helpCard, messageCard, nextCard, reasonCard, rebookedCard, slotsCard } from './cards/personal-cards.js';
import { prepCard, prepThanksCard, type PrepCardMode } from './cards/prep-cards.js';
import { displayName, nextIndividual, personData, staffOf, type OccurrenceView, type PersonData } from './people.js';
import { prepActionDataSchema, prepContext, savePrep, slotsFor, validatePrep, valuesFrom } from './prep.js';
import { checkReason, freeSlots, rebook, windowFor } from '../src/server/rearrange.js';

export const commandNames = ['next', 'prepare', 'actions', 'reschedule', 'help'] as const;
export type CommandName = (typeof commandNames)[number];

/** The command a message asks for, tolerant of case, punctuation and a leading slash. */
export function commandOf(textValue: string): CommandName | undefined {
  const word = textValue.trim().toLowerCase().replace(/^\//, '').split(/\s+/)[0]?.replace(/[^a-z]/g, '') ?? '';
  const aliases: Record<string, CommandName> = { prep: 'prepare', action: 'actions', todo: 'actions', move: 'reschedule', rearrange: 'reschedule', hi: 'help', hello: 'help', menu: 'help' };
  return (commandNames as readonly string[]).includes(word) ? (word as CommandName) : aliases[word];
}

const notSupervised = () => messageCard('Nothing booked for you', 'I cannot find a current supervision arrangement for you in this organisation. If that is wrong, ask your supervisor to check the Supervision tab.');
const nothingBooked = () => messageCard('No supervision booked', 'You have no one-to-one supervision booked from today. Your supervisor books sessions in the Supervision tab.');

export class Personal {
  constructor(private readonly services: AppServices) {}

  private today(): string {
    return todayOf(this.services);
  }

  async command(name: CommandName, userId: string): Promise<AdaptiveCardJson> {
    switch (name) {
      case 'next':
        return this.next(userId);
      case 'prepare':
        return this.prepare(userId);
      case 'actions':
        return this.actions(userId);
      case 'reschedule':
        return this.reschedule(userId);
      default:
        return helpCard('personal', tabHome(this.services));
    }
  }

  private async load(userId: string): Promise<{ staff: Staff; data: PersonData } | undefined> {
    const staff = await staffOf(this.services, userId);
    if (!staff) return undefined;
    return { staff, data: await personData(this.services, staff) };
  }

  async next(userId: string): Promise<AdaptiveCardJson> {
    const loaded = await this.load(userId);
    if (!loaded) return notSupervised();
    const occurrence = nextIndividual(loaded.data, this.today());
    if (!occurrence) return nothingBooked();
    const context = await prepContext(this.services, loaded.staff, occurrence, loaded.data);
    return nextCard({
      date: occurrence.date,
      time: occurrence.time,
      supervisorName: context.supervisorName,
      occurrenceId: occurrence.id,
      prepared: context.existing !== undefined,
      questions: context.questions.length,
      openActions: context.openActions.length,
      casesDue: context.casesDue,
    });
  }

  /** The preparation card for a session (the next one unless named). */
  async prepare(userId: string, occurrenceId?: string, mode: PrepCardMode = 'prompt'): Promise<AdaptiveCardJson> {
    const loaded = await this.load(userId);
    if (!loaded) return notSupervised();
    const occurrence = occurrenceId ? loaded.data.occurrences.find((o) => o.id === occurrenceId && o.status === 'planned') : nextIndividual(loaded.data, this.today());
    if (!occurrence) return occurrenceId ? this.gone() : nothingBooked();
    const context = await prepContext(this.services, loaded.staff, occurrence, loaded.data);
    return prepCard(context, { values: valuesFrom(context, slotsFor(context)), errors: {} }, context.existing ? 'edit' : mode);
  }

  private gone(): AdaptiveCardJson {
    return messageCard('This session has moved or been cancelled', 'Type "next" to see your next supervision, or "prepare" to prepare for it.');
  }

  async prepSubmit(userId: string, raw: Record<string, unknown>): Promise<AdaptiveCardJson> {
    const data = prepActionDataSchema.safeParse(raw);
    if (!data.success) {
      const fresh = await this.prepare(userId);
      return fresh;
    }
    const loaded = await this.load(userId);
    if (!loaded) return notSupervised();
    // The card names the occurrence; a moved occurrence is prepared for at its new date.
    const occurrence: OccurrenceView | undefined = loaded.data.occurrences.find((o) => o.id === data.data.occurrenceId && o.status === 'planned');
    if (!occurrence) return this.gone();
    const context = await prepContext(this.services, loaded.staff, occurrence, loaded.data);
    const slots = data.data.slots ?? slotsFor(context);
    const result = validatePrep(context, slots, raw);
    if (!result.ok) return prepCard(context, { values: result.values, errors: result.errors }, 'retry', slots);
    const outcome = await savePrep(this.services, loaded.staff, occurrence, result, data.data.version);
    if ('conflict' in outcome) {
      const latest = { ...context, existing: outcome.conflict };
      return prepCard(latest, { values: valuesFrom(latest, slotsFor(latest)), errors: {}, notice: 'Your preparation was changed elsewhere (in the tab) since this card was sent. This is what is saved now: change it here and save again.' }, 'edit');
    }
    return prepThanksCard({ ...context, existing: outcome.saved }, outcome.saved.record);
  }

  async prepEdit(userId: string, raw: Record<string, unknown>): Promise<AdaptiveCardJson> {
    const parsed = z.object({ occurrenceId: z.string().min(1).max(400) }).safeParse(raw);
    return this.prepare(userId, parsed.success ? parsed.data.occurrenceId : undefined, 'edit');
  }

  async actions(userId: string, notice?: string): Promise<AdaptiveCardJson> {
    const found = await this.services.records.where('actions', 'superviseeId', userId);
    const open = found.filter((a) => !a.record.doneAt).sort((a, b) => a.record.due.localeCompare(b.record.due));
    return actionsCard(
      open.map((a) => ({ action: a.record, version: a.version })),
      this.today(),
      notice,
    );
  }

  async actionDone(userId: string, raw: Record<string, unknown>): Promise<AdaptiveCardJson> {
    const parsed = z.object({ actionId: z.string().min(1).max(300), version: z.string().min(1).max(200) }).safeParse(raw);
    if (!parsed.success) return this.actions(userId, 'That button is out of date: here are your open actions now.');
    const found = await this.services.records.get('actions', parsed.data.actionId);
    if (!found || found.record.superviseeId !== userId) return this.actions(userId, 'That action is not one of yours.');
    if (found.record.doneAt) return this.actions(userId);
    if (found.record.who === 'supervisor') return this.actions(userId, 'That action is your supervisor\'s: they mark it done.');
    if (found.version !== parsed.data.version) return this.actions(userId, 'That action changed since this card was sent: here it is now.');
    try {
      await this.services.records.update('actions', { ...found.record, doneAt: this.services.now().toISOString() }, found.version);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
      return this.actions(userId, 'That action changed while you answered: here it is now.');
    }
    return this.actions(userId, `Marked done: ${found.record.what.slice(0, 100)}`);
  }

  async reschedule(userId: string): Promise<AdaptiveCardJson> {
    const loaded = await this.load(userId);
    if (!loaded) return notSupervised();
    const occurrence = nextIndividual(loaded.data, this.today());
    if (!occurrence) return nothingBooked();
    const window = windowFor(this.services, occurrence);
    return reasonCard({ occurrenceId: occurrence.id, date: occurrence.date, time: occurrence.time, reasons: this.services.pack.cancellation.permittedReasons, window: window.words });
  }

  /** The occurrence still booked for this person, for the reschedule steps. */
  private async bookedOccurrence(userId: string, occurrenceId: string): Promise<{ staff: Staff; occurrence: OccurrenceView } | AdaptiveCardJson> {
    const loaded = await this.load(userId);
    if (!loaded) return notSupervised();
    const occurrence = loaded.data.occurrences.find((o) => o.id === occurrenceId && o.status === 'planned');
    if (!occurrence || !occurrence.scheduleId) return this.gone();
    return { staff: loaded.staff, occurrence };
  }

  async rescheduleReason(userId: string, raw: Record<string, unknown>): Promise<AdaptiveCardJson> {
    const parsed = z.object({ occurrenceId: z.string().min(1).max(400) }).safeParse(raw);
    if (!parsed.success) return this.reschedule(userId);
    const booked = await this.bookedOccurrence(userId, parsed.data.occurrenceId);
    if ('type' in booked) return booked;
    const { staff, occurrence } = booked;
    const window = windowFor(this.services, occurrence);
    const chosen = typeof raw.reason === 'string' ? raw.reason.trim() : '';
    const details = typeof raw.details === 'string' ? raw.details.trim() : '';
    const reasons = this.services.pack.cancellation.permittedReasons;
    const again = (error: string) => reasonCard({ occurrenceId: occurrence.id, date: occurrence.date, time: occurrence.time, reasons, window: window.words, error, values: { reason: chosen, details } });
    if (reasons && chosen && /state them/i.test(chosen) && !details) return again('Say what the exceptional circumstances are in the details.');
    const combined = details ? `${chosen}: ${details}` : chosen;
    const checked = checkReason(this.services.pack, combined);
    if (!checked.ok) return again(checked.message);
    const slots = await freeSlots(this.services, staff, occurrence, window);
    return slotsCard({ occurrenceId: occurrence.id, reason: checked.reason ?? '', slots, window: window.words });
  }

  async rescheduleConfirm(userId: string, raw: Record<string, unknown>): Promise<AdaptiveCardJson> {
    const parsed = z
      .object({
        occurrenceId: z.string().min(1).max(400),
        reason: z.string().max(1000).optional(),
        slot: z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) && isCivilDate(v.slice(0, 10)) && isLocalTime(v.slice(11)), { message: 'choose one of the times' }),
      })
      .safeParse(raw);
    const occurrenceId = typeof raw.occurrenceId === 'string' ? raw.occurrenceId : undefined;
    if (!parsed.success) {
      if (!occurrenceId || typeof raw.reason !== 'string') return this.reschedule(userId);
      const booked = await this.bookedOccurrence(userId, occurrenceId);
      if ('type' in booked) return booked;
      const window = windowFor(this.services, booked.occurrence);
      const slots = await freeSlots(this.services, booked.staff, booked.occurrence, window);
      return slotsCard({ occurrenceId, reason: raw.reason, slots, window: window.words, error: 'Choose one of the times.' });
    }
    const booked = await this.bookedOccurrence(userId, parsed.data.occurrenceId);
    if ('type' in booked) return booked;
    const reason = checkReason(this.services.pack, parsed.data.reason ?? '');
    if (!reason.ok) return this.reschedule(userId);
    const slot = { date: parsed.data.slot.slice(0, 10), time: parsed.data.slot.slice(11) };
    const outcome = await rebook(this.services, booked.staff, booked.occurrence.id, reason.reason, slot, userId);
    const supervisorName = await displayName(this.services, booked.staff.supervisorId);
    if (outcome.status === 'rebooked') return rebookedCard(outcome.date, outcome.time, supervisorName);
    if (outcome.status === 'already') return messageCard('Already moved', outcome.date ? `This session was already moved to ${outcome.date}.` : 'This session was already moved.');
    const window = windowFor(this.services, booked.occurrence);
    const slots = await freeSlots(this.services, booked.staff, booked.occurrence, window);
    return slotsCard({ occurrenceId: booked.occurrence.id, reason: reason.reason ?? '', slots, window: window.words, error: outcome.message });
  }
}
