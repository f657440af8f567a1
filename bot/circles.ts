/**
 * Solution and success circles in a channel thread. Stages, durations and instructions come
 * from the pack's groupSupervision where it defines them. A timed stage ends through a job
 * (one message per stage, never a ticking card: Teams rate-limits edits), and the presenter's
 * "move on" brings that same job forward, so a stage is announced once whichever comes first.
 * Everything is kept in CircleSessions (a case reference at most) and, at the end, each
 * participant gets a group supervision record that counts as attendance.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isCivilDate, toDay, type CivilDate } from '../src/calendar/civil.js';
import { instantToLondon, londonToInstant } from '../src/calendar/london.js';
import { SupervisionError } from '../src/errors.js';
import { jobKey, type JobSpec } from '../src/jobs/store.js';
import { findRole } from '../src/policy/resolve.js';
import type { Pack } from '../src/policy/schema.js';
import { caseReferenceSchema } from '../src/records/case-reference.js';
import type { CircleSession, SessionRecord } from '../src/records/models.js';
import type { AppServices } from '../src/server/services.js';
import { checkInCard, contributedCard, infoCard, offered, stageCard, summaryCard } from './cards/circle-cards.js';
import type { AdaptiveCardJson } from './cards/elements.js';
import { displayName, staffOf } from './people.js';

export type CircleKind = CircleSession['kind'];
/** What people do in a stage: talk, offer ideas, select, add up outcomes, share learning. */
export type StageRole = 'talk' | 'collect' | 'select' | 'outcomes' | 'learning';

export interface CircleStage {
  id: string;
  label: string;
  minutes?: number;
  instructions: string;
  role: StageRole;
}

/**
 * The four-stage solution circle and five-stage success circle as Dudley's policy describes
 * them, used where a pack defines no circle of its own.
 */
const productStages: Record<CircleKind, CircleStage[]> = {
  solution: [
    { id: 'set-the-focus', label: 'Set the focus', minutes: 2, role: 'talk', instructions: 'The presenter outlines the issue with no interruption from the group.' },
    { id: 'clarification-questions', label: 'Clarifying questions', minutes: 4, role: 'talk', instructions: 'The group asks clarifying questions only: no solutions yet.' },
    { id: 'solutions', label: 'Solutions', minutes: 4, role: 'collect', instructions: 'Group members offer ideas on this card. The presenter only listens and notes.' },
    { id: 'selection', label: 'Selection', role: 'select', instructions: 'The presenter removes ideas already tried, picks about two to action and shares them with the group.' },
  ],
  success: [
    { id: 'outline-the-work', label: 'Outline the piece of work', minutes: 4, role: 'talk', instructions: 'The presenter outlines the piece of work and why it was successful.' },
    { id: 'clarification-questions', label: 'Questions from the group', minutes: 6, role: 'talk', instructions: 'The group asks how the work was done and which obstacles were overcome.' },
    { id: 'reflections-on-outcomes', label: 'Reflections on outcomes', minutes: 6, role: 'collect', instructions: 'The group offers reflections on outcomes and impact on this card. The presenter listens only.' },
    { id: 'add-up-outcomes', label: 'Add up the outcomes', role: 'outcomes', instructions: 'The presenter adds up the outcomes achieved for the child or family.' },
    { id: 'use-the-learning', label: 'Using the learning', role: 'learning', instructions: 'Each member says how they will use this learning in their work.' },
  ],
};

/** The pack's stages where it defines the circle (roles follow the model's stage order). */
export function circleStages(pack: Pack, kind: CircleKind): CircleStage[] {
  const defined = kind === 'solution' ? pack.groupSupervision?.solutionCircle : pack.groupSupervision?.successCircle;
  const defaults = productStages[kind];
  if (!defined) return defaults;
  return defined.stages.map((stage, i) => {
    const role = defaults.find((d) => d.id === stage.id)?.role ?? defaults[i]?.role ?? 'talk';
    return { id: stage.id, label: stage.label, instructions: stage.instructions, role, ...(stage.minutes ? { minutes: stage.minutes } : {}) };
  });
}

