/**
 * Preparation for a one-to-one: the organisation's own questions (pack.prep), the open
 * actions, and the caseload references the policy wants discussed; answers validated with
 * zod built from those questions and saved to PrepResponses under the id the tab uses, so
 * the answers appear in the session record's agenda.
 */
import { z } from 'zod';
import { isCivilDate, type CivilDate } from '../src/calendar/civil.js';
import { isBreach } from '../src/compliance/findings.js';
import type { Pack, PrepQuestion } from '../src/policy/schema.js';
import { caseReferenceSchema } from '../src/records/case-reference.js';
import type { Action, PrepResponse, Staff } from '../src/records/models.js';
import type { Versioned } from '../src/records/repository.js';
import { findingsOf } from '../src/server/api/supervision.js';
import type { AppServices } from '../src/server/services.js';
import { displayName, personData, type OccurrenceView, type PersonData } from './people.js';

export interface PrepQuestions {
  questions: PrepQuestion[];
  perCase: PrepQuestion[];
}

/** The pack's questions for a role; a question asked by two prep sets is asked once. */
export function prepQuestionsFor(pack: Pack, role: string): PrepQuestions {
  const sets = pack.prep.filter((p) => !p.roles || p.roles.includes(role));
  const unique = (list: PrepQuestion[]) => [...new Map(list.map((q) => [q.id, q])).values()];
  return { questions: unique(sets.flatMap((p) => p.questions)), perCase: unique(sets.flatMap((p) => p.perCase ?? [])) };
}

/**
 * Some per-case sheets ask for the case reference itself (Bristol's "LCS/EHM ID"). The bot
 * already knows the reference of each case it lists, so it fills that answer in.
 */
export function isReferenceQuestion(question: PrepQuestion): boolean {
  return question.type === 'text' && /\b(reference|ID)\b/.test(question.label);
}

export function prepId(superviseeId: string, date: CivilDate): string {
  return `prep-${superviseeId}-${date}`;
}

export interface CaseDue {
  ref: string;
  category: string;
  label: string;
  why: string;
  overdue: boolean;
}

export interface PrepContext extends PrepQuestions {
  staff: Staff;
  supervisorName: string;
  occurrence: Pick<OccurrenceView, 'id' | 'date' | 'time' | 'joinUrl'>;
  openActions: Action[];
  /** Open actions that came from the last shared record. */
  lastRecordActions: Set<string>;
  casesDue: CaseDue[];
  existing: Versioned<PrepResponse> | undefined;
}

/** The caseload references due for discussion at a session, by the pack's case rules. */
export function casesDueAt(pack: Pack, data: PersonData, sessionDate: CivilDate): CaseDue[] {
  let findings: ReturnType<typeof findingsOf> = [];
  try {
    findings = findingsOf(pack, data, sessionDate).filter((f) => f.kind === 'case-discussion-overdue');
  } catch {
    // A person whose role no longer resolves still gets prompted, just without case reminders.
    findings = [];
  }
  const due: CaseDue[] = [];
  for (const entry of data.caseload) {
    if (entry.closed) continue;
    const rule = pack.caseDiscussion.rules.find((r) => r.category === entry.category);
    const finding = findings.find((f) => f.subject.startsWith(`${entry.caseRef} `));
    if (finding) due.push({ ref: entry.caseRef, category: entry.category, label: rule?.label ?? entry.category, why: finding.subject, overdue: isBreach(finding) });
    else if (rule?.everySession) due.push({ ref: entry.caseRef, category: entry.category, label: rule.label, why: `${rule.label}: discussed at every supervision`, overdue: false });
  }
  return due.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.ref.localeCompare(b.ref));
}

