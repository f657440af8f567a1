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

const userKey = (userId: string) => `supervision/users/${userId}`;
const conversationKey = (conversationId: string) => `supervision/conversations/${conversationId}`;

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
  constructor(private readonly storage: Storage) {}

  /** Remembers where an activity came from; personal chats also by the person's id. */
  async remember(activity: Activity, now: Date): Promise<void> {
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    const reference = activity.getConversationReference();
    // A stored reference must post new messages, not replies to whatever was said last.
    delete reference.activityId;
    const tenantId = tenantOf(activity);
    const stored: StoredConversation = { reference, scope: scopeOf(activity), updatedAt: now.toISOString(), ...(tenantId ? { tenantId } : {}) };
    const changes: Record<string, StoredConversation & { eTag: string }> = { [conversationKey(activity.conversation.id)]: { ...stored, eTag: '*' } };
    const userId = activity.from?.aadObjectId;
    if (stored.scope === 'personal' && userId) changes[userKey(userId)] = { ...stored, eTag: '*' };
    await this.storage.write(changes);
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