export function circleIdFor(conversationId: string, activityId: string): string {
  return `circle-${createHash('sha256').update(`${conversationId}|${activityId}`).digest('hex').slice(0, 24)}`;
}

export interface CirclePost {
  conversationId: string;
  card: AdaptiveCardJson;
}

/** What an action on a circle card produces: the card for the person who acted, and posts for the thread. */
export interface CircleResult {
  card: AdaptiveCardJson;
  posts: CirclePost[];
  jobs: JobSpec[];
}

export interface CircleOptions {
  /** An untimed last stage nobody closes is closed after this long. */
  autoCloseMinutes: number;
  /** Local time the check-in is posted on its day. */
  checkInTime: string;
}

export const circleJobKinds = { stage: 'circle-stage', close: 'circle-close', checkIn: 'circle-checkin' } as const;

const startPattern = /^(solution|success)\s+circle\b\s*(.*)$/i;

/** "solution circle LCS-123" → the kind and the optional case reference, or why not. */
export function parseStart(textValue: string): { kind: CircleKind; caseRef?: string } | { error: string } | undefined {
  const match = startPattern.exec(textValue.trim());
  if (!match) return undefined;
  const kind = match[1]!.toLowerCase() as CircleKind;
  const rest = match[2]!.trim();
  if (!rest) return { kind };
  const token = rest.split(/\s+/);
  const ref = caseReferenceSchema.safeParse(token[0]);
  if (token.length > 1 || !ref.success) return { error: 'Give at most one case reference after the circle name (for example LCS-123456): case references only, never names or details.' };
  return { kind, caseRef: ref.data };
}

export class Circles {
  constructor(
    private readonly services: AppServices,
    private readonly options: CircleOptions,
  ) {}

  stages(kind: CircleKind): CircleStage[] {
    return circleStages(this.services.pack, kind);
  }

  private async presenterName(circle: CircleSession): Promise<string> {
    return displayName(this.services, circle.presenterId);
  }

  private today(now: Date): CivilDate {
    return instantToLondon(now.getTime()).date;
  }

  private async card(circle: CircleSession, index: number, now: Date, extra: { errors?: Record<string, string>; values?: Record<string, string> } = {}): Promise<AdaptiveCardJson> {
    return stageCard({ circle, stages: this.stages(circle.kind), index, presenterName: await this.presenterName(circle), today: this.today(now), ...extra });
  }

  /** Jobs that belong to entering a stage: its timer, or a safety close for an untimed stage. */
  private jobsFor(circle: CircleSession, stage: CircleStage, now: Date): JobSpec[] {
    if (stage.minutes && circle.stageEndsAt) {
      return [{ key: jobKey(circleJobKinds.stage, circle.id, stage.id), kind: circleJobKinds.stage, dueAt: Date.parse(circle.stageEndsAt), payload: { circleId: circle.id, stageId: stage.id } }];
    }
    return [{ key: jobKey(circleJobKinds.close, circle.id, stage.id), kind: circleJobKinds.close, dueAt: now.getTime() + this.options.autoCloseMinutes * 60_000, payload: { circleId: circle.id, stageId: stage.id } }];
  }