export async function prepContext(services: AppServices, staff: Staff, occurrence: Pick<OccurrenceView, 'id' | 'date' | 'time' | 'joinUrl'>, data?: PersonData): Promise<PrepContext> {
  const person = data ?? (await personData(services, staff));
  const { questions, perCase } = prepQuestionsFor(services.pack, staff.role);
  const openActions = person.actions.map((a) => a.record).filter((a) => !a.doneAt).sort((a, b) => a.due.localeCompare(b.due));
  const shared = person.records.map((r) => r.record).filter((r) => r.status !== 'draft' && r.kind !== 'group' && r.sessionDate < occurrence.date);
  const last = shared.sort((a, b) => b.sessionDate.localeCompare(a.sessionDate))[0];
  return {
    staff,
    supervisorName: await displayName(services, staff.supervisorId),
    occurrence,
    questions,
    perCase,
    openActions,
    lastRecordActions: new Set(openActions.filter((a) => last && a.recordId === last.id).map((a) => a.id)),
    casesDue: casesDueAt(services.pack, person, occurrence.date),
    existing: await services.records.get('prepResponses', prepId(staff.userId, occurrence.date)),
  };
}

/** Input ids on the card: session questions, per-case slots, and one extra case. */
export const inputIds = {
  question: (id: string) => `q.${id}`,
  slot: (slot: number, id: string) => `c.${slot}.${id}`,
  extra: (id: string) => `c.x.${id}`,
  extraRef: 'c.x.ref',
} as const;

/** The case references shown as slots: those already answered, then those due. */
export function slotsFor(context: PrepContext): string[] {
  const refs = [...(context.existing?.record.perCase.map((c) => c.ref) ?? []), ...context.casesDue.map((c) => c.ref)];
  return [...new Set(refs)].slice(0, 8);
}

/** Card values from a saved response, so "edit" shows what was saved. */
export function valuesFrom(context: PrepContext, slots: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  const saved = context.existing?.record;
  if (!saved) return values;
  for (const [id, answer] of Object.entries(saved.answers)) values[inputIds.question(id)] = answer;
  for (const item of saved.perCase) {
    const slot = slots.indexOf(item.ref);
    if (slot < 0) continue;
    for (const [id, answer] of Object.entries(item.answers)) values[inputIds.slot(slot, id)] = answer;
  }
  return values;
}

/** What the prep card's buttons carry besides the inputs. */
export const prepActionDataSchema = z.object({
  occurrenceId: z.string().min(1).max(400),
  date: z.string().refine(isCivilDate),
  slots: z.array(caseReferenceSchema).max(10).optional(),
  version: z.string().max(200).optional(),
});
export type PrepActionData = z.infer<typeof prepActionDataSchema>;

function answerSchema(question: PrepQuestion): z.ZodType<string | undefined> {
  const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  let value: z.ZodType<string>;
  switch (question.type) {
    case 'yes-no':
      value = z.enum(['yes', 'no'], { message: 'choose Yes or No' });
      break;
    case 'date':
      value = z.string().trim().refine(isCivilDate, { message: 'must be a date' });
      break;
    case 'choice':
      value = z.enum((question.choices ?? []) as [string, ...string[]], { message: `choose one of: ${(question.choices ?? []).join(', ')}` });
      break;
    default:
      value = z.string({ message: 'must be text' }).trim().max(4000, { message: 'keep this under 4,000 characters' });
  }
  return z.unknown().transform((v, ctx) => {
    if (blank(v)) {
      if (question.required) ctx.addIssue({ code: 'custom', message: 'needs an answer' });
      return undefined;
    }
    const parsed = value.safeParse(typeof v === 'string' ? v.trim() : v);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'is not a valid answer' });
      return undefined;
    }
    return parsed.data;
  });
}

export type PrepValidation =
  | { ok: true; answers: Record<string, string>; perCase: PrepResponse['perCase'] }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** The inputs a submit carried, as strings, so a refused card shows back what was typed. */
export function submittedValues(raw: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!/^(q|c)\./.test(key)) continue;
    if (typeof value === 'string') values[key] = value.slice(0, 4000);
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
  }
  return values;
}

/**
 * Validates a card submit against the questions. A per-case slot left blank means "not
 * bringing this case"; one with any answer must answer that sheet's required questions.
 */
