/**
 * Which OData system query options each endpoint takes. Graph refuses an option its
 * capability annotations (v1.0 CSDL: SearchRestrictions, FilterRestrictions, SelectSupport…)
 * or its API page rule out, and any `$`-option it does not know; silently ignoring one here
 * would let a query that a tenant refuses pass every local test.
 *
 * Three answers, so a gap is never mistaken for a rule:
 * - an option Graph does not know at all: 400, as Graph's OData layer answers;
 * - an option Graph knows but this endpoint does not take: 400 with the service's own code;
 * - an option Graph takes here that this service does not implement: 501, so a test that
 *   needs it fails loudly instead of getting an unfiltered answer.
 *
 * Names are matched without regard to case, with or without the `$` (SharePoint's documented
 * `expand=fields(select=…)` form has none); other parameters (startDateTime…) are the
 * endpoint's own and pass through.
 */
import { GraphError } from './errors.js';

export const systemQueryOptions = ['select', 'expand', 'filter', 'orderby', 'top', 'skip', 'count', 'search', 'format', 'skiptoken', 'deltatoken', 'levels', 'apply', 'compute', 'index', 'schemaversion', 'id'] as const;
export type QueryOption = (typeof systemQueryOptions)[number];

/** The service behind an endpoint decides the error code Graph relays. */
export type GraphWorkload = 'outlook' | 'directory' | 'sharepoint' | 'teams' | 'subscriptions';

export interface QuerySupport {
  workload: GraphWorkload;
  /** Options Graph takes here and this service implements. */
  supported: readonly QueryOption[];
  /** Options Graph takes here that this service does not implement. */
  unimplemented: readonly QueryOption[];
}

const unsupportedCode: Record<GraphWorkload, string> = {
  outlook: 'ErrorInvalidUrlQuery',
  directory: 'Request_UnsupportedQuery',
  sharepoint: 'invalidRequest',
  teams: 'BadRequest',
  subscriptions: 'BadRequest',
};

export function querySupport(workload: GraphWorkload, supported: readonly QueryOption[] = [], unimplemented: readonly QueryOption[] = []): QuerySupport {
  return { workload, supported, unimplemented };
}

function isSystemOption(name: string): name is QueryOption {
  return (systemQueryOptions as readonly string[]).includes(name);
}

/** Throws Graph's answer for the first query option this endpoint does not take. */
export function checkQueryOptions(query: URLSearchParams, support: QuerySupport, resource: string): void {
  for (const key of new Set(query.keys())) {
    const lower = key.toLowerCase();
    const dollar = lower.startsWith('$');
    const name = dollar ? lower.slice(1) : lower;
    if (!isSystemOption(name)) {
      if (dollar) throw new GraphError(400, 'BadRequest', `The query specified in the URI is not valid. Query option '${key}' is not supported.`);
      continue;
    }
    if (support.supported.includes(name)) continue;
    if (support.unimplemented.includes(name)) {
      throw new GraphError(501, 'NotImplemented', `Query option '$${name}' is supported by Microsoft Graph on ${resource} but not by the embedded service.`);
    }
    throw new GraphError(400, unsupportedCode[support.workload], `The query option '$${name}' is not supported on ${resource}.`);
  }
}
