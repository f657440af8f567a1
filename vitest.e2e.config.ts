import { defineConfig } from 'vitest/config';

// Same zone discipline as the unit tests: the product must not depend on the host's zone.
process.env.TZ = 'UTC';

/** Browser tests: the real app in Debian's Chromium (playwright-core), one file at a time. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/e2e/global-setup.ts'],
    setupFiles: ['test/support/fail-on-console.ts'],
  },
});
