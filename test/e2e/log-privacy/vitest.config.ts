import { defineConfig } from 'vitest/config';

/** The log privacy check: run by scripts/test.js after the browser suite has written its log. */
export default defineConfig({
  test: {
    include: ['test/e2e/log-privacy/*.check.ts'],
    environment: 'node',
  },
});
