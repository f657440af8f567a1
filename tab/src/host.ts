/**
 * Where the tab runs: inside Teams, Outlook or the Microsoft 365 app (teams-js), or in a plain
 * browser (local mode). teams-js is loaded only when a host is plausible, and initialisation
 * gives up after a short timeout so a plain browser never waits on a host that is not there.
 */
export type ThemeName = 'light' | 'dark' | 'contrast';

export interface Host {
  kind: 'teams' | 'outlook' | 'office' | 'standalone';
  theme: ThemeName;
  /**
   * SSO token for the API when hosted. The host issues it for the manifest's
   * `webApplicationInfo.resource` (`api://<APP_DOMAIN>/botid-<BOT_ID>`), so the tab names no scope.
   */
  getToken?: () => Promise<string>;
  /** Subscribes to host theme changes; returns nothing to undo (teams-js keeps one handler). */
  onThemeChange?: (handler: (theme: ThemeName) => void) => void;
  /** The sub-entity a deep link opened the tab with (`context.page.subPageId`): a route such as `record/<id>`. */
  subPageId?: string;
}

export function themeFromHost(theme: string | undefined): ThemeName {
  if (theme === 'dark') return 'dark';
  if (theme === 'contrast') return 'contrast';
  return 'light';
}

/** `?theme=light|dark|contrast` (tests, screenshots) wins over everything else. */
export function themeOverride(search: string): ThemeName | undefined {
  const value = new URLSearchParams(search).get('theme');
  return value === 'light' || value === 'dark' || value === 'contrast' ? value : undefined;
}

function mightBeHosted(win: Window): boolean {
  const inFrame = (() => {
    try {
      return win.self !== win.top;
    } catch {
      // A cross-origin parent throws: that is a host frame.
      return true;
    }
  })();
  const native = 'nativeInterface' in win || win.navigator.userAgent.includes('Teams/');
  return inFrame || native || win.opener !== null;
}

function standalone(win: Window): Host {
  const prefersDark = typeof win.matchMedia === 'function' && win.matchMedia('(prefers-color-scheme: dark)').matches;
  return { kind: 'standalone', theme: themeOverride(win.location.search) ?? (prefersDark ? 'dark' : 'light') };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('host did not answer')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export async function detectHost(win: Window = window, timeoutMs = 2500): Promise<Host> {
  if (!mightBeHosted(win)) return standalone(win);
  try {
    const { app, authentication, HostName } = await import(/* webpackChunkName: "teams-js" */ '@microsoft/teams-js');
    await withTimeout(app.initialize(), timeoutMs);
    const context = await withTimeout(app.getContext(), timeoutMs);
    app.notifySuccess().catch(() => undefined);
    const name = context.app.host.name;
    const kind: Host['kind'] = name === HostName.outlook || name === HostName.outlookWin32 ? 'outlook' : name === HostName.office ? 'office' : 'teams';
    const subPageId = context.page.subPageId;
    return {
      kind,
      ...(subPageId ? { subPageId } : {}),
      theme: themeOverride(win.location.search) ?? themeFromHost(context.app.theme),
      getToken: () => authentication.getAuthToken(),
      onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(themeFromHost(theme))),
    };
  } catch {
    return standalone(win);
  }
}
