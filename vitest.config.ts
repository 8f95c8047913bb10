import { defineConfig } from 'vitest/config';

// Temporal's native worker wants its own process: every test file runs in a fork of its own.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    // expect.poll waits for what a worker does after a request returns; CPU is shared, so be patient.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
    include: ['test/**/*.test.ts'],
  },
});
