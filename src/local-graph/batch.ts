/**
 * JSON batching (contract §3): up to 20 requests with unique ids, `dependsOn` sequencing
 * (a failed dependency answers 424 for its dependants), each inner request run through the
 * normal pipeline so it is throttled individually, and responses returned in completion
 * order. Like Graph towards Outlook, at most 4 inner requests of a batch run at once.
 */
import { z } from 'zod';
import { badRequest, errorBody } from './errors.js';
import { jsonResponse, parseBody, type GraphRequest, type GraphResponse } from './protocol.js';
import { errorResponse } from './routes.js';

const maxRequests = 20;
const fanOut = 4;

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

const batchSchema = z.strictObject({
  requests: z.array(
    z.object({
      id: idSchema,
      method: z.string().min(1),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      dependsOn: z.array(idSchema).optional(),
    }),
  ),
});

type BatchItem = z.infer<typeof batchSchema>['requests'][number];

const jsonContentType = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

function validate(requests: BatchItem[]): void {
  if (requests.length === 0) throw badRequest('The batch request must contain at least one request.');
  if (requests.length > maxRequests) throw badRequest(`The number of requests in the batch (${requests.length}) exceeds the limit of ${maxRequests}.`);
  const ids = new Set<string>();
  for (const r of requests) {
    if (ids.has(r.id)) throw badRequest(`Request ids in a batch must be unique; '${r.id}' appears more than once.`);
    ids.add(r.id);
  }
  for (const r of requests) {
    for (const d of r.dependsOn ?? []) {
      if (!ids.has(d)) throw badRequest(`Request '${r.id}' depends on '${d}', which is not in the batch.`);
    }
    const hasBody = r.body !== undefined && r.body !== null;
    const contentType = Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'content-type');
    if (hasBody && !contentType) throw badRequest(`Write request id : ${r.id} does not contain Content-Type header or body.`);
    if (/(^|\/)\$batch(\?|$)/i.test(r.url)) throw badRequest(`Request '${r.id}': a batch can't contain another $batch.`);
  }
  // Graph runs a batch either fully in parallel or as one sequence (json-batching: "Batch
  // should be either fully sequential or fully parallel"): once any request names a
  // dependency, every request but the one that starts the sequence must name one.
  const starts = requests.filter((r) => (r.dependsOn ?? []).length === 0);
  if (starts.length < requests.length && starts.length > 1) {
    throw badRequest(`Batch should be either fully sequential or fully parallel: requests ${starts.map((r) => `'${r.id}'`).join(', ')} depend on nothing while others use dependsOn.`);
  }
  // Dependencies must form no cycle, or some request could never run.
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(requests.map((r) => [r.id, r]));
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw badRequest(`The dependsOn chain of request '${id}' is circular.`);
    state.set(id, 'visiting');
    for (const d of byId.get(id)?.dependsOn ?? []) visit(d);
    state.set(id, 'done');
  };
  requests.forEach((r) => visit(r.id));
}

/** An inner URL is relative to the version root ("/me/events", "users?$top=5"); absolute Graph URLs are accepted too. */
function innerRequest(outer: GraphRequest, item: BatchItem): GraphRequest {
  let url = item.url.trim();
  const absolute = /^https?:\/\/[^/]+\/(?:v1\.0|beta)(\/.*)?$/i.exec(url);
  if (absolute) url = absolute[1] ?? '/';
  if (url.startsWith(outer.baseUrl)) url = url.slice(outer.baseUrl.length);
  const parsed = new URL(url.startsWith('/') ? url : `/${url}`, 'http://batch.local');
  const headers: Record<string, string> = {};
  // Credentials apply to every inner request; other outer headers do not.
  for (const name of ['authorization', 'x-local-user']) {
    const value = outer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  for (const [name, value] of Object.entries(item.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: item.method.toUpperCase(),
    segments: parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent),
    query: parsed.searchParams,
    headers,
    body: item.body,
    baseUrl: outer.baseUrl,
  };
}

function failedDependency(id: string, requestId: string, date: Date): GraphResponse {
  return { status: 424, headers: {}, body: errorBody('FailedDependency', `The request '${id}' was not run because a request it depends on failed.`, requestId, date) };
}

function innerResponse(id: string, response: GraphResponse): Record<string, unknown> {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body !== undefined) headers['Content-Type'] = jsonContentType;
  return { id, status: response.status, headers, ...(response.body !== undefined ? { body: response.body } : {}) };
}

export async function runBatch(outer: GraphRequest, execute: (inner: GraphRequest) => Promise<GraphResponse>, requestId: string, clock: () => Date): Promise<GraphResponse> {
  const { requests } = parseBody(batchSchema, outer.body, 'batchRequest', 'BadRequest');
  validate(requests);
  const results = new Map<string, GraphResponse>();
  const responses: Record<string, unknown>[] = [];
  const waiting = [...requests];
  let active = 0;

  await new Promise<void>((resolve) => {
    const finish = (id: string, response: GraphResponse) => {
      results.set(id, response);
      responses.push(innerResponse(id, response));
    };
    const pump = (): void => {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (const item of [...waiting]) {
          const deps = item.dependsOn ?? [];
          if (!deps.every((d) => results.has(d))) continue;
          if (deps.some((d) => (results.get(d)?.status ?? 500) >= 400)) {
            waiting.splice(waiting.indexOf(item), 1);
            finish(item.id, failedDependency(item.id, requestId, clock()));
            progressed = true;
            continue;
          }
          if (active >= fanOut) continue;
          waiting.splice(waiting.indexOf(item), 1);
          active += 1;
          progressed = true;
          const run = async (): Promise<GraphResponse> => {
            try {
              return await execute(innerRequest(outer, item));
            } catch (error) {
              return errorResponse(error, requestId, clock());
            }
          };
          void run().then((response) => {
            active -= 1;
            finish(item.id, response);
            pump();
          });
        }
      }
      if (waiting.length === 0 && active === 0) resolve();
    };
    pump();
  });

  return jsonResponse(200, { responses });
}
