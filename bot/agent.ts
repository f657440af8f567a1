/**
 * The Teams bot on the Microsoft 365 Agents SDK, built only on AppServices and served by the
 * app's own express server at /api/messages (never the SDK's startServer, which listens on
 * every interface).
 *
 * Tenant mode validates the Bot Service JWT with the app's credentials and accepts only the
 * configured tenants. Local mode accepts unauthenticated activities only over loopback, with
 * a loopback serviceUrl, and takes `from.aadObjectId` as the embedded directory's user id.
 */
import { tabHome } from '../src/links/tab-links.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Activity } from '@microsoft/agents-activity';
import { AgentApplication, CloudAdapter, type TurnState, type AuthConfiguration, type Request as AgentRequest, type Storage, type TurnContext, type WebResponse } from '@microsoft/agents-hosting';
import express, { type Express, type RequestHandler } from 'express';
import { z } from 'zod';
import { SupervisionError } from '../src/errors.js';
import { runDueJobs, type RunReport } from '../src/jobs/runner.js';
import { SqliteJobStore, type JobSpec } from '../src/jobs/store.js';
import { silentLogger, type Logger } from '../src/logger.js';
import type { BotStorageConfig, ServerConfig } from '../src/server/config.js';
import type { AppServices } from '../src/server/services.js';
import { cardContentType, type AdaptiveCardJson } from './cards/elements.js';
import { helpCard, messageCard } from './cards/personal-cards.js';
import { Circles, type CircleOptions, type CirclePost } from './circles.js';
import { ConversationStore, scopeOf, tenantOf } from './conversations.js';
import { plainText, readCircleStart } from './mentions.js';
import { PersonalChats, localTeamsApp, teamsGlobalServiceUrl, type TeamworkPort } from './install.js';
import { botHandlers, botPlanner, cardActivity, timingWith, type PromptTiming } from './jobs.js';
import { Pacer, teamsLimits, type PacingLimits } from './pacing.js';
import { Personal, commandOf } from './personal.js';
import { ProactiveSender, type BotIdentity, type Sender } from './sender.js';
import { applyCancellationAnswer, cancellationVerb } from './cancellation.js';
import { applySignOff } from './signoff.js';
import { SqliteStorage } from './sqlite-storage.js';
import { openStorage } from './storage.js';

export interface BotConfig {
  mode: 'local' | 'tenant';
  /** Where the bot's SQLite files live (state and jobs). */
  dataDir: string;
  /** Tenant mode: the bot's app registration. */
  clientId?: string;
  clientSecret?: string;
  /** PEM file holding the certificate and its private key. */
  certificatePath?: string;
  tenantId?: string;
  /** Tenants whose activities are accepted (tenant mode). */
  allowedTenants?: readonly string[];
  /** Where bot state and conversation references live (default SQLite in dataDir). */
  storage?: BotStorageConfig;
  /** The app's manifest id, to install it for people who never chatted with the bot (local default: the seeded app's). */
  teamsAppId?: string;
}

export interface BotOptions {
  logger?: Logger;
  /** Bot state and conversation references; default SQLite in the data directory. */
  storage?: Storage;
  jobStore?: SqliteJobStore;
  timing?: Partial<PromptTiming>;
  circles?: Partial<CircleOptions>;
  pacing?: PacingLimits;
  /** In-process scheduler period; 0 turns it off (tests and the CLI drive time themselves). */
  schedulerIntervalMs?: number;
  /** How often the scheduler re-plans from records and calendars. */
  planIntervalMs?: number;
  /** Identifies this process's leases. */
  runnerId?: string;
  /** Graph's app installation, to open a 1:1 chat with someone who never chatted with the bot. */
  teamwork?: TeamworkPort;
  /** Connector for chats the bot opens before any conversation named one (tenant default: Teams' global endpoint). */
  proactiveServiceUrl?: string;
}

