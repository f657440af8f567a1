/**
 * Conversation references, so the bot can write first: a person's 1:1 chat (by directory
 * user id, which Teams sends as `from.aadObjectId`) and any thread it was @mentioned in (by
 * conversation id). Kept in the bot's Storage beside the SDK's turn state.
 */
import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { Storage } from '@microsoft/agents-hosting';

export interface StoredConversation {
  reference: ConversationReference;
  scope: 'personal' | 'channel' | 'groupChat';
  tenantId?: string;
  updatedAt: string;
}

/** Where the bot last heard from Teams: the connector it answers on and its own account there. */
export interface ConnectorInfo {
  serviceUrl: string;
  tenantId?: string;
  botId?: string;
  botName?: string;
  updatedAt: string;
}

const userKey = (userId: string) => `supervision/users/${userId}`;
const conversationKey = (conversationId: string) => `supervision/conversations/${conversationId}`;
const connectorKey = 'supervision/connector';

export function scopeOf(activity: Pick<Activity, 'conversation'>): StoredConversation['scope'] {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat' || activity.conversation?.isGroup) return 'groupChat';
  return 'personal';
}

export function tenantOf(activity: Pick<Activity, 'conversation' | 'channelData'>): string | undefined {
  const fromData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? (typeof fromData === 'string' ? fromData : undefined);
}

export class ConversationStore {
  /** What this process last recorded as the connector, so a turn writes it only when it changes. */
  private lastConnector: string | undefined;

  constructor(private readonly storage: Storage) {}

  /** Remembers where an activity came from; personal chats also by the person's id. */
  async remember(activity: Activity, now: Date): Promise<void> {
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    const reference = activity.getConversationReference();
    // A stored reference must post new messages, not replies to whatever was said last.
    delete reference.activityId;
    const tenantId = tenantOf(activity);
    const stored: StoredConversation = { reference, scope: scopeOf(activity), updatedAt: now.toISOString(), ...(tenantId ? { tenantId } : {}) };
    const changes: Record<string, Record<string, unknown>> = { [conversationKey(activity.conversation.id)]: { ...stored, eTag: '*' } };
    const userId = activity.from?.aadObjectId;
    if (stored.scope === 'personal' && userId) changes[userKey(userId)] = { ...stored, eTag: '*' };
    const connector = { serviceUrl: activity.serviceUrl, ...(tenantId ? { tenantId } : {}), ...(activity.recipient?.id ? { botId: activity.recipient.id } : {}), ...(activity.recipient?.name ? { botName: activity.recipient.name } : {}) };
    const fingerprint = JSON.stringify(connector);
    if (fingerprint !== this.lastConnector) changes[connectorKey] = { ...connector, updatedAt: now.toISOString(), eTag: '*' } satisfies ConnectorInfo & { eTag: string };
    await this.storage.write(changes);
    this.lastConnector = fingerprint;
  }

  /**
   * A 1:1 chat the bot opened itself (by installing the app for the person): kept like one
   * they started, until Teams' own conversationUpdate for the install replaces it.
   */
  async rememberOpened(userId: string, reference: ConversationReference, tenantId: string | undefined, now: Date): Promise<StoredConversation> {
    const stored: StoredConversation = { reference, scope: 'personal', updatedAt: now.toISOString(), ...(tenantId ? { tenantId } : {}) };
    await this.storage.write({ [userKey(userId)]: { ...stored, eTag: '*' }, [conversationKey(reference.conversation.id)]: { ...stored, eTag: '*' } });
    return stored;
  }

  /** The connector the bot last heard from, for chats it opens itself. */
  async connector(): Promise<ConnectorInfo | undefined> {
    return (await this.storage.read([connectorKey]))[connectorKey] as ConnectorInfo | undefined;
  }

  async forUser(userId: string): Promise<StoredConversation | undefined> {
    const key = userKey(userId);
    return (await this.storage.read([key]))[key] as StoredConversation | undefined;
  }

  async forConversation(conversationId: string): Promise<StoredConversation | undefined> {
    const key = conversationKey(conversationId);
    return (await this.storage.read([key]))[key] as StoredConversation | undefined;
  }
}
