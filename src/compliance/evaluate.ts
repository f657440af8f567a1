import {
  firstDayOfMonthIndex,
  lastDayOfMonthIndex,
  monthIndex,
  toCivil,
  toDay,
  type Day,
} from '../calendar/civil.js';
import { endOfLondonDay, londonDayOf, londonToInstant } from '../calendar/london.js';
import { isWorkingDay } from '../calendar/working-days.js';
import { absenceFromLeave, coverNeed } from '../absence/absence.js';
import { SupervisionError } from '../errors.js';
import { reasonPermitted } from '../policy/cancellation.js';
import { dayDeadline, durationText, instantDeadline } from '../policy/duration.js';
import { describeFrequency, patternStepDays, type ConcreteFrequency } from '../policy/frequency.js';
import { findRole, resolveRole, type ResolveOptions, type ResolvedStream } from '../policy/resolve.js';
import type { CaseRule, Duration, Pack, Source } from '../policy/schema.js';
import { nextDue, offsetDay, phaseWindows, type PhaseWindow } from '../schedule/deadline.js';
import type { Finding, FindingKind, Severity } from './findings.js';
import { timestampToInstant, type CaseHistory, type PersonHistory, type SessionHistory } from './input.js';

const DAY_MS = 86_400_000;

interface Context {
  pack: Pack;
  person: PersonHistory;
  asOf: Day;
  /** End of the as-of day: the instant deadlines are compared with. */
  asOfInstant: number;
  findings: Finding[];
}

function emit(ctx: Context, kind: FindingKind, subject: string, due: Day | number, overdueBy: number, severity: Severity, ruleId: string, source: Source, dueIsInstant = false): void {
  ctx.findings.push({
    person: ctx.person.id,
    kind,
    subject,
    due: dueIsInstant ? new Date(due).toISOString() : toCivil(due),
    overdueBy: Math.round(overdueBy * 10) / 10,
    severity,
    ruleId,
    source,
  });
}

function sessionInstant(session: SessionHistory): number {
  // Without a start time the session counts as held at the end of its day: hour deadlines
  // ("within 48 hours") then never flag a record that might have been on time.
  return session.start ? londonToInstant(session.date, session.start) : endOfLondonDay(toDay(session.date));
}

function resolveOptions(person: PersonHistory): ResolveOptions {
  const v = person.variants;
  const options: ResolveOptions = {};
  if (v?.facts) options.facts = v.facts;
  if (v?.authorisations) options.authorisations = v.authorisations;
  if (v?.recommendations) options.recommendations = v.recommendations;
  if (v?.conflictChoices) options.conflictChoices = v.conflictChoices;
  if (v?.agreedPeriodWeeks) options.agreedPeriod = { weeks: v.agreedPeriodWeeks };
  const agreed = person.agreement?.agreedFrequency;
  if (agreed && agreed.rule !== 'hours-worked') options.agreedFrequency = agreed;
  return options;
}

function dueSoonWindow(frequency: ConcreteFrequency): number {
  if (frequency.rule === 'calendar-month') return 7;
  return Math.min(7, Math.ceil(patternStepDays(frequency) / 4));
}

function countsFor(stream: ResolvedStream, session: SessionHistory): boolean {
  if (session.informal) return false;
  if (stream.kind === 'alternating') return true;
  return stream.kind === 'group' ? session.kind === 'group' : session.kind === 'individual';
}

