/**
 * The org app catalog and per-user app installations (contract §8.1): list the catalog by
 * manifest id, install an app for a user (201 with no body; 409 when it is installed
 * already), list a user's installations with `$expand=teamsAppDefinition` and a `teamsApp/…`
 * filter, and the 1:1 chat an installation belongs to.
 *
 * Publishing takes the zipped app package as Graph does (`Content-Type: application/zip`,
 * manifest.json and the icons it names at the root) and keeps what the catalog shows of it
 * (manifest id, short name, version, bot id). Each manifest id is published once (409).
 *
 * A chat id has Graph's shape for a user-and-bot chat (`19:{user}_{bot}@unq.gbl.spaces`), and
 * the bot posts to it as a conversation id, through the same connector as any other chat.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { MailboxContext, RequestContext } from './context.js';
import { GraphError } from './errors.js';
import { evaluateFilter, filterPaths, FilterSyntaxError, parseFilter, type FilterNode } from './odata-filter.js';
import { collection, jsonResponse, parseBody, queryParam, type GraphResponse } from './protocol.js';
import { readZip, ZipFormatError } from './zip.js';

interface CatalogApp {
  id: string;
  externalId: string;
  displayName: string;
  distributionMethod: 'organization';
  version: string;
  botId: string;
}

interface Installation {
  id: string;
  userId: string;
  appId: string;
  installedAt: string;
}

const manifestSchema = z.looseObject({
  id: z.string().min(1).max(64),
  name: z.looseObject({ short: z.string().min(1).max(30) }),
  version: z.string().min(1).max(64),
  icons: z.looseObject({ color: z.string().min(1), outline: z.string().min(1) }),
  bots: z.array(z.looseObject({ botId: z.string().min(1) })).optional(),
});

const installSchema = z.strictObject({ 'teamsApp@odata.bind': z.string().min(1) });

const conflict = (message: string) => new GraphError(409, 'Conflict', message);
const notFound = (message: string) => new GraphError(404, 'NotFound', message);

function appJson(app: CatalogApp): Record<string, unknown> {
  return { id: app.id, externalId: app.externalId, displayName: app.displayName, distributionMethod: app.distributionMethod };
}

function definitionJson(app: CatalogApp): Record<string, unknown> {
  return { id: Buffer.from(`${app.id}##${app.version}##Published`).toString('base64'), teamsAppId: app.id, displayName: app.displayName, version: app.version, publishingState: 'published' };
}

function chatIdOf(installation: Installation, app: CatalogApp): string {
  return `19:${installation.userId}_${app.botId}@unq.gbl.spaces`;
}

/** `$filter` over the named properties of an entity, each an `a/b` path; others are refused before any is read. */
function filterFor(ctx: RequestContext, resource: string, allowed: readonly string[]): ((values: Record<string, unknown>) => boolean) | undefined {
  const raw = queryParam(ctx.request.query, 'filter');
  if (raw === undefined || raw.trim() === '') return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
    throw error;
  }
  const unsupported = filterPaths(node).map((path) => path.join('/')).find((name) => !allowed.includes(name));
  if (unsupported !== undefined) throw new GraphError(400, 'BadRequest', `Filtering on '${unsupported}' is not supported for ${resource}.`);
  return (values) => evaluateFilter(node, (path) => values[path.join('/')]);
}

function catalog(ctx: RequestContext): CatalogApp[] {
  return ctx.store.teamsApps<CatalogApp>();
}

export function listCatalogApps(ctx: RequestContext): GraphResponse {
  const filter = filterFor(ctx, 'teamsApp', ['id', 'externalId', 'displayName', 'distributionMethod']);
  const apps = catalog(ctx).map(appJson).filter((app) => !filter || filter(app));
  return jsonResponse(200, collection({ value: apps }, { '@odata.context': `${ctx.request.baseUrl}/$metadata#appCatalogs/teamsApps` }));
}

