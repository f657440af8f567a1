/**
 * Starts the whole app on one port. Local mode mounts the embedded Graph-compatible service at
 * /graph/v1.0 and points the same gateway at it over HTTP (the production code path, only
 * the base URL and token differ), seeding the fictional organisation on first start.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { mountBot } from '../../bot/agent.js';
import { publishLocalTeamsApp, seedLocalOrganisation } from '../demo/seed.js';
import { GraphTeamwork } from '../graph/teamwork.js';
import { demoSiteId } from '../demo/organisation.js';
import { GraphCalendar, clientCredentialsAuth, createConfidentialClient, createGraphClient, localDevAuth, type GraphClient } from '../graph/index.js';
import { createLocalGraph, type LocalGraph } from '../local-graph/index.js';
import { startGovernance, type GovernanceRuntime } from '../governance/runtime.js';
import type { Logger } from '../logger.js';
import { getPack } from '../policy/packs.js';
import { createApp } from './app.js';
import { scheduleCalendarSync, scheduleSubscriptions, type CalendarSyncTimer, type SubscriptionTimer } from './calendar-sync.js';
import { SqliteSyncStateStore } from '../sync/index.js';
import { SqliteSubscriptionStore, SubscriptionManager } from '../sync/subscriptions.js';
import { GraphSubscriptions } from '../graph/subscriptions.js';
import { createNotificationsEndpoint, lifecyclePath, notificationPath, type NotificationsEndpoint } from './notifications.js';
import { CancellationPromptThrottle, promptForCancellation } from '../../bot/cancellation.js';
import type { Cancellation } from '../records/models.js';
import type { ServerConfig } from './config.js';
import { createGraphServices, teamsAppIdOf, withOnBehalfOf } from './graph-services.js';
import { CachedCalendar } from './lookup-cache.js';
import type { AppServices } from './services.js';

export interface RunningServer {
  url: string;
  port: number;
  services: AppServices;
  localGraph?: LocalGraph;
  /** Outlook-side changes (cancelled or moved occurrences) → Cancellations, every 15 minutes. */
  calendarSync: CalendarSyncTimer;
  /** Audit log and samples in the data directory; retention runs daily as a job. */
  governance: GovernanceRuntime;
  /** Graph change notifications on supervisors' calendars, which trigger the same sync at once. */
  changeNotifications: {
    manager: SubscriptionManager;
    timer: SubscriptionTimer;
    endpoint: NotificationsEndpoint;
    /** Resolves once notified syncs and the supervisor prompts they started have finished. */
    settled(): Promise<void>;
  };
  close(): Promise<void>;
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

