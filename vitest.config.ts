import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at once even on two cores (vitest's default would be one): most of the slow files
    // wait on child processes, kills, daemons and timers rather than compute. Measured on the
    // 2-core CI machine: 784 s with one worker, 561 s with two, every test passing.
    maxWorkers: 2,
    globalSetup: ['tests/support/temporaryRoot.ts'],
  },
});
