/**
 * Outlook automatic replies as evidence of a supervisor's absence, read the way production
 * reads them: the gateway's GraphDirectory calls GET /users/{id}/mailboxSettings/
 * automaticRepliesSetting on the embedded Graph-compatible service over HTTP, after the
 * reply was set with PATCH /users/{id}/mailboxSettings as Outlook would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { absenceFromAutomaticReplies, coverNeed } from '../../src/absence/absence.js';
import { createGraphClient, localDevAuth } from '../../src/graph/index.js';
import { GraphDirectory } from '../../src/server/graph-services.js';
import { startHarness, users, type GraphErrorBody, type Harness } from './local-graph/harness.js';

let g: Harness;
let directory: GraphDirectory;

beforeEach(async () => {
  g = await startHarness();
  directory = new GraphDirectory(createGraphClient({ baseUrl: g.server.url, auth: localDevAuth(users.ann.id) }));
});
afterEach(async () => {
  await g.stop();
});

const setReplies = (user: string, setting: Record<string, unknown>) => g.call('PATCH', `/users/${user}/mailboxSettings`, { body: { automaticRepliesSetting: setting } });

describe('automatic replies through the gateway', () => {
  it('reads disabled by default', async () => {
    expect(await directory.automaticReplies(users.ann.id)).toEqual({ status: 'disabled' });
  });

  it('reads a scheduled reply set in London time as its UTC instants, and the absence it shows', async () => {
    const patched = await setReplies(users.bob.id, {
      status: 'scheduled',
      internalReplyMessage: 'Away',
      scheduledStartDateTime: { dateTime: '2027-06-07T00:00:00', timeZone: 'GMT Standard Time' },
      scheduledEndDateTime: { dateTime: '2027-07-12T00:00:00', timeZone: 'GMT Standard Time' },
    });
    expect(patched.status).toBe(200);
    const raw = await g.call<Record<string, unknown>>('GET', `/users/${users.bob.id}/mailboxSettings/automaticRepliesSetting`);
    expect(raw.body).toMatchObject({ status: 'scheduled', scheduledStartDateTime: { dateTime: '2027-06-06T23:00:00.0000000', timeZone: 'UTC' } });

    const replies = await directory.automaticReplies(users.bob.mail);
    expect(replies).toEqual({ status: 'scheduled', start: Date.parse('2027-06-06T23:00:00Z'), end: Date.parse('2027-07-11T23:00:00Z') });
    const absence = absenceFromAutomaticReplies(replies!);
    expect(absence).toEqual({ from: '2027-06-07', to: '2027-07-11', sources: ['automatic-replies'] });
    // Five weeks away: longer than four weeks, so cover is due on the 29th day.
    expect(coverNeed({ weeks: 4 }, [absence!], '2027-06-07')?.due).toBe('2027-07-05');
  });

  it('keeps the reply across a restart of the service (persisted with the mailbox settings)', async () => {
    await setReplies(users.cat.id, { status: 'alwaysEnabled', internalReplyMessage: 'Away' });
    await g.restart();
    directory = new GraphDirectory(createGraphClient({ baseUrl: g.server.url, auth: localDevAuth(users.ann.id) }));
    expect(await directory.automaticReplies(users.cat.id)).toEqual({ status: 'alwaysEnabled' });
  });

  it('refuses a schedule that ends before it starts, as Exchange does', async () => {
    const refused = await setReplies(users.bob.id, {
      status: 'scheduled',
      scheduledStartDateTime: { dateTime: '2027-06-07T00:00:00', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2027-06-01T00:00:00', timeZone: 'UTC' },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as GraphErrorBody).error.code).toBe('ErrorInvalidParameter');
    expect(await directory.automaticReplies(users.bob.id)).toEqual({ status: 'disabled' });
  });

  it('answers undefined for someone with no mailbox', async () => {
    expect(await directory.automaticReplies('ghost@contoso.test')).toBeUndefined();
  });
});
