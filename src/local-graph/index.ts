/**
 * Embedded, persistent, Graph-compatible service: the documented subset of Microsoft Graph
 * v1.0 that the gateway calls, so `npm start` and every test run the production code path
 * with no tenant and no network. Mounted at `/graph/v1.0` in local mode only.
 *
 * INTERFACE CONTRACT (implemented in this folder):
 *
 *   createLocalGraph(options: LocalGraphOptions): LocalGraph
 *   startLocalGraphServer(options: LocalGraphOptions & { port?: number }): Promise<RunningLocalGraph>
 */
import type { Router } from 'express';
import type { LimitsConfig } from './limits.js';

export interface FaultConfig {
  /** Share of requests (0..1) answered 429 with Retry-After. Applies to each inner $batch request too. */
  throttleRate?: number;
  /** Share of requests (0..1) answered 503 with Retry-After. */
  unavailableRate?: number;
  /** Seconds sent in Retry-After on injected faults (decimals allowed, e.g. 0.05). */
  retryAfterSeconds?: number;
  /** Artificial latency per request in milliseconds, so overlapping requests are observable. */
  latencyMs?: number;
  /** Seed of the pseudo-random generator deciding which requests fail (deterministic tests). */
  seed?: number;
}

export interface LocalGraphStats {
  /** HTTP requests received (a $batch counts once). */
  requests: number;
  /** Inner requests executed inside $batch calls. */
  batchedRequests: number;
  /** Faults injected, by status. */
  faults: { 429: number; 503: number };
  /** Requests refused by a service limit (MailboxConcurrency, mailbox requests, SharePoint resource units). */
  limited: number;
  /** Highest number of requests concurrently in flight against one mailbox (inner batch requests included). */
  maxInFlightPerMailbox: number;
  /** Events created, and POSTs answered from the transactionId idempotency record instead. */
  eventsCreated: number;
  idempotentReplays: number;
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string;
  jobTitle?: string;
  department?: string;
  managerId?: string | null;
}

export type { LimitsConfig } from './limits.js';

export interface LocalGraphOptions {
  /** Directory holding the SQLite database (created if missing). */
  dataDir: string;
  faults?: FaultConfig;
  /** Graph's service limits, Graph's own values unless a test narrows or widens one. */
  limits?: LimitsConfig;
  /** Clock used for lastModified / delta bookkeeping (tests can drive it). */
  clock?: () => Date;
}

export interface LocalGraph {
  /** Express router serving Graph paths relative to /graph/v1.0 (e.g. `/users/{id}/events`). */
  router: Router;
  /** Express router for local administration (faults, stats), mounted at /graph/_admin. */
  adminRouter: Router;
  setFaults(faults: FaultConfig): void;
  /** Replaces the service limits (unset ones take Graph's values). */
  setLimits(limits: LimitsConfig): void;
  stats(): LocalGraphStats;
  resetStats(): void;
  /** Seeding: directory users and SharePoint sites are not creatable through Graph. */
  upsertUser(user: DirectoryUser): void;
  ensureSite(site: { id: string; displayName: string; webUrl?: string }): void;
  /** Whether the database already holds a seeded organisation. */
  isEmpty(): boolean;
  /** Change notifications to subscribers (see subscriptions.ts). */
  notifications: {
    /** Resolves once every notification queued so far was delivered or given up on. */
    settled(): Promise<void>;
    /** Sends a lifecycle notification as Graph would; false when nobody could be told. */
    sendLifecycle(subscriptionId: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): Promise<boolean>;
    stats(): { delivered: number; failed: number };
  };
  close(): void;
}

export interface RunningLocalGraph {
  /** Base URL ending in /graph/v1.0, e.g. http://127.0.0.1:40123/graph/v1.0 */
  url: string;
  graph: LocalGraph;
  close(): Promise<void>;
}

export { createLocalGraph, startLocalGraphServer } from './service.js';
