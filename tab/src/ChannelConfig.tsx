/**
 * The channel tab's configuration page (`/tab/config`, declared by the manifest for team
 * channels): Teams shows it when someone adds the app to a channel; saving points the tab at
 * the app. The page is allowed to save straight away: there is nothing to choose.
 */
import { Text } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { Host } from './host.js';

export default function ChannelConfig({ host }: { host: Host }) {
  const [state, setState] = useState<'ready' | 'standalone' | 'failed'>(host.kind === 'standalone' ? 'standalone' : 'ready');
  useEffect(() => {
    if (host.kind === 'standalone') return;
    void (async () => {
      try {
        const { pages } = await import(/* webpackChunkName: "teams-js" */ '@microsoft/teams-js');
        const origin = window.location.origin;
        pages.config.registerOnSaveHandler((save) => {
          pages.config
            .setConfig({ entityId: 'circles', suggestedDisplayName: 'Supervision', contentUrl: `${origin}/tab`, websiteUrl: `${origin}/tab` })
            .then(() => save.notifySuccess())
            .catch((error: unknown) => save.notifyFailure(error instanceof Error ? error.message : 'could not save the tab'));
        });
        pages.config.setValidityState(true);
      } catch {
        setState('failed');
      }
    })();
  }, [host]);
  return (
    <main id="main" style={{ padding: '24px' }}>
      <h1>Supervision for this channel</h1>
      <Text as="p">
        Adds Supervision for Teams to the channel. Solution and success circles run in the channel with the Supervision bot; the tab opens the app for everyone in the team.
      </Text>
      {state === 'standalone' ? <Text as="p">Open this page from Teams to add the tab.</Text> : null}
      {state === 'failed' ? <Text as="p">Teams did not accept the tab; close this dialog and try again.</Text> : null}
    </main>
  );
}
