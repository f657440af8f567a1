/**
 * The API's request and response shapes. The server validates every request and response
 * against these, the OpenAPI document is generated from them, and the tab imports their types:
 * one definition, three uses.
 */
import { z } from 'zod';
import { civilDateSchema } from '../../compliance/input.js';
import { findingKinds } from '../../compliance/findings.js';
import { errorCodes } from '../../errors.js';
import { frequencySchema } from '../../policy/schema.js';
import { caseReferenceSchema } from '../../records/case-reference.js';
import {
  actionSchema,
  agreementSchema,
  cancellationSchema,
  caseDiscussionSchema,
  caseloadEntrySchema,
  prepResponseSchema,
  recordActionSchema,
  recordCaseSchema,
  scheduleSchema,
  sessionRecordSchema,
  userIdSchema,
} from '../../records/models.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time in the form HH:mm' });
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri']);
const instant = z.string();
const version = z.string().min(1).describe('The version the record was read at (its ETag); a newer version in the list is a 409 CONFLICT.');

export const errorResponseSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum([...(Object.keys(errorCodes) as (keyof typeof errorCodes)[]), 'INTERNAL', 'CONSENT_REQUIRED']),
      message: z.string(),
      field: z.string().optional(),
      choices: z.array(z.string()).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export const idParams = z.strictObject({ id: userIdSchema.describe('Directory user id of the supervisee.') });
export const recordParams = z.strictObject({ recordId: z.string().min(1) });
export const agreementParams = z.strictObject({ agreementId: z.string().min(1) });
export const actionParams = z.strictObject({ actionId: z.string().min(1) });

const sourceView = z.strictObject({
  ref: z.string().describe('"file § section", or "product default".'),
  text: z.string().describe('The policy\'s own words for the rule.'),
});
export type SourceView = z.infer<typeof sourceView>;

export const personSchema = z
  .strictObject({ id: z.string(), displayName: z.string(), mail: z.string(), jobTitle: z.string().optional(), department: z.string().optional() })
  .meta({ id: 'Person' });
export type PersonView = z.infer<typeof personSchema>;

// ---------------------------------------------------------------------------------------------
// Identity

export const meSchema = z
  .strictObject({
    id: z.string(),
    displayName: z.string(),
    mail: z.string(),
    jobTitle: z.string().optional(),
    mode: z.enum(['local', 'tenant']),
    org: z.strictObject({ id: z.string(), name: z.string() }),
    supervises: z.number().int().describe('How many supervisees this person supervises.'),
    supervised: z.boolean().describe('This person is a supervisee (has a supervisor).'),
    manages: z.boolean().describe('Line manager of other supervisors.'),
    serviceManager: z.boolean(),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof meSchema>;

export const devPeopleSchema = z.array(personSchema);

export const policySummarySchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    caseCategories: z.array(z.strictObject({ id: z.string(), label: z.string() })),
    caseDirection: z.strictObject({ within: z.string().nullable(), urgentWithin: z.string().nullable(), system: z.string(), source: z.strictObject({ ref: z.string(), text: z.string() }) }),
    informalSupervision: z.string().nullable(),
  })
  .meta({ id: 'PolicySummary' });
export type PolicySummary = z.infer<typeof policySummarySchema>;

// ---------------------------------------------------------------------------------------------
// Team

