/**
 * JSON batching (contract §3). Graph answers a batch 200 even when requests inside it failed,
 * each inner request is throttled on its own with its own Retry-After, and the SDKs do not
 * retry inner requests (gotcha 11), so this module does: after each round it re-batches only
 * the inner requests that were throttled or unavailable (and the ones that never ran because
 * such a request was their dependency), waits the longest inner Retry-After, and stops when
 * nothing retryable is left.
 *
 * `dependsOn` may only name requests in the same batch, and Graph takes a batch only fully
 * parallel or fully sequential, so requests linked by it go as one sequence in a batch of
 * their own (at most 20); a dependency that already succeeded is dropped from the retry.
 */
import { z } from 'zod';
import { SupervisionError } from '../errors.js';
import { backoffMs, isReplaySafe, isRetryableStatus, parseResponse, retryAfterMs, type GraphClient, type HttpMethod } from './client.js';
import { isListViewThresholdRefusal, toGraphError } from './errors.js';

export const maxBatchSize = 20;

export interface BatchRequest {
  /** Unique across the whole call; defaults to the 1-based position. */
  id?: string;
  method: HttpMethod;
  /** Relative to the base URL, e.g. `/users/{id}/events`. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: readonly string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: unknown;
  /** Rounds this request was sent in (1 when it succeeded or failed first time). */
  attempts: number;
}

export interface RunBatchOptions {
  /** Batches in flight at once (each still passes the per-mailbox limiter). Default 4. */
  parallel?: number;
}

