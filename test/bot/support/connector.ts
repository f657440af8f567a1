/**
 * A stand-in for the Bot Connector service on loopback: the `serviceUrl` of every test
 * activity points here, and it records what the bot posts. It can enforce Teams' rate
 * limits (answering 429 like the real service) and fail on request.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export interface Captured {
  method: string;
  conversationId: string;
  /** The activity replied to, when the bot posted to `/activities/{id}`. */
  replyToId?: string;
  body: Record<string, unknown>;
  authorization?: string;
  at: number;
}

export interface ConnectorLimits {
  perConversationPerSecond: number;
  perTenantPerSecond: number;
}

export interface Connector {
  url: string;
  captured: Captured[];
  /** Posted activities whose first attachment is an Adaptive Card, with the card. */
  cards(filter?: (c: Captured) => boolean): { captured: Captured; card: Record<string, unknown> }[];
  /** Every card posted since the stub started, including those a test cleared. */
  allCards(): Record<string, unknown>[];
  throttled: number;
  /** The next `times` posts answer with this status. */
  failNext(status: number, times?: number, retryAfterSeconds?: number): void;
  limit(limits: ConnectorLimits | undefined): void;
  /** Members the stub answers `GET /v3/conversations/{id}/members/{memberId}` with. */
  addMember(member: { id: string; name: string; aadObjectId: string }): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startConnector(): Promise<Connector> {
  const captured: Captured[] = [];
  const everything: Captured[] = [];
  let failures: { status: number; times: number; retryAfter?: number } | undefined;
  let limits: ConnectorLimits | undefined;
  const members = new Map<string, Record<string, unknown>>();
  const windows = new Map<string, number[]>();
  const state = { throttled: 0 };
  let next = 1;
  const app = express();
  app.use(express.json({ limit: '2mb' }));

  const overLimit = (key: string, perSecond: number, now: number): boolean => {
    const times = (windows.get(key) ?? []).filter((t) => t > now - 1000);
    windows.set(key, times);
    if (times.length >= perSecond) return true;
    times.push(now);
    return false;
  };

  app.use((req, res) => {
    // Conversation members, as Teams answers them: the directory id comes with the member.
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(req.path);
    if (member && req.method === 'GET') {
      const found = members.get(decodeURIComponent(member[2]!));
      if (found) res.status(200).json(found);
      else res.status(404).json({ error: { code: 'MemberNotFoundInConversation', message: 'member not found' } });
      return;
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.path);
    if (!match) {
      res.status(404).json({ error: { code: 'NotFound', message: req.path } });
      return;
    }
    const conversationId = decodeURIComponent(match[1]!);
    const now = Date.now();
    if (failures && failures.times > 0) {
      failures.times--;
      if (failures.retryAfter !== undefined) res.set('Retry-After', String(failures.retryAfter));
      res.status(failures.status).json({ error: { code: 'Injected', message: 'injected failure' } });
      return;
    }
    if (limits && req.method === 'POST') {
      const tenant = overLimit('tenant', limits.perTenantPerSecond, now);
      const conversation = !tenant && overLimit(`c:${conversationId}`, limits.perConversationPerSecond, now);
      if (tenant || conversation) {
        state.throttled++;
        res.set('Retry-After', '1').status(429).json({ error: { code: 'Throttled', message: 'too many requests' } });
        return;
      }
    }
    const item: Captured = {
      method: req.method,
      conversationId,
      ...(match[2] ? { replyToId: decodeURIComponent(match[2]) } : {}),
      body: req.body as Record<string, unknown>,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      at: now,
    };
    captured.push(item);
    everything.push(item);
    res.status(200).json({ id: `posted-${next++}` });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const cardsOf = (list: Captured[]) =>
    list.flatMap((c) => {
      const attachment = (c.body.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined)?.[0];
      return attachment?.contentType === 'application/vnd.microsoft.card.adaptive' && attachment.content ? [{ captured: c, card: attachment.content }] : [];
    });
  return {
    url,
    captured,
    cards(filter) {
      return cardsOf(captured.filter((c) => !filter || filter(c)));
    },
    allCards() {
      return cardsOf(everything).map((c) => c.card);
    },
    get throttled() {
      return state.throttled;
    },
    failNext(status, times = 1, retryAfterSeconds) {
      failures = { status, times, ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}) };
    },
    addMember(value) {
      members.set(value.id, { ...value, userRole: 'user', tenantId: 'tenant' });
    },
    limit(value) {
      limits = value;
      windows.clear();
    },
    clear() {
      captured.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
