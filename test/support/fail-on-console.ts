import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Product code must not write to the console in tests: logs are for operators and must never
 * carry personal data, so every log line goes through the logger, which tests can capture.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
beforeEach(() => {
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      throw new Error(`unexpected console.${method}: ${args.map(String).join(' ').slice(0, 200)}`);
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});
