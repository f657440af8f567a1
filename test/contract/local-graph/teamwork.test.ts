/**
 * The org app catalog and per-user installations (contract §8.1), over HTTP as Graph answers
 * them, then the gateway's whole "reach this person" flow (GraphTeamwork) against the same
 * service: catalog id ≠ manifest id, 201 then 409 on install, the installation found by the
 * manifest id, and its 1:1 chat.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPackage, zip } from '../../../manifest/packaging.js';
import { createGraphClient, localDevAuth } from '../../../src/graph/index.js';
import { AppNotInCatalogError, GraphTeamwork } from '../../../src/graph/teamwork.js';
import { startHarness, users, type Collection, type GraphErrorBody, type Harness } from './harness.js';

interface CatalogApp {
  id: string;
  externalId: string;
  displayName: string;
  distributionMethod: string;
}

interface Installation {
  id: string;
  teamsAppDefinition?: { teamsAppId: string; displayName: string; version: string };
  teamsApp?: CatalogApp;
}

const manifestId = '6a0e1c52-0000-4000-8000-00000000a991';
const manifest = { id: manifestId, version: '1.0.0', name: { short: 'Supervision', full: 'Supervision for Teams' }, icons: { color: 'color.png', outline: 'outline.png' }, bots: [{ botId: manifestId, scopes: ['personal', 'team'] }] };

/** A Teams app package as Graph takes it: manifest.json and its icons at the zip root. */
function appPackage(files: Record<string, unknown> = { 'manifest.json': manifest, 'color.png': 'png', 'outline.png': 'png' }): Promise<Buffer> {
  return zip(Object.entries(files).map(([name, data]) => ({ name, data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)) })));
}

async function post(body: Buffer | unknown, contentType = 'application/zip'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${g.server.url}/appCatalogs/teamsApps`, { method: 'POST', headers: { 'Content-Type': contentType }, body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

async function publish(): Promise<CatalogApp> {
  const published = await post(await appPackage());
  expect(published.status).toBe(200);
  return published.body as CatalogApp;
}

const install = (userId: string, catalogId: string) => g.call<GraphErrorBody | undefined>('POST', `/users/${userId}/teamwork/installedApps`, { body: { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}` } });

describe('app catalog', () => {
  it('lists a published app by its manifest id under a catalog id of its own, once', async () => {
    const app = await publish();
    expect(app).toMatchObject({ externalId: manifestId, displayName: 'Supervision', distributionMethod: 'organization' });
    expect(app.id).not.toBe(manifestId);
    const found = await g.call<Collection<CatalogApp>>('GET', `/appCatalogs/teamsApps?$filter=externalId eq '${manifestId}'`);
    expect(found.body.value).toEqual([{ id: app.id, externalId: manifestId, displayName: 'Supervision', distributionMethod: 'organization' }]);
    expect((await g.call<Collection<CatalogApp>>('GET', `/appCatalogs/teamsApps?$filter=externalId eq 'another-app'`)).body.value).toEqual([]);
    const again = await post(await appPackage());
    expect(again.status).toBe(409);
    expect((await g.call<Collection<CatalogApp>>('GET', '/appCatalogs/teamsApps')).body.value).toHaveLength(1);
  });
});

describe('Publish teamsApp', () => {
  it('takes the zipped app package with Content-Type application/zip, and refuses a bare manifest or a package missing its icons', async () => {
    const asJson = await post(manifest, 'application/json');
    expect(asJson.status).toBe(415);
    const noIcons = await post(await appPackage({ 'manifest.json': manifest }));
    expect(noIcons.status).toBe(400);
    expect((noIcons.body as GraphErrorBody).error.message).toContain('color.png');
    const notZip = await post(Buffer.from('not a zip'));
    expect(notZip.status).toBe(400);
    expect((await g.call<Collection<CatalogApp>>('GET', '/appCatalogs/teamsApps')).body.value).toEqual([]);
    expect((await post(await appPackage())).status).toBe(200);
  });

  it('publishes the package manifest/packaging.ts builds, through the gateway', async () => {
    const built = await buildPackage({ APP_ID: manifestId, BOT_ID: manifestId, APP_DOMAIN: 'localhost:3978' }, fileURLToPath(new URL('../../../manifest/', import.meta.url)));
    expect(built.problems).toEqual([]);
    const teamwork = new GraphTeamwork(createGraphClient({ baseUrl: g.server.url, auth: localDevAuth(users.ann.id) }));
    const app = await teamwork.publishApp(built.zip as Buffer);
    expect(app).toMatchObject({ externalId: manifestId, displayName: 'Supervision', distributionMethod: 'organization' });
    expect(await teamwork.publishApp(built.zip as Buffer)).toBe('already-published');
  });
});

