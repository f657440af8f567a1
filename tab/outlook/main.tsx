/**
 * The Outlook task pane entry (dist/tab/outlook/taskpane.html). Office.js comes from the CDN
 * script tag in the page; when it did not load (a plain browser, tests) or there is no
 * appointment, the pane says where to open it and renders nothing else.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { officeGlobal, officeReady } from './office.js';
import { NotInOutlook, TaskPane } from './TaskPane.js';

async function start(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) return;
  const office = officeGlobal();
  const ready = office ? await officeReady(office) : false;
  const item = ready ? office?.context?.mailbox?.item : undefined;
  document.documentElement.dataset.office = item ? 'appointment' : 'absent';
  createRoot(root).render(<FluentProvider theme={webLightTheme}>{office && item ? <TaskPane office={office} item={item} /> : <NotInOutlook />}</FluentProvider>);
}

void start();
