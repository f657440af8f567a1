/**
 * The change-notification endpoints Graph calls (contract §6), the same in tenant and local
 * mode (the embedded service delivers exactly what Graph would):
 * - `POST /notifications?validationToken=…` (and the lifecycle URL): the handshake, answered
 *   200 text/plain with the decoded token;
 * - `POST /notifications`: change notifications. Each must name one of our subscriptions and
 *   carry its secret (clientState); others are counted and ignored. The answer is 202 at once
 *   and the mailbox's delta sync runs afterwards (Graph wants an answer within 3 s);
 * - `POST /notifications/lifecycle`: reauthorizationRequired, subscriptionRemoved, missed.
 * Nothing here logs content: ids and counts only.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { LifecycleEvent, SubscriptionManager } from '../sync/subscriptions.js';

export const notificationPath = '/notifications';
export const lifecyclePath = '/notifications/lifecycle';

const changeNotificationSchema = z.looseObject({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(256).nullish(),
  changeType: z.enum(['created', 'updated', 'deleted']),
  resource: z.string().max(2000).optional(),
});

const lifecycleNotificationSchema = z.looseObject({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(256).nullish(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
});

const collectionOf = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item).min(1).max(1000) });

export interface NotificationCounts {
  /** Notifications acted on (a sync requested, or a lifecycle event handled). */
  accepted: number;
  /** Unknown subscription or wrong clientState: never acted on. */
  ignored: number;
  /** Bodies that failed validation. */
  invalid: number;
}

export interface NotificationDeps {
  subscriptions: Pick<SubscriptionManager, 'verify' | 'lifecycle'>;
  /** Debounced per mailbox by the sync timer. */
  requestSync(mailbox: string): void;
  logger: Logger;
}

export interface NotificationsEndpoint {
  router: Router;
  counts(): NotificationCounts;
  /** Resolves when lifecycle handling started by earlier requests has finished. */
  settled(): Promise<void>;
}

/** The handshake: Graph URL-encodes the token; express has decoded it. */
function handshake(req: Request, res: Response): boolean {
  const token = req.query['validationToken'];
  if (token === undefined) return false;
  if (typeof token !== 'string' || token.length > 1000) {
    res.status(400).type('text/plain').send('validationToken must be one string');
    return true;
  }
  res.set('X-Content-Type-Options', 'nosniff');
  res.status(200).type('text/plain').send(token);
  return true;
}

function fieldOf(error: z.ZodError): string {
  const path = error.issues[0]?.path ?? [];
  return path.length ? path.join('.') : 'value';
}

export function createNotificationsEndpoint(deps: NotificationDeps): NotificationsEndpoint {
  const counts: NotificationCounts = { accepted: 0, ignored: 0, invalid: 0 };
  const inFlight = new Set<Promise<void>>();
  const router = express.Router();
  // Graph sends JSON; the handshake sends text/plain (read as text, then ignored).
  router.use([notificationPath, lifecyclePath], express.json({ limit: '1mb' }), express.text({ limit: '64kb' }));

  const invalid = (res: Response, error: z.ZodError) => {
    counts.invalid += 1;
    res.status(400).json({ error: { code: 'INVALID_INPUT', message: `${fieldOf(error)}: ${error.issues[0]?.message ?? 'invalid'}`, field: fieldOf(error) } });
  };

  router.post(notificationPath, (req, res) => {
    if (handshake(req, res)) return;
    const parsed = collectionOf(changeNotificationSchema).safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const mailboxes = new Set<string>();
    for (const notification of parsed.data.value) {
      const mailbox = deps.subscriptions.verify(notification.subscriptionId, notification.clientState);
      if (mailbox === undefined) counts.ignored += 1;
      else {
        counts.accepted += 1;
        mailboxes.add(mailbox);
      }
    }
    res.status(202).end();
    for (const mailbox of mailboxes) deps.requestSync(mailbox);
    if (parsed.data.value.length > mailboxes.size) deps.logger.info('notifications.received', { notifications: parsed.data.value.length, mailboxes: mailboxes.size, ignored: counts.ignored });
  });

  router.post(lifecyclePath, (req, res) => {
    if (handshake(req, res)) return;
    const parsed = collectionOf(lifecycleNotificationSchema).safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const verified: { subscriptionId: string; event: LifecycleEvent }[] = [];
    for (const notification of parsed.data.value) {
      if (deps.subscriptions.verify(notification.subscriptionId, notification.clientState) === undefined) counts.ignored += 1;
      else {
        counts.accepted += 1;
        verified.push({ subscriptionId: notification.subscriptionId, event: notification.lifecycleEvent });
      }
    }
    res.status(202).end();
    for (const { subscriptionId, event } of verified) {
      const work = deps.subscriptions.lifecycle(subscriptionId, event).catch((error: unknown) => {
        deps.logger.warn('notifications.lifecycle.failed', { event, error: error instanceof Error ? error.name : 'unknown' });
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
  });

  return {
    router,
    counts: () => ({ ...counts }),
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