const batchAnswerSchema = z.object({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.unknown()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

interface Prepared {
  index: number;
  id: string;
  request: BatchRequest;
  url: string;
}

function prepare(client: GraphClient, requests: readonly BatchRequest[]): Prepared[] {
  const prepared = requests.map((request, index) => ({ index, id: request.id ?? String(index + 1), request, url: client.relative(request.url) }));
  const ids = new Set<string>();
  for (const p of prepared) {
    if (ids.has(p.id)) throw new SupervisionError('INVALID_INPUT', `batch request id ${p.id} is used twice`, { field: 'requests.id' });
    ids.add(p.id);
  }
  for (const p of prepared) {
    for (const dependency of p.request.dependsOn ?? []) {
      if (!ids.has(dependency)) throw new SupervisionError('INVALID_INPUT', `batch request ${p.id} depends on unknown id ${dependency}`, { field: 'requests.dependsOn' });
    }
  }
  return prepared;
}

interface Chunk {
  requests: Prepared[];
  /**
   * The dependsOn each request is sent with: its own, limited to requests of this chunk, plus
   * (for a group that has more than one first request) the previous first request, because
   * Graph takes a batch only fully parallel or as one sequence.
   */
  dependsOn: Map<string, string[]>;
}

/**
 * Requests joined by dependsOn form a group; a group runs as one sequence in a batch of its
 * own, and requests that need nothing run in parallel batches of up to 20 (json-batching:
 * "Batch should be either fully sequential or fully parallel"). Only dependencies still to
 * run tie requests together, so a retry round drops finished ones.
 */
function chunk(prepared: Prepared[]): Chunk[] {
  const ids = new Set(prepared.map((p) => p.id));
  const parent = new Map(prepared.map((p) => [p.id, p.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(id, root);
    return root;
  };
  const pendingDeps = (p: Prepared) => (p.request.dependsOn ?? []).filter((d) => ids.has(d));
  for (const p of prepared) for (const dependency of pendingDeps(p)) parent.set(find(p.id), find(dependency));
  const groups = new Map<string, Prepared[]>();
  for (const p of prepared) {
    const root = find(p.id);
    const group = groups.get(root) ?? [];
    group.push(p);
    groups.set(root, group);
  }
  const chunks: Chunk[] = [];
  let parallel: Prepared[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) {
      parallel.push(group[0] as Prepared);
      if (parallel.length === maxBatchSize) {
        chunks.push({ requests: parallel, dependsOn: new Map() });
        parallel = [];
      }
      continue;
    }
    if (group.length > maxBatchSize) {
      throw new SupervisionError('INVALID_INPUT', `${group.length} batch requests are linked by dependsOn; one batch holds at most ${maxBatchSize}`, { field: 'requests.dependsOn' });
    }
    const dependsOn = new Map(group.map((p) => [p.id, pendingDeps(p)]));
    const firsts = group.filter((p) => (dependsOn.get(p.id) ?? []).length === 0);
    for (let i = 1; i < firsts.length; i++) dependsOn.set((firsts[i] as Prepared).id, [(firsts[i - 1] as Prepared).id]);
    chunks.push({ requests: group, dependsOn });
  }
  if (parallel.length > 0) chunks.push({ requests: parallel, dependsOn: new Map() });
  return chunks;
}

function wire(p: Prepared, dependsOn: readonly string[]): Record<string, unknown> {
  const headers: Record<string, string> = { ...(p.request.headers ?? {}) };
  // Graph rejects an inner body without a Content-Type.
  if (p.request.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  return {
    id: p.id,
    method: p.request.method,
    url: p.url,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(p.request.body !== undefined ? { body: p.request.body } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
  };
}

function lowerHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) if (value !== undefined && value !== null) out[key.toLowerCase()] = String(value);
  return out;
}

/** Sends one batch and records each inner answer as attempt `round + 1`. */
async function sendChunk(client: GraphClient, { requests: chunk, dependsOn }: Chunk, round: number, results: Map<string, BatchResponse>): Promise<void> {
  const chunkIds = new Set(chunk.map((p) => p.id));
  const requests = chunk.map((p) => wire(p, dependsOn.get(p.id) ?? []));
  const answer = await client.request({ method: 'POST', path: '/$batch', body: { requests } });
  const { responses } = parseResponse(batchAnswerSchema, answer.body, 'POST /$batch');
  for (const r of responses) {
    if (!chunkIds.has(r.id)) continue;
    results.set(r.id, { id: r.id, status: r.status, headers: lowerHeaders(r.headers), body: r.body, attempts: round + 1 });
  }
  const missing = chunk.filter((p) => (results.get(p.id)?.attempts ?? 0) !== round + 1);
  if (missing.length > 0) throw new SupervisionError('UPSTREAM', `Graph $batch answer lacked ${missing.length} of ${chunk.length} responses`);
}

/** Requests of this round to send again: throttled or unavailable ones that are safe to resend, and what waited on them (424). */
function toRetry(pending: readonly Prepared[], results: Map<string, BatchResponse>): Set<string> {
  const retry = new Set<string>();
  for (const p of pending) {
    const r = results.get(p.id) as BatchResponse;
    if (isListViewThresholdRefusal(r.status, r.body)) continue;
    if (r.status === 429 || (isRetryableStatus(r.status) && isReplaySafe(p.request.method, p.url, p.request.body))) retry.add(p.id);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of pending) {
      if (retry.has(p.id) || (results.get(p.id) as BatchResponse).status !== 424) continue;
      if ((p.request.dependsOn ?? []).some((d) => retry.has(d))) {
        retry.add(p.id);
        grew = true;
      }
    }
  }
  return retry;
}

/**
 * Runs any number of requests through `$batch`, 20 per batch, retrying only failed inner
 * requests, and returns one response per request in request order. Retries go in rounds:
 * the failures of every batch of a round are packed together into as few new batches as
 * possible, so 10% throttling costs about 10% more requests, not one extra request per batch.
 * Failures that are not retryable (or still failing when retries run out) are returned, not
 * thrown: see `batchBody` to turn one into the gateway's error.
 */
export async function runBatch(client: GraphClient, requests: readonly BatchRequest[], options: RunBatchOptions = {}): Promise<BatchResponse[]> {
  if (requests.length === 0) return [];
  const prepared = prepare(client, requests);
  const results = new Map<string, BatchResponse>();
  const parallel = Math.max(1, options.parallel ?? 4);
  let pending = prepared;
  for (let round = 0; ; round++) {
    const chunks = chunk(pending);
    let nextChunk = 0;
    const worker = async () => {
      while (nextChunk < chunks.length) await sendChunk(client, chunks[nextChunk++] as Chunk, round, results);
    };
    await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
    const retry = toRetry(pending, results);
    if (retry.size === 0 || round >= client.retry.maxRetries) break;
    const asked = [...retry].map((id) => retryAfterMs((name) => (results.get(id) as BatchResponse).headers[name])).filter((w): w is number => w !== undefined);
    const wait = asked.length > 0 ? Math.max(...asked) : backoffMs(round, client.retry);
    if (wait > client.retry.maxDelayMs) break;
    // Up to a quarter more than asked, at random: two clients refused together (two instances
    // over one mailbox's 4 concurrent requests) would otherwise come back together, and again.
    await client.retry.sleep(asked.length > 0 ? Math.round(wait * (1 + 0.25 * client.retry.random())) : wait);
    pending = pending.filter((p) => retry.has(p.id));
  }
  return prepared.map((p) => results.get(p.id) as BatchResponse);
}

/** The body of a successful inner response, or the gateway error for a failed one. */
export function batchBody(request: BatchRequest, response: BatchResponse): unknown {
  if (response.status >= 200 && response.status < 300) return response.body;
  throw toGraphError({
    method: request.method,
    url: request.url,
    status: response.status,
    body: response.body,
    header: (name) => response.headers[name.toLowerCase()],
    retryAfterMs: retryAfterMs((name) => response.headers[name]),
  });
}
