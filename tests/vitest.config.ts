import { defineConfig } from 'vitest/config';

// Unit and integration suites: pure shared/ code, services with real sharp and real SQLite files in
// temporary folders, the HTTP bridge, and the Electron wiring with a mocked 'electron' module.
export default defineConfig({
  test: {
    // In CI a JSON report lets .ci/run print the closing `N passed, N failed, N skipped` line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'tests/output/unit.json' },
    root: new URL('..', import.meta.url).pathname,
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/electron/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
