import { z } from 'zod';
import { book, type BookingResult } from '../../booking/booking.js';
import { bookTeam } from '../../booking/team.js';
import { invalidInput } from '../../errors.js';
import { cliServices } from '../graph.js';
import { civilDateOption, parseOptions, table, timeOption, weekdayOption } from '../args.js';
import type { Command } from '../io.js';

const bookOptions = {
  org: { type: 'string' },
  role: { type: 'string' },
  supervisor: { type: 'string' },
  supervisee: { type: 'string' },
  team: { type: 'string' },
  start: { type: 'string' },
  until: { type: 'string' },
  weekday: { type: 'string' },
  time: { type: 'string' },
  teams: { type: 'boolean' },
  alternate: { type: 'string', multiple: true },
  location: { type: 'string' },
  'graph-url': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const bookArgs = z.object({
  org: z.string(),
  role: z.string().optional(),
  supervisor: z.string().optional(),
  supervisee: z.string().optional(),
  team: z.string().optional(),
  start: civilDateOption.optional(),
  until: civilDateOption.optional(),
  weekday: weekdayOption.optional(),
  time: timeOption.optional(),
  teams: z.boolean().optional(),
  alternate: z.array(z.string().regex(/^[a-z0-9-]+=\S+$/, { message: 'must be slot=upn, e.g. practice-educator=pe@example.org' })).optional(),
  location: z.string().max(200).optional(),
  'graph-url': z.url({ message: 'must be a URL ending in /v1.0' }).optional(),
  json: z.boolean().optional(),
});

function bookingJson(result: BookingResult): unknown {
  return {
    scheduleId: result.scheduleId,
    series: result.series.map((s) => ({ id: s.id, key: s.key, pattern: s.pattern, range: s.range })),
    singles: result.singles,
    occurrences: result.occurrences,
    moved: result.moved,
    warnings: result.warnings,
    unchanged: result.unchanged,
  };
}

export const bookCommand: Command = {
  path: ['book'],
  summary: "book a supervisee's plan as recurring meetings in the supervisor's Outlook calendar (or --team: all direct reports)",
  usage:
    'supervision book --org <id> --role <id> --supervisor <upn> --supervisee <upn> --start YYYY-MM-DD [--until …] [--weekday …] [--time HH:mm] [--teams] [--location …] [--alternate slot=upn] [--graph-url URL] [--json]\n  supervision book --org <id> --team <supervisor upn> [--graph-url URL] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, bookOptions, bookArgs);
    const services = await cliServices(io, values.org, values['graph-url']);
    try {
      if (values.team) {
        const progress = (done: number, total: number) => {
          if (!values.json) io.err(`booked ${done}/${total}`);
        };
        const result = await bookTeam(services.bookingDeps, { org: values.org, supervisor: values.team, bookedBy: values.team, appUrl: services.appUrl, teamsAppId: services.teamsAppId, teamsMeeting: values.teams ?? false }, progress);
        if (values.json) io.out(JSON.stringify(result, null, 2));
        else io.out(table([['SUPERVISEE', 'ROLE', 'SERIES', 'SINGLES', 'STATUS'], ...result.people.map((p) => [p.supervisee, p.role, String(p.series), String(p.singles), p.status])]));
        return result.people.some((p) => p.status === 'failed') ? 1 : 0;
      }
      for (const name of ['role', 'supervisor', 'supervisee', 'start'] as const) {
        if (!values[name]) throw invalidInput(`--${name}`, 'is required (or give --team <supervisor upn>)');
      }
      const result = await book(services.bookingDeps, {
        org: values.org,
        role: values.role!,
        supervisor: values.supervisor!,
        supervisee: values.supervisee!,
        start: values.start!,
        ...(values.until ? { until: values.until } : {}),
        ...(values.weekday ? { weekday: values.weekday } : {}),
        ...(values.time ? { time: values.time } : {}),
        teamsMeeting: values.teams ?? false,
        ...(values.location ? { location: values.location } : {}),
        ...(values.alternate ? { alternateSupervisors: Object.fromEntries(values.alternate.map((pair) => pair.split('=', 2) as [string, string])) } : {}),
        bookedBy: values.supervisor!,
        appUrl: services.appUrl,
        teamsAppId: services.teamsAppId,
      });
      if (values.json) io.out(JSON.stringify(bookingJson(result), null, 2));
      else {
        io.out(`${result.unchanged ? 'Already booked' : 'Booked'} ${result.occurrences} sessions on ${result.weekday} at ${result.time}: ${result.series.length} series, ${result.singles.length} single meetings, ${result.moved.length} moved occurrences`);
        io.out(table([['SERIES', 'PATTERN', 'FROM', 'TO'], ...result.series.map((s) => [s.key, `${s.pattern.type} every ${s.pattern.interval}`, s.range.startDate ?? '', s.range.endDate ?? ''])]));
        for (const warning of result.warnings) io.out(`warning: ${warning}`);
      }
      return 0;
    } finally {
      await services.close();
    }
  },
};

export const provisionCommand: Command = {
  path: ['provision'],
  summary: 'create the SharePoint lists and columns the app uses (safe to re-run)',
  usage: 'supervision provision [--org <id>] [--graph-url URL] [--json]',
  async run(args, io) {
    const { values } = parseOptions(
      args,
      { org: { type: 'string' }, 'graph-url': { type: 'string' }, json: { type: 'boolean' } },
      z.object({ org: z.string().optional(), 'graph-url': z.url({ message: 'must be a URL ending in /v1.0' }).optional(), json: z.boolean().optional() }),
    );
    const services = await cliServices(io, values.org ?? 'dudley', values['graph-url']);
    try {
      const report = await services.records.provision();
      if (values.json) io.out(JSON.stringify({ lists: report }, null, 2));
      else io.out(table([['LIST', 'CREATED', 'COLUMNS ADDED'], ...report.map((r) => [r.list, r.created ? 'yes' : 'no', r.addedColumns.join(', ') || '-'])]));
      return 0;
    } finally {
      await services.close();
    }
  },
};