/** Sessions at the frequency the role's current phase requires; calendar-month rules month by month. */
function checkSessions(ctx: Context, stream: ResolvedStream): void {
  const start = toDay(ctx.person.start);
  if (ctx.asOf < start) return;
  const windows = phaseWindows(stream.phases, start);
  const current = windows.find((w) => ctx.asOf >= w.from && ctx.asOf < w.end) ?? windows[windows.length - 1];
  if (!current) return;
  const counted = ctx.person.sessions.filter((s) => countsFor(stream, s));
  const held = counted.filter((s) => s.status === 'held' && toDay(s.date) <= ctx.asOf).map((s) => toDay(s.date)).sort((a, b) => a - b);
  const planned = counted.filter((s) => s.status === 'planned' && toDay(s.date) >= ctx.asOf).map((s) => toDay(s.date));
  const group = stream.kind === 'group';
  const overdueKind: FindingKind = group ? 'group-attendance-low' : 'session-overdue';
  const what = group ? 'group supervision' : stream.label.toLowerCase();

  for (const window of windows) {
    if (window.phase.frequency.rule !== 'calendar-month') continue;
    const from = Math.max(window.from, start);
    const to = Math.min(window.end - 1, ctx.asOf);
    for (let m = monthIndex(from); m <= monthIndex(to); m++) {
      const monthEnd = lastDayOfMonthIndex(m);
      let lastWorking = monthEnd;
      while (!isWorkingDay(lastWorking)) lastWorking--;
      if (lastWorking < from || lastWorking >= window.end) continue;
      const has = held.some((d) => d >= firstDayOfMonthIndex(m) && d <= monthEnd);
      if (has) continue;
      const label = toCivil(firstDayOfMonthIndex(m)).slice(0, 7);
      if (ctx.asOf > lastWorking) {
        emit(ctx, overdueKind, `no ${what} held in ${label} (${window.phase.label})`, lastWorking, ctx.asOf - lastWorking, ctx.asOf - lastWorking > 14 ? 'high' : 'medium', `roles/${window.phase.ruleId}`, window.phase.source);
      } else if (lastWorking - ctx.asOf <= dueSoonWindow(window.phase.frequency) && !planned.some((d) => d <= lastWorking) && !group) {
        emit(ctx, 'session-due-soon', `no ${what} booked yet in ${label} (${window.phase.label})`, lastWorking, ctx.asOf - lastWorking, 'low', `roles/${window.phase.ruleId}`, window.phase.source);
      }
    }
  }

  if (current.phase.frequency.rule === 'calendar-month') return;
  const last = held.length > 0 ? (held[held.length - 1] as Day) : null;
  const due = nextDue(windows, last, start);
  const phaseAtDue: PhaseWindow = windows.find((w) => due >= w.from && due < w.end) ?? current;
  if (phaseAtDue.phase.frequency.rule === 'calendar-month') return;
  const rule = `${describeFrequency(phaseAtDue.phase.frequency)} (${phaseAtDue.phase.label})`;
  const since = last === null ? `none held since the start on ${ctx.person.start}` : `last held ${toCivil(last)}`;
  if (ctx.asOf > due) {
    const late = ctx.asOf - due;
    emit(ctx, overdueKind, `${what} ${rule}: ${since}`, due, late, late > 14 ? 'high' : 'medium', `roles/${phaseAtDue.phase.ruleId}`, phaseAtDue.phase.source);
  } else if (due - ctx.asOf <= dueSoonWindow(phaseAtDue.phase.frequency) && !planned.some((d) => d <= due) && !group) {
    emit(ctx, 'session-due-soon', `${what} ${rule}: ${since}, none booked by ${toCivil(due)}`, due, ctx.asOf - due, 'low', `roles/${phaseAtDue.phase.ruleId}`, phaseAtDue.phase.source);
  }
}

function checkFirstSession(ctx: Context): void {
  const rule = ctx.pack.firstSession;
  if (!rule) return;
  const start = toDay(ctx.person.start);
  const due = dayDeadline(start, rule.within);
  if (ctx.asOf <= due) return;
  const first = ctx.person.sessions
    .filter((s) => s.kind === 'individual' && s.status !== 'cancelled' && !s.informal)
    .map((s) => toDay(s.date))
    .sort((a, b) => a - b)[0];
  if (first === undefined) {
    emit(ctx, 'first-session-late', `first supervision not set up within ${durationText(rule.within)} of starting on ${ctx.person.start}`, due, ctx.asOf - due, 'high', 'firstSession', rule.source);
  } else if (first > due) {
    emit(ctx, 'first-session-late', `first supervision on ${toCivil(first)}, more than ${durationText(rule.within)} after starting on ${ctx.person.start}`, due, first - due, 'medium', 'firstSession', rule.source);
  }
}

