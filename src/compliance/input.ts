import { z } from 'zod';
import { isCivilDate, toDay, type Day } from '../calendar/civil.js';
import { endOfLondonDay, isLocalTime, londonToInstant } from '../calendar/london.js';
import { caseReferenceSchema } from '../records/case-reference.js';
import { frequencySchema } from '../policy/schema.js';

export const civilDateSchema = z.string().refine(isCivilDate, { message: 'must be a date in the form YYYY-MM-DD' });
export const localTimeSchema = z.string().refine(isLocalTime, { message: 'must be a time in the form HH:mm' });

/**
 * When something happened: a date (counted as the end of that day, the benefit of the doubt),
 * a local date-time in London, or an ISO instant with an offset.
 */
export const timestampSchema = z.union([civilDateSchema, z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })], {
  message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
});

export function timestampToInstant(value: string): number {
  if (isCivilDate(value)) return endOfLondonDay(toDay(value));
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) return Date.parse(value);
  return londonToInstant(value.slice(0, 10), value.slice(11, 16));
}

export const factsSchema = z.strictObject({
  supervisorDirectReports: z.number().int().nonnegative().optional(),
  shiftsPerMonth: z.number().nonnegative().optional(),
  contractBasis: z.enum(['full-time', 'part-time']).optional(),
  newToRole: z.boolean().optional(),
  newStarter: z.boolean().optional(),
  hoursWorkedPerWeek: z.number().positive().optional(),
});

export const variantsSchema = z.strictObject({
  facts: factsSchema.optional(),
  authorisations: z.record(z.string(), z.strictObject({ by: z.string().min(1), at: civilDateSchema.optional() })).optional(),
  recommendations: z.array(z.string()).optional(),
  conflictChoices: z.record(z.string(), z.string()).optional(),
  agreedPeriodWeeks: z.number().int().positive().optional(),
});

export const agreementStateSchema = z.strictObject({
  signedBySupervisor: timestampSchema.optional(),
  signedBySupervisee: timestampSchema.optional(),
  reviewedAt: civilDateSchema.optional(),
  /** When the current supervisor took over; an agreement older than that is due for review. */
  supervisorSince: civilDateSchema.optional(),
  agreedFrequency: frequencySchema.optional(),
});

export const sessionHistorySchema = z.strictObject({
  date: civilDateSchema,
  start: localTimeSchema.optional(),
  kind: z.enum(['individual', 'group']),
  status: z.enum(['held', 'cancelled', 'planned']),
  /** Ad-hoc supervision that changed a plan: counts for case discussions, not for the formal frequency. */
  informal: z.boolean().optional(),
  cancelReason: z.string().min(1).optional(),
  rearrangedTo: civilDateSchema.optional(),
  recordSharedAt: timestampSchema.optional(),
  supervisorSignedAt: timestampSchema.optional(),
  superviseeSignedAt: timestampSchema.optional(),
});

export const discussionSchema = z.strictObject({
  date: civilDateSchema,
  directionRecordedAt: timestampSchema.optional(),
  urgent: z.boolean().optional(),
});

export const caseHistorySchema = z.strictObject({
  ref: caseReferenceSchema,
  category: z.string().min(1),
  opened: civilDateSchema,
  closed: civilDateSchema.optional(),
  discussions: z.array(discussionSchema).default([]),
});

export const actionHistorySchema = z.strictObject({
  id: z.string().min(1),
  due: civilDateSchema,
  doneAt: timestampSchema.optional(),
});

export const absenceSchema = z.strictObject({
  from: civilDateSchema,
  to: civilDateSchema.optional(),
  coveredBy: z.string().min(1).optional(),
});

export const personHistorySchema = z.strictObject({
  id: z.string().min(1),
  role: z.string().min(1),
  /** Start of the supervisory relationship. */
  start: civilDateSchema,
  employmentStart: civilDateSchema.optional(),
  supervisor: z.string().min(1),
  team: z.string().min(1).optional(),
  variants: variantsSchema.optional(),
  agreement: agreementStateSchema.optional(),
  sessions: z.array(sessionHistorySchema).default([]),
  cases: z.array(caseHistorySchema).default([]),
  actions: z.array(actionHistorySchema).default([]),
  supervisorAbsences: z.array(absenceSchema).optional(),
  /** Last date of each periodic review by id (e.g. "appraisal-review"). */
  reviews: z.record(z.string(), civilDateSchema).optional(),
});

export const complianceInputSchema = z.strictObject({
  people: z.array(personHistorySchema),
});

export type PersonHistory = z.infer<typeof personHistorySchema>;
export type SessionHistory = z.infer<typeof sessionHistorySchema>;
export type CaseHistory = z.infer<typeof caseHistorySchema>;
export type ComplianceInput = z.infer<typeof complianceInputSchema>;

export function dayOf(date: string): Day {
  return toDay(date);
}
