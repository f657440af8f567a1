/**
 * The policy pack: one organisation's supervision policy as data.
 *
 * Every rule the product enforces (how often, by when, in which template) lives in a pack,
 * and every rule carries the place in the organisation's own policy document that requires
 * it, so a supervisor can always answer "why is this due?" with the policy's own words.
 * `policies/policy.schema.json` is generated from this file (`npm run schema`); never edit
 * it by hand.
 */
import { z } from 'zod';

const kebab = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const idSchema = z
  .string()
  .regex(kebab, 'must be a kebab-case id such as "social-worker"')
  .describe('Kebab-case identifier, stable across versions of the pack.');

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** Where in the organisation's policy document a rule is written. */
export const seedSourceSchema = z
  .strictObject({
    file: z
      .string()
      .regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'must name a seed file such as "000_99c6f9457e87edd5.txt"')
      .describe('The seed file holding the policy text.'),
    section: z
      .string()
      .min(1)
      .describe('Heading, table or appendix of the seed where the rule stands, e.g. "Appendix v - Frequency of supervision".'),
    quote: z
      .string()
      .min(3)
      .max(400)
      .describe('Words copied verbatim from the seed (whitespace may differ) that state the rule.'),
  })
  .describe('A rule written in the seed policy.');

/**
 * A value the product had to choose because the seed is silent (e.g. a session length the
 * policy never states). Kept distinct from seed sources so nobody mistakes a product default
 * for the organisation's policy.
 */
export const productDefaultSourceSchema = z
  .strictObject({
    productDefault: z.string().min(10).describe('Why the product chose this value where the seed is silent.'),
  })
  .describe('A product default used where the seed is silent.');

export const sourceSchema = z.union([seedSourceSchema, productDefaultSourceSchema]);
export type SeedSource = z.infer<typeof seedSourceSchema>;
export type Source = z.infer<typeof sourceSchema>;

/** A length of time. Exactly one unit per value so packs read like the policy. */
export const durationSchema = z.union([
  z.strictObject({ hours: positiveInt }),
  z.strictObject({ days: positiveInt }).describe('Calendar days.'),
  z.strictObject({ workingDays: positiveInt }).describe('Working days: weekdays that are not England & Wales bank holidays.'),
  z.strictObject({ weeks: positiveInt }),
  z.strictObject({ months: positiveInt }).describe('Calendar months (same day number, clamped to month end).'),
]);
export type Duration = z.infer<typeof durationSchema>;

/** An offset from the start of the supervisory relationship (or employment). */
export const offsetSchema = z.union([
  z.strictObject({ weeks: nonNegativeInt }),
  z.strictObject({ months: nonNegativeInt }),
]);
export type Offset = z.infer<typeof offsetSchema>;

/**
 * How often a session must happen. A minimum frequency is a maximum gap between sessions.
 */
export const frequencySchema = z.discriminatedUnion('rule', [
  z
    .strictObject({ rule: z.literal('interval'), weeks: positiveInt })
    .describe('At least every N weeks: no gap between sessions (or from the phase start) longer than N weeks.'),
  z
    .strictObject({ rule: z.literal('interval-months'), months: positiveInt })
    .describe('At least every N months (e.g. "bi-monthly", "once per quarter").'),
  z
    .strictObject({ rule: z.literal('calendar-month') })
    .describe('At least once in every calendar month (not "every four weeks").'),
  z
    .strictObject({
      rule: z.literal('hours-worked'),
      hours: positiveInt.describe('A session is due after this many hours worked.'),
      or: z.literal('calendar-month').describe('The alternative rule compared with the hours rule.'),
      combine: z.literal('least-frequent').describe('Which of the two rules applies.'),
    })
    .describe('Pro-rata rule for sessional staff, e.g. "monthly or after each 74 hours worked, whichever is the least frequent".'),
]);
export type Frequency = z.infer<typeof frequencySchema>;

export const sessionKindSchema = z.enum(['individual', 'group']);
export type SessionKind = z.infer<typeof sessionKindSchema>;

