/**
 * Proactive sends: continue a stored conversation and post one activity, paced under Teams'
 * limits. Failures that certainly delivered nothing (throttled, refused, unreachable) become
 * UndeliveredError so the job runner may retry them; anything else is reported as is.
 */
import type { Activity } from '@microsoft/agents-activity';
import type { CloudAdapter } from '@microsoft/agents-hosting';
import { SupervisionError } from '../src/errors.js';
import { UndeliveredError } from '../src/jobs/runner.js';
import type { ConversationStore, StoredConversation } from './conversations.js';
import type { Pacer } from './pacing.js';

/** The person has never opened a chat with the bot (or it is not installed for them). */
export class NoConversationError extends SupervisionError {
  constructor(what: string) {
    super('WORKFLOW', `no conversation with ${what} is known to the bot`, { field: 'conversation' });
  }
}

/** Who the bot acts as when it writes first. */
export type BotIdentity = Parameters<CloudAdapter['continueConversation']>[0];

export interface SendResult {
  id: string | undefined;
}

export interface Sender {
  toUser(userId: string, activity: Partial<Activity>): Promise<SendResult>;
  toConversation(conversationId: string, activity: Partial<Activity>): Promise<SendResult>;
}

const retryableStatus = new Set([412, 429, 502, 503, 504]);
const refusedCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET']);

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: Headers } }).response?.headers;
  const value = headers && typeof headers.get === 'function' ? headers.get('retry-after') : null;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Classifies a connector failure; returns an UndeliveredError when nothing can have been posted. */
export function classifySendError(error: unknown): unknown {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && retryableStatus.has(status)) return new UndeliveredError(`connector answered ${status}`, retryAfterMs(error), `http-${status}`);
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown }).code;
  if (typeof code === 'string' && refusedCodes.has(code)) return new UndeliveredError('connector unreachable', undefined, code);
  return error;
}

export class ProactiveSender implements Sender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly conversations: ConversationStore,
    /** The bot's app id (tenant mode) or an anonymous identity (local mode). */
    private readonly identity: BotIdentity,
    private readonly pacer: Pacer,
  ) {}

  async toUser(userId: string, activity: Partial<Activity>): Promise<SendResult> {
    const stored = await this.conversations.forUser(userId);
    if (!stored) throw new NoConversationError('this person');
    return this.send(stored, activity);
  }

  async toConversation(conversationId: string, activity: Partial<Activity>): Promise<SendResult> {
    const stored = await this.conversations.forConversation(conversationId);
    if (!stored) throw new NoConversationError('this conversation');
    return this.send(stored, activity);
  }

  private async send(stored: StoredConversation, activity: Partial<Activity>): Promise<SendResult> {
    const release = await this.pacer.acquire(stored.reference.conversation.id);
    let failure: unknown;
    let result: SendResult = { id: undefined };
    try {
      await this.adapter.continueConversation(this.identity, stored.reference, async (context) => {
        try {
          // The continuation event has a made-up id; without it the post is a new message
          // rather than a reply to an activity that never existed.
          context.activity.id = undefined;
          // Teams wants the tenant on a message the bot starts (a 1:1 it opened by install has no other).
          const channelData = activity.channelData ?? (stored.tenantId ? { tenant: { id: stored.tenantId } } : undefined);
          const response = await context.sendActivity({ type: 'message', ...activity, ...(channelData ? { channelData } : {}) } as Activity);
          result = { id: response?.id };
        } catch (error) {
          // Caught here: an error escaping the turn would make the adapter post its error reply.
          failure = error;
        }
      });
    } finally {
      release();
    }
    if (failure !== undefined) throw classifySendError(failure);
    return result;
  }
}