function portOf(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

export async function startServer(config: ServerConfig, logger: Logger, options: { now?: () => Date; notificationDebounceMs?: number } = {}): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const outer = express();
  outer.disable('x-powered-by');
  let localGraph: LocalGraph | undefined;
  if (config.mode === 'local') {
    const graph = createLocalGraph({ dataDir: join(config.dataDir, 'graph') });
    outer.use('/graph/v1.0', graph.router);
    outer.use('/graph/_admin', graph.adminRouter);
    localGraph = graph;
  }
  const server = await listen(outer, config.PORT, config.host);
  const port = portOf(server, config.PORT);
  const pack = getPack(config.SUPERVISION_ORG);
  const appUrl = config.mode === 'local' ? `http://localhost:${port}` : `https://${config.APP_DOMAIN}`;
  let services: AppServices;
  let appClient: GraphClient;
  if (config.mode === 'local') {
    const client = createGraphClient({ baseUrl: `http://127.0.0.1:${port}/graph/v1.0`, auth: localDevAuth('supervision-app') });
    appClient = client;
    services = createGraphServices({ client, siteId: demoSiteId, pack, appUrl, ...(options.now ? { now: options.now } : {}) });
  } else {
    // One confidential client for the process: app-only tokens (records over Sites.Selected,
    // the bot, identity look-ups) and OBO tokens for the tab user's own calendar share its cache.
    const msal = createConfidentialClient({ tenantId: config.TENANT_ID, clientId: config.CLIENT_ID, ...(config.CLIENT_SECRET ? { clientSecret: config.CLIENT_SECRET } : {}), logger });
    const baseUrl = 'https://graph.microsoft.com/v1.0';
    const client = createGraphClient({ baseUrl, auth: clientCredentialsAuth(msal) });
    appClient = client;
    const teamsAppId = await teamsAppIdOf(client, config.CLIENT_ID);
    const appOnly = createGraphServices({ client, siteId: config.SHAREPOINT_SITE_ID, pack, appUrl, teamsAppId, ...(options.now ? { now: options.now } : {}) });
    services = withOnBehalfOf(appOnly, { source: msal, baseUrl });
  }
  if (localGraph?.isEmpty()) {
    const seeded = await seedLocalOrganisation(localGraph, services);
    logger.info('local.seeded', { org: pack.id, people: seeded.people, staff: seeded.staff, cases: seeded.cases });
  }
  const governance = startGovernance(config.dataDir, services, logger);
  services = governance.services;
  const syncStore = new SqliteSyncStateStore(join(config.dataDir, 'calendar-sync.sqlite'));
  // The bot exists only further down; a cancellation recorded before then waits for the tab banner.
  const prompter: { send?: (cancellation: Cancellation) => void } = {};
  const calendarSync = scheduleCalendarSync(
    { calendar: new GraphCalendar(appClient), records: services.records, store: syncStore, now: services.now, directory: services.directory, onRecorded: (c) => {
        // Outlook changed under the app: occurrences read from now on must be fresh.
        if (services.calendar instanceof CachedCalendar) services.calendar.forget();
        prompter.send?.(c);
      },
    },
    services.directory,
    logger,
    { ...(options.notificationDebounceMs !== undefined ? { debounceMs: options.notificationDebounceMs } : {}) },
  );
  // Graph posts to the app's public URL; locally the embedded service posts to this process over loopback.
  const notifyBase = config.mode === 'local' ? `http://127.0.0.1:${port}` : appUrl;
  const subscriptionStore = new SqliteSubscriptionStore(join(config.dataDir, 'calendar-sync.sqlite'));
  const subscriptions = new SubscriptionManager({
    api: new GraphSubscriptions(appClient),
    store: subscriptionStore,
    // Subscription expiry is Graph's real time, whatever clock the domain runs on.
    now: () => new Date(),
    notificationUrl: `${notifyBase}${notificationPath}`,
    lifecycleNotificationUrl: `${notifyBase}${lifecyclePath}`,
    resync: (mailbox) => calendarSync.requestSync(mailbox),
  });
  const endpoint = createNotificationsEndpoint({ subscriptions, requestSync: (mailbox) => calendarSync.requestSync(mailbox), logger });
  outer.use(endpoint.router);
  // The bot answers /api/messages before the API router (which owns the rest of /api).
  // Every local start, not only the first: data directories from before the catalog existed get it too.
  if (localGraph) await publishLocalTeamsApp(appClient, `localhost:${port}`);
  const bot = mountBot(outer, services, config, { logger, teamwork: new GraphTeamwork(appClient) });
  governance.connect(bot.sender);
  const prompts = new Set<Promise<unknown>>();
  const throttle = new CancellationPromptThrottle();
  prompter.send = (cancellation) => {
    const sent = promptForCancellation(services, bot.sender, cancellation, throttle)
      .then((outcome) => logger.info('cancellation.prompt', { outcome }))
      .catch((error: unknown) => logger.warn('cancellation.prompt.failed', { error: error instanceof Error ? error.name : 'unknown' }));
    prompts.add(sent);
    void sent.finally(() => prompts.delete(sent));
  };
  const subscriptionTimer = scheduleSubscriptions(subscriptions, services.directory, logger);
  outer.use(createApp({ config, services, logger }));
  return {
    url: appUrl,
    port,
    services,
    ...(localGraph ? { localGraph } : {}),
    calendarSync,
    governance,
    changeNotifications: {
      manager: subscriptions,
      timer: subscriptionTimer,
      endpoint,
      settled: async () => {
        await endpoint.settled();
        await calendarSync.settled();
        while (prompts.size > 0) await Promise.all([...prompts]);
      },
    },
    close: async () => {
      calendarSync.stop();
      subscriptionTimer.stop();
      await subscriptionTimer.ready.catch(() => undefined);
      await calendarSync.settled();
      await bot.close();
      await governance.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      syncStore.close();
      subscriptionStore.close();
      localGraph?.close();
    },
  };
}
