/**
 * calendarView/delta (contract §6): the first round returns every occurrence in the window;
 * each deltaLink then returns what changed since, with `@removed` for items deleted,
 * cancelled or moved out of the window. A round remembers what the client holds (instance id
 * → fingerprint), so the next round is a diff and nothing depends on change logs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { responseZone, timeWindow } from './calendar-common.js';
import type { MailboxContext } from './context.js';
import { GraphError } from './errors.js';
import { instancesOf, renderInstance, sortInstances } from './event-model.js';
import { encodeLinkPart, jsonResponse, maxPageSize, queryParam, type GraphResponse } from './protocol.js';
import type { DeltaRound } from './store.js';

const defaultPageSize = 100;
/** Sync states expire; a client holding an older token must start a new round. */
const tokenLifetimeMs = 30 * 86_400_000;

/**
 * What the client sees of an item, without the series bookkeeping (change key, modified time)
 * that every occurrence inherits from its master: cancelling one occurrence must not report
 * its unchanged siblings as updated.
 */
function fingerprint(entity: Record<string, unknown>): string {
  const { '@odata.etag': _etag, changeKey: _changeKey, lastModifiedDateTime: _modified, ...visible } = entity;
  return createHash('sha1').update(JSON.stringify(visible)).digest('base64');
}

function deltaUrl(ctx: MailboxContext, option: '$skiptoken' | '$deltatoken', token: string): string {
  return `${ctx.request.baseUrl}/users/${encodeLinkPart(ctx.user.id)}/calendarView/delta?${option}=${encodeLinkPart(token)}`;
}

function syncStateNotFound(): GraphError {
  return new GraphError(410, 'SyncStateNotFound', 'The sync state generation is invalid or has expired. Start a new round of delta queries without a token.');
}

function newRound(ctx: MailboxContext, from: number, to: number, previous: DeltaRound | undefined): DeltaRound {
  const { zone } = responseZone(ctx.request);
  // Fingerprints use UTC so a client switching its Prefer zone doesn't see everything as changed.
  const current = sortInstances(ctx.store.eventsOf(ctx.user.id).flatMap((e) => instancesOf(e, from, to)));
  const snapshot: Record<string, string> = {};
  const entries: Record<string, unknown>[] = [];
  for (const instance of current) {
    const print = fingerprint(renderInstance(instance, undefined));
    snapshot[instance.id] = print;
    if (previous?.snapshot[instance.id] !== print) entries.push(renderInstance(instance, zone));
  }
  if (previous) {
    for (const id of Object.keys(previous.snapshot)) {
      if (!(id in snapshot)) entries.push({ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } });
    }
  }
  return { token: randomUUID(), mailbox: ctx.user.id, from, to, snapshot, entries };
}

function page(ctx: MailboxContext, round: DeltaRound, offset: number): GraphResponse {
  const size = maxPageSize(ctx.request.headers) ?? defaultPageSize;
  const value = round.entries.slice(offset, offset + size);
  const next = offset + size;
  const link =
    next < round.entries.length
      ? { '@odata.nextLink': deltaUrl(ctx, '$skiptoken', `${round.token}.${next}`) }
      : { '@odata.deltaLink': deltaUrl(ctx, '$deltatoken', round.token) };
  return jsonResponse(200, { value, ...link }, responseZone(ctx.request).headers);
}

export function calendarViewDelta(ctx: MailboxContext): GraphResponse {
  const skipToken = queryParam(ctx.request.query, 'skiptoken');
  if (skipToken !== undefined) {
    const m = /^([0-9a-f-]{36})\.(\d+)$/.exec(skipToken);
    const round = m ? ctx.store.getDeltaRound(m[1] as string) : undefined;
    if (!m || !round || round.mailbox !== ctx.user.id) throw syncStateNotFound();
    return page(ctx, round, Number(m[2]));
  }
  const deltaToken = queryParam(ctx.request.query, 'deltatoken');
  const t = ctx.clock().getTime();
  ctx.store.pruneDeltaRounds(t - tokenLifetimeMs);
  if (deltaToken !== undefined) {
    const previous = ctx.store.getDeltaRound(deltaToken);
    if (!previous || previous.mailbox !== ctx.user.id) throw syncStateNotFound();
    const round = newRound(ctx, previous.from, previous.to, previous);
    ctx.store.putDeltaRound(round, t);
    return page(ctx, round, 0);
  }
  const { from, to } = timeWindow(ctx.request);
  const round = newRound(ctx, from, to, undefined);
  ctx.store.putDeltaRound(round, t);
  return page(ctx, round, 0);
}
