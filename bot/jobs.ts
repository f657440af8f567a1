/**
 * The bot's jobs: what is planned from records and calendars (prep prompts, reminders and
 * digests per booked one-to-one; sign-off requests and chasers per finalised record), and
 * what each job sends. Every handler re-reads the current state before sending, so a moved,
 * cancelled or answered item is skipped rather than acted on from a stale plan.
 */
import { tabLink } from '../src/links/tab-links.js';
import { z } from 'zod';
import { toCivil, toDay, type CivilDate } from '../src/calendar/civil.js';
import { instantToLondon, londonToInstant } from '../src/calendar/london.js';
import { isWorkingDay } from '../src/calendar/working-days.js';
import type { JobContext, JobHandler, JobOutcome, Planner } from '../src/jobs/runner.js';
import { jobKey, type Job, type JobSpec, type SqliteJobStore } from '../src/jobs/store.js';
import type { AppServices } from '../src/server/services.js';
import type { AdaptiveCardJson } from './cards/elements.js';
import { cardContentType } from './cards/elements.js';
import { digestCard, prepCard } from './cards/prep-cards.js';
import { circleJobKinds, type Circles } from './circles.js';
import { displayName, personData, staffOf } from './people.js';
import { prepContext } from './prep.js';
import type { Sender } from './sender.js';
import { buildSignOffCard, chaseAt, needsSignOff, signOffDeadline } from './signoff.js';

export interface PromptTiming {
  /** Working days before the session the prep card is sent (issue default: 3). */
  workingDaysBefore: number;
  /** Working days before the session an unanswered prompt is chased. */
  reminderWorkingDaysBefore: number;
  /** Local time of day prompts, reminders and sign-off chasers go out. */
  time: string;
  /** Local time the supervisor's digest goes out, the working day before. */
  digestTime: string;
  /** How far ahead occurrences are planned. */
  horizonDays: number;
  /** Finalised records older than this are not chased (they predate the bot). */
  signOffLookbackDays: number;
}

export const defaultTiming: PromptTiming = { workingDaysBefore: 3, reminderWorkingDaysBefore: 1, time: '09:00', digestTime: '15:00', horizonDays: 21, signOffLookbackDays: 60 };

export const jobKinds = {
  prompt: 'prep-prompt',
  reminder: 'prep-reminder',
  digest: 'prep-digest',
  signOff: 'signoff-request',
  signOffChase: 'signoff-chase',
  ...circleJobKinds,
} as const;

export function cardActivity(card: AdaptiveCardJson, summary?: string): { type: 'message'; attachments: { contentType: string; content: AdaptiveCardJson }[]; summary?: string } {
  return { type: 'message', attachments: [{ contentType: cardContentType, content: card }], ...(summary ? { summary } : {}) };
}

/** The working day `n` working days before a date. */
export function workingDaysBefore(date: CivilDate, n: number): CivilDate {
  let day = toDay(date);
  let remaining = n;
  while (remaining > 0) {
    day -= 1;
    if (isWorkingDay(day)) remaining -= 1;
  }
  return toCivil(day);
}

function startOf(services: AppServices, date: CivilDate, time: string | undefined): number {
  return londonToInstant(date, time ?? services.pack.scheduling.defaultTime);
}