  /** Read-modify-write with retries: many people press buttons on one circle at once. */
  private async mutate(circleId: string, change: (circle: CircleSession) => CircleSession | undefined): Promise<{ before: CircleSession; after?: CircleSession } | undefined> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const found = await this.services.records.get('circleSessions', circleId);
      if (!found) return undefined;
      const next = change(structuredClone(found.record));
      if (!next) return { before: found.record };
      try {
        const saved = await this.services.records.update('circleSessions', next, found.version);
        return { before: found.record, after: saved.record };
      } catch (error) {
        if ((error as { code?: string }).code !== 'CONFLICT') throw error;
      }
    }
    throw new SupervisionError('CONFLICT', 'the circle is changing too fast; try again', { field: 'circleId' });
  }

  /** `startedBy` (when someone else presents) takes part too: they called the circle. */
  async start(input: { kind: CircleKind; caseRef?: string; conversationId: string; activityId: string; presenterId: string; startedBy?: string; now: Date }): Promise<CircleResult> {
    const existing = await this.services.records.where('circleSessions', 'conversationId', input.conversationId);
    const id = circleIdFor(input.conversationId, input.activityId);
    const same = existing.find((c) => c.record.id === id);
    if (same) return { card: await this.card(same.record, Math.max(0, this.stages(same.record.kind).findIndex((s) => s.id === same.record.stage)), input.now), posts: [], jobs: [] };
    if (existing.some((c) => !c.record.completedAt)) {
      return { card: infoCard('A circle is already running here', 'Finish the circle in this thread first, or start a new one in a new post.'), posts: [], jobs: [] };
    }
    const stages = this.stages(input.kind);
    const first = stages[0]!;
    const circle: CircleSession = {
      id,
      org: this.services.pack.id,
      kind: input.kind,
      conversationId: input.conversationId,
      presenterId: input.presenterId,
      ...(input.caseRef ? { caseRef: input.caseRef } : {}),
      participants: [...new Set([input.presenterId, ...(input.startedBy ? [input.startedBy] : [])])],
      stage: first.id,
      ...(first.minutes ? { stageEndsAt: new Date(input.now.getTime() + first.minutes * 60_000).toISOString() } : {}),
      contributions: [],
      startedAt: input.now.toISOString(),
    };
    const saved = await this.services.records.create('circleSessions', circle);
    return { card: await this.card(saved.record, 0, input.now), posts: [], jobs: this.jobsFor(saved.record, first, input.now) };
  }

  private static join(circle: CircleSession, userId: string): CircleSession {
    if (!circle.participants.includes(userId)) circle.participants.push(userId);
    return circle;
  }

  async join(circleId: string, userId: string): Promise<AdaptiveCardJson> {
    const result = await this.mutate(circleId, (c) => (c.participants.includes(userId) || c.completedAt ? undefined : Circles.join(c, userId)));
    if (!result) return infoCard('Circle not found', 'This circle no longer exists.');
    if (result.before.completedAt) return infoCard('This circle has finished', 'Start a new one with "@Supervision solution circle" or "@Supervision success circle".');
    return infoCard('You have joined the circle', 'It counts as group supervision for you when the circle completes.');
  }

  async contribute(circleId: string, stageId: string, userId: string, raw: unknown, now: Date): Promise<CircleResult> {
    const parsed = z.object({ text: z.string().trim().min(1).max(1000) }).safeParse(raw);
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found) return { card: infoCard('Circle not found', 'This circle no longer exists.'), posts: [], jobs: [] };
    const stages = this.stages(found.record.kind);
    const index = stages.findIndex((s) => s.id === stageId);
    const stage = stages[index];
    if (!stage || (stage.role !== 'collect' && stage.role !== 'learning')) return { card: infoCard('Nothing to add here', 'This stage does not take contributions.'), posts: [], jobs: [] };
    if (found.record.stage !== stageId) return { card: infoCard('This stage has ended', 'The circle has moved on: see the latest message in the thread.'), posts: [], jobs: [] };
    if (stage.role === 'collect' && userId === found.record.presenterId) {
      return { card: infoCard('Listen and note', 'As the presenter you only listen and note in this stage: the group offers the ideas.'), posts: [], jobs: [] };
    }
    if (!parsed.success) {
      const message = typeof (raw as { text?: unknown })?.text === 'string' && ((raw as { text: string }).text.trim().length > 1000) ? 'Keep it under 1,000 characters.' : 'Write something before you press the button.';
      return { card: await this.card(found.record, index, now, { errors: { text: message } }), posts: [], jobs: [] };
    }
    const result = await this.mutate(circleId, (c) => {
      if (c.stage !== stageId || c.contributions.length >= 200) return undefined;
      c.contributions.push({ stage: stageId, authorId: userId, text: parsed.data.text });
      return Circles.join(c, userId);
    });
    const after = result?.after;
    if (!after) return { card: infoCard('This stage has ended', 'The circle has moved on: see the latest message in the thread.'), posts: [], jobs: [] };
    return { card: contributedCard(after, stage, after.contributions.filter((c) => c.stage === stageId).length), posts: [], jobs: [] };
  }

  /**
   * Ends the timed stage `stageId` and announces the next. Only the stage's job calls this,
   * so finding the circle already one stage on means an earlier attempt of the same job
   * advanced it but did not get its message out: announce it again rather than drop it.
   */
  async onStageTimer(circleId: string, stageId: string, now: Date): Promise<{ post?: CirclePost; jobs: JobSpec[]; skipped?: string }> {
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found) return { jobs: [], skipped: 'circle-gone' };
    const stages = this.stages(found.record.kind);
    const index = stages.findIndex((s) => s.id === stageId);
    const next = stages[index + 1];
    if (index < 0 || !next || found.record.completedAt) return { jobs: [], skipped: 'stale' };
    let circle = found.record;
    if (circle.stage === stageId) {
      const result = await this.mutate(circleId, (c) => {
        if (c.stage !== stageId) return undefined;
        c.stage = next.id;
        if (next.minutes) c.stageEndsAt = new Date(now.getTime() + next.minutes * 60_000).toISOString();
        else delete c.stageEndsAt;
        return c;
      });
      if (!result?.after) return { jobs: [], skipped: 'stale' };
      circle = result.after;
    } else if (circle.stage !== next.id) {
      return { jobs: [], skipped: 'stale' };
    }
    return { post: { conversationId: circle.conversationId, card: await this.card(circle, index + 1, now) }, jobs: this.jobsFor(circle, next, now) };
  }

  /** The presenter's "move on": the key of the job that ends the current timed stage. */
  async moveOn(circleId: string, stageId: string, userId: string): Promise<{ key?: string; card: AdaptiveCardJson }> {
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found) return { card: infoCard('Circle not found', 'This circle no longer exists.') };
    if (userId !== found.record.presenterId) return { card: infoCard('Only the presenter moves on', 'The circle moves on when the time is up, or when the presenter says so.') };
    if (found.record.stage !== stageId) return { card: infoCard('Already moved on', 'See the latest message in the thread.') };
    const stage = this.stages(found.record.kind).find((s) => s.id === stageId);
    if (!stage?.minutes) return { card: infoCard('Nothing to move on from', 'This stage ends with the presenter\'s answer on its card.') };
    return { key: jobKey(circleJobKinds.stage, circleId, stageId), card: infoCard('Moving on', 'The next stage is being posted in the thread.') };
  }

  async select(circleId: string, userId: string, raw: Record<string, unknown>, now: Date): Promise<CircleResult> {
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found) return { card: infoCard('Circle not found', 'This circle no longer exists.'), posts: [], jobs: [] };
    const circle = found.record;
    const stages = this.stages(circle.kind);
    const index = stages.findIndex((s) => s.role === 'select');
    if (userId !== circle.presenterId) return { card: infoCard('Only the presenter selects', 'The presenter removes ideas already tried and picks the ones to action.'), posts: [], jobs: [] };
    if (circle.completedAt || circle.stage !== stages[index]?.id) return { card: infoCard('Selection is closed', 'See the latest message in the thread.'), posts: [], jobs: [] };
    const ideas = offered(circle, stages);
    const known = new Set(ideas.map((i) => String(i.index)));
    const list = (value: unknown) => (typeof value === 'string' && value.trim() ? value.split(',').map((v) => v.trim()) : []);
    const tried = list(raw.tried);
    const selected = list(raw.selected);
    const errors: Record<string, string> = {};
    if (tried.some((t) => !known.has(t))) errors.tried = 'choose from the ideas listed';
    if (selected.some((s) => !known.has(s))) errors.selected = 'choose from the ideas listed';
    else if (ideas.length > 0 && selected.length === 0) errors.selected = 'pick the ideas you will action (about two)';
    else if (selected.length > 3) errors.selected = 'pick about two: at most three';
    else if (selected.some((s) => tried.includes(s))) errors.selected = 'an idea you have already tried cannot also be selected';
    const checkIn = typeof raw.checkIn === 'string' ? raw.checkIn.trim() : '';
    const today = this.today(now);
    if (!isCivilDate(checkIn)) errors.checkIn = 'choose the date to check in with the group';
    else if (checkIn <= today) errors.checkIn = 'the check-in must be after today';
    else if (toDay(checkIn) - toDay(today) > 183) errors.checkIn = 'check in within six months';
    if (Object.keys(errors).length > 0) {
      const values = { tried: tried.join(','), selected: selected.join(','), ...(checkIn ? { checkIn } : {}) };
      return { card: await this.card(circle, index, now, { errors, values }), posts: [], jobs: [] };
    }
    const result = await this.mutate(circleId, (c) => {
      if (c.completedAt || c.stage !== stages[index]!.id) return undefined;
      c.contributions = c.contributions.map((item, i) => ({ ...item, ...(tried.includes(String(i)) ? { removed: true } : {}), ...(selected.includes(String(i)) ? { selected: true } : {}) }));
      c.checkInOn = checkIn;
      return this.complete(c, now);
    });
    if (!result?.after) return { card: infoCard('Selection is closed', 'See the latest message in the thread.'), posts: [], jobs: [] };
    return this.completed(result.after, now);
  }

  async outcomes(circleId: string, userId: string, raw: Record<string, unknown>, now: Date): Promise<CircleResult> {
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found) return { card: infoCard('Circle not found', 'This circle no longer exists.'), posts: [], jobs: [] };
    const circle = found.record;
    const stages = this.stages(circle.kind);
    const index = stages.findIndex((s) => s.role === 'outcomes');
    const stage = stages[index];
    if (userId !== circle.presenterId) return { card: infoCard('Only the presenter adds up the outcomes', 'Share your reflections in the next stage.'), posts: [], jobs: [] };
    if (!stage || circle.stage !== stage.id) return { card: infoCard('This stage has ended', 'See the latest message in the thread.'), posts: [], jobs: [] };
    const lines = (typeof raw.outcomes === 'string' ? raw.outcomes : '').split('\n').map((l) => l.trim()).filter(Boolean);
    const error = lines.length === 0 ? 'list at least one outcome, one per line' : lines.length > 20 ? 'list at most 20 outcomes' : lines.some((l) => l.length > 1000) ? 'keep each outcome under 1,000 characters' : undefined;
    if (error) return { card: await this.card(circle, index, now, { errors: { outcomes: error }, values: { outcomes: typeof raw.outcomes === 'string' ? raw.outcomes.slice(0, 4000) : '' } }), posts: [], jobs: [] };
    const next = stages[index + 1];
    const result = await this.mutate(circleId, (c) => {
      if (c.stage !== stage.id) return undefined;
      for (const line of lines) c.contributions.push({ stage: stage.id, authorId: userId, text: line });
      if (!next) return this.complete(c, now);
      c.stage = next.id;
      if (next.minutes) c.stageEndsAt = new Date(now.getTime() + next.minutes * 60_000).toISOString();
      return c;
    });
    if (!result?.after) return { card: infoCard('This stage has ended', 'See the latest message in the thread.'), posts: [], jobs: [] };
    if (!next) return this.completed(result.after, now);
    return {
      card: infoCard('Outcomes added up', `${lines.length} recorded. The next stage is posted in the thread.`),
      posts: [{ conversationId: result.after.conversationId, card: await this.card(result.after, index + 1, now) }],
      jobs: this.jobsFor(result.after, next, now),
    };
  }

  async finish(circleId: string, userId: string, now: Date): Promise<CircleResult> {
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found) return { card: infoCard('Circle not found', 'This circle no longer exists.'), posts: [], jobs: [] };
    if (userId !== found.record.presenterId) return { card: infoCard('Only the presenter closes the circle', 'Share how you will use the learning on the card.'), posts: [], jobs: [] };
    const stages = this.stages(found.record.kind);
    const last = stages[stages.length - 1]!;
    if (found.record.completedAt || found.record.stage !== last.id) return { card: infoCard('Not the last stage', 'The circle closes from its last stage.'), posts: [], jobs: [] };
    const result = await this.mutate(circleId, (c) => (c.completedAt || c.stage !== last.id ? undefined : this.complete(c, now)));
    if (!result?.after) return { card: infoCard('Already closed', 'See the summary in the thread.'), posts: [], jobs: [] };
    return this.completed(result.after, now);
  }

  /** The safety close of an untimed stage nobody finished. */
  async onAutoClose(circleId: string, stageId: string, now: Date): Promise<{ post?: CirclePost; jobs: JobSpec[]; skipped?: string }> {
    const result = await this.mutate(circleId, (c) => (c.completedAt || c.stage !== stageId ? undefined : this.complete(c, now)));
    if (!result?.after) return { jobs: [], skipped: 'stale' };
    const done = await this.completed(result.after, now);
    return { post: done.posts[0]!, jobs: done.jobs };
  }

  async onCheckIn(circleId: string): Promise<{ post?: CirclePost; skipped?: string }> {
    const found = await this.services.records.get('circleSessions', circleId);
    if (!found?.record.checkInOn) return { skipped: 'no-check-in' };
    const circle = found.record;
    return { post: { conversationId: circle.conversationId, card: checkInCard(circle, this.stages(circle.kind), await this.presenterName(circle)) } };
  }

  private complete(circle: CircleSession, now: Date): CircleSession {
    circle.stage = 'complete';
    circle.completedAt = now.toISOString();
    delete circle.stageEndsAt;
    return circle;
  }

  /** After completion: the summary for the thread, attendance records, and the check-in job. */
  private async completed(circle: CircleSession, now: Date): Promise<CircleResult> {
    await this.recordAttendance(circle, now);
    const jobs: JobSpec[] = [];
    if (circle.checkInOn) {
      jobs.push({ key: jobKey(circleJobKinds.checkIn, circle.id), kind: circleJobKinds.checkIn, dueAt: londonToInstant(circle.checkInOn, this.options.checkInTime), payload: { circleId: circle.id } });
    }
    const summary = summaryCard(circle, this.stages(circle.kind), await this.presenterName(circle));
    return { card: infoCard('Circle complete', 'The summary is posted in the thread.'), posts: [{ conversationId: circle.conversationId, card: summary }], jobs };
  }

  /**
   * One group supervision record per participant who is supervised here. The bot writes it
   * from their own participation, so it is not sent to them for sign-off; it holds the case
   * reference at most, never what was said.
   */
  private async recordAttendance(circle: CircleSession, now: Date): Promise<void> {
    const { date, time } = instantToLondon(Date.parse(circle.startedAt));
    const stages = this.stages(circle.kind);
    const offeredCount = offered(circle, stages).length;
    const summary = `${circle.kind === 'solution' ? 'Solution' : 'Success'} circle in Teams${circle.caseRef ? ` (case ${circle.caseRef})` : ''}: ${circle.participants.length} taking part, ${offeredCount} ${circle.kind === 'solution' ? 'ideas' : 'reflections'} offered.`;
    for (const userId of circle.participants) {
      const staff = await staffOf(this.services, userId);
      if (!staff) continue;
      const template = this.services.pack.templates.find((t) => t.purpose === 'group-record')?.id ?? findRole(this.services.pack, staff.role).recordTemplate;
      const record: SessionRecord = {
        id: `${circle.id}-${createHash('sha256').update(userId).digest('hex').slice(0, 12)}`,
        superviseeId: userId,
        supervisorId: staff.supervisorId,
        org: this.services.pack.id,
        templateId: template,
        kind: 'group',
        sessionDate: date,
        sessionStart: time,
        sections: { 'group-supervision': `${summary}${userId === circle.presenterId ? ' Presented.' : ''}` },
        cases: [],
        actions: [],
        status: 'acknowledged',
        finalisedAt: now.toISOString(),
        sharedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      try {
        await this.services.records.create('sessionRecords', record);
      } catch (error) {
        // Written already by an earlier attempt (with its own timestamps): attendance stands.
        if ((error as { code?: string }).code !== 'CONFLICT') throw error;
      }
    }
  }
}
