/**
 * Fault injection and load bookkeeping. Throttling (429) and unavailability (503) are drawn
 * from a seeded generator so a test that sets a seed sees the same requests fail every run;
 * latency is applied while a request is counted in flight, so overlapping requests against
 * one mailbox become observable (Outlook allows 4 per app and mailbox).
 */
import { z } from 'zod';
import type { FaultConfig, LocalGraphStats } from './index.js';

export const faultConfigSchema = z.strictObject({
  throttleRate: z.number().min(0).max(1).optional(),
  unavailableRate: z.number().min(0).max(1).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  latencyMs: z.number().min(0).optional(),
  seed: z.number().int().optional(),
});

const defaultSeed = 0x5eed;

/** mulberry32: tiny, fast, and good enough to spread faults evenly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyStats(): LocalGraphStats {
  return { requests: 0, batchedRequests: 0, faults: { 429: 0, 503: 0 }, limited: 0, maxInFlightPerMailbox: 0, eventsCreated: 0, idempotentReplays: 0 };
}

export type Fault = { status: 429 | 503; retryAfter: string };

/** Fault settings from LOCAL_GRAPH_* variables; unreadable values are ignored. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): FaultConfig {
  const read = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = Number(raw);
    return Number.isFinite(value) ? value : undefined;
  };
  const config: FaultConfig = {};
  const throttleRate = read('LOCAL_GRAPH_THROTTLE_RATE');
  const unavailableRate = read('LOCAL_GRAPH_UNAVAILABLE_RATE');
  const latencyMs = read('LOCAL_GRAPH_LATENCY_MS');
  const seed = read('LOCAL_GRAPH_SEED');
  const retryAfterSeconds = read('LOCAL_GRAPH_RETRY_AFTER_SECONDS');
  if (throttleRate !== undefined) config.throttleRate = Math.min(1, Math.max(0, throttleRate));
  if (unavailableRate !== undefined) config.unavailableRate = Math.min(1, Math.max(0, unavailableRate));
  if (latencyMs !== undefined) config.latencyMs = Math.max(0, latencyMs);
  if (seed !== undefined) config.seed = Math.trunc(seed);
  if (retryAfterSeconds !== undefined) config.retryAfterSeconds = Math.max(0, retryAfterSeconds);
  return config;
}

export class Faults {
  private config: FaultConfig = {};
  private random: () => number = mulberry32(defaultSeed);
  private counters: LocalGraphStats = emptyStats();
  private readonly inFlight = new Map<string, number>();

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  /** Replaces the configuration and restarts the generator from the seed. */
  set(config: FaultConfig): void {
    this.config = { ...config };
    this.random = mulberry32(config.seed ?? defaultSeed);
  }

  current(): FaultConfig {
    return { ...this.config };
  }

  stats(): LocalGraphStats {
    return { ...this.counters, faults: { ...this.counters.faults } };
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  countRequest(batched: boolean): void {
    if (batched) this.counters.batchedRequests += 1;
    else this.counters.requests += 1;
  }

  /** A request refused by a service limit (limits.ts), not by fault injection. */
  countThrottled(): void {
    this.counters.limited += 1;
  }

  countEventCreated(): void {
    this.counters.eventsCreated += 1;
  }

  countIdempotentReplay(): void {
    this.counters.idempotentReplays += 1;
  }

  /** Decides whether this request fails; one draw per request keeps the sequence reproducible. */
  draw(): Fault | undefined {
    const throttle = this.config.throttleRate ?? 0;
    const unavailable = this.config.unavailableRate ?? 0;
    if (throttle <= 0 && unavailable <= 0) return undefined;
    const r = this.random();
    const retryAfter = String(this.config.retryAfterSeconds ?? 1);
    if (r < throttle) {
      this.counters.faults[429] += 1;
      return { status: 429, retryAfter };
    }
    if (r < throttle + unavailable) {
      this.counters.faults[503] += 1;
      return { status: 503, retryAfter };
    }
    return undefined;
  }

  /** Runs `work` counted in flight against `mailbox`, after the configured latency. */
  async inFlightFor<T>(mailbox: string | undefined, work: () => Promise<T>): Promise<T> {
    if (mailbox !== undefined) {
      const now = (this.inFlight.get(mailbox) ?? 0) + 1;
      this.inFlight.set(mailbox, now);
      if (now > this.counters.maxInFlightPerMailbox) this.counters.maxInFlightPerMailbox = now;
    }
    try {
      const latency = this.config.latencyMs ?? 0;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      return await work();
    } finally {
      if (mailbox !== undefined) {
        const left = (this.inFlight.get(mailbox) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(mailbox);
        else this.inFlight.set(mailbox, left);
      }
    }
  }
}