describe('user app installations', () => {
  it('installs with 201 and no body, answers 409 when installed already, and lists one installation', async () => {
    const app = await publish();
    const first = await install(users.bob.id, app.id);
    expect(first.status).toBe(201);
    expect(first.body).toBeUndefined();
    const second = await install(users.bob.id, app.id);
    expect(second.status).toBe(409);
    expect(second.body?.error.code).toBe('Conflict');

    const listed = await g.call<Collection<Installation>>('GET', `/users/${users.bob.id}/teamwork/installedApps?$expand=teamsAppDefinition&$filter=teamsApp/externalId eq '${manifestId}'`);
    expect(listed.status).toBe(200);
    expect(listed.body.value).toHaveLength(1);
    expect(listed.body.value[0]!.teamsAppDefinition).toMatchObject({ teamsAppId: app.id, displayName: 'Supervision', version: '1.0.0' });
    expect(listed.body.value[0]!.teamsApp).toBeUndefined();
    // By UPN too, and nobody else has it.
    expect((await g.call<Collection<Installation>>('GET', `/users/${users.bob.userPrincipalName}/teamwork/installedApps?$expand=teamsApp`)).body.value[0]!.teamsApp).toMatchObject({ externalId: manifestId });
    expect((await g.call<Collection<Installation>>('GET', `/users/${users.cat.id}/teamwork/installedApps?$filter=teamsApp/externalId eq '${manifestId}'`)).body.value).toEqual([]);
  });

  it('gives the 1:1 chat of an installation, the same chat every time and a different one per person', async () => {
    const app = await publish();
    await install(users.bob.id, app.id);
    await install(users.cat.id, app.id);
    const chatOf = async (userId: string) => {
      const [installation] = (await g.call<Collection<Installation>>('GET', `/users/${userId}/teamwork/installedApps?$filter=teamsApp/id eq '${app.id}'`)).body.value;
      return g.call<{ id: string; chatType: string }>('GET', `/users/${userId}/teamwork/installedApps/${installation!.id}/chat`);
    };
    const bob = await chatOf(users.bob.id);
    expect(bob.status).toBe(200);
    expect(bob.body).toMatchObject({ chatType: 'oneOnOne' });
    expect(bob.body.id).toMatch(/^19:.+@unq\.gbl\.spaces$/);
    expect((await chatOf(users.bob.id)).body.id).toBe(bob.body.id);
    expect((await chatOf(users.cat.id)).body.id).not.toBe(bob.body.id);
  });

  it('refuses what Graph refuses: an unknown app, a malformed bind, an unknown user or installation, an unsupported filter', async () => {
    const app = await publish();
    expect((await install(users.bob.id, 'no-such-app')).status).toBe(404);
    expect((await g.call('POST', `/users/${users.bob.id}/teamwork/installedApps`, { body: { teamsApp: app.id } })).status).toBe(400);
    expect((await g.call('POST', `/users/${users.bob.id}/teamwork/installedApps`, { body: { 'teamsApp@odata.bind': 'not-a-url' } })).status).toBe(400);
    expect((await install('99999999-0000-0000-0000-000000000000', app.id)).status).toBe(404);
    expect((await g.call('GET', `/users/${users.bob.id}/teamwork/installedApps/not-installed/chat`)).status).toBe(404);
    expect((await g.call('GET', `/users/${users.bob.id}/teamwork/installedApps?$filter=secret eq 'x'`)).status).toBe(400);
  });
});

describe('GraphTeamwork (the gateway) against the local service', () => {
  const teamwork = () => new GraphTeamwork(createGraphClient({ baseUrl: g.server.url, auth: localDevAuth('supervision-app') }));

  it('installs for a person who never had the app and returns their chat; a repeat installs nothing and finds the same chat', async () => {
    await publish();
    const first = await teamwork().ensurePersonalChat(users.bob.id, manifestId);
    expect(first.installed).toBe(true);
    const again = await teamwork().ensurePersonalChat(users.bob.id, manifestId);
    expect(again).toEqual({ chatId: first.chatId, installed: false });
    expect((await g.call<Collection<Installation>>('GET', `/users/${users.bob.id}/teamwork/installedApps`)).body.value).toHaveLength(1);
  });

  it('says the app is not in the catalog when nobody published it', async () => {
    await expect(teamwork().ensurePersonalChat(users.bob.id, manifestId)).rejects.toBeInstanceOf(AppNotInCatalogError);
  });
});
