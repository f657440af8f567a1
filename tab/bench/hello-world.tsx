// The bundle-size baseline for `npm run bench`: a Fluent UI v9 hello world built by the same
// webpack config as the tab (TAB_ENTRY=tab/bench/hello-world.tsx).
import { Button, FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <FluentProvider theme={teamsLightTheme}>
      <Button appearance="primary">Hello world</Button>
    </FluentProvider>,
  );
}
