/**
 * Activity JSON as Teams sends it to a bot: personal messages, Action.Execute invokes,
 * Action.Submit messages, conversationUpdate on install, and @mentions in a channel thread.
 * Every Teams activity carries `channelData.tenant`.
 */
import { randomUUID } from 'node:crypto';

export const tenantId = '72f988bf-0000-4000-8000-000000000001';
export const bot = { id: '28:00000000-0000-4000-8000-b0b000000001', name: 'Supervision' };

export interface Person {
  /** Directory user id (Teams `aadObjectId`). */
  id: string;
  name: string;
}

export type ActivityJson = Record<string, unknown>;

function from(person: Person) {
  return { id: `29:${person.id}`, name: person.name, aadObjectId: person.id };
}

export function personalConversation(person: Person) {
  return { id: `a:personal-${person.id}`, conversationType: 'personal', tenantId };
}

function base(serviceUrl: string, person: Person, conversation: Record<string, unknown>, extra: ActivityJson): ActivityJson {
  return {
    id: `act-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: from(person),
    recipient: bot,
    conversation,
    channelData: { tenant: { id: tenantId } },
    locale: 'en-GB',
    ...extra,
  };
}

export function message(serviceUrl: string, person: Person, text: string): ActivityJson {
  return base(serviceUrl, person, personalConversation(person), { type: 'message', text, textFormat: 'plain' });
}

/** Action.Execute: an `adaptiveCard/action` invoke with the inputs merged into `data`. */
export function execute(serviceUrl: string, person: Person, verb: string, data: Record<string, unknown>, conversation?: Record<string, unknown>, extra: ActivityJson = {}): ActivityJson {
  return base(serviceUrl, person, conversation ?? personalConversation(person), {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data: { ...data, verb } }, trigger: 'manual' },
    replyToId: `card-${randomUUID()}`,
    ...extra,
  });
}

/** Action.Submit (the fallback): a message whose value holds the data and the inputs. */
export function submit(serviceUrl: string, person: Person, data: Record<string, unknown>, conversation?: Record<string, unknown>): ActivityJson {
  return base(serviceUrl, person, conversation ?? personalConversation(person), { type: 'message', value: data, replyToId: `card-${randomUUID()}` });
}

export function installed(serviceUrl: string, person: Person): ActivityJson {
  return base(serviceUrl, person, personalConversation(person), { type: 'conversationUpdate', membersAdded: [{ id: bot.id }] });
}

export const team = { id: '19:team-general@thread.tacv2', channel: '19:team-general@thread.tacv2' };

/** A channel thread's conversation: the channel id plus the root message id. */
export function thread(rootId: string) {
  return { id: `${team.channel};messageid=${rootId}`, conversationType: 'channel', isGroup: true, tenantId };
}

export function mention(serviceUrl: string, person: Person, text: string, rootId: string): ActivityJson {
  const activity = base(serviceUrl, person, thread(rootId), {
    type: 'message',
    id: rootId,
    text: `<at>Supervision</at> ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', mentioned: bot, text: '<at>Supervision</at>' }],
  });
  activity.channelData = { tenant: { id: tenantId }, team: { id: team.id }, channel: { id: team.channel } };
  return activity;
}

/** Teams' mention entity for a person: their bot-specific id and name, sometimes their directory id. */
export function personMention(person: Person, options: { withDirectoryId?: boolean } = {}) {
  return { type: 'mention', mentioned: { id: `29:${person.id}`, name: person.name, ...(options.withDirectoryId ? { aadObjectId: person.id } : {}) }, text: `<at>${person.name}</at>` };
}

/**
 * "@Supervision solution circle @Person LCS-…": the bot's mention and a person's, both in the
 * text and as entities, as Teams sends a channel message mentioning two.
 */
export function mentionWith(serviceUrl: string, person: Person, before: string, other: ReturnType<typeof personMention>, after: string, rootId: string): ActivityJson {
  const activity = mention(serviceUrl, person, `${before} ${other.text} ${after}`.trim(), rootId);
  activity.entities = [...(activity.entities as unknown[]), other];
  return activity;
}

export function channelExecute(serviceUrl: string, person: Person, rootId: string, verb: string, data: Record<string, unknown>): ActivityJson {
  const activity = execute(serviceUrl, person, verb, data, thread(rootId));
  activity.channelData = { tenant: { id: tenantId }, team: { id: team.id }, channel: { id: team.channel } };
  return activity;
}
