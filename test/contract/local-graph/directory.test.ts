import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, users, type Collection, type GraphErrorBody, type Harness } from './harness.js';

interface User {
  id: string;
  displayName: string;
  mail: string;
  userPrincipalName: string;
  department?: string | null;
  '@odata.type'?: string;
}

let g: Harness;
beforeEach(async () => {
  g = await startHarness();
});
afterEach(async () => {
  await g.stop();
});

describe('directory', () => {
  it('pages users with $top and a $skiptoken nextLink', async () => {
    const first = await g.call<Collection<User>>('GET', '/users?$top=2');
    expect(first.body.value.map((u) => u.id)).toEqual([users.ann.id, users.bob.id]);
    const next = first.body['@odata.nextLink'] as string;
    expect(next).toContain('$skiptoken=');
    const second = await g.follow<Collection<User>>(next);
    expect(second.body.value.map((u) => u.id)).toEqual([users.cat.id]);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });

  it('filters on mail and userPrincipalName without regard to case, and selects properties', async () => {
    const byMail = await g.call<Collection<User>>('GET', `/users?$filter=mail eq 'BOB@contoso.test'`);
    expect(byMail.body.value.map((u) => u.id)).toEqual([users.bob.id]);
    const byUpn = await g.call<Collection<User>>('GET', `/users?$filter=userPrincipalName eq '${users.cat.userPrincipalName}' or mail eq '${users.ann.mail}'`);
    expect(byUpn.body.value).toHaveLength(2);
    const plain = await g.call<User>('GET', `/users/${users.bob.userPrincipalName}`);
    expect(plain.body.department).toBeUndefined();
    const selected = await g.call<User>('GET', `/users/${users.bob.id}?$select=displayName,department`);
    expect(selected.body).toEqual({ id: users.bob.id, displayName: users.bob.displayName, department: users.bob.department });
  });

  it('resolves manager and direct reports, and reports missing ones as Graph does', async () => {
    const manager = await g.call<User>('GET', `/users/${users.bob.id}/manager`);
    expect(manager.body).toMatchObject({ id: users.ann.id, '@odata.type': '#microsoft.graph.user' });
    const reports = await g.call<Collection<User>>('GET', `/users/${users.ann.mail}/directReports`);
    expect(reports.body.value.map((u) => u.id).sort()).toEqual([users.bob.id, users.cat.id].sort());
    const none = await g.call<GraphErrorBody>('GET', `/users/${users.ann.id}/manager`);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('Request_ResourceNotFound');
    const unknown = await g.call<GraphErrorBody>('GET', `/users/ghost@contoso.test`);
    expect(unknown.body.error.code).toBe('Request_ResourceNotFound');
    const mailbox = await g.call<GraphErrorBody>('GET', `/users/ghost@contoso.test/events`);
    expect(mailbox.status).toBe(404);
    expect(mailbox.body.error.code).toBe('ErrorInvalidUser');
  });

  it('serves /me for a user named by x-local-user or a bearer token', async () => {
    expect((await g.call<User>('GET', '/me', { headers: { 'x-local-user': users.cat.mail } })).body.id).toBe(users.cat.id);
    expect((await g.call<User>('GET', '/me', { headers: { Authorization: `Bearer ${users.bob.userPrincipalName}` } })).body.id).toBe(users.bob.id);
    const payload = Buffer.from(JSON.stringify({ oid: users.ann.id })).toString('base64url');
    expect((await g.call<User>('GET', '/me', { headers: { Authorization: `Bearer e30.${payload}.sig` } })).body.id).toBe(users.ann.id);
    const anonymous = await g.call<GraphErrorBody>('GET', '/me');
    expect(anonymous.status).toBe(400);
  });

  it('reads and updates mailboxSettings', async () => {
    const settings = await g.call<{ timeZone: string; workingHours: { startTime: string } }>('GET', `/users/${users.ann.id}/mailboxSettings`);
    expect(settings.body).toMatchObject({ timeZone: 'GMT Standard Time', workingHours: { startTime: '09:00:00.0000000' } });
    const zone = await g.call<{ value: string }>('GET', `/users/${users.ann.id}/mailboxSettings/timeZone`);
    expect(zone.body.value).toBe('GMT Standard Time');
    const bad = await g.call<GraphErrorBody>('PATCH', `/users/${users.ann.id}/mailboxSettings`, { body: { workingHours: { startTime: 'nine' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('workingHours.startTime');
  });

  it('answers unknown segments and methods with Graph errors', async () => {
    const segment = await g.call<GraphErrorBody>('GET', `/users/${users.ann.id}/teleporter`);
    expect(segment.status).toBe(400);
    expect(segment.body.error.message).toContain("'teleporter'");
    const method = await g.call<GraphErrorBody>('PUT', `/users/${users.ann.id}/events`, { body: {} });
    expect(method.status).toBe(405);
  });
});