export interface Bot {
  app: AgentApplication<TurnState>;
  adapter: CloudAdapter;
  /** The POST /api/messages handler (expects a JSON body). */
  handler: RequestHandler;
  storage: Storage;
  jobs: SqliteJobStore;
  sender: Sender;
  /** Plans and runs what is due at `asOf` once: what the scheduler and `supervision prompts` call. */
  runDueJobs(asOf: Date, options?: { plan?: boolean }): Promise<RunReport>;
  startScheduler(): void;
  /** Resolves when no job run is in progress. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const loopbackAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (loopbackAddresses.has(address) || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || isLoopback(host);
  } catch {
    return false;
  }
}

/** The bot's settings from the server's configuration. */
export function botConfigFrom(config: ServerConfig): BotConfig {
  const storage = config.botStorage ? { storage: config.botStorage } : {};
  if (config.mode === 'local') return { mode: 'local', dataDir: config.dataDir, ...storage };
  return {
    mode: 'tenant',
    dataDir: config.dataDir,
    ...storage,
    // The manifest id is APP_ID, which is the app registration's CLIENT_ID (manifest/packaging.ts).
    teamsAppId: config.CLIENT_ID,
    clientId: config.BOT_ID ?? config.CLIENT_ID,
    tenantId: config.TENANT_ID,
    allowedTenants: config.allowedTenants,
    ...(config.CLIENT_SECRET ? { clientSecret: config.CLIENT_SECRET } : {}),
    ...(config.CLIENT_CERTIFICATE_PATH ? { certificatePath: config.CLIENT_CERTIFICATE_PATH } : {}),
  };
}

function authConfiguration(config: BotConfig): AuthConfiguration | undefined {
  if (config.mode !== 'tenant') return undefined;
  if (!config.clientId || !config.tenantId) throw new SupervisionError('CONFIGURATION', 'BOT_ID: tenant mode needs the bot app id and tenant id', { field: 'BOT_ID' });
  return {
    clientId: config.clientId,
    tenantId: config.tenantId,
    ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
    ...(config.certificatePath ? { certPemFile: config.certificatePath, certKeyFile: config.certificatePath } : {}),
  };
}

const invokeValueSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(100),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
});

const circleDataSchema = z.object({ circleId: z.string().min(1).max(100), stage: z.string().min(1).max(100).optional() });

/** What a card action produced: the card for the person, plus thread posts and jobs. */
interface Reply {
  card: AdaptiveCardJson;
  posts?: CirclePost[];
  jobs?: JobSpec[];
  /** A job to bring forward and run now (the presenter moved a circle on). */
  runJob?: string;
}

