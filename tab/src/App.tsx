import { FluentProvider, Spinner, Text, makeStyles, mergeClasses, tokens, type Theme } from '@fluentui/react-components';
import { Suspense, lazy, useCallback, useEffect, useMemo, useState, type ComponentType } from 'react';
import type { Me, PersonView } from '../../src/server/api/schemas.js';
import { api, ApiError, setCredentials } from './api.js';
import type { Host, ThemeName } from './host.js';
import { href, resolveRoute, useRoute, type ViewName } from './routing.js';
import { SessionContext } from './session.js';
import { loadTheme } from './theme.js';

// The shell stays small: the picker (local mode only) and every view load on demand.
const DevPicker = lazy(() => import(/* webpackChunkName: "dev-picker" */ './DevPicker.js'));

const views: Record<ViewName, ComponentType<{ id?: string }>> = {
  team: lazy(() => import(/* webpackChunkName: "team" */ './views/MyTeam.js')),
  schedule: lazy(() => import(/* webpackChunkName: "schedule" */ './views/Schedule.js')),
  agreement: lazy(() => import(/* webpackChunkName: "agreement" */ './views/Agreement.js')),
  record: lazy(() => import(/* webpackChunkName: "record" */ './views/SessionRecord.js')),
  informal: lazy(() => import(/* webpackChunkName: "informal" */ './views/Informal.js')),
  me: lazy(() => import(/* webpackChunkName: "me" */ './views/MySupervision.js')),
  compliance: lazy(() => import(/* webpackChunkName: "compliance" */ './views/Compliance.js')),
  audit: lazy(() => import(/* webpackChunkName: "audit" */ './views/Audit.js')),
};

const useStyles = makeStyles({
  root: { minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2, color: tokens.colorNeutralForeground1 },
  skip: {
    position: 'absolute',
    left: '-10000px',
    ':focus': { left: tokens.spacingHorizontalM, top: tokens.spacingVerticalS, zIndex: 10, padding: tokens.spacingVerticalS, backgroundColor: tokens.colorNeutralBackground1 },
  },
  banner: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  brand: { display: 'flex', flexDirection: 'column' },
  nav: { padding: `0 ${tokens.spacingHorizontalL}`, backgroundColor: tokens.colorNeutralBackground1, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  navList: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, listStyle: 'none', margin: 0, padding: 0 },
  navLink: {
    display: 'inline-block',
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}`,
    color: tokens.colorNeutralForeground2,
    textDecoration: 'none',
    borderBottom: `${tokens.strokeWidthThicker} solid transparent`,
    fontSize: tokens.fontSizeBase300,
    ':hover': { color: tokens.colorNeutralForeground1, borderBottomColor: tokens.colorNeutralStroke1 },
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px', borderRadius: tokens.borderRadiusMedium },
  },
  navCurrent: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold, borderBottomColor: tokens.colorCompoundBrandStroke },
  main: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXL}`, ':focus': { outline: 'none' } },
  picker: { minWidth: '280px', minHeight: '56px' },
  notice: {
    padding: tokens.spacingVerticalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
});

const devUserKey = 'supervision.devUser';

type Phase = { kind: 'starting' } | { kind: 'local'; people: PersonView[] } | { kind: 'hosted' } | { kind: 'no-sign-in' };

function navItems(me: Me): { view: ViewName; label: string }[] {
  const items: { view: ViewName; label: string }[] = [];
  if (me.supervises > 0) items.push({ view: 'team', label: 'My team' }, { view: 'schedule', label: 'Schedule' }, { view: 'informal', label: 'Informal & group' });
  if (me.supervised) items.push({ view: 'me', label: 'My supervision' });
  if (me.supervises > 0 || me.manages || me.serviceManager) items.push({ view: 'compliance', label: 'Compliance' });
  if (me.serviceManager) items.push({ view: 'audit', label: 'Audit' });
  return items;
}

function defaultView(me: Me): ViewName {
  if (me.supervises > 0) return 'team';
  if (me.supervised) return 'me';
  return 'compliance';
}

function storedDevUser(): string | undefined {
  const fromUrl = new URLSearchParams(window.location.search).get('as');
  if (fromUrl) return fromUrl;
  try {
    return window.localStorage.getItem(devUserKey) ?? undefined;
  } catch {
    return undefined;
  }
}

export function App({ host, initialTheme }: { host: Host; initialTheme: Theme }) {
  const [theme, setTheme] = useState<{ name: ThemeName; value: Theme }>({ name: host.theme, value: initialTheme });
  useEffect(
    () =>
      host.onThemeChange?.((name) => {
        void loadTheme(name).then((value) => setTheme({ name, value }));
      }),
    [host],
  );
  return (
    <FluentProvider theme={theme.value} data-theme={theme.name}>
      <Shell host={host} />
    </FluentProvider>
  );
}

