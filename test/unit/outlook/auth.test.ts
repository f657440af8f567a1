// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { credentialsFor, paneConfig } from '../../../tab/outlook/auth.js';

function page(meta?: string): Document {
  const doc = document.implementation.createHTMLDocument('pane');
  if (meta !== undefined) doc.head.innerHTML = `<meta name="supervision-config" content="${meta}">`;
  return doc;
}

describe('task pane configuration', () => {
  it('reads the mode and app registration the server wrote', () => {
    expect(paneConfig(page('{&quot;mode&quot;:&quot;tenant&quot;,&quot;clientId&quot;:&quot;abc&quot;,&quot;appDomain&quot;:&quot;supervision.example.org&quot;}'))).toEqual({
      mode: 'tenant',
      clientId: 'abc',
      appDomain: 'supervision.example.org',
    });
  });

  it('falls back to local mode without a usable tag', () => {
    expect(paneConfig(page())).toEqual({ mode: 'local' });
    expect(paneConfig(page('{}'))).toEqual({ mode: 'local' });
    expect(paneConfig(page('not json'))).toEqual({ mode: 'local' });
  });

  it('acts as the organiser\'s mailbox in local mode', async () => {
    expect(await credentialsFor({ mode: 'local' }, 'idris.penhallow@wrenfield.example')).toEqual({ devUser: 'idris.penhallow@wrenfield.example' });
    expect(await credentialsFor({ mode: 'local' }, undefined)).toEqual({});
  });

  it('refuses hosted mode without the app registration', async () => {
    await expect(credentialsFor({ mode: 'tenant' }, 'x@y')).rejects.toThrow(/app registration/);
  });
});