export function createAgent(services: AppServices, config: BotConfig, options: BotOptions = {}): Bot {
  const logger = options.logger ?? silentLogger;
  const auth = authConfiguration(config);
  const adapter = new CloudAdapter(auth);
  if (!options.storage || !options.jobStore) mkdirSync(config.dataDir, { recursive: true });
  const ownsStorage = !options.storage;
  const storage = options.storage ?? openStorage(config);
  const ownsJobs = !options.jobStore;
  const jobs = options.jobStore ?? new SqliteJobStore(join(config.dataDir, 'jobs.sqlite'));
  const timing = timingWith(options.timing);
  const circles = new Circles(services, { autoCloseMinutes: 30, checkInTime: timing.time, ...options.circles });
  const personal = new Personal(services);
  const conversations = new ConversationStore(storage);
  // Local mode has no credentials: an identity without an audience makes the SDK call the
  // connector anonymously, as the Agents Playground expects.
  const identity: BotIdentity = config.mode === 'tenant' ? config.clientId! : { name: 'anonymous' };
  const sender = new ProactiveSender(adapter, conversations, identity, new Pacer(options.pacing ?? teamsLimits));
  const app = new AgentApplication<TurnState>({ adapter, storage, ...(config.clientId ? { agentAppId: config.clientId } : {}), removeRecipientMention: true, startTypingTimer: false });

  const teamsAppId = config.teamsAppId ?? (config.mode === 'local' ? localTeamsApp.id : undefined);
  const proactiveServiceUrl = options.proactiveServiceUrl ?? (config.mode === 'tenant' ? teamsGlobalServiceUrl : undefined);
  const chats = new PersonalChats({
    conversations,
    now: services.now,
    logger,
    ...(options.teamwork ? { teamwork: options.teamwork } : {}),
    ...(teamsAppId ? { appId: teamsAppId } : {}),
    ...(config.clientId ? { botAppId: config.clientId } : {}),
    ...(config.tenantId ? { tenantId: config.tenantId } : {}),
    ...(proactiveServiceUrl ? { serviceUrl: proactiveServiceUrl } : {}),
  });
  // A person is reachable once the bot has (or can open, by installing the app) a chat with them.
  const reachable = async (target: { userId: string } | { conversationId: string }) =>
    'userId' in target ? chats.reach(target.userId) : (await conversations.forConversation(target.conversationId)) !== undefined;
  const handlers = botHandlers({ services, sender, circles, store: jobs, timing, reachable });
  const planners = [botPlanner(services, timing)];
  const runnerId = options.runnerId ?? `bot-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let running: Promise<RunReport> | undefined;

  const run = async (asOf: Date, plan = true): Promise<RunReport> => {
    // One run at a time per process; a second caller waits for it, then runs its own.
    while (running) await running.catch(() => undefined);
    running = runDueJobs(asOf, { store: jobs, handlers, planners, plan, owner: runnerId, logger });
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  const userIdOf = (context: TurnContext): string | undefined => context.activity.from?.aadObjectId ?? undefined;

  async function dispatch(context: TurnContext, verb: string, data: Record<string, unknown>): Promise<Reply> {
    const userId = userIdOf(context);
    const scope = scopeOf(context.activity);
    if (!userId) return { card: messageCard('I cannot tell who you are', 'Your Teams account did not come with a directory id, so I cannot find your supervision.') };
    const now = services.now();
    const circle = () => circleDataSchema.safeParse(data);
    switch (verb) {
      case 'command': {
        const name = typeof data.command === 'string' ? commandOf(data.command) : undefined;
        return { card: name ? await personal.command(name, userId) : helpCard('personal', tabHome(services)) };
      }
      case 'prep.submit':
        return { card: await personal.prepSubmit(userId, data) };
      case 'prep.edit':
      case 'prep.open':
        return { card: await personal.prepEdit(userId, data) };
      case 'signoff.acknowledge':
        return { card: await applySignOff(services, userId, 'acknowledged', data) };
      case 'signoff.disagree':
        return { card: await applySignOff(services, userId, 'disputed', data) };
      case 'action.done':
        return { card: await personal.actionDone(userId, data) };
      case 'reschedule.reason':
        return { card: await personal.rescheduleReason(userId, data) };
      case 'reschedule.confirm':
        return { card: await personal.rescheduleConfirm(userId, data) };
      case cancellationVerb:
        return { card: await applyCancellationAnswer(services, userId, data) };
      case 'circle.join': {
        const parsed = circle();
        return { card: parsed.success ? await circles.join(parsed.data.circleId, userId) : helpCard('channel', tabHome(services)) };
      }
      case 'circle.contribute': {
        const parsed = circle();
        if (!parsed.success || !parsed.data.stage) return { card: helpCard('channel', tabHome(services)) };
        return circles.contribute(parsed.data.circleId, parsed.data.stage, userId, data, now);
      }
      case 'circle.next': {
        const parsed = circle();
        if (!parsed.success || !parsed.data.stage) return { card: helpCard('channel', tabHome(services)) };
        const moved = await circles.moveOn(parsed.data.circleId, parsed.data.stage, userId);
        return { card: moved.card, ...(moved.key ? { runJob: moved.key } : {}) };
      }
      case 'circle.select': {
        const parsed = circle();
        return parsed.success ? circles.select(parsed.data.circleId, userId, data, now) : { card: helpCard('channel', tabHome(services)) };
      }
      case 'circle.outcomes': {
        const parsed = circle();
        return parsed.success ? circles.outcomes(parsed.data.circleId, userId, data, now) : { card: helpCard('channel', tabHome(services)) };
      }
      case 'circle.finish': {
        const parsed = circle();
        return parsed.success ? circles.finish(parsed.data.circleId, userId, now) : { card: helpCard('channel', tabHome(services)) };
      }
      default:
        return { card: helpCard(scope === 'personal' ? 'personal' : 'channel', tabHome(services), 'That button is not one I know (the card may be out of date).') };
    }
  }

  /** Thread posts go into the current conversation when they are for it, else proactively. */
  async function deliver(context: TurnContext, reply: Reply): Promise<void> {
    if (reply.jobs?.length) jobs.enqueue(reply.jobs);
    for (const post of reply.posts ?? []) {
      if (post.conversationId === context.activity.conversation?.id) await context.sendActivity(Activity.fromObject(cardActivity(post.card)));
      else await sender.toConversation(post.conversationId, cardActivity(post.card));
    }
    if (reply.runJob) {
      // The card answer must not wait for a run already in progress: the job runs just after.
      jobs.bringForward(reply.runJob, services.now().getTime());
      run(services.now(), false).catch((error: unknown) => logger.error('jobs.run-failed', { code: (error as { code?: string }).code ?? 'unknown' }));
    }
  }

  async function sendInvokeCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    await context.sendActivity(Activity.fromObject({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: cardContentType, value: card } } }));
  }

  app.onTurn('beforeTurn', async (context) => {
    await conversations.remember(context.activity, services.now());
    return true;
  });
  // The SDK saves turn state only when an afterTurn handler asks it to.
  app.onTurn('afterTurn', async () => true);

  app.addRoute(
    async (context) => context.activity.type === 'invoke' && context.activity.name === 'adaptiveCard/action',
    async (context) => {
      const parsed = invokeValueSchema.safeParse(context.activity.value);
      if (!parsed.success) {
        await sendInvokeCard(context, helpCard(scopeOf(context.activity) === 'personal' ? 'personal' : 'channel', tabHome(services), 'That card could not be read. Here is what I can do.'));
        return;
      }
      const { verb, data } = parsed.data.action;
      logger.info('bot.action', { verb, scope: scopeOf(context.activity) });
      const reply = await dispatch(context, verb, data ?? {});
      await sendInvokeCard(context, reply.card);
      await deliver(context, reply);
    },
    true,
  );

  app.onConversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    if (!context.activity.membersAdded?.some((m) => m.id === botId)) return;
    const scope = scopeOf(context.activity);
    const welcome = scope === 'personal' ? 'Hello. I help you prepare for supervision, confirm your records and keep your actions moving.' : 'Hello. I can run solution circles and success circles for group supervision here.';
    await context.sendActivity(Activity.fromObject(cardActivity(helpCard(scope === 'personal' ? 'personal' : 'channel', tabHome(services), welcome))));
  });

  app.onActivity('message', async (context, state) => {
    const activity = context.activity;
    const scope = scopeOf(activity);
    const value = activity.value;
    // Action.Submit (the fallback of every button) arrives as a message carrying the inputs.
    if (value && typeof value === 'object' && !Array.isArray(value) && !activity.text) {
      const data = value as Record<string, unknown>;
      const verb = typeof data.verb === 'string' ? data.verb : '';
      logger.info('bot.submit', { verb, scope });
      const reply = await dispatch(context, verb, data);
      await context.sendActivity(Activity.fromObject(cardActivity(reply.card)));
      await deliver(context, reply);
      return;
    }
    const text = plainText(activity.text ?? '', []);
    const userId = userIdOf(context);
    if (scope !== 'personal') {
      const start = await readCircleStart(context, services.directory);
      if (!start) {
        await context.sendActivity(Activity.fromObject(cardActivity(helpCard('channel', tabHome(services)))));
        return;
      }
      if ('error' in start) {
        await context.sendActivity(Activity.fromObject(cardActivity(messageCard(start.title, start.error))));
        return;
      }
      if (!userId || !activity.conversation?.id) {
        await context.sendActivity(Activity.fromObject(cardActivity(messageCard('I cannot tell who you are', 'Your Teams account did not come with a directory id.'))));
        return;
      }
      const result = await circles.start({ kind: start.kind, ...(start.caseRef ? { caseRef: start.caseRef } : {}), conversationId: activity.conversation.id, activityId: activity.id ?? `${Date.now()}`, presenterId: start.presenterId ?? userId, startedBy: userId, now: services.now() });
      await context.sendActivity(Activity.fromObject(cardActivity(result.card)));
      await deliver(context, result);
      return;
    }
    if (!userId) {
      await context.sendActivity(Activity.fromObject(cardActivity(messageCard('I cannot tell who you are', 'Your Teams account did not come with a directory id, so I cannot find your supervision.'))));
      return;
    }
    const command = commandOf(text);
    const pending = state.getValue<string | undefined>('conversation.pendingReschedule');
    let card: AdaptiveCardJson;
    if (command) {
      card = await personal.command(command, userId);
      if (command === 'reschedule') {
        const occurrenceId = (card.actions?.[0]?.data as { occurrenceId?: unknown } | undefined)?.occurrenceId;
        if (typeof occurrenceId === 'string') state.setValue('conversation.pendingReschedule', occurrenceId);
      } else if (pending) state.deleteValue('conversation.pendingReschedule');
    } else if (pending && text) {
      // After "reschedule", a plain reply is the reason asked for.
      state.deleteValue('conversation.pendingReschedule');
      card = await personal.rescheduleReason(userId, { occurrenceId: pending, reason: text });
    } else {
      card = helpCard('personal', tabHome(services), 'I did not recognise that. Here is what I can do.');
    }
    await context.sendActivity(Activity.fromObject(cardActivity(card)));
  });

  app.onError(async (context, error) => {
    logger.error('bot.turn-failed', { type: context.activity.type, code: (error as { code?: string }).code ?? error.name });
    try {
      const card = messageCard('Something went wrong', 'I could not finish that. Please try again, or use the Supervision tab.');
      if (context.activity.type === 'invoke') await sendInvokeCard(context, card);
      else await context.sendActivity(Activity.fromObject(cardActivity(card)));
    } catch {
      // The connector itself may be what failed; the turn must still end cleanly.
    }
  });

  const handler: RequestHandler = async (req, res) => {
    try {
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object') {
        res.status(400).json({ error: { code: 'INVALID_INPUT', message: 'an activity (JSON) is required' } });
        return;
      }
      const request = req as unknown as AgentRequest;
      if (config.mode === 'local') {
        if (!isLoopback(req.socket.remoteAddress) || !isLoopback(req.socket.localAddress)) {
          res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'local mode accepts bot activities only over loopback' } });
          return;
        }
        if (body.serviceUrl !== undefined && !isLoopbackUrl(body.serviceUrl)) {
          res.status(400).json({ error: { code: 'INVALID_INPUT', message: 'local mode replies only to a loopback serviceUrl' } });
          return;
        }
        request.user = { name: 'anonymous' };
      } else {
        let authorised = false;
        await adapter.authorizeRequest(request, res as unknown as WebResponse, (error?: unknown) => {
          authorised = error === undefined;
        });
        if (!authorised) {
          if (!res.headersSent) res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'invalid bot token' } });
          return;
        }
        const tenant = tenantOf(body as Pick<Activity, 'conversation' | 'channelData'>);
        if (!tenant || !(config.allowedTenants ?? []).includes(tenant)) {
          res.status(403).json({ error: { code: 'FORBIDDEN', message: 'this tenant is not served here' } });
          return;
        }
      }
      await adapter.process(request, res as unknown as WebResponse, (context) => app.run(context));
    } catch (error) {
      logger.error('bot.request-failed', { code: (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'unknown') });
      if (!res.headersSent) res.status(500).json({ error: { code: 'INTERNAL', message: 'the activity could not be processed' } });
    }
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  let lastPlan = 0;
  const interval = options.schedulerIntervalMs ?? 15_000;
  const planEvery = options.planIntervalMs ?? 10 * 60_000;

  return {
    app,
    adapter,
    handler,
    storage,
    jobs,
    sender,
    runDueJobs: (asOf, runOptions) => run(asOf, runOptions?.plan ?? true),
    startScheduler() {
      if (timer || interval <= 0) return;
      timer = setInterval(() => {
        const now = services.now();
        const plan = now.getTime() - lastPlan >= planEvery;
        if (plan) lastPlan = now.getTime();
        run(now, plan).catch((error: unknown) => logger.error('jobs.tick-failed', { code: (error as { code?: string }).code ?? 'unknown' }));
      }, interval);
      timer.unref();
    },
    async idle() {
      while (running) await running.catch(() => undefined);
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      while (running) await running.catch(() => undefined);
      if (ownsJobs) jobs.close();
      if (ownsStorage && storage instanceof SqliteStorage) storage.close();
    },
  };
}

/**
 * Mounts the bot on the app's express server at /api/messages and starts the in-process
 * job scheduler. Returns the bot so the server can close it on shutdown.
 */
export function mountBot(app: Express, services: AppServices, config: ServerConfig, options: BotOptions = {}): Bot {
  const bot = createAgent(services, botConfigFrom(config), options);
  app.post('/api/messages', express.json({ limit: '1mb' }), bot.handler);
  bot.startScheduler();
  return bot;
}
