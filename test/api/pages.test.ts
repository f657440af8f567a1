/**
 * The privacy and terms pages the manifest names (developer.privacyUrl, termsOfUseUrl): served,
 * plain HTML, and accurate about this app's data: every list it keeps, where else data lives,
 * who can read a record, and each organisation's retention rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manifest from '../../manifest/manifest.json' with { type: 'json' };
import { allPacks, getPack } from '../../src/policy/packs.js';
import { lists } from '../../src/records/lists.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ org: 'birmingham' });
});
afterAll(async () => {
  await h.close();
});

describe('privacy and terms', () => {
  it('are the pages the manifest names', () => {
    expect(manifest.developer.privacyUrl).toBe('https://${{APP_DOMAIN}}/privacy');
    expect(manifest.developer.termsOfUseUrl).toBe('https://${{APP_DOMAIN}}/terms');
  });

  it('privacy says what is kept where, who can read records, and each policy\u2019s retention; no seed file names', async () => {
    const res = await h.as(null).get<string>('/privacy');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = res.body.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
    for (const list of Object.values(lists)) expect(text).toContain(list.name);
    for (const where of ['SharePoint', 'Outlook', 'Teams', 'audit log']) expect(text).toContain(where);
    expect(text).toMatch(/case references? only/i);
    expect(text).toMatch(/supervisee; their supervisor; a cover supervisor while the cover is in force; the supervisor's line manager; and the service managers/);
    expect(text).toContain('Birmingham Children\'s Trust: Kept for 72 months after the worker leaves');
    for (const pack of allPacks()) expect(text).toContain(pack.name);
    expect(text).toContain(getPack('birmingham').recordAccess!.text.slice(0, 60));
    expect(res.body).not.toMatch(/\.txt\b/);
  });

  it('terms are served and point to privacy', async () => {
    const res = await h.as(null).get<string>('/terms');
    expect(res.status).toBe(200);
    expect(res.body).toContain('href="/privacy"');
    expect(res.body).toMatch(/case references, never the names/);
  });
});
