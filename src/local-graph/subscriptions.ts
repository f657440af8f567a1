/**
 * Change notification subscriptions (contract §6) on mailbox events: POST validates both
 * endpoints with Graph's handshake (`POST {url}?validationToken=…`, answered 200 text/plain
 * with the token) before the subscription exists; GET, PATCH (renewal within the lifetime
 * limit) and DELETE as Graph does; expired subscriptions are gone (404). Every event write in
 * a subscribed mailbox is delivered to notificationUrl as Graph does it: the item id only, no
 * content, and for a change to one occurrence, only the series master (the store sees the
 * master written). Lifecycle notifications are sent by `sendLifecycle` (the admin router).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RequestContext, ServiceState } from './context.js';
import { param } from './context.js';
import { GraphError } from './errors.js';
import { emptyResponse, jsonResponse, parseBody, type GraphResponse } from './protocol.js';
import type { Store } from './store.js';

/** Outlook event subscriptions without resource data live at most 10,080 minutes (contract §6). */
export const maxLifetimeMinutes = 10_080;
/** Graph allows 10 s for the validation answer. */
const validationTimeoutMs = 10_000;
const changeTypes = ['created', 'updated', 'deleted'] as const;
export const lifecycleEvents = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof lifecycleEvents)[number];

export interface StoredSubscription {
  id: string;
  /** Directory id of the subscribed mailbox. */
  mailbox: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
}

const createSchema = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  lifecycleNotificationUrl: z.string().min(1).nullish(),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  clientState: z.string().max(128).nullish(),
  latestSupportedTlsVersion: z.string().nullish(),
  includeResourceData: z.boolean().nullish(),
});

const renewSchema = z.object({ expirationDateTime: z.string().min(1) });

const invalid = (message: string) => new GraphError(400, 'InvalidRequest', message);
const notFound = (id: string) => new GraphError(404, 'ResourceNotFound', `The object was not found: Subscription '${id}'.`);

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Graph requires HTTPS; the embedded service also accepts plain HTTP to loopback (the app itself). */
function checkUrl(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`The ${field} is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) throw invalid(`Subscription ${field} must be an https URL.`);
  return url;
}

/** `/users/{id}/events` or `/me/events` (any case, leading slash optional), resolved to the mailbox. */
function mailboxOfResource(state: ServiceState & Pick<RequestContext, 'request'>, resource: string): string {
  const parts = resource.replace(/^\/+/, '').split('/').filter(Boolean);
  const lower = parts.map((p) => p.toLowerCase());
  const calendarItems = lower.at(-1) === 'events' && (lower.length === 3 || (lower.length === 4 && lower[2] === 'calendar'));
  if (lower[0] === 'users' && lower.length >= 3 && calendarItems) {
    const user = state.store.findUser(parts[1] as string);
    if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${parts[1]}' is invalid.`);
    return user.id;
  }
  if (lower[0] === 'me' && lower.at(-1) === 'events' && lower.length <= 3) {
    const named = state.request.headers['x-local-user'];
    const user = named ? state.store.findUser(named) : undefined;
    if (!user) throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    return user.id;
  }
  if (lower.includes('calendarview')) throw invalid(`The resource '${resource}' is not supported: calendarView can't be subscribed to.`);
  throw invalid(`The resource '${resource}' is not supported for subscriptions in this service (use /users/{id}/events).`);
}

function checkExpiry(value: string, now: number): string {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw invalid("The value of 'expirationDateTime' is not a valid date and time.");
  if (at <= now) throw invalid('Subscription expiration date and time must be in the future.');
  if (at > now + maxLifetimeMinutes * 60_000) throw invalid(`Subscription expiration can only be ${maxLifetimeMinutes} minutes in the future.`);
  return new Date(at).toISOString();
}

function checkChangeType(value: string): string {
  const types = value.split(',').map((t) => t.trim());
  const unknown = types.find((t) => !(changeTypes as readonly string[]).includes(t));
  if (unknown !== undefined || types.length === 0) throw invalid(`The changeType '${unknown ?? value}' is not supported; use created, updated or deleted.`);
  return types.join(',');
}

/** Graph's handshake: the endpoint must echo the token as text/plain with 200 within 10 s. */
async function validate(url: URL, field: string): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  target.searchParams.set('validationToken', token);
  let ok = false;
  try {
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '', signal: AbortSignal.timeout(validationTimeoutMs) });
    const text = await res.text();
    ok = res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/plain') && text === token;
  } catch {
    ok = false;
  }
  if (!ok) throw invalid(`Subscription validation request failed. ${field} endpoint must respond with 200 OK and the validation token as text/plain.`);
}

function render(s: StoredSubscription): Record<string, unknown> {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    notificationQueryOptions: null,
    notificationUrlAppId: null,
  };
}

/** A subscription that expired no longer exists, as in Graph. */
function live(store: Store, id: string, now: number): StoredSubscription {
  const found = store.getSubscription<StoredSubscription>(id);
  if (!found) throw notFound(id);
  if (Date.parse(found.expirationDateTime) <= now) {
    store.deleteSubscription(found.id);
    throw notFound(id);
  }
  return found;
}