export const phaseSchema = z
  .strictObject({
    id: idSchema,
    label: z.string().min(1).describe('How the policy names the phase, e.g. "Weekly for the first 6 weeks".'),
    from: offsetSchema.describe('Start of the phase as an offset from the relationship start.'),
    until: offsetSchema
      .nullable()
      .describe('End of the phase (exclusive) as an offset from the relationship start; null when open-ended.'),
    untilAgreed: z
      .strictObject({ defaultSource: productDefaultSourceSchema })
      .optional()
      .describe('Present when the seed leaves the end to local agreement ("for an agreed period"); `until` is then the default the planner uses unless the agreed period is given.'),
    frequency: frequencySchema,
    source: sourceSchema,
  })
  .describe('One phase of a cadence, e.g. "weekly for the first 6 weeks".');
export type Phase = z.infer<typeof phaseSchema>;

export const streamSchema = z
  .strictObject({
    id: idSchema,
    label: z.string().min(1),
    kind: z
      .enum(['individual', 'group', 'alternating'])
      .describe('"alternating" alternates group and individual sessions at the stream\'s frequency.'),
    alternateSupervisors: z
      .array(idSchema)
      .min(2)
      .optional()
      .describe('Supervisor slots that take turns, e.g. on-site supervisor and practice educator.'),
    minutes: positiveInt.describe('Session length in minutes.'),
    minutesSource: sourceSchema,
    phases: z.array(phaseSchema).min(1).describe('Ordered, contiguous phases; the last is open-ended.'),
    source: sourceSchema,
  })
  .describe('A stream of sessions a role must receive (one-to-one, group reflective, ...).');
export type Stream = z.infer<typeof streamSchema>;

/** A fact about a supervisee or their situation that switches a variant on. */
export const conditionSchema = z.discriminatedUnion('fact', [
  z.strictObject({ fact: z.literal('supervisorDirectReports'), greaterThan: nonNegativeInt }),
  z.strictObject({ fact: z.literal('shiftsPerMonth'), lessThan: positiveInt }),
  z.strictObject({ fact: z.literal('contractBasis'), equals: z.enum(['full-time', 'part-time']) }),
  z.strictObject({ fact: z.literal('newToRole'), equals: z.literal(true) }),
  z.strictObject({ fact: z.literal('newStarter'), equals: z.literal(true) }).describe('New to the organisation (not just a new supervisor).'),
]);
export type Condition = z.infer<typeof conditionSchema>;
export type FactName = Condition['fact'];

export const additionalSessionSchema = z
  .strictObject({
    id: idSchema,
    label: z.string().min(1),
    week: positiveInt.describe('Week of employment (1 = the first seven days) in which the extra session falls.'),
    when: conditionSchema.optional().describe('Only when this holds, e.g. new starters.'),
    kind: sessionKindSchema,
    minutes: positiveInt,
    source: sourceSchema,
  })
  .describe('A session in addition to the cadence, e.g. new starters in their first and third week.');

export const noteSchema = z.strictObject({ text: z.string().min(1), source: sourceSchema });

export const roleSchema = z
  .strictObject({
    id: idSchema,
    label: z.string().min(1),
    aliases: z.array(z.string().min(1)).optional().describe('Other job titles the seed groups under this role.'),
    supervisedBy: z.string().min(1).describe('Who supervises, in the seed\'s words, e.g. "Team Manager".'),
    supervisorRole: idSchema.optional().describe('Role id of the supervisor where the seed names it.'),
    caseHolding: z.boolean().describe('Holds a caseload of children (case-discussion rules apply).'),
    directWork: z.boolean().describe('Works directly with children, families or carers.'),
    streams: z.array(streamSchema).min(1),
    additionalSessions: z.array(additionalSessionSchema).optional(),
    recordTemplate: idSchema.describe('Template id of the session record for this role.'),
    notes: z.array(noteSchema).optional().describe('Rules the product shows but does not schedule, e.g. "SPED supervision is in addition".'),
    source: sourceSchema,
  })
  .describe('A role and the supervision it must receive.');
export type Role = z.infer<typeof roleSchema>;


