import { SupervisionError } from '../errors.js';
import {
  describeFrequency,
  isAtLeastAsStrict,
  type ConcreteFrequency,
} from './frequency.js';
import type { Condition, Offset, Pack, Phase, Role, Source, Stream, Variant } from './schema.js';

/** Facts about a supervisee that decide which cadence applies. */
export interface SuperviseeFacts {
  supervisorDirectReports?: number;
  shiftsPerMonth?: number;
  contractBasis?: 'full-time' | 'part-time';
  newToRole?: boolean;
  newStarter?: boolean;
  hoursWorkedPerWeek?: number;
}

export interface Authorisation {
  /** Who authorised (UPN or name of the authorising manager). */
  by: string;
  at?: string;
}

export interface ResolveOptions {
  facts?: SuperviseeFacts;
  /** Recorded authorisations by variant id (e.g. the line manager's for 6-weekly). */
  authorisations?: Record<string, Authorisation>;
  /** Recommended (not required) variants to apply, by id. */
  recommendations?: readonly string[];
  /** Chosen alternative by conflict id; unchosen conflicts use the pack's default and warn. */
  conflictChoices?: Record<string, string>;
  /** Frequency agreed in the supervision agreement; must be at least as strict as the policy. */
  agreedFrequency?: ConcreteFrequency;
  /** Session length agreed in the supervision agreement; must be at least the policy's. */
  agreedMinutes?: number;
  /** Length of phases the policy leaves to local agreement ("for an agreed period"). */
  agreedPeriod?: Offset;
}

export type WarningCode =
  | 'policy-conflict'
  | 'variant-needs-authorisation'
  | 'assumed-fact'
  | 'agreed-period-default'
  | 'interval-unmeetable'
  | 'month-unmeetable'
  | 'supervisor-absence-cover'
  | 'additional-session-unplaceable'
  | 'below-floor';

export interface PolicyWarning {
  code: WarningCode;
  message: string;
  source?: Source;
}

export interface ResolvedPhase {
  id: string;
  label: string;
  from: Offset;
  until: Offset | null;
  frequency: ConcreteFrequency;
  /** `<role>/<stream>/<phase>`, stable across plans: what requires the session. */
  ruleId: string;
  source: Source;
  /** Where the phase comes from when it is not the role's own cadence. */
  origin: 'role' | `variant:${string}` | `conflict:${string}` | 'agreement';
}

export interface ResolvedStream {
  id: string;
  label: string;
  kind: Stream['kind'];
  alternateSupervisors: readonly string[] | undefined;
  minutes: number;
  minutesSource: Source;
  phases: ResolvedPhase[];
  source: Source;
}

export interface ResolvedRole {
  pack: Pack;
  role: Role;
  streams: ResolvedStream[];
  additionalSessions: NonNullable<Role['additionalSessions']>;
  warnings: PolicyWarning[];
}

export function findRole(pack: Pack, roleId: string): Role {
  const role = pack.roles.find((r) => r.id === roleId);
  if (!role) {
    const choices = pack.roles.map((r) => r.id);
    throw new SupervisionError('UNKNOWN_ROLE', `unknown role "${roleId}" for ${pack.id}; valid roles: ${choices.join(', ')}`, {
      field: 'role',
      choices,
    });
  }
  return role;
}

type Truth = boolean | 'unknown';

function holds(condition: Condition, facts: SuperviseeFacts): Truth {
  switch (condition.fact) {
    case 'supervisorDirectReports':
      return facts.supervisorDirectReports === undefined ? 'unknown' : facts.supervisorDirectReports > condition.greaterThan;
    case 'shiftsPerMonth':
      return facts.shiftsPerMonth === undefined ? 'unknown' : facts.shiftsPerMonth < condition.lessThan;
    case 'contractBasis':
      return facts.contractBasis === undefined ? 'unknown' : facts.contractBasis === condition.equals;
    case 'newToRole':
      return facts.newToRole === undefined ? 'unknown' : facts.newToRole === condition.equals;
    case 'newStarter':
      return facts.newStarter === undefined ? 'unknown' : facts.newStarter === condition.equals;
  }
}

