/**
 * The supervision records the product keeps, as zod models. Each lives in one SharePoint list
 * (see lists.ts). Records hold case *references* only (caseReferenceSchema) and people only
 * as directory user ids: names and case details stay in the directory and the case system.
 */
import { z } from 'zod';
import { civilDateSchema, factsSchema } from '../compliance/input.js';
import { frequencySchema } from '../policy/schema.js';
import { caseReferenceSchema } from './case-reference.js';

export const userIdSchema = z.string().min(1).max(128);
const instant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().max(max);

export const staffSchema = z.strictObject({
  id: z.string().min(1),
  userId: userIdSchema,
  org: z.string().min(1),
  role: z.string().min(1),
  team: z.string().min(1),
  /** Start of the current supervisory relationship. */
  start: civilDateSchema,
  employmentStart: civilDateSchema.optional(),
  supervisorId: userIdSchema,
  /** When the current supervisor took over (records move with the relationship). */
  supervisorSince: civilDateSchema.optional(),
  /** A temporary supervisor while the supervisor is absent. */
  coverSupervisorId: userIdSchema.optional(),
  /** The cover period (src/absence coverSupervisorOn); cover kept without one is in force throughout. */
  coverFrom: civilDateSchema.optional(),
  coverUntil: civilDateSchema.optional(),
  coverAssignedBy: userIdSchema.optional(),
  agreedFrequency: frequencySchema.optional(),
  facts: factsSchema.optional(),
  leftAt: civilDateSchema.optional(),
});
export type Staff = z.infer<typeof staffSchema>;

export const bookedSeriesSchema = z.strictObject({
  key: z.string().min(1),
  eventId: z.string().min(1),
  organizerId: userIdSchema,
  phase: z.string(),
  ruleId: z.string(),
  kind: z.enum(['individual', 'group']),
  firstDate: civilDateSchema,
  lastDate: civilDateSchema,
});

