/**
 * Teams app installation through Graph, so the bot can write first to someone who never
 * opened a chat with it (contract §8.1): find the app in the org catalog by its manifest id
 * (the catalog id differs), install it for the user (409 when it already is), find that
 * installation, and read the 1:1 chat it belongs to. The chat id is a conversation id the
 * bot can post to.
 */
import { z } from 'zod';
import { parseResponse, segment, type GraphClient } from './client.js';
import { GraphRequestError } from './errors.js';
import { odataString } from './lists.js';

const catalogAppSchema = z.looseObject({
  id: z.string().min(1),
  externalId: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
  distributionMethod: z.string().nullable().optional(),
});

const installationSchema = z.looseObject({
  id: z.string().min(1),
  teamsAppDefinition: z.looseObject({ teamsAppId: z.string().optional(), displayName: z.string().nullable().optional(), version: z.string().nullable().optional() }).nullable().optional(),
});

const chatSchema = z.looseObject({ id: z.string().min(1), chatType: z.string().optional(), tenantId: z.string().nullable().optional() });

const listOf = <S extends z.ZodType>(item: S) => z.looseObject({ value: z.array(item) });

export type CatalogApp = z.infer<typeof catalogAppSchema>;
export type AppInstallation = z.infer<typeof installationSchema>;

export interface PersonalChat {
  chatId: string;
  /** Whether this call installed the app (false: it was installed already). */
  installed: boolean;
}

/** The app is not in the organisation's catalog: an administrator must upload it first. */
export class AppNotInCatalogError extends GraphRequestError {
  constructor(externalId: string) {
    super(404, 'AppNotInCatalog', `the Teams app with manifest id ${externalId} is not in the organisation's app catalog`, undefined, { productCode: 'CONFIGURATION' });
  }
}

export class GraphTeamwork {
  private readonly catalogIds = new Map<string, string>();

  constructor(private readonly client: GraphClient) {}

  /** `GET /appCatalogs/teamsApps?$filter=externalId eq '…'`: the org catalog entry for a manifest id. */
  async catalogApp(externalId: string): Promise<CatalogApp | undefined> {
    const response = await this.client.request({ method: 'GET', path: '/appCatalogs/teamsApps', query: { $filter: `externalId eq ${odataString(externalId)}` } });
    const apps = parseResponse(listOf(catalogAppSchema), response.body, 'GET /appCatalogs/teamsApps').value;
    return apps[0];
  }

  /**
   * `POST /appCatalogs/teamsApps` with the zipped app package (Content-Type: application/zip),
   * as an administrator publishes to the org catalog; a 409 means an app with this manifest id
   * is there already. Graph allows it with delegated permissions only (AppCatalog.Submit).
   */
  async publishApp(appPackage: Buffer): Promise<CatalogApp | 'already-published'> {
    const response = await this.client.request({
      method: 'POST',
      path: '/appCatalogs/teamsApps',
      body: appPackage,
      headers: { 'Content-Type': 'application/zip' },
      accept: [409],
      // A retry after a lost answer can only find the app published: 409, handled.
      replaySafe: true,
    });
    if (response.status === 409) return 'already-published';
    return parseResponse(catalogAppSchema, response.body, 'POST /appCatalogs/teamsApps');
  }

  /** `POST /users/{id}/teamwork/installedApps`; a 409 means it is installed already. */
  async installForUser(userId: string, catalogAppId: string): Promise<'installed' | 'already-installed'> {
    const response = await this.client.request({
      method: 'POST',
      path: `/users/${segment(userId)}/teamwork/installedApps`,
      body: { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}` },
      accept: [409],
      // Repeating it can only answer 409, which is handled: nothing is installed twice.
      replaySafe: true,
    });
    return response.status === 409 ? 'already-installed' : 'installed';
  }

  /** The user's installation of the app with this manifest id, if any. */
  async userInstallation(userId: string, externalId: string): Promise<AppInstallation | undefined> {
    const response = await this.client.request({
      method: 'GET',
      path: `/users/${segment(userId)}/teamwork/installedApps`,
      query: { $expand: 'teamsAppDefinition', $filter: `teamsApp/externalId eq ${odataString(externalId)}` },
    });
    return parseResponse(listOf(installationSchema), response.body, 'GET /users/{id}/teamwork/installedApps').value[0];
  }

  /** `GET /users/{id}/teamwork/installedApps/{installationId}/chat`: the 1:1 chat with the bot. */
  async chatOf(userId: string, installationId: string): Promise<{ id: string }> {
    const response = await this.client.request({ method: 'GET', path: `/users/${segment(userId)}/teamwork/installedApps/${segment(installationId)}/chat` });
    return parseResponse(chatSchema, response.body, 'GET /users/{id}/teamwork/installedApps/{id}/chat');
  }

  /**
   * The 1:1 chat between the user and the app, installing the app for them first when it is
   * not. Safe to repeat: a second call finds the first's installation.
   */
  async ensurePersonalChat(userId: string, externalId: string): Promise<PersonalChat> {
    let catalogId = this.catalogIds.get(externalId);
    if (!catalogId) {
      const app = await this.catalogApp(externalId);
      if (!app) throw new AppNotInCatalogError(externalId);
      catalogId = app.id;
      this.catalogIds.set(externalId, catalogId);
    }
    const outcome = await this.installForUser(userId, catalogId);
    const installation = await this.userInstallation(userId, externalId);
    if (!installation) throw new GraphRequestError(404, 'InstallationNotFound', 'the app was installed for the user but the installation is not listed yet');
    const chat = await this.chatOf(userId, installation.id);
    return { chatId: chat.id, installed: outcome === 'installed' };
  }
}