export function validatePrep(questions: PrepQuestions, slots: readonly string[], raw: Record<string, unknown>): PrepValidation {
  const errors: Record<string, string> = {};
  const answers: Record<string, string> = {};
  for (const q of questions.questions) {
    const id = inputIds.question(q.id);
    const parsed = answerSchema(q).safeParse(raw[id]);
    if (!parsed.success) errors[id] = parsed.error.issues[0]?.message ?? 'is not a valid answer';
    else if (parsed.data !== undefined) answers[q.id] = parsed.data;
  }

  const perCase: PrepResponse['perCase'] = [];
  const asked = questions.perCase.filter((q) => !isReferenceQuestion(q));
  const references = questions.perCase.filter(isReferenceQuestion);
  const slotAnswers = (idOf: (id: string) => string, ref: string) => {
    const hasAny = asked.some((q) => {
      const v = raw[idOf(q.id)];
      return v !== undefined && v !== null && String(v).trim() !== '';
    });
    if (!hasAny) return;
    const item: Record<string, string> = {};
    for (const q of references) item[q.id] = ref;
    for (const q of asked) {
      const parsed = answerSchema(q).safeParse(raw[idOf(q.id)]);
      if (!parsed.success) errors[idOf(q.id)] = parsed.error.issues[0]?.message ?? 'is not a valid answer';
      else if (parsed.data !== undefined) item[q.id] = parsed.data;
    }
    perCase.push({ ref, answers: item });
  };
  slots.forEach((ref, slot) => slotAnswers((id) => inputIds.slot(slot, id), ref));
  if (questions.perCase.length > 0) {
    const rawRef = raw[inputIds.extraRef];
    const answeredExtra = asked.some((q) => String(raw[inputIds.extra(q.id)] ?? '').trim() !== '');
    const refText = typeof rawRef === 'string' ? rawRef.trim() : '';
    if (refText || answeredExtra) {
      const ref = caseReferenceSchema.safeParse(refText);
      if (!refText) errors[inputIds.extraRef] = 'give the case reference (never a name) for this case';
      else if (!ref.success) errors[inputIds.extraRef] = ref.error.issues[0]?.message ?? 'must be a case reference';
      else if (slots.includes(ref.data)) errors[inputIds.extraRef] = `${ref.data} is already listed above`;
      else slotAnswers((id) => inputIds.extra(id), ref.data);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: submittedValues(raw) };
  return { ok: true, answers, perCase };
}

export type SaveOutcome = { saved: Versioned<PrepResponse> } | { conflict: Versioned<PrepResponse> };

/**
 * Saves the answers. A card carries the version of the response it was built from; if the
 * response changed since (edited in the tab), the save is refused so nothing is overwritten.
 */
export async function savePrep(services: AppServices, staff: Staff, occurrence: { id: string; date: CivilDate }, valid: { answers: Record<string, string>; perCase: PrepResponse['perCase'] }, cardVersion: string | undefined): Promise<SaveOutcome> {
  const id = prepId(staff.userId, occurrence.date);
  const record: PrepResponse = {
    id,
    superviseeId: staff.userId,
    supervisorId: staff.supervisorId,
    org: services.pack.id,
    sessionDate: occurrence.date,
    ...(occurrence.id.startsWith('record:') ? {} : { eventId: occurrence.id }),
    answers: valid.answers,
    perCase: valid.perCase,
    submittedAt: services.now().toISOString(),
  };
  const existing = await services.records.get('prepResponses', id);
  if (!existing) return { saved: await services.records.create('prepResponses', record) };
  if (cardVersion !== existing.version) return { conflict: existing };
  try {
    return { saved: await services.records.update('prepResponses', record, existing.version) };
  } catch (error) {
    if ((error as { code?: string }).code === 'CONFLICT') {
      const latest = await services.records.get('prepResponses', id);
      if (latest) return { conflict: latest };
    }
    throw error;
  }
}