export const scheduleSchema = z.strictObject({
  id: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
  org: z.string().min(1),
  role: z.string().min(1),
  start: civilDateSchema,
  until: civilDateSchema,
  weekday: z.enum(['mon', 'tue', 'wed', 'thu', 'fri']),
  time: z.string().regex(/^\d{2}:\d{2}$/),
  series: z.array(bookedSeriesSchema),
  singles: z.array(z.strictObject({ key: z.string(), eventId: z.string(), organizerId: userIdSchema, date: civilDateSchema, ruleId: z.string() })),
  status: z.enum(['booking', 'booked', 'cancelled']),
  bookedAt: instant,
  bookedBy: userIdSchema,
  /** The series were booked as Teams meetings; a rearranged session is too. (Absent on older records: no.) */
  teamsMeeting: z.boolean().optional(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const agreementSchema = z.strictObject({
  id: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
  org: z.string().min(1),
  templateId: z.string().min(1),
  /** Answers by template section id. */
  answers: z.record(z.string(), text(8000)),
  agreedFrequency: frequencySchema.optional(),
  agreedMinutes: z.number().int().positive().optional(),
  due: civilDateSchema,
  reviewDue: civilDateSchema.optional(),
  status: z.enum(['draft', 'awaiting-supervisee', 'signed']),
  supervisorSignedAt: instant.optional(),
  superviseeSignedAt: instant.optional(),
  reviewedAt: civilDateSchema.optional(),
  updatedAt: instant,
});
export type Agreement = z.infer<typeof agreementSchema>;

export const recordCaseSchema = z.strictObject({
  ref: caseReferenceSchema,
  category: z.string().min(1),
  urgent: z.boolean().optional(),
  /** The case direction is recorded in the case system (ticked by the supervisor). */
  directionRecordedAt: instant.optional(),
});
export type RecordCase = z.infer<typeof recordCaseSchema>;

export const recordActionSchema = z.strictObject({
  id: z.string().min(1),
  what: text(500).min(1),
  who: z.enum(['supervisor', 'supervisee', 'both']),
  due: civilDateSchema,
  doneAt: instant.optional(),
});
export type RecordAction = z.infer<typeof recordActionSchema>;

export const sessionRecordSchema = z.strictObject({
  id: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
  org: z.string().min(1),
  templateId: z.string().min(1),
  kind: z.enum(['individual', 'group', 'informal']),
  sessionDate: civilDateSchema,
  sessionStart: z.string().regex(/^\d{2}:\d{2}$/).optional(),
  /** The Outlook occurrence this record is for, when booked through the app. */
  eventId: z.string().optional(),
  /** Agenda carried in from the supervisee's prep and the previous record's open actions. */
  agenda: text(8000).optional(),
  sections: z.record(z.string(), text(20000)),
  cases: z.array(recordCaseSchema).max(200),
  actions: z.array(recordActionSchema).max(100),
  /** Bristol: "more than four weeks since the last session? If yes, why?" */
  gapReason: text(2000).optional(),
  /** Bristol: "accessed group supervision since the last 1:1? If not, why not?" */
  groupSinceLast: z.strictObject({ attended: z.boolean(), whyNot: text(2000).optional() }).optional(),
  status: z.enum(['draft', 'finalised', 'acknowledged', 'disputed']),
  finalisedAt: instant.optional(),
  sharedAt: instant.optional(),
  supervisorSignedAt: instant.optional(),
  superviseeSignedAt: instant.optional(),
  /** The supervisee's differing view, added to the record when not resolved. */
  superviseeComment: text(4000).optional(),
  updatedAt: instant,
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const prepResponseSchema = z.strictObject({
  id: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
  org: z.string().min(1),
  /** The session prepared for: the occurrence's local date (and event id when booked). */
  sessionDate: civilDateSchema,
  eventId: z.string().optional(),
  answers: z.record(z.string(), text(4000)),
  perCase: z.array(z.strictObject({ ref: caseReferenceSchema, answers: z.record(z.string(), text(4000)) })).max(50),
  submittedAt: instant,
});
export type PrepResponse = z.infer<typeof prepResponseSchema>;

export const cancellationSchema = z.strictObject({
  id: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
  org: z.string().min(1),
  originalDate: civilDateSchema,
  eventId: z.string().optional(),
  reason: text(1000).optional(),
  /** `app-moved`: the supervisor moved the session in the app; it still happens, on `rearrangedTo`. */
  origin: z.enum(['app', 'app-moved', 'outlook-cancelled', 'outlook-deleted', 'outlook-declined', 'outlook-moved']),
  rearrangedTo: civilDateSchema.optional(),
  cancelledBy: userIdSchema.optional(),
  cancelledAt: instant,
});
export type Cancellation = z.infer<typeof cancellationSchema>;

export const circleSessionSchema = z.strictObject({
  id: z.string().min(1),
  org: z.string().min(1),
  kind: z.enum(['solution', 'success']),
  conversationId: z.string().min(1),
  presenterId: userIdSchema,
  caseRef: caseReferenceSchema.optional(),
  participants: z.array(userIdSchema),
  stage: z.string().min(1),
  stageEndsAt: instant.optional(),
  contributions: z.array(z.strictObject({ stage: z.string(), authorId: userIdSchema, text: text(1000), removed: z.boolean().optional(), selected: z.boolean().optional() })).max(200),
  checkInOn: civilDateSchema.optional(),
  startedAt: instant,
  completedAt: instant.optional(),
});
export type CircleSession = z.infer<typeof circleSessionSchema>;

export const actionSchema = recordActionSchema.extend({
  recordId: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
});
export type Action = z.infer<typeof actionSchema>;

export const caseDiscussionSchema = z.strictObject({
  id: z.string().min(1),
  recordId: z.string().min(1),
  superviseeId: userIdSchema,
  supervisorId: userIdSchema,
  caseRef: caseReferenceSchema,
  category: z.string().min(1),
  discussedOn: civilDateSchema,
  urgent: z.boolean().optional(),
  directionRecordedAt: instant.optional(),
});
export type CaseDiscussion = z.infer<typeof caseDiscussionSchema>;

/** A case on a supervisee's caseload (reference and category only). */
export const caseloadEntrySchema = z.strictObject({
  id: z.string().min(1),
  superviseeId: userIdSchema,
  caseRef: caseReferenceSchema,
  category: z.string().min(1),
  opened: civilDateSchema,
  closed: civilDateSchema.optional(),
});
export type CaseloadEntry = z.infer<typeof caseloadEntrySchema>;

/**
 * Leave a supervisor (or their line manager) recorded: evidence of absence alongside Outlook
 * automatic replies. One entry per first day away; `to` is the last day, missing until known.
 */
export const supervisorLeaveSchema = z.strictObject({
  id: z.string().min(1),
  supervisorId: userIdSchema,
  org: z.string().min(1),
  from: civilDateSchema,
  to: civilDateSchema.optional(),
  recordedBy: userIdSchema,
  recordedAt: instant,
});
export type SupervisorLeave = z.infer<typeof supervisorLeaveSchema>;