export const sessionStatusSchema = z.enum(['on-track', 'due-soon', 'overdue']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const teamMemberSchema = z
  .strictObject({
    person: personSchema,
    role: z.string(),
    roleLabel: z.string(),
    team: z.string(),
    start: civilDateSchema,
    cadence: z.string().describe('The cadence in words, phases included.'),
    lastHeld: civilDateSchema.nullable(),
    nextDue: civilDateSchema.nullable(),
    nextBooked: civilDateSchema.nullable(),
    booked: z.boolean(),
    status: sessionStatusSchema,
    why: z.strictObject({ subject: z.string(), ruleId: z.string(), source: sourceView }),
    agreement: z.strictObject({ state: z.enum(['none', 'draft', 'awaiting-supervisee', 'signed', 'review-due', 'late']), due: civilDateSchema.nullable() }),
    unsignedRecords: z.number().int(),
    overdueActions: z.number().int(),
    caseDiscussionsDue: z.number().int(),
  })
  .meta({ id: 'TeamMember' });
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const teamQuerySchema = z.strictObject({ supervisorId: userIdSchema.optional() });
export const teamSchema = z.strictObject({ asOf: civilDateSchema, supervisor: personSchema, members: z.array(teamMemberSchema) }).meta({ id: 'Team' });
export type Team = z.infer<typeof teamSchema>;

// ---------------------------------------------------------------------------------------------
// Planning and booking

export const planQuerySchema = z.strictObject({
  start: civilDateSchema.optional(),
  until: civilDateSchema.optional(),
  weekday: weekday.optional(),
  time: time.optional(),
});

export const planViewSchema = z
  .strictObject({
    supervisee: personSchema,
    org: z.string(),
    role: z.string(),
    roleLabel: z.string(),
    start: civilDateSchema,
    until: civilDateSchema,
    weekday,
    time,
    cadence: z.string(),
    phases: z.array(
      z.strictObject({ stream: z.string(), label: z.string(), from: civilDateSchema, until: civilDateSchema.nullable(), frequency: z.string(), ruleId: z.string(), source: sourceView }),
    ),
    sessions: z.array(
      z.strictObject({
        date: civilDateSchema,
        start: z.string(),
        durationMinutes: z.number().int(),
        kind: z.enum(['individual', 'group']),
        phase: z.string(),
        ruleId: z.string(),
        placement: z.string(),
        movedFrom: civilDateSchema.optional(),
      }),
    ),
    warnings: z.array(z.strictObject({ code: z.string(), message: z.string(), source: sourceView.optional() })),
    booked: z.boolean(),
  })
  .meta({ id: 'PlanView' });
export type PlanView = z.infer<typeof planViewSchema>;

export const slotsQuerySchema = z.strictObject({
  from: civilDateSchema.optional(),
  days: z.coerce.number().int().min(1).max(14).default(5),
});
export const slotsSchema = z
  .strictObject({
    durationMinutes: z.number().int(),
    workingHours: z.strictObject({ start: time, end: time }),
    days: z.array(z.strictObject({ date: civilDateSchema, times: z.array(time) })),
  })
  .meta({ id: 'FreeSlots' });
export type FreeSlots = z.infer<typeof slotsSchema>;

export const bookRequestSchema = z
  .strictObject({
    superviseeId: userIdSchema,
    start: civilDateSchema.optional().describe('Start of the supervisory relationship; default: the staff record\'s start.'),
    until: civilDateSchema.optional(),
    weekday: weekday.optional(),
    time: time.optional(),
    teamsMeeting: z.boolean().optional(),
    location: z.string().max(200).optional(),
  })
  .meta({ id: 'BookRequest' });
export type BookRequest = z.infer<typeof bookRequestSchema>;

export const occurrenceSchema = z
  .strictObject({
    id: z.string().describe('Outlook occurrence (or event) id; `record:<id>` for a session recorded without a booking.'),
    scheduleId: z.string().optional(),
    seriesKey: z.string().optional(),
    organizerId: z.string(),
    originalDate: civilDateSchema,
    date: civilDateSchema,
    time: z.string().optional(),
    durationMinutes: z.number().int().optional(),
    kind: z.enum(['individual', 'group', 'informal']),
    ruleId: z.string().optional(),
    status: z.enum(['planned', 'held', 'cancelled']),
    cancellation: z.strictObject({ reason: z.string().optional(), rearrangedTo: civilDateSchema.optional(), cancelledAt: instant }).optional(),
    rebookBy: civilDateSchema.optional().describe('Latest date a cancelled session may be rearranged to under the pack.'),
    recordId: z.string().optional(),
    recordStatus: z.enum(['draft', 'finalised', 'acknowledged', 'disputed']).optional(),
    joinUrl: z.string().url().optional().describe('The Teams meeting to join, when the session is one.'),
  })
  .meta({ id: 'Occurrence' });
export type OccurrenceView = z.infer<typeof occurrenceSchema>;

export const cancellationPolicySchema = z.strictObject({
  reasonRequired: z.boolean(),
  permittedReasons: z.array(z.string()).optional(),
  window: z.string().describe('When a cancelled session must be rearranged, in words.'),
  source: sourceView,
});

export const occurrencesSchema = z
  .strictObject({
    supervisee: personSchema,
    schedules: z.array(scheduleSchema),
    occurrences: z.array(occurrenceSchema),
    cancellationPolicy: cancellationPolicySchema,
  })
  .meta({ id: 'Occurrences' });
export type Occurrences = z.infer<typeof occurrencesSchema>;

export const bookingResponseSchema = z
  .strictObject({
    scheduleId: z.string(),
    weekday,
    time,
    series: z.number().int(),
    singles: z.number().int(),
    occurrences: z.array(occurrenceSchema),
    moved: z.array(z.strictObject({ from: civilDateSchema, to: civilDateSchema, reason: z.string() })),
    warnings: z.array(z.string()),
    unchanged: z.boolean(),
  })
  .meta({ id: 'Booking' });
export type BookingResponse = z.infer<typeof bookingResponseSchema>;

export const rescheduleRequestSchema = z.strictObject({ scheduleId: z.string().min(1), occurrenceId: z.string().min(1), date: civilDateSchema, time });
export const seriesRescheduleRequestSchema = z.strictObject({ scheduleId: z.string().min(1), from: civilDateSchema, weekday, time });
export const seriesRescheduleSchema = z.strictObject({
  moved: z.number().int(),
  skipped: z.array(z.strictObject({ date: civilDateSchema, reason: z.string() })),
  warnings: z.array(z.string()),
  occurrences: z.array(occurrenceSchema),
});
export const cancelRequestSchema = z.strictObject({
  scheduleId: z.string().min(1).optional(),
  occurrenceId: z.string().min(1),
  reason: z.string().trim().max(1000).optional(),
  rebook: z.strictObject({ date: civilDateSchema, time }).optional(),
});
export const cancelResponseSchema = z.strictObject({
  cancellation: cancellationSchema,
  rebooked: z.strictObject({ eventId: z.string(), date: civilDateSchema, time }).optional(),
  occurrences: z.array(occurrenceSchema),
});
export type CancelResponse = z.infer<typeof cancelResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Templates shared by agreements and records

const fieldView = z.strictObject({
  id: z.string(),
  label: z.string(),
  type: z.enum(['text', 'long-text', 'date', 'yes-no', 'number', 'choice', 'case-reference']),
  hint: z.string().optional(),
  required: z.boolean().optional(),
  choices: z.array(z.string()).optional(),
});
export const templateViewSchema = z
  .strictObject({
    id: z.string(),
    label: z.string(),
    sections: z.array(z.strictObject({ id: z.string(), label: z.string(), hint: z.string().optional(), fields: z.array(fieldView).optional(), repeatsPerCase: z.boolean().optional() })),
    includesActions: z.boolean(),
    includesCases: z.boolean(),
    source: sourceView,
  })
  .meta({ id: 'Template' });
export type TemplateView = z.infer<typeof templateViewSchema>;

// ---------------------------------------------------------------------------------------------
// Agreements

export const frequencyChoiceSchema = z.strictObject({ frequency: frequencySchema, label: z.string() });
export const agreementViewSchema = z
  .strictObject({
    supervisee: personSchema,
    supervisor: personSchema,
    capacity: z.enum(['supervisee', 'supervisor', 'line-manager', 'service-manager']),
    template: templateViewSchema,
    policy: z.strictObject({
      cadence: z.string(),
      phases: z.array(z.strictObject({ label: z.string(), frequency: z.string(), source: sourceView })),
      minutes: z.number().int(),
      minutesSource: sourceView,
      frequencyChoices: z.array(frequencyChoiceSchema).describe('Frequencies at least as strict as every phase of the policy.'),
      mutuallyAgreed: z.string().optional(),
    }),
    due: civilDateSchema,
    dueText: z.string(),
    dueSource: sourceView,
    review: z.strictObject({ text: z.string(), source: sourceView }),
    agreement: z.strictObject({ record: agreementSchema, version: z.string() }).nullable(),
  })
  .meta({ id: 'AgreementView' });
export type AgreementView = z.infer<typeof agreementViewSchema>;

const answers = z.record(z.string().max(200), z.string().max(8000));
export const agreementDraftSchema = z.strictObject({
  answers,
  agreedFrequency: frequencySchema.optional(),
  agreedMinutes: z.number().int().positive().max(480).optional(),
});
export const agreementUpdateSchema = agreementDraftSchema.extend({ version });
export const versionBodySchema = z.strictObject({ version });

// ---------------------------------------------------------------------------------------------
// Session records

export const recordCreateSchema = z.strictObject({
  kind: z.enum(['individual', 'group', 'informal']),
  sessionDate: civilDateSchema,
  sessionStart: time.optional(),
  eventId: z.string().min(1).optional(),
});

export const recordSummarySchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['individual', 'group', 'informal']),
  sessionDate: civilDateSchema,
  status: z.enum(['draft', 'finalised', 'acknowledged', 'disputed']),
  updatedAt: instant,
  finalisedAt: instant.optional(),
});
export type RecordSummary = z.infer<typeof recordSummarySchema>;