export const variantSchema = z
  .strictObject({
    id: idSchema,
    label: z.string().min(1),
    roles: z.array(idSchema).min(1).describe('Roles the variant may apply to.'),
    stream: idSchema.describe('Id of the stream whose phases the variant replaces.'),
    when: conditionSchema,
    requiresAuthorisation: z
      .strictObject({ by: z.string().min(1), source: sourceSchema })
      .optional()
      .describe('The variant applies only with a recorded authorisation (who authorised, when).'),
    recommendation: z
      .boolean()
      .optional()
      .describe('True when the seed recommends rather than requires the variant; it is applied only when asked for.'),
    phases: z.array(phaseSchema).min(1),
    source: sourceSchema,
  })
  .describe('A conditional cadence, e.g. 6-weekly with authorisation when a supervisor has more than eight reports.');
export type Variant = z.infer<typeof variantSchema>;

export const conflictSchema = z
  .strictObject({
    id: idSchema,
    role: idSchema,
    stream: idSchema,
    summary: z.string().min(1),
    alternatives: z
      .array(
        z.strictObject({
          id: idSchema,
          description: z.string().min(1),
          phases: z.array(phaseSchema).min(1),
          source: seedSourceSchema,
        }),
      )
      .min(2),
    plannedWith: idSchema.describe('Alternative used when nobody has chosen; the planner still warns.'),
    reason: z.string().min(1).describe('Why that alternative is the default (e.g. it is the stricter).'),
  })
  .describe('Where the seed contradicts itself. Never resolved silently: the planner surfaces it as a warning.');
export type Conflict = z.infer<typeof conflictSchema>;

export const reviewPeriodsSchema = z
  .strictObject({
    discussions: positiveInt.describe('Discussions required in each review period.'),
    firstReviews: z
      .array(offsetSchema)
      .min(1)
      .describe('Offsets from the case opening of the first review(s), e.g. 4 weeks then 12 weeks.'),
    thereafterEvery: durationSchema.describe('Length of each later review period.'),
  })
  .describe('"Discussed at least twice before the first review and twice in every review period after".');

export const caseRuleSchema = z
  .strictObject({
    category: idSchema.describe('Canonical case category id (see the policy digest).'),
    label: z.string().min(1),
    every: durationSchema.optional().describe('Maximum gap between discussions of a child in this category (and from the case opening to the first).'),
    everySession: z.boolean().optional().describe('Discussed at every supervision session.'),
    reviewPeriods: reviewPeriodsSchema.optional(),
    appliesTo: z.array(idSchema).optional().describe('Roles the rule applies to; all case-holding roles when absent.'),
    source: sourceSchema,
  })
  .refine((r) => r.every !== undefined || r.everySession === true || r.reviewPeriods !== undefined, {
    message: 'a case rule needs at least one of every, everySession or reviewPeriods',
  });
export type CaseRule = z.infer<typeof caseRuleSchema>;

export const caseDiscussionSchema = z.strictObject({
  referenceSystems: z
    .array(z.string().min(1))
    .min(1)
    .describe('Case systems whose ids records hold, e.g. LCS, EHM, Liquid Logic.'),
  defaultCategory: idSchema.describe('Category used for a child no specific rule covers.'),
  rules: z.array(caseRuleSchema).min(1),
  rotation: noteSchema.optional().describe('How cases must be selected for discussion.'),
  source: sourceSchema,
});

export const fieldSchema = z.strictObject({
  id: idSchema,
  label: z.string().min(1),
  type: z.enum(['text', 'long-text', 'date', 'yes-no', 'number', 'choice', 'case-reference']),
  hint: z.string().optional(),
  required: z.boolean().optional(),
  choices: z.array(z.string().min(1)).optional(),
});
export type Field = z.infer<typeof fieldSchema>;

export const templateSectionSchema = z.strictObject({
  id: idSchema,
  label: z.string().min(1),
  hint: z.string().optional().describe('Prompt text from the template.'),
  fields: z.array(fieldSchema).optional().describe('Structured fields; a section without fields is free text.'),
  repeatsPerCase: z.boolean().optional().describe('The section is filled once per child discussed (case references only).'),
});
export type TemplateSection = z.infer<typeof templateSectionSchema>;