export function conditionHolds(condition: Condition, facts: SuperviseeFacts): boolean {
  return holds(condition, facts) === true;
}

function quoteOf(source: Source): string {
  return 'quote' in source ? `${source.section}: "${source.quote}"` : `product default: ${source.productDefault}`;
}

function toResolvedPhases(
  roleId: string,
  streamId: string,
  phases: readonly Phase[],
  origin: ResolvedPhase['origin'],
  pack: Pack,
  options: ResolveOptions,
  warnings: PolicyWarning[],
): ResolvedPhase[] {
  const resolved: ResolvedPhase[] = [];
  let shift: Offset | undefined;
  phases.forEach((phase) => {
    const from = shift ?? phase.from;
    let until = phase.until;
    shift = undefined;
    if (phase.untilAgreed && until !== null) {
      if (options.agreedPeriod) {
        until = options.agreedPeriod;
        shift = until;
      } else {
        warnings.push({
          code: 'agreed-period-default',
          message: `"${phase.label}" lasts for a locally agreed period; planned with ${offsetText(until)} until the period is agreed`,
          source: phase.untilAgreed.defaultSource,
        });
      }
    }
    resolved.push({
      id: phase.id,
      label: phase.label,
      from,
      until,
      frequency: concreteFrequency(phase, pack, options, warnings),
      ruleId: `${roleId}/${streamId}/${phase.id}`,
      source: phase.source,
      origin,
    });
  });
  return resolved;
}

function offsetText(offset: Offset): string {
  return 'weeks' in offset ? `${offset.weeks} weeks` : `${offset.months} months`;
}

/** Pro-rata rules become a concrete frequency once hours worked are known. */
function concreteFrequency(phase: Phase, pack: Pack, options: ResolveOptions, warnings: PolicyWarning[]): ConcreteFrequency {
  const frequency = phase.frequency;
  if (frequency.rule !== 'hours-worked') return frequency;
  const hoursPerWeek = options.facts?.hoursWorkedPerWeek;
  if (hoursPerWeek === undefined || hoursPerWeek <= 0) {
    warnings.push({
      code: 'assumed-fact',
      message: `hours worked per week not given: planned ${describeFrequency({ rule: frequency.or })}, the more frequent of "${describeFrequency(frequency)}" (${pack.name})`,
      source: phase.source,
    });
    return { rule: frequency.or };
  }
  const weeksBetween = frequency.hours / hoursPerWeek;
  // A calendar month averages 30.44 days; the rule takes whichever is less frequent.
  if (weeksBetween * 7 <= 30.44) return { rule: frequency.or };
  return { rule: 'interval', weeks: Math.max(1, Math.floor(weeksBetween)) };
}

function applicableVariant(
  variant: Variant,
  role: Role,
  options: ResolveOptions,
  warnings: PolicyWarning[],
): boolean {
  if (!variant.roles.includes(role.id)) return false;
  const facts = options.facts ?? {};
  if (variant.recommendation) {
    return (options.recommendations ?? []).includes(variant.id) && holds(variant.when, facts) !== false;
  }
  if (holds(variant.when, facts) !== true) return false;
  if (variant.requiresAuthorisation && !options.authorisations?.[variant.id]) {
    warnings.push({
      code: 'variant-needs-authorisation',
      message: `"${variant.label}" applies only with a recorded authorisation by ${variant.requiresAuthorisation.by}; planned at the standard frequency`,
      source: variant.requiresAuthorisation.source,
    });
    return false;
  }
  return true;
}

/**
 * The cadence that applies to one supervisee: the role's streams with variants, conflict
 * choices and the supervision agreement applied. Never silently resolves a conflict in the
 * seed and never lets an agreement loosen the policy.
 */