/** The manifest of a Teams app package, with the checks Graph makes before it publishes one. */
function packageManifest(ctx: RequestContext): z.infer<typeof manifestSchema> {
  const body = ctx.request.body;
  if (!/^application\/zip\b/i.test(ctx.request.headers['content-type'] ?? '') || !Buffer.isBuffer(body)) {
    throw new GraphError(415, 'UnsupportedMediaType', 'Publish a Teams app as its zipped app package, with Content-Type: application/zip.');
  }
  let files: Map<string, Buffer>;
  try {
    files = readZip(body);
  } catch (error) {
    if (error instanceof ZipFormatError) throw new GraphError(400, 'BadRequest', `The app package could not be read: ${error.message}.`);
    throw error;
  }
  const manifestFile = files.get('manifest.json');
  if (!manifestFile) throw new GraphError(400, 'BadRequest', 'The app package has no manifest.json at its root.');
  let json: unknown;
  try {
    json = JSON.parse(manifestFile.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new GraphError(400, 'BadRequest', 'manifest.json in the app package is not valid JSON.');
  }
  const manifest = parseBody(manifestSchema, json, 'teamsApp', 'BadRequest');
  for (const icon of [manifest.icons.color, manifest.icons.outline]) {
    if (!files.has(icon)) throw new GraphError(400, 'BadRequest', `icons | The app package has no file '${icon}', which manifest.json names as an icon.`);
  }
  return manifest;
}

export function publishCatalogApp(ctx: RequestContext): GraphResponse {
  const manifest = packageManifest(ctx);
  const app: CatalogApp = { id: randomUUID(), externalId: manifest.id, displayName: manifest.name.short, distributionMethod: 'organization', version: manifest.version, botId: manifest.bots?.[0]?.botId ?? manifest.id };
  if (!ctx.store.addTeamsApp(app)) throw conflict(`An app with the id ${manifest.id} already exists in the catalog.`);
  return jsonResponse(200, { '@odata.context': `${ctx.request.baseUrl}/$metadata#appCatalogs/teamsApps/$entity`, ...appJson(app) });
}

function appFromBind(ctx: RequestContext, bind: string): CatalogApp {
  const match = /\/appCatalogs\/teamsApps\/([^/?#]+)$/i.exec(bind.trim());
  if (!match) throw new GraphError(400, 'BadRequest', "teamsApp@odata.bind must be the catalog app's URL, .../appCatalogs/teamsApps/{id}.");
  const id = decodeURIComponent(match[1]!);
  const app = catalog(ctx).find((a) => a.id === id);
  if (!app) throw notFound(`The app ${id} is not in the organisation's app catalog.`);
  return app;
}

export function installApp(ctx: MailboxContext): GraphResponse {
  const body = parseBody(installSchema, ctx.request.body, 'userScopeTeamsAppInstallation', 'BadRequest');
  const app = appFromBind(ctx, body['teamsApp@odata.bind']);
  const installation: Installation = {
    id: Buffer.from(`${ctx.user.id}##${app.id}`).toString('base64url'),
    userId: ctx.user.id,
    appId: app.id,
    installedAt: ctx.clock().toISOString(),
  };
  if (!ctx.store.addInstallation(installation)) throw conflict('The app is already installed for this user.');
  return { status: 201, headers: {}, body: undefined };
}

function expanded(ctx: RequestContext): Set<string> {
  return new Set((queryParam(ctx.request.query, 'expand') ?? '').split(',').map((e) => e.trim()).filter(Boolean));
}

function installationsOf(ctx: MailboxContext): { installation: Installation; app: CatalogApp }[] {
  const apps = new Map(catalog(ctx).map((a) => [a.id, a]));
  return ctx.store.installationsOf<Installation>(ctx.user.id).flatMap((installation) => {
    const app = apps.get(installation.appId);
    return app ? [{ installation, app }] : [];
  });
}

function installationJson(ctx: RequestContext, installation: Installation, app: CatalogApp): Record<string, unknown> {
  const expand = expanded(ctx);
  return {
    id: installation.id,
    ...(expand.has('teamsAppDefinition') ? { teamsAppDefinition: definitionJson(app) } : {}),
    ...(expand.has('teamsApp') ? { teamsApp: appJson(app) } : {}),
  };
}

export function listInstalledApps(ctx: MailboxContext): GraphResponse {
  const filter = filterFor(ctx, 'userScopeTeamsAppInstallation', ['teamsApp/id', 'teamsApp/externalId', 'teamsApp/displayName', 'teamsAppDefinition/teamsAppId', 'teamsAppDefinition/displayName']);
  const value = installationsOf(ctx)
    .filter(({ app }) => {
      if (!filter) return true;
      const definition = definitionJson(app);
      return filter({ 'teamsApp/id': app.id, 'teamsApp/externalId': app.externalId, 'teamsApp/displayName': app.displayName, 'teamsAppDefinition/teamsAppId': definition.teamsAppId, 'teamsAppDefinition/displayName': definition.displayName });
    })
    .map(({ installation, app }) => installationJson(ctx, installation, app));
  return jsonResponse(200, collection({ value }, { '@odata.context': `${ctx.request.baseUrl}/$metadata#users('${ctx.user.id}')/teamwork/installedApps` }));
}

function installation(ctx: MailboxContext): { installation: Installation; app: CatalogApp } {
  const id = ctx.params['installation'] ?? '';
  const found = installationsOf(ctx).find((i) => i.installation.id === id);
  if (!found) throw notFound(`No app installation ${id} for this user.`);
  return found;
}

export function getInstalledApp(ctx: MailboxContext): GraphResponse {
  const found = installation(ctx);
  return jsonResponse(200, installationJson(ctx, found.installation, found.app));
}

export function getInstallationChat(ctx: MailboxContext): GraphResponse {
  const found = installation(ctx);
  return jsonResponse(200, {
    '@odata.context': `${ctx.request.baseUrl}/$metadata#chats/$entity`,
    id: chatIdOf(found.installation, found.app),
    topic: null,
    createdDateTime: found.installation.installedAt,
    lastUpdatedDateTime: found.installation.installedAt,
    chatType: 'oneOnOne',
    webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chatIdOf(found.installation, found.app))}/0`,
    tenantId: null,
  });
}
