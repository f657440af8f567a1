/**
 * Pacing for Teams' bot limits: per conversation 7 sends a second, 8 in 2 seconds and 60 in
 * 30 seconds; per app and tenant 50 a second.
 *
 * A send counts from the moment it starts until a window has passed after it finished: when
 * it reached the service is unknown but lies in between. A new send starts only while, for
 * every window, the sends in flight plus those finished within the window stay under the
 * limit, so however the network delays requests, no window at the service can overflow.
 */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface PacingLimits {
  perConversation: readonly RateWindow[];
  global: readonly RateWindow[];
}

export const teamsLimits: PacingLimits = {
  perConversation: [
    { limit: 7, windowMs: 1_000 },
    { limit: 8, windowMs: 2_000 },
    { limit: 60, windowMs: 30_000 },
  ],
  global: [{ limit: 50, windowMs: 1_000 }],
};

class Gate {
  inflight = 0;
  /** Finish times of recent sends, ascending. */
  readonly finished: number[] = [];

  constructor(private readonly windows: readonly RateWindow[]) {}

  /** Undefined when a send may start now; otherwise the earliest time worth checking again. */
  blockedUntil(now: number): number | undefined {
    let until: number | undefined;
    for (const { limit, windowMs } of this.windows) {
      const recent = this.finished.filter((t) => t > now - windowMs);
      if (this.inflight + recent.length < limit) continue;
      // The oldest finished send leaves the window then; if only sends in flight block, wait for one.
      const next = recent.length > 0 ? recent[0]! + windowMs : Number.POSITIVE_INFINITY;
      until = until === undefined ? next : Math.max(until, next);
    }
    return until;
  }

  finish(at: number): void {
    this.inflight--;
    this.finished.push(at);
    const horizon = Math.max(...this.windows.map((w) => w.windowMs));
    while (this.finished.length > 0 && this.finished[0]! <= at - horizon) this.finished.shift();
  }
}

export class Pacer {
  private readonly global: Gate;
  private readonly conversations = new Map<string, Gate>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly limits: PacingLimits = teamsLimits,
    private readonly clock: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.global = new Gate(limits.global);
  }

  private gate(conversationId: string): Gate {
    let gate = this.conversations.get(conversationId);
    if (!gate) {
      gate = new Gate(this.limits.perConversation);
      this.conversations.set(conversationId, gate);
    }
    return gate;
  }

  /** Waits until a send to this conversation fits the limits; call the result when it has finished. */
  async acquire(conversationId: string): Promise<() => void> {
    const conversation = this.gate(conversationId);
    for (;;) {
      const now = this.clock();
      const blocked = [this.global.blockedUntil(now), conversation.blockedUntil(now)].filter((t): t is number => t !== undefined);
      if (blocked.length === 0) {
        this.global.inflight++;
        conversation.inflight++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          const at = this.clock();
          this.global.finish(at);
          conversation.finish(at);
          if (conversation.inflight === 0 && conversation.finished.length === 0) this.conversations.delete(conversationId);
          const waiting = this.waiters;
          this.waiters = [];
          for (const wake of waiting) wake();
        };
      }
      const until = Math.max(...blocked);
      const changed = new Promise<void>((resolve) => this.waiters.push(resolve));
      await (Number.isFinite(until) ? Promise.race([this.sleep(Math.max(1, until - now)), changed]) : changed);
    }
  }
}