export const recordViewSchema = z
  .strictObject({
    record: sessionRecordSchema,
    version: z.string(),
    capacity: z.enum(['supervisee', 'supervisor', 'line-manager', 'service-manager']),
    supervisee: personSchema,
    supervisor: personSchema,
    template: templateViewSchema,
    caseCategories: z.array(z.strictObject({ id: z.string(), label: z.string() })),
    caseload: z.array(z.strictObject({ ref: z.string(), category: z.string() })),
    caseDirection: z.strictObject({
      within: z.string().nullable(),
      urgentWithin: z.string().nullable(),
      system: z.string(),
      source: sourceView,
      deadlines: z.array(z.strictObject({ ref: z.string(), due: instant.nullable(), recorded: z.boolean(), late: z.boolean() })),
    }),
    deadlines: z.array(z.strictObject({ what: z.string(), due: instant, met: z.boolean().nullable(), source: sourceView })),
    gap: z.strictObject({ lastHeld: civilDateSchema.nullable(), allowedBy: civilDateSchema.nullable(), late: z.boolean(), rule: z.string() }),
    groupQuestion: z.boolean().describe('The pack runs group supervision: ask whether the supervisee attended since the last one-to-one.'),
    openActions: z.array(actionSchema).describe('Open actions from earlier records, carried into the agenda.'),
  })
  .meta({ id: 'RecordView' });
