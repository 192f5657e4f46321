import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built bin and the simulator; give them room on a 2-core machine. A run with one core
    // for the four workers took 30 s for a test that takes 12 s alone: the limit only costs time when a test fails.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most of the suite waits on simulated time and child processes rather than the CPU, so more files run at once
    // than there are cores; scenarios against the simulator are further limited by test/helpers/scenario.ts.
    maxWorkers: 4,
    // The bins turn off the AWS SDK's Node 20 notice; tests that load the SDK in the worker do the same, so the log
    // shows test output only.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