/** Prompts, reminders and digests for every booked one-to-one in the horizon; sign-offs for finalised records. */
export function botPlanner(services: AppServices, timing: PromptTiming): Planner {
  return async (asOf) => {
    const specs: JobSpec[] = [];
    const now = asOf.getTime();
    const today = instantToLondon(now).date;
    const horizon = toCivil(toDay(today) + timing.horizonDays);
    const schedules = await services.records.where('schedules', 'status', 'booked');
    const supervisees = [...new Set(schedules.filter((s) => s.record.org === services.pack.id).map((s) => s.record.superviseeId))];
    for (const superviseeId of supervisees) {
      const staff = await staffOf(services, superviseeId);
      if (!staff) continue;
      const data = await personData(services, staff);
      for (const o of data.occurrences) {
        if (o.status !== 'planned' || o.kind !== 'individual' || o.date < today || o.date > horizon) continue;
        if (startOf(services, o.date, o.time) <= now) continue;
        const payload = { superviseeId, occurrenceId: o.id, date: o.date };
        const at = (days: number, time: string) => londonToInstant(workingDaysBefore(o.date, days), time);
        specs.push(
          { key: jobKey(jobKinds.prompt, o.id, o.date), kind: jobKinds.prompt, dueAt: at(timing.workingDaysBefore, timing.time), payload },
          { key: jobKey(jobKinds.reminder, o.id, o.date), kind: jobKinds.reminder, dueAt: at(timing.reminderWorkingDaysBefore, timing.time), payload },
          { key: jobKey(jobKinds.digest, o.id, o.date), kind: jobKinds.digest, dueAt: at(timing.reminderWorkingDaysBefore, timing.digestTime), payload },
        );
      }
    }
    const finalised = await services.records.where('sessionRecords', 'status', 'finalised');
    for (const { record } of finalised) {
      if (!needsSignOff(record) || record.org !== services.pack.id) continue;
      const finalisedAt = record.finalisedAt!;
      if (Date.parse(finalisedAt) < now - timing.signOffLookbackDays * 86_400_000) continue;
      const payload = { recordId: record.id, finalisedAt };
      specs.push({ key: jobKey(jobKinds.signOff, record.id, finalisedAt), kind: jobKinds.signOff, dueAt: Date.parse(finalisedAt), payload });
      const chase = chaseAt(services.pack, finalisedAt, timing.time);
      // A deadline too close to chase before it gets only the request.
      if (chase > Date.parse(finalisedAt) + 4 * 3_600_000) specs.push({ key: jobKey(jobKinds.signOffChase, record.id, finalisedAt), kind: jobKinds.signOffChase, dueAt: chase, payload });
    }
    return specs;
  };
}

const occurrencePayload = z.object({ superviseeId: z.string().min(1), occurrenceId: z.string().min(1), date: z.string() });
const recordPayload = z.object({ recordId: z.string().min(1), finalisedAt: z.string() });
const circlePayload = z.object({ circleId: z.string().min(1), stageId: z.string().optional() });

const skip = (reason: string): JobOutcome => ({ status: 'skipped', reason });

export interface HandlerDeps {
  services: AppServices;
  sender: Sender;
  circles: Circles;
  store: SqliteJobStore;
  timing: PromptTiming;
  /** Whether the bot can write to a person or thread without trying (no reference → skip). */
  reachable(target: { userId: string } | { conversationId: string }): Promise<boolean>;
}