export type RecordView = z.infer<typeof recordViewSchema>;

export const recordDraftSchema = z.strictObject({
  version,
  sessionDate: civilDateSchema.optional(),
  agenda: z.string().max(8000).optional(),
  sections: z.record(z.string().max(200), z.string().max(20000)),
  cases: z.array(recordCaseSchema).max(200),
  actions: z.array(recordActionSchema).max(100),
  gapReason: z.string().max(2000).optional(),
  groupSinceLast: z.strictObject({ attended: z.boolean(), whyNot: z.string().max(2000).optional() }).optional(),
});
export type RecordDraft = z.infer<typeof recordDraftSchema>;

export const acknowledgeSchema = z.strictObject({ version, comment: z.string().trim().max(4000).optional() });
export const disputeSchema = z.strictObject({ version, comment: z.string().trim().min(1, { message: 'say what you disagree with' }).max(4000) });
export const caseDirectionSchema = z.strictObject({ version, ref: caseReferenceSchema, recorded: z.boolean() });

export const informalRequestSchema = z.strictObject({
  date: civilDateSchema,
  time: time.optional(),
  summary: z.string().trim().min(1, { message: 'say what was discussed and what changed' }).max(8000),
  planChanged: z.boolean(),
  cases: z.array(z.strictObject({ ref: caseReferenceSchema, category: z.string().min(1), urgent: z.boolean().optional() })).max(50),
});
export const groupRequestSchema = z.strictObject({
  date: civilDateSchema,
  time: time.optional(),
  attendees: z.array(userIdSchema).min(1, { message: 'choose at least one attendee' }).max(50),
  notes: z.string().max(20000),
  cases: z.array(z.strictObject({ ref: caseReferenceSchema, category: z.string().min(1) })).max(50).default([]),
});
export const groupResponseSchema = z.strictObject({ records: z.array(z.strictObject({ id: z.string(), superviseeId: z.string() })) });