function Shell({ host }: { host: Host }) {
  const styles = useStyles();
  const requested = useRoute();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [devUser, setDevUser] = useState<string | undefined>();
  const [me, setMe] = useState<Me>();
  const [error, setError] = useState<ApiError>();

  const loadMe = useCallback(async () => {
    try {
      setMe(await api.get<Me>('/me'));
      setError(undefined);
    } catch (e) {
      setMe(undefined);
      setError(e instanceof ApiError ? e : undefined);
    }
  }, []);

  useEffect(() => {
    void (async () => {
      if (host.getToken) {
        setCredentials({ getToken: host.getToken });
        setPhase({ kind: 'hosted' });
        await loadMe();
        return;
      }
      try {
        const people = await api.get<PersonView[]>('/dev/people');
        setPhase({ kind: 'local', people });
        const chosen = storedDevUser();
        if (chosen && people.some((p) => p.id === chosen || p.mail.toLowerCase() === chosen.toLowerCase())) {
          const person = people.find((p) => p.id === chosen || p.mail.toLowerCase() === chosen.toLowerCase())!;
          setDevUser(person.id);
          setCredentials({ devUser: person.id });
          await loadMe();
        }
      } catch {
        setPhase({ kind: 'no-sign-in' });
      }
    })();
  }, [host, loadMe]);

  const choose = useCallback(
    async (id: string) => {
      setDevUser(id);
      setCredentials({ devUser: id });
      try {
        window.localStorage.setItem(devUserKey, id);
      } catch {
        // Private browsing: the choice lasts for this page only.
      }
      setMe(undefined);
      // A different person starts on their own home view.
      if (window.location.hash) window.location.hash = '';
      await loadMe();
    },
    [loadMe],
  );

  const session = useMemo(() => (me ? { me, refresh: () => void loadMe() } : null), [me, loadMe]);
  const route = resolveRoute(requested, me?.id);
  const items = me ? navItems(me) : [];
  const current: ViewName | null = me ? (route.view ?? defaultView(me)) : null;
  const View = current ? views[current] : null;
  const selectedTab = current === 'agreement' || current === 'record' ? (me && me.supervises > 0 ? 'team' : 'me') : current;

  return (
    <div className={styles.root}>
      <a className={styles.skip} href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header className={styles.banner}>
        <div className={styles.brand}>
          <Text weight="semibold" size={500}>
            Supervision for Teams
          </Text>
          {me ? <Text size={200}>{me.org.name}</Text> : null}
        </div>
        {phase.kind === 'local' ? (
          <div className={styles.picker}>
            <Suspense fallback={<Spinner size="tiny" label="Loading people" />}>
              <DevPicker people={phase.people} value={devUser} onChoose={(id) => void choose(id)} />
            </Suspense>
          </div>
        ) : me ? (
          <Text>{me.displayName}</Text>
        ) : null}
      </header>
      {items.length > 0 ? (
        <nav aria-label="Views" className={styles.nav}>
          <ul className={styles.navList}>
            {items.map((item) => (
              <li key={item.view}>
                <a href={href(item.view)} aria-current={selectedTab === item.view ? 'page' : undefined} className={mergeClasses(styles.navLink, selectedTab === item.view && styles.navCurrent)}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1} className={styles.main}>
        {phase.kind === 'starting' ? <Spinner size="small" label="Starting" /> : null}
        {phase.kind === 'no-sign-in' ? (
          <p className={styles.notice}>Open Supervision for Teams from Microsoft Teams, Outlook or the Microsoft 365 app to sign in.</p>
        ) : null}
        {phase.kind === 'local' && !devUser ? (
          <section aria-labelledby="welcome">
            <h1 id="welcome">Welcome</h1>
            <Text>Local mode: choose who you are in “Acting as” to see the app as that person.</Text>
          </section>
        ) : null}
        {error ? (
          <p role="alert" className={styles.notice}>
            Cannot sign you in: {error.message}
          </p>
        ) : null}
        {session && View ? (
          <SessionContext.Provider value={session}>
            <Suspense fallback={<Spinner size="small" label="Loading" />}>
              <View key={`${current}/${route.id ?? ''}/${me?.id}`} {...(route.id ? { id: route.id } : {})} />
            </Suspense>
          </SessionContext.Provider>
        ) : null}
      </main>
    </div>
  );
}
