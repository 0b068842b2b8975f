import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: files run two at a time; each gets its own databases. CI runs them beside other work
    // on the same server (.ci/background-load.mjs), which takes CPU too.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // A test that takes 20-30 s alone (an embedded drift replay, twenty deploys at once) takes two to
    // three times that on a shared 2-core machine. vitest's own 60 s limit on a worker's answers is not
    // configurable: a test must never block its worker that long (no synchronous child processes).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['test/helpers/global-setup.ts'],
    // Which files were running, for a run that CI stops at its time limit (.ci/run prints them).
    setupFiles: ['test/helpers/file-progress.ts'],
  },
});