function checkAgreement(ctx: Context): void {
  const rules = ctx.pack.agreement;
  const agreement = ctx.person.agreement;
  const start = toDay(ctx.person.start);
  let due: Day;
  if (rules.due.by === 'within') {
    const from = rules.due.from === 'employment-start' ? toDay(ctx.person.employmentStart ?? ctx.person.start) : start;
    due = dayDeadline(from, rules.due.within);
  } else {
    const first = ctx.person.sessions
      .filter((s) => s.kind === 'individual' && s.status !== 'cancelled' && !s.informal)
      .map((s) => toDay(s.date))
      .sort((a, b) => a - b)[0];
    due = first ?? start;
  }
  const signatures = [agreement?.signedBySupervisor, agreement?.signedBySupervisee];
  const complete = signatures.every((s) => s !== undefined);
  if (!complete) {
    if (ctx.asOf > due) {
      const missing = !agreement?.signedBySupervisor && !agreement?.signedBySupervisee ? 'not signed' : !agreement?.signedBySupervisee ? 'not signed by the supervisee' : 'not signed by the supervisor';
      const late = ctx.asOf - due;
      emit(ctx, 'agreement-missing', `supervision agreement ${missing} (due ${toCivil(due)})`, due, late, late > 28 ? 'high' : 'medium', 'agreement/due', rules.dueSource);
    }
    return;
  }
  const signedDay = Math.max(...signatures.map((s) => londonDayOf(timestampToInstant(s as string))));
  if (signedDay > due) {
    emit(ctx, 'agreement-late', `supervision agreement signed ${toCivil(signedDay)}, after it was due`, due, signedDay - due, 'low', 'agreement/due', rules.dueSource);
  }
  const lastReview = Math.max(signedDay, agreement?.reviewedAt ? toDay(agreement.reviewedAt) : -Infinity);
  const review = rules.review;
  if (review.onSupervisorChange && agreement?.supervisorSince && toDay(agreement.supervisorSince) > lastReview) {
    const changed = toDay(agreement.supervisorSince);
    if (ctx.asOf >= changed) {
      emit(ctx, 'agreement-review-due', `supervision agreement not reviewed since the change of supervisor on ${agreement.supervisorSince}`, changed, ctx.asOf - changed, 'medium', 'agreement/review', review.source);
      return;
    }
  }
  if (review.every) {
    const reviewDue = dayDeadline(lastReview, review.every);
    if (ctx.asOf > reviewDue) {
      emit(ctx, 'agreement-review-due', `supervision agreement review due (last ${toCivil(lastReview)}, every ${durationText(review.every)})`, reviewDue, ctx.asOf - reviewDue, 'medium', 'agreement/review', review.source);
    } else if (reviewDue - ctx.asOf <= 28) {
      emit(ctx, 'agreement-review-due', `supervision agreement review coming up (last ${toCivil(lastReview)}, every ${durationText(review.every)})`, reviewDue, ctx.asOf - reviewDue, 'low', 'agreement/review', review.source);
    }
  }
}

function lateness(ctx: Context, deadline: number, doneAt: string | undefined): number | undefined {
  if (doneAt !== undefined) {
    const done = timestampToInstant(doneAt);
    return done > deadline ? (done - deadline) / DAY_MS : undefined;
  }
  return ctx.asOfInstant > deadline ? (ctx.asOfInstant - deadline) / DAY_MS : undefined;
}

