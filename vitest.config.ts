import { defineConfig } from 'vitest/config';

// rrule (used to cross-check compiled series) follows the process time zone, and the product
// must not: tests run in UTC so any accidental dependency on the host zone shows up.
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/support/fail-on-console.ts'],
  },
});
