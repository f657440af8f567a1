/**
 * "@Supervision solution circle @Ewan LCS-123": the circle command with an optional presenter
 * mentioned beside the bot. Teams sends every @mention as a `mention` entity whose `text` is
 * the `<at>…</at>` markup in the message; the presenter is the one mention that is not the
 * bot. Teams names a mentioned person by their bot-specific `29:` id and not always by their
 * directory id, so a mention without `aadObjectId` is looked up among the conversation's
 * members, which the connector answers with it.
 */
import type { Activity } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import { z } from 'zod';
import type { PeopleDirectory } from '../src/server/services.js';
import { parseStart, type CircleKind } from './circles.js';

const mentionSchema = z.object({
  type: z.literal('mention'),
  text: z.string().optional(),
  mentioned: z.object({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().min(1).optional() }),
});

export type Mention = z.infer<typeof mentionSchema>;

/** Mentions of anyone but the bot itself, in the order they appear. */
export function otherMentions(activity: Pick<Activity, 'entities' | 'recipient'>): Mention[] {
  const botId = activity.recipient?.id;
  const seen = new Set<string>();
  const mentions: Mention[] = [];
  for (const entity of activity.entities ?? []) {
    const parsed = mentionSchema.safeParse(entity);
    if (!parsed.success || parsed.data.mentioned.id === botId || seen.has(parsed.data.mentioned.id)) continue;
    seen.add(parsed.data.mentioned.id);
    mentions.push(parsed.data);
  }
  return mentions;
}

/** The message text as words: the given mentions' markup taken out, tags and entities flattened. */
export function plainText(text: string, mentions: readonly Mention[]): string {
  let rest = text;
  for (const mention of mentions) if (mention.text) rest = rest.split(mention.text).join(' ');
  return rest
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export type CircleStart = { kind: CircleKind; caseRef?: string; presenterId?: string } | { error: string; title: string };

/** Who a mention is in the directory: its aadObjectId, else the member record the connector holds. */
async function directoryIdOf(context: TurnContext, mention: Mention): Promise<string | undefined> {
  if (mention.mentioned.aadObjectId) return mention.mentioned.aadObjectId;
  const conversationId = context.activity.conversation?.id;
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as { getConversationMember?: (userId: string, conversationId: string) => Promise<{ aadObjectId?: string }> } | undefined;
  if (!conversationId || typeof connector?.getConversationMember !== 'function') return undefined;
  try {
    // Members are addressed by the channel, not the thread (`19:…;messageid=…`).
    const member = await connector.getConversationMember(mention.mentioned.id, conversationId.split(';')[0]!);
    return typeof member?.aadObjectId === 'string' && member.aadObjectId ? member.aadObjectId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a circle command from a channel message: undefined when it is not one, an error to
 * show when it cannot be followed, else the kind, case reference and (when someone else was
 * mentioned) the presenter's directory id.
 */
export async function readCircleStart(context: TurnContext, directory: PeopleDirectory): Promise<CircleStart | undefined> {
  const mentions = otherMentions(context.activity);
  const start = parseStart(plainText(context.activity.text ?? '', mentions));
  if (!start) return undefined;
  if ('error' in start) return { title: 'Case references only', error: start.error };
  if (mentions.length === 0) return start;
  if (mentions.length > 1) return { title: 'One presenter', error: 'Mention one person to present (or nobody, and you present).' };
  const presenterId = await directoryIdOf(context, mentions[0]!);
  const person = presenterId ? await directory.person(presenterId) : undefined;
  if (!person) return { title: 'Presenter not found', error: 'I could not find the person you mentioned in the organisation\'s directory. Mention someone in this team, or start the circle without a mention to present yourself.' };
  return { ...start, presenterId: person.id };
}