export const templateSchema = z
  .strictObject({
    id: idSchema,
    label: z.string().min(1),
    purpose: z.enum(['agreement', 'session-record', 'case-supervision', 'group-record']),
    sections: z.array(templateSectionSchema).min(1),
    includesActions: z.boolean().describe('Has an actions table (what, who, by when).'),
    includesCases: z.boolean().describe('Lists the case references discussed.'),
    source: sourceSchema,
  })
  .describe('A template from the seed: agreement, session record, case supervision record.');
export type Template = z.infer<typeof templateSchema>;

export const prepQuestionSchema = z.strictObject({
  id: idSchema,
  label: z.string().min(1),
  type: z.enum(['text', 'long-text', 'yes-no', 'date', 'choice']),
  required: z.boolean(),
  choices: z.array(z.string().min(1)).optional(),
  source: sourceSchema,
});
export type PrepQuestion = z.infer<typeof prepQuestionSchema>;

export const prepSchema = z.strictObject({
  questions: z.array(prepQuestionSchema).min(1).describe('Asked once per session.'),
  perCase: z
    .array(prepQuestionSchema)
    .optional()
    .describe('Asked for each child the supervisee brings (by case reference only, never names).'),
  roles: z.array(idSchema).optional().describe('Roles these questions are for; all roles when absent.'),
  source: sourceSchema,
});
export type Prep = z.infer<typeof prepSchema>;

export const deadlineSchema = z.strictObject({
  within: durationSchema,
  source: sourceSchema,
});

export const agreementSchema = z.strictObject({
  due: z.discriminatedUnion('by', [
    z.strictObject({
      by: z.literal('within'),
      within: durationSchema,
      from: z.enum(['employment-start', 'relationship-start']),
    }),
    z.strictObject({ by: z.literal('before-first-session') }),
  ]),
  dueSource: sourceSchema,
  review: z.strictObject({
    every: durationSchema.optional(),
    onSupervisorChange: z.boolean(),
    onRequest: z.boolean().optional().describe('Either party may ask for a review at any time.'),
    source: sourceSchema,
  }),
  mutuallyAgreedFrequency: noteSchema.optional(),
  template: idSchema,
});

export const recordRulesSchema = z.strictObject({
  shareWithin: deadlineSchema.optional().describe('Notes (a copy of the record) shared with the supervisee within.'),
  signWithin: deadlineSchema.optional().describe('Record completed and signed within.'),
  superviseeConfirms: noteSchema.optional().describe('When the supervisee confirms the record (e.g. at the next session).'),
  disagreement: noteSchema.optional(),
  caseDirection: z.strictObject({
    within: durationSchema.optional().describe('Absent where the seed sets no deadline for recording case decisions.'),
    urgentWithin: durationSchema.optional(),
    system: z.string().min(1).describe('Where case decisions are recorded, e.g. "LCS/EHM".'),
    source: sourceSchema,
  }),
  informalSupervision: noteSchema.optional().describe('How informal supervision that changes a plan is recorded.'),
});

export const cancellationSchema = z.strictObject({
  rearrange: z.discriminatedUnion('by', [
    z.strictObject({ by: z.literal('within'), within: durationSchema }),
    z
      .strictObject({ by: z.literal('earliest-opportunity'), flagAfter: durationSchema })
      .describe('"At the earliest opportunity": flagged when nothing is rearranged after flagAfter.'),
  ]),
  rearrangeSource: sourceSchema,
  reasonRequired: z.boolean(),
  recordOriginalDate: z.boolean(),
  permittedReasons: z.array(z.string().min(1)).optional().describe('Only these reasons justify a cancellation.'),
  reasonSource: sourceSchema,
});

export const circleStageSchema = z.strictObject({
  id: idSchema,
  label: z.string().min(1),
  minutes: positiveInt.optional().describe('Timed stages only.'),
  instructions: z.string().min(1),
});

export const circleSchema = z.strictObject({
  stages: z.array(circleStageSchema).min(2),
  source: sourceSchema,
});