export function resolveRole(pack: Pack, roleId: string, options: ResolveOptions = {}): ResolvedRole {
  const role = findRole(pack, roleId);
  const warnings: PolicyWarning[] = [];
  const facts = options.facts ?? {};

  const streams: ResolvedStream[] = role.streams.map((stream) => {
    let phases = toResolvedPhases(role.id, stream.id, stream.phases, 'role', pack, options, warnings);
    for (const variant of pack.variants ?? []) {
      if (variant.stream !== stream.id || !applicableVariant(variant, role, options, warnings)) continue;
      phases = toResolvedPhases(role.id, stream.id, variant.phases, `variant:${variant.id}`, pack, options, warnings);
    }
    for (const conflict of pack.conflicts ?? []) {
      if (conflict.role !== role.id || conflict.stream !== stream.id) continue;
      const chosenId = options.conflictChoices?.[conflict.id] ?? conflict.plannedWith;
      const chosen = conflict.alternatives.find((a) => a.id === chosenId);
      if (!chosen) {
        const choices = conflict.alternatives.map((a) => a.id);
        throw new SupervisionError('INVALID_INPUT', `conflictChoices.${conflict.id}: unknown alternative "${chosenId}"; choose one of ${choices.join(', ')}`, {
          field: `conflictChoices.${conflict.id}`,
          choices,
        });
      }
      const others = conflict.alternatives.filter((a) => a.id !== chosen.id);
      warnings.push({
        code: 'policy-conflict',
        message: `${conflict.summary} Planned with "${chosen.description}" (${quoteOf(chosen.source)})${
          options.conflictChoices?.[conflict.id] ? ' as chosen' : ` because ${conflict.reason}`
        }; the seed also says ${others.map((o) => `"${o.description}" (${quoteOf(o.source)})`).join(' and ')}.`,
        source: chosen.source,
      });
      phases = toResolvedPhases(role.id, stream.id, chosen.phases, `conflict:${conflict.id}`, pack, options, warnings);
    }
    let minutes = stream.minutes;
    const primary = stream === primaryStream(role);
    if (primary && options.agreedFrequency) phases = applyAgreedFrequency(pack, role, phases, options.agreedFrequency);
    if (primary && options.agreedMinutes !== undefined) {
      if (options.agreedMinutes < stream.minutes) {
        throw new SupervisionError(
          'LOOSER_THAN_POLICY',
          `agreedMinutes: ${options.agreedMinutes} minutes is shorter than the policy's ${stream.minutes} minutes for ${role.label} (${quoteOf(stream.minutesSource)})`,
          { field: 'agreedMinutes' },
        );
      }
      minutes = options.agreedMinutes;
    }
    if (pack.floor) {
      const floor = pack.floor;
      for (const phase of phases) {
        if (!isAtLeastAsStrict(phase.frequency, floor.frequency as ConcreteFrequency)) {
          warnings.push({
            code: 'below-floor',
            message: `"${phase.label}" is less frequent than the organisation's floor (${describeFrequency(floor.frequency)})`,
            source: floor.source,
          });
        }
      }
    }
    return {
      id: stream.id,
      label: stream.label,
      kind: stream.kind,
      alternateSupervisors: stream.alternateSupervisors,
      minutes,
      minutesSource: stream.minutesSource,
      phases,
      source: stream.source,
    };
  });

  const additionalSessions = (role.additionalSessions ?? []).filter((extra) => !extra.when || holds(extra.when, facts) === true);
  return { pack, role, streams, additionalSessions, warnings };
}

/** The stream a supervision agreement's frequency governs: the first one-to-one stream. */
export function primaryStream(role: Role): Stream {
  return role.streams.find((s) => s.kind !== 'group') ?? (role.streams[0] as Stream);
}

function applyAgreedFrequency(pack: Pack, role: Role, phases: ResolvedPhase[], agreed: ConcreteFrequency): ResolvedPhase[] {
  return phases.map((phase) => {
    if (!isAtLeastAsStrict(agreed, phase.frequency)) {
      throw new SupervisionError(
        'LOOSER_THAN_POLICY',
        `agreedFrequency: "${describeFrequency(agreed)}" is less frequent than ${pack.name}'s "${phase.label}" for ${role.label} (${quoteOf(phase.source)})`,
        { field: 'agreedFrequency' },
      );
    }
    if (isAtLeastAsStrict(phase.frequency, agreed)) return phase;
    return { ...phase, frequency: agreed, label: `${describeFrequency(agreed)} (agreed; policy: ${phase.label})`, origin: 'agreement' as const };
  });
}
