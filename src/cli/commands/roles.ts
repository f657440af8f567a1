import { z } from 'zod';
import { cadenceSummary, sourceRef } from '../../policy/describe.js';
import { getPack } from '../../policy/packs.js';
import { parseOptions, table } from '../args.js';
import type { Command } from '../io.js';

export const roles: Command = {
  path: ['roles'],
  summary: "list an organisation's roles with their cadence",
  usage: 'supervision roles --org <id> [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { org: { type: 'string' }, json: { type: 'boolean' } }, z.object({ org: z.string(), json: z.boolean().optional() }));
    const pack = getPack(values.org);
    const rows = pack.roles.map((role) => ({
      id: role.id,
      label: role.label,
      supervisedBy: role.supervisedBy,
      streams: role.streams.map((stream) => ({
        id: stream.id,
        kind: stream.kind,
        minutes: stream.minutes,
        cadence: cadenceSummary(stream.phases),
        source: stream.phases[0]?.source ?? stream.source,
      })),
    }));
    if (values.json) {
      io.out(JSON.stringify({ org: pack.id, roles: rows }, null, 2));
      return 0;
    }
    const lines: string[][] = [['ROLE', 'LABEL', 'STREAM', 'CADENCE', 'SOURCE']];
    for (const row of rows) {
      row.streams.forEach((stream, i) => {
        lines.push([i === 0 ? row.id : '', i === 0 ? row.label : '', `${stream.id} (${stream.minutes} min)`, stream.cadence, sourceRef(stream.source)]);
      });
    }
    io.out(`${pack.name}\n\n${table(lines)}`);
    return 0;
  },
};