// ---------------------------------------------------------------------------------------------
// Per supervisee lists

export const recordListSchema = z.array(recordSummarySchema);
export const actionListSchema = z.array(actionSchema.extend({ overdue: z.boolean() }));
export const actionDoneSchema = z.strictObject({ done: z.boolean() });
export const casesSchema = z.strictObject({ caseload: z.array(caseloadEntrySchema), discussions: z.array(caseDiscussionSchema) });
export const cancellationListSchema = z.array(cancellationSchema);
export const agreementListSchema = z.array(agreementSchema);

// ---------------------------------------------------------------------------------------------
// Preparation and the supervisee's view

const questionView = z.strictObject({
  id: z.string(),
  label: z.string(),
  type: z.enum(['text', 'long-text', 'yes-no', 'date', 'choice']),
  required: z.boolean(),
  choices: z.array(z.string()).optional(),
  source: sourceView,
});
export const prepQuerySchema = z.strictObject({ sessionDate: civilDateSchema.optional() });
export const prepViewSchema = z
  .strictObject({
    sessionDate: civilDateSchema.nullable(),
    eventId: z.string().optional(),
    questions: z.array(questionView),
    perCase: z.array(questionView),
    caseload: z.array(z.strictObject({ ref: z.string(), category: z.string() })),
    response: z.strictObject({ record: prepResponseSchema, version: z.string() }).nullable(),
  })
  .meta({ id: 'PrepView' });
export type PrepView = z.infer<typeof prepViewSchema>;
export const prepSaveSchema = z.strictObject({
  sessionDate: civilDateSchema,
  eventId: z.string().optional(),
  answers: z.record(z.string().max(200), z.string().max(4000)),
  perCase: z.array(z.strictObject({ ref: caseReferenceSchema, answers: z.record(z.string().max(200), z.string().max(4000)) })).max(50).default([]),
  version: z.string().optional(),
});

export const mySupervisionSchema = z
  .strictObject({
    supervised: z.boolean(),
    me: personSchema,
    supervisor: personSchema.nullable(),
    roleLabel: z.string().nullable(),
    cadence: z.string().nullable(),
    nextSession: occurrenceSchema.nullable(),
    nextDue: civilDateSchema.nullable(),
    prepSubmitted: z.boolean(),
    toAcknowledge: z.array(recordSummarySchema),
    actions: actionListSchema,
    agreement: z.strictObject({ id: z.string(), status: z.enum(['draft', 'awaiting-supervisee', 'signed']), awaitingMe: z.boolean() }).nullable(),
    records: z.array(recordSummarySchema),
  })
  .meta({ id: 'MySupervision' });
export type MySupervision = z.infer<typeof mySupervisionSchema>;

// ---------------------------------------------------------------------------------------------
// Compliance

