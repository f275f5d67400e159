import { defineConfig } from 'vitest/config';

// End-to-end: the real UI in Debian's Chromium (Playwright) against the real services through the
// browser-mode HTTP bridge. Needs `npm run build` first (npm test does it).
export default defineConfig({
  test: {
    // In CI a JSON report lets .ci/run print the closing `N passed, N failed, N skipped` line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'tests/output/e2e.json' },
    root: new URL('..', import.meta.url).pathname,
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
