import { FluentProvider } from '@fluentui/react-components';
import { Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { detectHost } from './host.js';
import { openSubPage } from './routing.js';
import { loadTheme } from './theme.js';

async function start(): Promise<void> {
  const host = await detectHost();
  document.documentElement.dataset.host = host.kind;
  const theme = await loadTheme(host.theme);
  const root = document.getElementById('root');
  if (!root) return;
  if (/\/tab\/config\/?$/.test(window.location.pathname)) {
    const ChannelConfig = lazy(() => import(/* webpackChunkName: "channel-config" */ './ChannelConfig.js'));
    createRoot(root).render(
      <FluentProvider theme={theme}>
        <Suspense fallback={null}>
          <ChannelConfig host={host} />
        </Suspense>
      </FluentProvider>,
    );
    return;
  }
  // A deep link from a card or a meeting body opens the view it names.
  openSubPage(host.subPageId);
  createRoot(root).render(<App host={host} initialTheme={theme} />);
}

void start();