export const findingKindSchema = z.enum(findingKinds);
export const complianceQuerySchema = z.strictObject({
  team: z.string().max(200).optional(),
  months: z.coerce.number().int().min(1).max(24).default(6),
});
export const monthRateSchema = z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/), due: z.number().int(), onTime: z.number().int(), rate: z.number().nullable() });
export type MonthRate = z.infer<typeof monthRateSchema>;
export const findingViewSchema = z.strictObject({
  person: z.string(),
  kind: findingKindSchema,
  subject: z.string(),
  due: z.string(),
  overdueBy: z.number(),
  severity: z.enum(['low', 'medium', 'high']),
  ruleId: z.string(),
  source: sourceView,
  breach: z.boolean(),
});
export type FindingView = z.infer<typeof findingViewSchema>;

export const complianceSchema = z
  .strictObject({
    asOf: civilDateSchema,
    teams: z.array(z.strictObject({ team: z.string(), people: z.number().int(), onTrack: z.number().int(), onTrackRate: z.number() })),
    overdueByKind: z.array(z.strictObject({ kind: findingKindSchema, label: z.string(), count: z.number().int() })),
    monthly: z.array(monthRateSchema),
    people: z.array(
      z.strictObject({
        person: personSchema,
        team: z.string(),
        roleLabel: z.string(),
        status: sessionStatusSchema,
        breaches: z.number().int(),
        onTimeRate: z.number().nullable(),
        lastHeld: civilDateSchema.nullable(),
        nextDue: civilDateSchema.nullable(),
      }),
    ),
  })
  .meta({ id: 'Compliance' });
export type Compliance = z.infer<typeof complianceSchema>;

export const personComplianceSchema = z
  .strictObject({
    asOf: civilDateSchema,
    person: personSchema,
    roleLabel: z.string(),
    team: z.string(),
    status: sessionStatusSchema,
    findings: z.array(findingViewSchema),
    sessions: z.array(
      z.strictObject({
        date: civilDateSchema,
        kind: z.enum(['individual', 'group', 'informal']),
        status: z.enum(['planned', 'held', 'cancelled']),
        onTime: z.boolean().nullable(),
        dueBy: civilDateSchema.nullable(),
        recordStatus: z.enum(['draft', 'finalised', 'acknowledged', 'disputed']).nullable(),
      }),
    ),
    monthly: z.array(monthRateSchema),
  })
  .meta({ id: 'PersonCompliance' });
export type PersonCompliance = z.infer<typeof personComplianceSchema>;

export const csvSchema = z.string().describe('RFC 4180 CSV, one row per finding.');

// ---------------------------------------------------------------------------------------------
// Records governance: audit log, subject access, audit samples

export const auditLogQuerySchema = z.strictObject({
  from: civilDateSchema.optional().describe('First day (London) of entries to list.'),
  to: civilDateSchema.optional().describe('Day after the last day of entries to list.'),
  recordId: z.string().min(1).max(256).optional(),
});