export const groupSupervisionSchema = z.strictObject({
  models: z.array(z.string().min(1)).min(1),
  replacesIndividual: z.literal(false),
  attendanceRecorded: noteSchema.optional(),
  solutionCircle: circleSchema.optional(),
  successCircle: circleSchema.optional(),
  jointFamily: z
    .strictObject({
      label: z.string().min(1),
      phases: z.array(phaseSchema).min(1),
      minutes: positiveInt,
      minutesSource: sourceSchema,
      source: sourceSchema,
    })
    .optional()
    .describe('Joint practice supervision with every practitioner for a family (Family Safeguarding).'),
  source: sourceSchema,
});

export const periodicReviewSchema = z.strictObject({
  id: idSchema,
  label: z.string().min(1),
  every: durationSchema,
  by: z.string().min(1),
  notifySuperviseeBeforehand: z.boolean().optional(),
  source: sourceSchema,
});

export const packSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: idSchema,
    name: z.string().min(1),
    seed: z.strictObject({
      file: seedSourceSchema.shape.file,
      title: z.string().min(1),
    }),
    version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('Date this pack was last checked against the seed.'),
    timeZone: z.literal('Europe/London'),
    scheduling: z.strictObject({
      defaultWeekday: z.enum(['mon', 'tue', 'wed', 'thu', 'fri']),
      defaultTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      workingHours: z.strictObject({
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
        end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      }),
      bookAhead: noteSchema.optional().describe('How far ahead dates are agreed.'),
      source: sourceSchema,
    }),
    floor: z
      .strictObject({ frequency: frequencySchema, source: sourceSchema })
      .optional()
      .describe('Organisation-wide minimum no role may fall below.'),
    firstSession: z
      .strictObject({ within: durationSchema, source: sourceSchema })
      .optional()
      .describe('First supervision set up within this time of the supervisee starting.'),
    roles: z.array(roleSchema).min(1),
    variants: z.array(variantSchema).optional(),
    conflicts: z.array(conflictSchema).optional(),
    caseDiscussion: caseDiscussionSchema,
    agreement: agreementSchema,
    records: recordRulesSchema,
    cancellation: cancellationSchema,
    supervisorAbsence: z
      .strictObject({ coverAfter: durationSchema, source: sourceSchema })
      .optional()
      .describe('Supervisor absent longer than this: cover must be arranged.'),
    prep: z.array(prepSchema).min(1),
    templates: z.array(templateSchema).min(1),
    groupSupervision: groupSupervisionSchema.optional(),
    periodicReviews: z
      .array(periodicReviewSchema)
      .optional()
      .describe('Appraisal reviews, observations, audits of records.'),
    retention: z
      .strictObject({
        keep: durationSchema,
        after: z.enum(['worker-leaves', 'record-created']),
        source: sourceSchema,
      })
      .optional(),
    recordAccess: noteSchema.optional().describe('Who may read records, where the seed says so.'),
  })
  .superRefine((pack, ctx) => {
    const roleIds = new Set<string>();
    pack.roles.forEach((role, i) => {
      if (roleIds.has(role.id)) ctx.addIssue({ code: 'custom', path: ['roles', i, 'id'], message: `duplicate role id "${role.id}"` });
      roleIds.add(role.id);
    });
    const templateIds = new Set(pack.templates.map((t) => t.id));
    const phaseLists: { phases: Phase[]; path: (string | number)[] }[] = [];
    pack.roles.forEach((role, i) => {
      if (!templateIds.has(role.recordTemplate)) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', i, 'recordTemplate'],
          message: `unknown template "${role.recordTemplate}"; templates are: ${[...templateIds].join(', ')}`,
        });
      }
      role.streams.forEach((stream, s) => phaseLists.push({ phases: stream.phases, path: ['roles', i, 'streams', s, 'phases'] }));
    });
    pack.variants?.forEach((variant, v) => {
      phaseLists.push({ phases: variant.phases, path: ['variants', v, 'phases'] });
      variant.roles.forEach((roleId, r) => {
        const role = pack.roles.find((x) => x.id === roleId);
        if (!role) ctx.addIssue({ code: 'custom', path: ['variants', v, 'roles', r], message: `unknown role "${roleId}"` });
        else if (!role.streams.some((s) => s.id === variant.stream)) {
          ctx.addIssue({ code: 'custom', path: ['variants', v, 'stream'], message: `role "${roleId}" has no stream "${variant.stream}"` });
        }
      });
    });
    pack.conflicts?.forEach((conflict, c) => {
      const role = pack.roles.find((x) => x.id === conflict.role);
      if (!role) ctx.addIssue({ code: 'custom', path: ['conflicts', c, 'role'], message: `unknown role "${conflict.role}"` });
      else if (!role.streams.some((s) => s.id === conflict.stream)) {
        ctx.addIssue({ code: 'custom', path: ['conflicts', c, 'stream'], message: `role "${conflict.role}" has no stream "${conflict.stream}"` });
      }
      if (!conflict.alternatives.some((a) => a.id === conflict.plannedWith)) {
        ctx.addIssue({ code: 'custom', path: ['conflicts', c, 'plannedWith'], message: `no alternative "${conflict.plannedWith}"` });
      }
      conflict.alternatives.forEach((alt, a) => phaseLists.push({ phases: alt.phases, path: ['conflicts', c, 'alternatives', a, 'phases'] }));
    });
    if (pack.groupSupervision?.jointFamily) {
      phaseLists.push({ phases: pack.groupSupervision.jointFamily.phases, path: ['groupSupervision', 'jointFamily', 'phases'] });
    }
    for (const { phases, path } of phaseLists) checkPhases(phases, path, ctx);

    const categories = new Set<string>();
    pack.caseDiscussion.rules.forEach((rule, i) => {
      if (categories.has(rule.category)) {
        ctx.addIssue({ code: 'custom', path: ['caseDiscussion', 'rules', i, 'category'], message: `duplicate case category "${rule.category}"` });
      }
      categories.add(rule.category);
      rule.appliesTo?.forEach((roleId, r) => {
        if (!roleIds.has(roleId)) ctx.addIssue({ code: 'custom', path: ['caseDiscussion', 'rules', i, 'appliesTo', r], message: `unknown role "${roleId}"` });
      });
    });
    if (!categories.has(pack.caseDiscussion.defaultCategory)) {
      ctx.addIssue({
        code: 'custom',
        path: ['caseDiscussion', 'defaultCategory'],
        message: `no case rule for the default category "${pack.caseDiscussion.defaultCategory}"`,
      });
    }
    if (!templateIds.has(pack.agreement.template)) {
      ctx.addIssue({ code: 'custom', path: ['agreement', 'template'], message: `unknown template "${pack.agreement.template}"` });
    }
    pack.prep.forEach((prep, p) =>
      prep.roles?.forEach((roleId, r) => {
        if (!roleIds.has(roleId)) ctx.addIssue({ code: 'custom', path: ['prep', p, 'roles', r], message: `unknown role "${roleId}"` });
      }),
    );
    if (pack.scheduling.workingHours.start >= pack.scheduling.workingHours.end) {
      ctx.addIssue({ code: 'custom', path: ['scheduling', 'workingHours'], message: 'working hours must end after they start' });
    }
  });

export type Pack = z.infer<typeof packSchema>;

function offsetKey(offset: Offset): string {
  return 'weeks' in offset ? `${offset.weeks}w` : `${offset.months}m`;
}

/** Phases must start at the relationship start, follow each other without gaps and end open. */
function checkPhases(phases: Phase[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const first = phases[0];
  if (first && offsetKey(first.from) !== '0w' && offsetKey(first.from) !== '0m') {
    ctx.addIssue({ code: 'custom', path: [...path, 0, 'from'], message: 'the first phase must start at 0' });
  }
  phases.forEach((phase, i) => {
    const next = phases[i + 1];
    if (next) {
      if (phase.until === null) {
        ctx.addIssue({ code: 'custom', path: [...path, i, 'until'], message: 'only the last phase may be open-ended (until: null)' });
      } else if (offsetKey(phase.until) !== offsetKey(next.from)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i + 1, 'from'],
          message: `phase must start where the previous one ends (${offsetKey(phase.until)})`,
        });
      }
    } else if (phase.until !== null) {
      ctx.addIssue({ code: 'custom', path: [...path, i, 'until'], message: 'the last phase must be open-ended (until: null)' });
    }
  });
}