export async function createSubscription(ctx: RequestContext): Promise<GraphResponse> {
  const body = parseBody(createSchema, ctx.request.body, 'subscription');
  if (body.includeResourceData) throw invalid('includeResourceData is not supported by this service.');
  const mailbox = mailboxOfResource(ctx, body.resource);
  const changeType = checkChangeType(body.changeType);
  const now = ctx.clock().getTime();
  const expirationDateTime = checkExpiry(body.expirationDateTime, now);
  const notificationUrl = checkUrl(body.notificationUrl, 'notificationUrl');
  const lifecycleUrl = body.lifecycleNotificationUrl ? checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl') : undefined;
  await validate(notificationUrl, 'Notification');
  if (lifecycleUrl) await validate(lifecycleUrl, 'Lifecycle notification');
  const subscription: StoredSubscription = {
    id: randomUUID(),
    mailbox,
    resource: body.resource,
    changeType,
    notificationUrl: body.notificationUrl,
    lifecycleNotificationUrl: body.lifecycleNotificationUrl ?? null,
    clientState: body.clientState ?? null,
    expirationDateTime,
    applicationId: '00000000-0000-0000-0000-00000000a11c',
    creatorId: mailbox,
  };
  ctx.store.putSubscription(subscription);
  return jsonResponse(201, render(subscription));
}

export function getSubscription(ctx: RequestContext): GraphResponse {
  return jsonResponse(200, render(live(ctx.store, param(ctx, 'subscription'), ctx.clock().getTime())));
}

export function listSubscriptions(ctx: RequestContext): GraphResponse {
  const now = ctx.clock().getTime();
  const value = ctx.store.subscriptions<StoredSubscription>().filter((s) => Date.parse(s.expirationDateTime) > now).map(render);
  return jsonResponse(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions', value });
}

export function renewSubscription(ctx: RequestContext): GraphResponse {
  const body = parseBody(renewSchema, ctx.request.body, 'subscription');
  const now = ctx.clock().getTime();
  const found = live(ctx.store, param(ctx, 'subscription'), now);
  const renewed = { ...found, expirationDateTime: checkExpiry(body.expirationDateTime, now) };
  ctx.store.putSubscription(renewed);
  return jsonResponse(200, render(renewed));
}

export function deleteSubscription(ctx: RequestContext): GraphResponse {
  const found = live(ctx.store, param(ctx, 'subscription'), ctx.clock().getTime());
  ctx.store.deleteSubscription(found.id);
  return emptyResponse(204);
}

// ---------------------------------------------------------------------------------------------
// Delivery

export interface DeliveryStats {
  /** Notification POSTs answered 2xx, and those that failed (after retries). */
  delivered: number;
  failed: number;
}

/** The tenant the embedded directory stands for (notifications carry one). */
const tenantId = '00000000-0000-4000-8000-0000000000e1';

async function post(url: string, value: Record<string, unknown>[]): Promise<boolean> {
  // Graph retries a failing endpoint for hours; three quick tries are enough on loopback.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }), signal: AbortSignal.timeout(validationTimeoutMs) });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) return true;
    } catch {
      // Unreachable: try again.
    }
    await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
  }
  return false;
}

/**
 * Watches the store's event writes and delivers them. Writes made in one request are
 * collected and sent together after it (one POST per subscription), as Graph batches
 * notifications; nothing is sent for a mailbox nobody subscribed to.
 */
export class SubscriptionNotifier {
  private pending = new Map<string, { subscription: StoredSubscription; items: Map<string, Record<string, unknown>> }>();
  private flushing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly stats: DeliveryStats = { delivered: 0, failed: 0 };

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {
    store.onEventChange((change) => this.changed(change));
  }

  private changed(change: { mailbox: string; eventId: string; changeType: 'created' | 'updated' | 'deleted'; changeKey?: string }): void {
    const now = this.clock().getTime();
    const subscriptions = this.store.subscriptions<StoredSubscription>(change.mailbox).filter((s) => Date.parse(s.expirationDateTime) > now && s.changeType.split(',').includes(change.changeType));
    for (const subscription of subscriptions) {
      const entry = this.pending.get(subscription.id) ?? { subscription, items: new Map() };
      const resource = `Users/${change.mailbox}/Events/${change.eventId}`;
      entry.items.set(`${change.changeType}|${change.eventId}`, {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        changeType: change.changeType,
        resource,
        resourceData: { '@odata.type': '#Microsoft.Graph.Event', '@odata.id': resource, ...(change.changeKey ? { '@odata.etag': `W/"${change.changeKey}"` } : {}), id: change.eventId },
        clientState: subscription.clientState,
        tenantId,
      });
      this.pending.set(subscription.id, entry);
    }
    if (subscriptions.length > 0 && !this.flushing) {
      // After the writing request has finished (and its transaction committed).
      this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    }
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = undefined;
    await Promise.all(batch.map((entry) => this.track(this.deliver(entry.subscription.notificationUrl, [...entry.items.values()]))));
  }

  private async deliver(url: string, value: Record<string, unknown>[]): Promise<void> {
    if (await post(url, value)) this.stats.delivered += 1;
    else this.stats.failed += 1;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  /** A lifecycle notification for one subscription; `subscriptionRemoved` also deletes it, as Graph has. */
  async sendLifecycle(subscriptionId: string, lifecycleEvent: LifecycleEvent): Promise<boolean> {
    const subscription = this.store.getSubscription<StoredSubscription>(subscriptionId);
    if (!subscription?.lifecycleNotificationUrl) return false;
    if (lifecycleEvent === 'subscriptionRemoved') this.store.deleteSubscription(subscription.id);
    const value = [{ subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationDateTime, tenantId, clientState: subscription.clientState, lifecycleEvent }];
    const ok = await this.track(post(subscription.lifecycleNotificationUrl, value));
    this.stats[ok ? 'delivered' : 'failed'] += 1;
    return ok;
  }

  /** Resolves once every notification queued so far has been delivered (or given up on). */
  async settled(): Promise<void> {
    while (this.flushing || this.inFlight.size > 0) {
      if (this.flushing) await this.flushing;
      await Promise.all([...this.inFlight]);
    }
  }
}

export const lifecycleRequestSchema = z.object({ lifecycleEvent: z.enum(lifecycleEvents) });
