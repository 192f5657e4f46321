import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built bin and the simulator; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most of the suite waits on simulated time and child processes rather than the CPU, so more files run at once
    // than there are cores; scenarios against the simulator are further limited by test/helpers/scenario.ts.
    maxWorkers: 4,
  },
});