export const auditEntryViewSchema = z
  .strictObject({
    actorId: z.string().describe('Directory user id of who read or changed the record (never a name).'),
    action: z.enum(['read', 'write', 'delete', 'export', 'sample', 'review']),
    list: z.string().describe('The record type (SharePoint list key).'),
    recordId: z.string(),
    at: instant,
    purpose: z.string().optional(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;

export const auditLogSchema = z.strictObject({ org: z.string(), entries: z.array(auditEntryViewSchema) }).meta({ id: 'AuditLog' });
export type AuditLogView = z.infer<typeof auditLogSchema>;

export const personParams = z.strictObject({ id: userIdSchema.describe('Directory user id or UPN of the person.') });

export const subjectAccessSchema = z
  .strictObject({
    subjectId: z.string(),
    generatedAt: instant,
    records: z.array(z.strictObject({ list: z.string(), listName: z.string(), id: z.string(), record: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'SubjectAccessExport' });

export const subjectAccessHtmlSchema = z.string().describe('A self-contained HTML page (no scripts), served as a download; all record text is escaped.');

export const sampleParams = z.strictObject({ sampleId: z.string().min(1).max(100) });
export const sampleRecordParams = z.strictObject({ sampleId: z.string().min(1).max(100), recordId: z.string().min(1).max(256) });

export const drawSampleSchema = z.strictObject({
  asOf: civilDateSchema.optional().describe('A day in the audit period to sample; default today.'),
  size: z.number().int().min(1).max(100).default(10).describe('How many records to draw (fewer when the period holds fewer).'),
  seed: z.number().int().min(0).max(2_147_483_646).optional().describe('Repeats a draw exactly; default random (and recorded).'),
});

export const reviewSampledSchema = z.strictObject({ version, reviewed: z.boolean() });

export const auditSampleViewSchema = z
  .strictObject({
    id: z.string(),
    version,
    reviewId: z.string(),
    period: z.strictObject({ from: civilDateSchema, to: civilDateSchema }),
    seed: z.number().int(),
    drawnBy: z.string(),
    drawnAt: instant,
    notifySupervisee: z.boolean(),
    items: z.array(
      z.strictObject({
        recordId: z.string(),
        sessionDate: civilDateSchema,
        supervisee: personSchema,
        supervisor: personSchema,
        reviewedBy: z.string().optional(),
        reviewedAt: instant.optional(),
        /** Whether the supervisee has been told (only when the policy says they are told beforehand). */
        told: z.enum(['sent', 'pending', 'not-required']),
      }),
    ),
  })
  .meta({ id: 'AuditSample' });
export type AuditSampleView = z.infer<typeof auditSampleViewSchema>;

export const auditOverviewSchema = z
  .strictObject({
    rhythm: z.strictObject({ reviewId: z.string(), label: z.string(), months: z.number().int(), notifySuperviseeBeforehand: z.boolean(), source: sourceView }).nullable(),
    currentPeriod: z.strictObject({ from: civilDateSchema, to: civilDateSchema }).nullable(),
    samples: z.array(auditSampleViewSchema),
  })
  .meta({ id: 'AuditOverview' });
export type AuditOverview = z.infer<typeof auditOverviewSchema>;

// ---------------------------------------------------------------------------------------------
// Supervisor absence and cover

export const supervisorParams = z.strictObject({ id: userIdSchema.describe('Directory user id of the supervisor.') });

const absenceSources = z.array(z.enum(['automatic-replies', 'recorded-leave']));
const automaticRepliesState = z
  .enum(['disabled', 'alwaysEnabled', 'scheduled', 'unknown'])
  .describe('Outlook automatic replies of the supervisor: alwaysEnabled has no dates, so only recorded leave can show how long the absence is; unknown when the mailbox could not be read.');

export const leaveRequestSchema = z
  .strictObject({
    from: civilDateSchema.describe('First day away.'),
    to: civilDateSchema.optional().describe('Last day away; leave out while the return is not known. Recording again with the same first day sets or changes it.'),
  })
  .meta({ id: 'LeaveRequest' });

export const absenceViewSchema = z
  .strictObject({
    supervisor: personSchema,
    automaticReplies: automaticRepliesState,
    /** Leave and automatic replies joined into continuous absences. */
    absences: z.array(z.strictObject({ from: civilDateSchema, to: civilDateSchema.nullable(), sources: absenceSources })),
    leave: z.array(z.strictObject({ id: z.string(), from: civilDateSchema, to: civilDateSchema.nullable(), recordedBy: z.string(), recordedAt: instant })),
  })
  .meta({ id: 'SupervisorAbsence' });
export type AbsenceView = z.infer<typeof absenceViewSchema>;

export const coverRequestSchema = z
  .strictObject({
    coverSupervisorId: userIdSchema.describe('Directory user id of the temporary supervisor.'),
    from: civilDateSchema.optional().describe('First day of cover; default today.'),
    to: civilDateSchema.optional().describe('Last day of cover; leave out to cover until ended.'),
  })
  .meta({ id: 'CoverRequest' });

export const supervisorChangeSchema = z
  .strictObject({
    supervisorId: userIdSchema.describe('Directory user id of the new supervisor.'),
    from: civilDateSchema.optional().describe('The day the new supervisor took over; default today, never in the future.'),
  })
  .meta({ id: 'SupervisorChange' });

const coverView = z.strictObject({ supervisor: personSchema, from: civilDateSchema.nullable(), to: civilDateSchema.nullable(), inForce: z.boolean() });

export const superviseeCoverSchema = z
  .strictObject({
    person: personSchema,
    supervisor: personSchema,
    supervisorSince: civilDateSchema.nullable(),
    cover: coverView.nullable(),
  })
  .meta({ id: 'SuperviseeCover' });
export type SuperviseeCover = z.infer<typeof superviseeCoverSchema>;

export const coverOverviewSchema = z
  .strictObject({
    asOf: civilDateSchema,
    rule: z.strictObject({ coverAfter: z.string(), source: sourceView }).nullable().describe('The pack\'s absence limit; null when the policy sets none.'),
    supervisees: z.array(
      z.strictObject({
        person: personSchema,
        team: z.string(),
        supervisor: personSchema,
        automaticReplies: automaticRepliesState,
        absence: z.strictObject({ from: civilDateSchema, to: civilDateSchema.nullable(), sources: absenceSources }).nullable(),
        coverNeeded: z.boolean().describe('The absence is longer than the pack allows and no temporary supervisor is in force.'),
        due: civilDateSchema.nullable().describe('The first day the absence is longer than the limit.'),
        cover: coverView.nullable(),
        canAssign: z.boolean().describe('The caller is the supervisor\'s line manager or a service manager.'),
      }),
    ),
    candidates: z.array(personSchema).describe('People the caller may ask to cover: their direct reports and themselves.'),
    covering: z
      .array(z.strictObject({ person: personSchema, supervisor: personSchema, from: civilDateSchema.nullable(), to: civilDateSchema.nullable(), inForce: z.boolean() }))
      .describe('Supervisees the caller covers as temporary supervisor, now or later.'),
  })
  .meta({ id: 'CoverOverview' });
export type CoverOverview = z.infer<typeof coverOverviewSchema>;

// ---------------------------------------------------------------------------------------------
// Cancellations found in Outlook: reason and rearranging

export const cancellationParams = z.strictObject({ cancellationId: z.string().min(1).max(200) });

const slotView = z.strictObject({ date: civilDateSchema, time });

export const pendingCancellationSchema = z
  .strictObject({
    cancellation: cancellationSchema,
    version,
    supervisee: personSchema,
    needsReason: z.boolean(),
    needsRearranging: z.boolean(),
    rebookBy: civilDateSchema.describe('Latest date the pack allows for the replacement.'),
  })
  .meta({ id: 'PendingCancellation' });
export type PendingCancellation = z.infer<typeof pendingCancellationSchema>;

export const pendingCancellationsSchema = z
  .strictObject({
    items: z.array(pendingCancellationSchema),
    policy: z.strictObject({ reasonRequired: z.boolean(), permittedReasons: z.array(z.string()).optional(), window: z.string(), source: sourceView }),
  })
  .meta({ id: 'PendingCancellations' });
export type PendingCancellations = z.infer<typeof pendingCancellationsSchema>;

export const cancellationSlotsSchema = z
  .strictObject({
    window: z.strictObject({ from: civilDateSchema, to: civilDateSchema, words: z.string() }),
    slots: z.array(slotView),
  })
  .meta({ id: 'CancellationSlots' });
export type CancellationSlots = z.infer<typeof cancellationSlotsSchema>;

export const cancellationReasonRequestSchema = z.strictObject({ reason: z.string().trim().min(1, { message: 'give the reason the session did not go ahead' }).max(1000) });

export const rearrangeRequestSchema = z.strictObject({
  date: civilDateSchema,
  time,
  reason: z.string().trim().max(1000).optional().describe('Recorded with the cancellation when it has none yet.'),
});

export const rearrangeResponseSchema = z
  .strictObject({ cancellation: cancellationSchema, rearranged: z.strictObject({ eventId: z.string(), date: civilDateSchema, time }) })
  .meta({ id: 'Rearranged' });
export type Rearranged = z.infer<typeof rearrangeResponseSchema>;