function checkRecords(ctx: Context): void {
  const rules = ctx.pack.records;
  const formal = ctx.person.sessions.filter((s) => s.status === 'held' && !s.informal && toDay(s.date) <= ctx.asOf).sort((a, b) => (a.date < b.date ? -1 : 1));
  formal.forEach((session, i) => {
    const at = sessionInstant(session);
    const deadlines: { within: Duration; doneAt: string | undefined; what: string; ruleId: string; source: Source }[] = [];
    if (rules.shareWithin) deadlines.push({ within: rules.shareWithin.within, doneAt: session.recordSharedAt, what: 'shared with the supervisee', ruleId: 'records/shareWithin', source: rules.shareWithin.source });
    if (rules.signWithin) deadlines.push({ within: rules.signWithin.within, doneAt: session.supervisorSignedAt, what: 'completed and signed', ruleId: 'records/signWithin', source: rules.signWithin.source });
    for (const d of deadlines) {
      const deadline = instantDeadline(at, d.within);
      const late = lateness(ctx, deadline, d.doneAt);
      if (late !== undefined) {
        const hours = 'hours' in d.within;
        emit(ctx, 'record-late', `record of the ${session.kind} session on ${session.date} ${d.doneAt ? 'was' : 'not'} ${d.what} within ${durationText(d.within)}`, hours ? deadline : londonDayOf(deadline), late, 'medium', d.ruleId, d.source, hours);
      }
    }
    const next = formal[i + 1];
    if (rules.superviseeConfirms && next && session.kind === 'individual' && toDay(next.date) <= ctx.asOf) {
      const deadline = endOfLondonDay(toDay(next.date));
      const late = lateness(ctx, deadline, session.superviseeSignedAt);
      if (late !== undefined) {
        emit(ctx, 'record-late', `record of the session on ${session.date} not confirmed by the supervisee by the next session on ${next.date}`, toDay(next.date), late, 'medium', 'records/superviseeConfirms', rules.superviseeConfirms.source);
      }
    }
  });
}

function caseRule(ctx: Context, item: CaseHistory, path: string): CaseRule {
  const rule = ctx.pack.caseDiscussion.rules.find((r) => r.category === item.category);
  if (!rule) {
    const choices = ctx.pack.caseDiscussion.rules.map((r) => r.category);
    throw new SupervisionError('UNKNOWN_CASE_CATEGORY', `${path}.category: unknown case category "${item.category}" for ${ctx.pack.id}; valid categories: ${choices.join(', ')}`, {
      field: `${path}.category`,
      choices,
    });
  }
  return rule;
}

