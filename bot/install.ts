/**
 * Reaching someone who never chatted with the bot (contract §8.1): install the app for them
 * through Graph, read the 1:1 chat the install created, and keep a conversation reference
 * for that chat so the ordinary proactive send can post there. Local mode runs the same path
 * against the embedded service's catalog, where the seed published the app.
 *
 * Repeating it is harmless: an installed app answers 409 and its chat is found again, so a
 * retried job neither installs twice nor loses the chat. The message itself is sent once by
 * the job runner's send guard, after this has succeeded.
 */
import type { ConversationReference } from '@microsoft/agents-activity';
import { AppNotInCatalogError, type PersonalChat } from '../src/graph/teamwork.js';
import { isGraphRequestError } from '../src/graph/errors.js';
import { silentLogger, type Logger } from '../src/logger.js';
import type { ConversationStore } from './conversations.js';

/** The gateway's part in it (GraphTeamwork implements it). */
export interface TeamworkPort {
  ensurePersonalChat(userId: string, externalId: string): Promise<PersonalChat>;
}

/** The app's manifest id in local mode (the Agents Playground's bot id), published to the embedded catalog. */
export const localTeamsApp = { id: '00000000-0000-4000-8000-0000000000b0', name: 'Supervision' } as const;

/**
 * Teams' public proactive endpoint, for when no conversation has told the bot its regional
 * one yet; a serviceUrl heard from Teams always wins.
 */
export const teamsGlobalServiceUrl = 'https://smba.trafficmanager.net/teams/';

export interface PersonalChatsOptions {
  conversations: ConversationStore;
  teamwork?: TeamworkPort;
  /** The manifest id the app is published under (tenant: APP_ID, which is CLIENT_ID). */
  appId?: string;
  /** The bot's app id, for its `28:` account when no conversation has named it yet. */
  botAppId?: string;
  /** The tenant the app serves; local mode takes the one the connector last sent. */
  tenantId?: string;
  /** Where to post when no conversation has named a connector yet (tenant: Teams' global endpoint). */
  serviceUrl?: string;
  now: () => Date;
  logger?: Logger;
}

export class PersonalChats {
  private readonly logger: Logger;

  constructor(private readonly options: PersonalChatsOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Whether the bot can write to this person now, opening the chat by installing the app when
   * there is none. False when it cannot be opened (no Graph, the app not in the catalog, the
   * install refused); an outage throws, so the job is tried again later.
   */
  async reach(userId: string): Promise<boolean> {
    const { conversations, teamwork, appId } = this.options;
    if (await conversations.forUser(userId)) return true;
    if (!teamwork || !appId) return false;
    const connector = await conversations.connector();
    const serviceUrl = connector?.serviceUrl ?? this.options.serviceUrl;
    if (!serviceUrl) return false;
    let chat: PersonalChat;
    try {
      chat = await teamwork.ensurePersonalChat(userId, appId);
    } catch (error) {
      if (error instanceof AppNotInCatalogError || (isGraphRequestError(error) && error.graphStatus === 403)) {
        this.logger.warn('bot.install-refused', { code: isGraphRequestError(error) ? error.graphCode : 'unknown' });
        return false;
      }
      throw error;
    }
    const tenantId = this.options.tenantId ?? connector?.tenantId;
    const botId = connector?.botId ?? (this.options.botAppId ? `28:${this.options.botAppId}` : undefined);
    const reference: ConversationReference = {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: chat.chatId, conversationType: 'personal', isGroup: false, ...(tenantId ? { tenantId } : {}) },
      ...(botId ? { agent: { id: botId, ...(connector?.botName ? { name: connector.botName } : {}) } } : {}),
      user: { aadObjectId: userId },
    };
    await conversations.rememberOpened(userId, reference, tenantId, this.options.now());
    this.logger.info('bot.chat-opened', { installed: chat.installed });
    return true;
  }
}
