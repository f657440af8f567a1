import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkConsistency,
  officialSchemaPath,
  remainingPlaceholders,
  ribbonControls,
  settingNames,
  validateAgainstOfficialSchema,
} from '../../../manifest/packaging.js';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier } from '../../../src/server/api/identity.js';
import { ssoScope } from '../../../src/server/api/sso.js';
import { settings, substituted, templateText, type Manifest } from './fixtures.js';

const asObject = (m: Manifest) => m as unknown as Record<string, unknown>;
const clone = (m: Manifest): Manifest => structuredClone(m);

describe('manifest template', () => {
  const template = JSON.parse(templateText) as Manifest;

  it('declares manifestVersion 1.29 or later, with an official schema shipped in @microsoft/app-manifest', () => {
    const [major, minor] = template.manifestVersion.split('.').map(Number);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(29);
    expect(existsSync(officialSchemaPath(template.manifestVersion))).toBe(true);
    expect(template.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${template.manifestVersion}/MicrosoftTeams.schema.json`);
  });

  it('uses exactly the placeholders APP_ID, BOT_ID and APP_DOMAIN, and nothing is left after substitution', () => {
    const used = remainingPlaceholders(templateText).sort();
    expect(used).toEqual(settingNames.map((n) => `\${{${n}}}`).sort());
    const text = JSON.stringify(substituted());
    expect(remainingPlaceholders(text)).toEqual([]);
    expect(text).not.toContain('${{');
    expect(text).toContain(settings.APP_ID);
    expect(text).toContain(settings.BOT_ID);
    expect(text).toContain(settings.APP_DOMAIN);
  });
});

describe('the substituted manifest against the official JSON schema (offline)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is valid for its declared manifestVersion', () => {
    expect(validateAgainstOfficialSchema(substituted())).toEqual([]);
  });

  it("is also valid by @microsoft/app-manifest's own validator, with the network unavailable", async () => {
    const fetch = vi.fn(() => Promise.reject(new Error('network is not allowed in this test')));
    vi.stubGlobal('fetch', fetch);
    const { AppManifestUtils } = await import('@microsoft/app-manifest');
    const errors = await AppManifestUtils.validateAgainstSchema(substituted());
    expect(errors).toEqual([]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('the unsubstituted template is not valid (ids must be GUIDs), so the check has teeth', () => {
    const errors = validateAgainstOfficialSchema(JSON.parse(templateText));
    expect(errors.some((e) => e.startsWith('/id '))).toBe(true);
    expect(errors.some((e) => e.startsWith('/bots/0/botId '))).toBe(true);
  });

  it('reports schema errors by path', () => {
    const broken = clone(substituted());
    asObject(broken).accentColor = 'teal';
    delete (broken.bots![0] as Partial<NonNullable<Manifest['bots']>[number]>).botId;
    (broken.extensions![0] as Record<string, unknown>).unknownProperty = true;
    const errors = validateAgainstOfficialSchema(broken);
    expect(errors.some((e) => e.startsWith('/accentColor '))).toBe(true);
    expect(errors.some((e) => e.startsWith('/bots/0 ') && e.includes('botId'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/extensions/0 ') && e.includes('additional properties'))).toBe(true);
  });

  it('reports a manifestVersion with no shipped schema', () => {
    const m = clone(substituted());
    asObject(m).manifestVersion = '1.18';
    expect(validateAgainstOfficialSchema(m)[0]).toMatch(/ships no schema for this version/);
  });
});

describe('what the schema cannot check', () => {
  it('passes for the template', () => {
    expect(checkConsistency(asObject(substituted()), settings)).toEqual([]);
  });

  it('catches a button whose actionId no runtime defines', () => {
    const m = clone(substituted());
    m.extensions![0]!.ribbons![0]!.tabs[0]!.groups![0]!.controls![0]!.actionId = 'nowhere';
    expect(checkConsistency(asObject(m), settings)).toContainEqual(expect.stringMatching(/actionId "nowhere" is not an action of any runtime/));
  });

  it('catches a URL off the app domain, and a wrong SSO resource', () => {
    const m = clone(substituted());
    m.staticTabs![0]!.contentUrl = 'https://elsewhere.example.com/tab';
    m.webApplicationInfo!.resource = `api://${settings.APP_ID}`;
    const problems = checkConsistency(asObject(m), settings);
    expect(problems).toContainEqual(expect.stringMatching(/^\/staticTabs\/0\/contentUrl: .* is not on APP_DOMAIN/));
    expect(problems).toContainEqual(expect.stringMatching(/^\/webApplicationInfo\/resource must be api:\/\/supervision\.example\.org\/botid-8e7d6c5b-/));
  });

  it('refuses the client-id form of the Application ID URI: an app with a bot needs botid-<BOT_ID>', () => {
    const m = clone(substituted());
    m.webApplicationInfo!.resource = `api://${settings.APP_DOMAIN}/${settings.APP_ID}`;
    expect(checkConsistency(asObject(m), settings)).toEqual([`/webApplicationInfo/resource must be api://${settings.APP_DOMAIN}/botid-${settings.BOT_ID}, the Application ID URI the server accepts`]);
  });
});

describe('capabilities', () => {
  const m = substituted();

  it('has the personal "Supervision" tab for Teams, Outlook and the Microsoft 365 app', () => {
    const tab = m.staticTabs!.find((t) => t.name === 'Supervision')!;
    expect(tab).toBeDefined();
    expect(tab.contentUrl).toBe(`https://${settings.APP_DOMAIN}/tab`);
    // Outlook and the Microsoft 365 app host static tabs in personal scope only.
    expect(tab.scopes).toEqual(['personal']);
    expect(tab.context).toEqual(['personalTab']);
  });

  it('has the configurable circles board tab for team channels', () => {
    expect(m.configurableTabs).toHaveLength(1);
    const tab = m.configurableTabs![0]!;
    expect(tab.configurationUrl).toBe(`https://${settings.APP_DOMAIN}/tab/config`);
    expect(tab.scopes).toEqual(['team']);
    expect(tab.context).toEqual(['channelTab']);
  });

  it('has the bot in personal and team scope with a command list for each', () => {
    const bot = m.bots![0]!;
    expect(bot.botId).toBe(settings.BOT_ID);
    expect([...bot.scopes].sort()).toEqual(['personal', 'team']);
    const titles = (scope: string) => bot.commandLists!.filter((l) => l.scopes.includes(scope as never)).flatMap((l) => l.commands.map((c) => c.title));
    expect(titles('personal')).toEqual(['next', 'prepare', 'actions', 'reschedule', 'help']);
    expect(titles('team')).toEqual(expect.arrayContaining(['solution circle', 'success circle']));
    for (const list of bot.commandLists!) for (const command of list.commands) expect(command.description?.length).toBeGreaterThan(0);
  });

  it('has SSO for APP_ID with the bot form of the Application ID URI, api://<APP_DOMAIN>/botid-<BOT_ID>, and the app domain as a valid domain', () => {
    expect(m.webApplicationInfo).toEqual({ id: settings.APP_ID, resource: `api://${settings.APP_DOMAIN}/botid-${settings.BOT_ID}` });
    expect(m.validDomains).toEqual([settings.APP_DOMAIN]);
    expect(m.id).toBe(settings.APP_ID);
  });

  it('names the resource the server accepts as a v1 token audience, and the task pane asks for under it', async () => {
    const resource = m.webApplicationInfo!.resource!;
    expect(ssoScope(settings.APP_DOMAIN, settings.BOT_ID)).toBe(`${resource}/access_as_user`);
    const key = await generateKeyPair('RS256');
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k', alg: 'RS256' }] });
    const tenant = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const verify = createTokenVerifier({ clientId: settings.APP_ID, appDomain: settings.APP_DOMAIN, botId: settings.BOT_ID, allowedTenants: [tenant], keys });
    const token = (aud: string) =>
      new SignJWT({ aud, iss: `https://sts.windows.net/${tenant}/`, tid: tenant, oid: 'a', scp: 'access_as_user' }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setExpirationTime('1h').sign(key.privateKey);
    await expect(verify(await token(resource))).resolves.toMatchObject({ oid: 'a' });
    await expect(verify(await token(`api://${settings.APP_DOMAIN}/${settings.APP_ID}`))).rejects.toThrow(/not for this app/);
  });

  it('has one Outlook extension: a "Schedule supervision" button on the appointment organizer surface opening the task pane', () => {
    expect(m.extensions).toHaveLength(1);
    const ext = m.extensions![0]!;
    expect(ext.requirements?.scopes).toEqual(['mail']);
    const mailbox = ext.requirements?.capabilities?.find((c) => c.name === 'Mailbox');
    // item.recurrence.setAsync is Mailbox 1.7.
    expect(Number(mailbox?.minVersion)).toBeGreaterThanOrEqual(1.7);

    const buttons = ribbonControls(asObject(m)).filter((c) => c.contexts.includes('meetingDetailsOrganizer'));
    const control = ext.ribbons!.flatMap((r) => r.tabs.flatMap((t) => t.groups ?? []).flatMap((g) => g.controls ?? [])).find((c) => c.label === 'Schedule supervision')!;
    expect(control).toBeDefined();
    expect(control.type).toBe('button');
    expect(buttons.map((b) => b.id)).toContain(control.id);

    const runtime = ext.runtimes!.find((r) => r.actions?.some((a) => a.id === control.actionId))!;
    const action = runtime.actions!.find((a) => a.id === control.actionId)!;
    expect(action.type).toBe('openPage');
    expect(runtime.code.page).toBe(`https://${settings.APP_DOMAIN}/outlook/taskpane.html`);
    expect(control.icons!.map((i) => i.size).sort((a, b) => a - b)).toEqual([16, 32, 80]);
  });

  it('asks for the least privilege: read/write of the open item only, no Teams resource-specific consent', () => {
    // setAsync on the recurrence needs "read/write item"; the bot hears channels by @mention,
    // so it needs no ChannelMessage.Read.Group; Graph permissions live on the Entra app, not here.
    expect(m.authorization?.permissions?.resourceSpecific).toEqual([{ name: 'MailboxItem.ReadWrite.User', type: 'Delegated' }]);
    expect(asObject(m).permissions).toBeUndefined();
    expect(asObject(m).devicePermissions).toBeUndefined();
  });
});
