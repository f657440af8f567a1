/**
 * Component tests against the real API: the app on a loopback port with in-memory services,
 * and the browser's relative `/api/...` requests forwarded to it.
 */
import { vi } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../../api/harness.js';

export async function startLiveApi(options: HarnessOptions = {}): Promise<Harness> {
  const harness = await startHarness(options);
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    return realFetch(url.startsWith('/') ? `${harness.base}${url}` : url, init);
  });
  return harness;
}