function checkCases(ctx: Context, personPath: string): void {
  const direction = ctx.pack.records.caseDirection;
  const heldIndividual = ctx.person.sessions.filter((s) => s.status === 'held' && s.kind === 'individual' && !s.informal).map((s) => toDay(s.date));
  ctx.person.cases.forEach((item, c) => {
    const rule = caseRule(ctx, item, `${personPath}.cases[${c}]`);
    const opened = toDay(item.opened);
    const end = Math.min(item.closed ? toDay(item.closed) : Infinity, ctx.asOf);
    const discussions = item.discussions.filter((d) => toDay(d.date) <= ctx.asOf);
    const days = discussions.map((d) => toDay(d.date)).sort((a, b) => a - b);

    if (direction.within) {
      for (const d of discussions) {
        const within = d.urgent && direction.urgentWithin ? direction.urgentWithin : direction.within;
        // A discussion has a date, not a time: its deadline runs from the end of that day.
        const deadline = instantDeadline(endOfLondonDay(toDay(d.date)), within);
        const late = lateness(ctx, deadline, d.directionRecordedAt);
        if (late !== undefined) {
          const hours = 'hours' in within;
          emit(ctx, 'case-direction-late', `case direction for ${item.ref} (discussed ${d.date}) ${d.directionRecordedAt ? 'recorded' : 'not confirmed as recorded'} in ${direction.system} within ${durationText(within)}`, hours ? deadline : londonDayOf(deadline), late, 'high', 'records/caseDirection', direction.source, hours);
        }
      }
    }
    if (end < opened) return;

    const ruleId = `caseDiscussion/${rule.category}`;
    if (rule.every) {
      const last = days.filter((d) => d <= end).at(-1) ?? opened;
      const due = dayDeadline(last, rule.every);
      if (ctx.asOf > due && due <= end) {
        emit(ctx, 'case-discussion-overdue', `${item.ref} (${rule.label}) not discussed since ${toCivil(last)}; required every ${durationText(rule.every)}`, due, ctx.asOf - due, 'high', ruleId, rule.source);
      } else if (due >= ctx.asOf && due - ctx.asOf <= 14 && !item.closed) {
        emit(ctx, 'case-discussion-overdue', `${item.ref} (${rule.label}) due for discussion by ${toCivil(due)}`, due, ctx.asOf - due, 'low', ruleId, rule.source);
      }
    }
    if (rule.everySession) {
      for (const session of heldIndividual) {
        if (session < opened || session > end) continue;
        if (!days.includes(session)) {
          emit(ctx, 'case-discussion-overdue', `${item.ref} (${rule.label}) not discussed at the supervision on ${toCivil(session)}; required at every supervision`, session, ctx.asOf - session, 'high', ruleId, rule.source);
        }
      }
    }
    if (rule.reviewPeriods) {
      const periods = rule.reviewPeriods;
      let periodStart = opened;
      const boundaries = periods.firstReviews.map((offset) => offsetDay(opened, offset));
      for (let index = 0; index < 500 && periodStart < end; index++) {
        const periodEnd = boundaries[index] ?? dayDeadline(periodStart, periods.thereafterEvery);
        // A discussion on the day the case opened counts for the first period; on a review day, for the period it closes.
        const lower = index === 0 ? periodStart : periodStart + 1;
        const count = days.filter((d) => d >= lower && d <= periodEnd).length;
        if (count < periods.discussions) {
          if (periodEnd < ctx.asOf && periodEnd <= end) {
            emit(ctx, 'case-discussion-overdue', `${item.ref} (${rule.label}) discussed ${count} of ${periods.discussions} times in the review period ending ${toCivil(periodEnd)}`, periodEnd, ctx.asOf - periodEnd, 'high', ruleId, rule.source);
          } else if (periodEnd >= ctx.asOf && periodEnd - ctx.asOf <= 14 && !item.closed) {
            emit(ctx, 'case-discussion-overdue', `${item.ref} (${rule.label}) needs ${periods.discussions - count} more discussion(s) before the review on ${toCivil(periodEnd)}`, periodEnd, ctx.asOf - periodEnd, 'low', ruleId, rule.source);
          }
        }
        periodStart = periodEnd;
      }
    }
  });
}

function checkCancellations(ctx: Context): void {
  const rules = ctx.pack.cancellation;
  for (const session of ctx.person.sessions) {
    if (session.status !== 'cancelled' || toDay(session.date) > ctx.asOf) continue;
    if (rules.reasonRequired && !session.cancelReason) {
      emit(ctx, 'cancellation-reason-missing', `no reason recorded for cancelling the session on ${session.date}`, toDay(session.date), ctx.asOf - toDay(session.date), 'low', 'cancellation/reason', rules.reasonSource);
    } else if (session.cancelReason && !reasonPermitted(rules, session.cancelReason)) {
      emit(ctx, 'cancellation-reason-not-permitted', `the session on ${session.date} was cancelled for a reason the policy does not list (${(rules.permittedReasons ?? []).join(', ')})`, toDay(session.date), ctx.asOf - toDay(session.date), 'low', 'cancellation/reason', rules.reasonSource);
    }
    const window = rules.rearrange.by === 'within' ? rules.rearrange.within : rules.rearrange.flagAfter;
    const due = dayDeadline(toDay(session.date), window);
    const rearranged = session.rearrangedTo ? toDay(session.rearrangedTo) : undefined;
    const words = rules.rearrange.by === 'within' ? `within ${durationText(window)}` : 'at the earliest opportunity';
    if (rearranged === undefined && ctx.asOf > due) {
      emit(ctx, 'cancellation-not-rearranged', `the session cancelled on ${session.date} has not been rearranged (${words})`, due, ctx.asOf - due, 'medium', 'cancellation/rearrange', rules.rearrangeSource);
    } else if (rearranged !== undefined && rearranged > due) {
      emit(ctx, 'cancellation-not-rearranged', `the session cancelled on ${session.date} was rearranged to ${session.rearrangedTo}, later than the policy allows (${words})`, due, rearranged - due, 'low', 'cancellation/rearrange', rules.rearrangeSource);
    }
  }
}