export function botHandlers(deps: HandlerDeps): Record<string, JobHandler> {
  const { services, sender, circles, store } = deps;

  /** The occurrence a prep job was planned for, if it is still booked then and still ahead. */
  async function stillBooked(job: Job, asOf: Date) {
    const payload = occurrencePayload.safeParse(job.payload);
    if (!payload.success) return skip('bad-payload');
    const staff = await staffOf(services, payload.data.superviseeId);
    if (!staff) return skip('not-supervised');
    const data = await personData(services, staff);
    const occurrence = data.occurrences.find((o) => o.id === payload.data.occurrenceId && o.status === 'planned');
    if (!occurrence) return skip('cancelled');
    if (occurrence.date !== payload.data.date) return skip('moved');
    if (startOf(services, occurrence.date, occurrence.time) <= asOf.getTime()) return skip('past');
    return { staff, data, occurrence };
  }

  const prep = (mode: 'prompt' | 'reminder'): JobHandler => async (job, context) => {
    const found = await stillBooked(job, context.asOf);
    if ('status' in found) return found;
    const { staff, data, occurrence } = found;
    const prepared = await prepContext(services, staff, occurrence, data);
    if (prepared.existing) return skip('answered');
    if (mode === 'reminder') {
      const prompt = store.get(jobKey(jobKinds.prompt, occurrence.id, occurrence.date));
      // A prompt that only just went out (planned late) needs no reminder on top.
      if (prompt?.status === 'done' && prompt.ranAsOf !== null && prompt.ranAsOf > job.dueAt - 4 * 3_600_000) return skip('prompt-just-sent');
    }
    if (!(await deps.reachable({ userId: staff.userId }))) return skip('no-conversation');
    const card = prepCard(prepared, { values: {}, errors: {} }, mode);
    await context.send(() => sender.toUser(staff.userId, cardActivity(card, 'Prepare for supervision')));
    return { status: 'done' };
  };

  const digest: JobHandler = async (job, context) => {
    const found = await stillBooked(job, context.asOf);
    if ('status' in found) return found;
    const { staff, data, occurrence } = found;
    if (!(await deps.reachable({ userId: staff.supervisorId }))) return skip('no-conversation');
    const prepared = await prepContext(services, staff, occurrence, data);
    const card = digestCard({ superviseeName: await displayName(services, staff.userId), context: prepared, overdueCases: prepared.casesDue, link: tabLink(services, { view: 'session', superviseeId: staff.userId }, 'Supervision') });
    await context.send(() => sender.toUser(staff.supervisorId, cardActivity(card, 'Supervision tomorrow')));
    return { status: 'done' };
  };

  const signOff = (chase: boolean): JobHandler => async (job, context) => {
    const payload = recordPayload.safeParse(job.payload);
    if (!payload.success) return skip('bad-payload');
    const found = await services.records.get('sessionRecords', payload.data.recordId);
    if (!found || !needsSignOff(found.record)) return skip('answered');
    if (found.record.finalisedAt !== payload.data.finalisedAt) return skip('superseded');
    if (chase && signOffDeadline(services.pack, payload.data.finalisedAt).due <= context.asOf.getTime()) return skip('deadline-passed');
    if (!(await deps.reachable({ userId: found.record.superviseeId }))) return skip('no-conversation');
    const card = await buildSignOffCard(services, found, { chase });
    await context.send(() => sender.toUser(found.record.superviseeId, cardActivity(card, 'Please confirm your supervision record')));
    return { status: 'done' };
  };

  const post = async (context: JobContext, result: { post?: { conversationId: string; card: AdaptiveCardJson }; jobs?: JobSpec[]; skipped?: string }): Promise<JobOutcome> => {
    if (!result.post) return skip(result.skipped ?? 'stale');
    const { conversationId, card } = result.post;
    if (result.jobs) context.enqueue(result.jobs);
    if (!(await deps.reachable({ conversationId }))) return skip('no-conversation');
    await context.send(() => sender.toConversation(conversationId, cardActivity(card)));
    return { status: 'done' };
  };

  return {
    [jobKinds.prompt]: prep('prompt'),
    [jobKinds.reminder]: prep('reminder'),
    [jobKinds.digest]: digest,
    [jobKinds.signOff]: signOff(false),
    [jobKinds.signOffChase]: signOff(true),
    [jobKinds.stage]: async (job, context) => {
      const payload = circlePayload.safeParse(job.payload);
      if (!payload.success || !payload.data.stageId) return skip('bad-payload');
      return post(context, await circles.onStageTimer(payload.data.circleId, payload.data.stageId, context.asOf));
    },
    [jobKinds.close]: async (job, context) => {
      const payload = circlePayload.safeParse(job.payload);
      if (!payload.success || !payload.data.stageId) return skip('bad-payload');
      return post(context, await circles.onAutoClose(payload.data.circleId, payload.data.stageId, context.asOf));
    },
    [jobKinds.checkIn]: async (job, context) => {
      const payload = circlePayload.safeParse(job.payload);
      if (!payload.success) return skip('bad-payload');
      return post(context, await circles.onCheckIn(payload.data.circleId));
    },
  };
}

export function timingWith(overrides: Partial<PromptTiming> = {}): PromptTiming {
  return { ...defaultTiming, ...overrides };
}
