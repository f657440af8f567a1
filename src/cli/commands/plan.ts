import { z } from 'zod';
import { sourceRef } from '../../policy/describe.js';
import { getPack } from '../../policy/packs.js';
import { plan } from '../../schedule/plan.js';
import type { Plan } from '../../schedule/types.js';
import { civilDateOption, parseOptions, table, timeOption, weekdayOption } from '../args.js';
import type { Command } from '../io.js';

const planOptions = {
  org: { type: 'string' },
  role: { type: 'string' },
  start: { type: 'string' },
  until: { type: 'string' },
  weekday: { type: 'string' },
  time: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const planArgs = z.object({
  org: z.string(),
  role: z.string(),
  start: civilDateOption,
  until: civilDateOption.optional(),
  weekday: weekdayOption.optional(),
  time: timeOption.optional(),
  json: z.boolean().optional(),
});

export function planJson(result: Plan): unknown {
  return {
    org: result.org,
    role: result.role,
    start: result.start,
    until: result.until,
    sessions: result.sessions.map((s) => ({
      date: s.date,
      start: s.start,
      durationMinutes: s.durationMinutes,
      kind: s.kind,
      phase: s.phase,
      stream: s.stream,
      ruleId: s.ruleId,
      placement: s.placement,
      ...(s.movedFrom ? { movedFrom: s.movedFrom } : {}),
      ...(s.supervisorSlot ? { supervisorSlot: s.supervisorSlot } : {}),
      source: s.source,
    })),
    warnings: result.warnings,
  };
}

export function planText(result: Plan, orgName: string): string {
  const lines: string[] = [`${orgName}: ${result.role}, ${result.start} to ${result.until}, ${result.weekday} at ${result.time}`, ''];
  lines.push(
    table([
      ['PHASE', 'FROM', 'UNTIL', 'RULE', 'SESSIONS', 'SOURCE'],
      ...result.phases.map((p) => [
        `${p.stream}/${p.id}`,
        p.from,
        p.until ?? '…',
        p.frequency,
        String(result.sessions.filter((s) => s.stream === p.stream && s.phase === p.id).length),
        sourceRef(p.source),
      ]),
    ]),
  );
  lines.push('');
  lines.push(
    table([
      ['DATE', 'START', 'MIN', 'KIND', 'PHASE', 'NOTE'],
      ...result.sessions.map((s) => [
        s.date,
        s.start.slice(11),
        String(s.durationMinutes),
        s.kind + (s.supervisorSlot ? ` (${s.supervisorSlot})` : ''),
        `${s.stream}/${s.phase}`,
        s.movedFrom ? `moved from ${s.movedFrom} (${s.movedBecause})` : s.placement === 'pattern' ? '' : s.placement,
      ]),
    ]),
  );
  if (result.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of result.warnings) lines.push(`- ${w.message}${w.source ? ` [${sourceRef(w.source)}]` : ''}`);
  }
  return lines.join('\n');
}

export const planCommand: Command = {
  path: ['plan'],
  summary: 'the sessions a role requires from a start date, with the rule behind each',
  usage: 'supervision plan --org <id> --role <id> --start YYYY-MM-DD [--until YYYY-MM-DD] [--weekday mon..fri] [--time HH:mm] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, planOptions, planArgs);
    const pack = getPack(values.org);
    const result = plan(pack, values.role, values.start, {
      ...(values.until ? { until: values.until } : {}),
      ...(values.weekday ? { weekday: values.weekday } : {}),
      ...(values.time ? { time: values.time } : {}),
    });
    io.out(values.json ? JSON.stringify(planJson(result), null, 2) : planText(result, pack.name));
    return 0;
  },
};