function checkActions(ctx: Context, source: Source): void {
  for (const action of ctx.person.actions) {
    const due = toDay(action.due);
    if (action.doneAt !== undefined || ctx.asOf <= due) continue;
    const late = ctx.asOf - due;
    emit(ctx, 'action-overdue', `action ${action.id} due ${action.due} not done`, due, late, late > 14 ? 'medium' : 'low', 'records/actions', source);
  }
}

function checkPeriodicReviews(ctx: Context): void {
  for (const review of ctx.pack.periodicReviews ?? []) {
    if (review.id !== 'appraisal-review') continue;
    const last = ctx.person.reviews?.[review.id];
    const from = last ? toDay(last) : toDay(ctx.person.start);
    const due = dayDeadline(from, review.every);
    if (ctx.asOf > due) {
      emit(ctx, 'appraisal-review-due', `${review.label} overdue (${last ? `last ${last}` : 'none recorded'}, every ${durationText(review.every)})`, due, ctx.asOf - due, 'low', `periodicReviews/${review.id}`, review.source);
    } else if (due - ctx.asOf <= 14) {
      emit(ctx, 'appraisal-review-due', `${review.label} due by ${toCivil(due)}`, due, ctx.asOf - due, 'low', `periodicReviews/${review.id}`, review.source);
    }
  }
}

function checkSupervisorAbsence(ctx: Context): void {
  const rule = ctx.pack.supervisorAbsence;
  if (!rule) return;
  // A temporary supervisor covers the supervisee; the counting lives in src/absence.
  const uncovered = (ctx.person.supervisorAbsences ?? []).filter((a) => !a.coveredBy).map(absenceFromLeave);
  const need = coverNeed(rule.coverAfter, uncovered, toCivil(ctx.asOf));
  if (!need) return;
  const { absence } = need;
  emit(ctx, 'supervisor-absent', `supervisor absent since ${absence.from}${absence.to ? ` until ${absence.to}` : ''}: cover needed after ${durationText(rule.coverAfter)}`, toDay(need.due), need.overdueBy, need.overdueBy > 0 ? 'high' : 'medium', 'supervisorAbsence', rule.source);
}

const severityRank: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/**
 * What is due, overdue or late for one supervisee as of a date, under their organisation's
 * pack. Pure: no clock, no IO; every finding names the rule and the seed section requiring it.
 */
export function evaluate(pack: Pack, person: PersonHistory, asOf: string, personPath = 'person'): Finding[] {
  const asOfDay = toDay(asOf);
  const ctx: Context = { pack, person, asOf: asOfDay, asOfInstant: endOfLondonDay(asOfDay), findings: [] };
  let role;
  try {
    role = findRole(pack, person.role);
  } catch (error) {
    if (error instanceof SupervisionError) {
      throw new SupervisionError('UNKNOWN_ROLE', `${personPath}.role: ${error.message}`, { field: `${personPath}.role`, ...(error.choices ? { choices: error.choices } : {}) });
    }
    throw error;
  }
  const resolved = resolveRole(pack, person.role, resolveOptions(person));
  for (const stream of resolved.streams) checkSessions(ctx, stream);
  checkFirstSession(ctx);
  checkAgreement(ctx);
  checkRecords(ctx);
  checkCases(ctx, personPath);
  checkCancellations(ctx);
  const template = pack.templates.find((t) => t.id === role.recordTemplate);
  checkActions(ctx, template?.source ?? role.source);
  checkPeriodicReviews(ctx);
  checkSupervisorAbsence(ctx);
  return ctx.findings.sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
}

