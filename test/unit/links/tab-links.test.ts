// @vitest-environment jsdom
/**
 * Links into the tab (teams-docs "Deep link to an application": "Configure deep link to
 * browse within your app manually"), and the tab opening what a link names.
 */
import { describe, expect, it } from 'vitest';
import { digestCard, prepCard } from '../../../bot/cards/prep-cards.js';
import { signOffCard } from '../../../bot/cards/signoff-cards.js';
import { meetingBody } from '../../../src/booking/booking.js';
import { sessionLink } from '../../../src/booking/booking.js';
import { subEntityId, tabEntityId, tabLink } from '../../../src/links/tab-links.js';
import { getPack } from '../../../src/policy/packs.js';
import { openSubPage, parseRoute, resolveRoute } from '../../../tab/src/routing.js';
import manifest from '../../../manifest/manifest.json' with { type: 'json' };

const appId = 'e3e29acb-8c79-412b-b746-e6c39ff4cd22';
const tenant = { appUrl: 'https://supervision.example.org', teamsAppId: appId };

describe('Deep link to an application: the personal tab with a sub-entity', () => {
  it('is https://teams.microsoft.com/l/entity/<appId>/<entityId> with webUrl, label and context {"subEntityId"} each URI-encoded', () => {
    const link = tabLink(tenant, { view: 'record', recordId: 'rec-2027-01-05 u1' }, 'Supervision record');
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`https://teams.microsoft.com/l/entity/${appId}/${tabEntityId}`);
    expect(url.searchParams.get('webUrl')).toBe('https://supervision.example.org/tab#/record/rec-2027-01-05%20u1');
    expect(url.searchParams.get('label')).toBe('Supervision record');
    expect(JSON.parse(url.searchParams.get('context') as string)).toEqual({ subEntityId: 'record/rec-2027-01-05%20u1' });
    // Every part encoded: no raw braces, quotes or spaces in the link.
    expect(link).not.toMatch(/[{}" ]/);
  });

  it('names the entityId of the manifest\u2019s personal tab', () => {
    expect(manifest.staticTabs.map((t) => t.entityId)).toContain(tabEntityId);
  });

  it('is the tab\u2019s own URL locally, where there is no Teams', () => {
    expect(tabLink({ appUrl: 'http://localhost:3978' }, { view: 'session', superviseeId: 'u1' }, 'Supervision')).toBe('http://localhost:3978/tab#/session/u1');
    expect(tabLink({ appUrl: 'http://localhost:3978/' }, { view: 'home' }, 'Supervision')).toBe('http://localhost:3978/tab');
  });

  it('opens in the tab what it names: page.subPageId becomes the route, session/<id> by who opens it', () => {
    const route = subEntityId({ view: 'session', superviseeId: 'u1' });
    expect(resolveRoute(parseRoute(`#/${route}`), 'u1')).toEqual({ view: 'me' });
    expect(resolveRoute(parseRoute(`#/${route}`), 'manager-1')).toEqual({ view: 'schedule', id: 'u1' });
    expect(parseRoute(`#/${subEntityId({ view: 'record', recordId: 'rec/1' })}`)).toEqual({ view: 'record', id: 'rec/1' });
    const win = { location: { hash: '' } } as unknown as Window;
    openSubPage('record/rec-1', win);
    expect(win.location.hash).toBe('#/record/rec-1');
    const already = { location: { hash: '#/team' } } as unknown as Window;
    openSubPage('record/rec-1', already);
    expect(already.location.hash).toBe('#/team');
  });
});

describe('links in meeting bodies and cards', () => {
  it('meeting bodies link to the supervisee\u2019s sessions through a Teams deep link', () => {
    const body = meetingBody(getPack('dudley'), 'asye', 'weekly for 6 weeks', sessionLink(tenant, 'u1'));
    const href = /href="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBe(tabLink(tenant, { view: 'session', superviseeId: 'u1' }, 'Supervision'));
  });

  const context = {
    staff: { userId: 'u1' },
    supervisorName: 'Sam Supervisor',
    occurrence: { id: 'occ-1', date: '2027-01-12', time: '10:00', joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0' },
    openActions: [],
    lastRecordActions: new Set<string>(),
    casesDue: [],
    existing: undefined,
    questions: [],
    perCase: [],
  } as unknown as Parameters<typeof prepCard>[0];
  const urls = (card: { actions?: { type: string; url?: string; title?: string }[] }) => (card.actions ?? []).filter((a) => a.type === 'Action.OpenUrl').map((a) => [a.title, a.url]);

  it('prep and digest cards carry the Teams meeting join link, and the digest opens the sessions in the tab', () => {
    expect(urls(prepCard(context, { values: {}, errors: {} }, 'prompt') as never)).toContainEqual(['Join the Teams meeting', context.occurrence.joinUrl]);
    const link = tabLink(tenant, { view: 'session', superviseeId: 'u1' }, 'Supervision');
    expect(urls(digestCard({ superviseeName: 'Jo', context, overdueCases: [], link }) as never)).toEqual([
      ['Join the Teams meeting', context.occurrence.joinUrl],
      ['Open the sessions', link],
    ]);
    const inPerson = { ...context, occurrence: { id: 'occ-2', date: '2027-01-19', time: '10:00' } } as typeof context;
    expect(urls(digestCard({ superviseeName: 'Jo', context: inPerson, overdueCases: [], link }) as never)).toEqual([['Open the sessions', link]]);
  });

  it('the sign-off card opens the record itself', () => {
    const record = { id: 'rec-1', sessionDate: '2027-01-05', actions: [], cases: [] } as unknown as Parameters<typeof signOffCard>[0]['record'];
    const link = tabLink(tenant, { view: 'record', recordId: 'rec-1' }, 'Supervision record');
    expect(urls(signOffCard({ record, version: '1', supervisorName: 'Sam', deadline: 'by Friday', disagreement: undefined, link }) as never)).toEqual([['Read the record', link]]);
  });
});
