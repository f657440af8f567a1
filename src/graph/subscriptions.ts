/**
 * Change notification subscriptions through the gateway (contract §6): create on a mailbox's
 * events, renew with PATCH, delete. The same calls reach Microsoft Graph in a tenant and the
 * embedded service locally. A 404 comes back as `undefined` (Graph forgets expired or removed
 * subscriptions), so the caller decides to recreate.
 */
import { z } from 'zod';
import { invalidInput } from '../errors.js';
import { parseResponse, segment, type GraphClient } from './client.js';

export interface NewSubscription {
  /** Directory id of the mailbox whose events are watched. */
  mailbox: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  /** The secret Graph echoes in every notification (≤128 characters). */
  clientState: string;
  expirationDateTime: Date;
}

export const subscriptionSchema = z.looseObject({
  id: z.string().min(1),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
});
export type GraphSubscription = z.infer<typeof subscriptionSchema>;

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Graph delivers notifications only to HTTPS endpoints. The one exception is a Graph on this
 * machine (the embedded service) posting to an app on this machine: that traffic never leaves
 * the host, and requiring TLS there would need a certificate a fresh clone cannot have. Any
 * other Graph, and so every tenant, gets HTTPS endpoints or nothing.
 */
export function notificationUrlProblem(value: string, graphBaseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url) && isLoopback(new URL(graphBaseUrl))) return undefined;
  return `must be an https URL: Microsoft Graph delivers change notifications only over HTTPS (got ${url.protocol}//${url.host})`;
}

export class GraphSubscriptions {
  constructor(private readonly client: GraphClient) {}

  async create(input: NewSubscription): Promise<GraphSubscription> {
    for (const field of ['notificationUrl', 'lifecycleNotificationUrl'] as const) {
      const problem = notificationUrlProblem(input[field], this.client.baseUrl);
      if (problem) throw invalidInput(field, problem);
    }
    const response = await this.client.request({
      method: 'POST',
      path: '/subscriptions',
      body: {
        changeType: 'created,updated,deleted',
        notificationUrl: input.notificationUrl,
        lifecycleNotificationUrl: input.lifecycleNotificationUrl,
        resource: `/users/${segment(input.mailbox)}/events`,
        expirationDateTime: input.expirationDateTime.toISOString(),
        clientState: input.clientState,
      },
      // A retried create would make a second subscription; the caller's next round makes up for a lost one.
      replaySafe: false,
    });
    return parseResponse(subscriptionSchema, response.body, 'POST /subscriptions');
  }

  /** The renewed subscription, or undefined when Graph no longer has it. */
  async renew(id: string, expirationDateTime: Date): Promise<GraphSubscription | undefined> {
    const response = await this.client.request({ method: 'PATCH', path: `/subscriptions/${segment(id)}`, body: { expirationDateTime: expirationDateTime.toISOString() }, accept: [404] });
    if (response.status === 404) return undefined;
    return parseResponse(subscriptionSchema, response.body, 'PATCH /subscriptions/{id}');
  }

  async get(id: string): Promise<GraphSubscription | undefined> {
    const response = await this.client.request({ method: 'GET', path: `/subscriptions/${segment(id)}`, accept: [404] });
    if (response.status === 404) return undefined;
    return parseResponse(subscriptionSchema, response.body, 'GET /subscriptions/{id}');
  }

  async delete(id: string): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `/subscriptions/${segment(id)}`, accept: [404] });
  }
}
