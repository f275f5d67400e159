import { defineConfig } from 'vitest/config';

// UI speed targets, measured in the real UI in Chromium through browser mode: brush frame times on a
// 16-megapixel image (issue 4) and the stain overlay's latency when the threshold slider moves (issue 3).
// They belong to the benchmarks (`npm run bench:ui`), not to `npm test`: timings flake on shared machines.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['tests/perf/**/*.perf.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
