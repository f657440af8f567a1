// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { detectHost, themeFromHost, themeOverride } from '../../../tab/src/host.js';
import { href, parseRoute } from '../../../tab/src/routing.js';

describe('host detection and themes', () => {
  it('maps the host theme names to Fluent themes', () => {
    expect(themeFromHost('default')).toBe('light');
    expect(themeFromHost('dark')).toBe('dark');
    expect(themeFromHost('contrast')).toBe('contrast');
    expect(themeFromHost('glass')).toBe('light');
  });

  it('takes ?theme= as an override', () => {
    expect(themeOverride('?theme=dark')).toBe('dark');
    expect(themeOverride('?theme=contrast&as=x')).toBe('contrast');
    expect(themeOverride('?theme=purple')).toBeUndefined();
  });

  it('is standalone at once in a plain browser window (no frame, no native host)', async () => {
    // A host timeout longer than the test's own timeout: waiting for a host would fail the test.
    const host = await detectHost(window, 120_000);
    expect(host.kind).toBe('standalone');
    expect(host.getToken).toBeUndefined();
  });
});

describe('hash routes', () => {
  it('round-trips views and ids', () => {
    expect(parseRoute(href('record', 'record-abc'))).toEqual({ view: 'record', id: 'record-abc' });
    expect(parseRoute('#/team')).toEqual({ view: 'team' });
    expect(parseRoute('#/nope')).toEqual({ view: null });
    expect(parseRoute('')).toEqual({ view: null });
  });
});
