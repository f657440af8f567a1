// @vitest-environment jsdom
import { teamsLightTheme } from '@fluentui/react-components';
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../tab/src/App.js';
import { setCredentials } from '../../../tab/src/api.js';
import { testNow, type Harness } from '../../api/harness.js';
import { startLiveApi } from './live-api.js';

let h: Harness;
beforeAll(async () => {
  h = await startLiveApi({ now: testNow });
});
afterAll(() => h.close());
afterEach(() => {
  cleanup();
  setCredentials({});
  window.localStorage.clear();
  window.location.hash = '';
});

describe('the tab shell in local mode', () => {
  it('offers the dev identity picker, then shows the chosen person\'s views with landmarks', async () => {
    const user = userEvent.setup();
    render(<App host={{ kind: 'standalone', theme: 'light' }} initialTheme={teamsLightTheme} />);
    const picker = await screen.findByRole('combobox', { name: 'Acting as (local mode)' });
    expect(screen.getByRole('banner')).toBeTruthy();
    expect(screen.getByRole('main')).toBeTruthy();
    await user.click(picker);
    await user.click(await screen.findByRole('option', { name: /^Idris Penhallow/ }));
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(within(nav).getAllByRole('link').map((l) => l.textContent)).toEqual(['My team', 'Schedule', 'Informal & group', 'My supervision', 'Compliance']);
    expect(within(nav).getByRole('link', { name: 'My team' }).getAttribute('aria-current')).toBe('page');
    expect(await screen.findByRole('heading', { level: 1, name: 'My team' })).toBeTruthy();
    const table = await screen.findByRole('table', { name: 'Supervisees' });
    expect(within(table).getAllByRole('row').length).toBeGreaterThan(1);
    expect(window.localStorage.getItem('supervision.devUser')).toBe('00000000-0000-4000-8000-000000000010');
  });

  it('a supervisee who supervises nobody sees only My supervision', async () => {
    window.localStorage.setItem('supervision.devUser', '00000000-0000-4000-8000-000000000100');
    render(<App host={{ kind: 'standalone', theme: 'light' }} initialTheme={teamsLightTheme} />);
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    expect(within(nav).getAllByRole('link').map((l) => l.textContent)).toEqual(['My supervision']);
    expect(await screen.findByRole('heading', { level: 1, name: 'My supervision' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Next session' })).toBeTruthy();
  });

  it('sends the SSO token, not a dev user, when hosted', async () => {
    const seen: string[] = [];
    const host = { kind: 'teams' as const, theme: 'dark' as const, getToken: async () => { seen.push('asked'); return 'token-123'; } };
    render(<App host={host} initialTheme={teamsLightTheme} />);
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(seen.length).toBeGreaterThan(0);
    expect(screen.queryByRole('combobox', { name: 'Acting as (local mode)' })).toBeNull();
  });
});
