import { defineConfig } from 'vitest/config';
import { E2E_FILES, MOCKING_FILES } from './test/layers.js';

// Two layers (test/layers.js says which file is which): `unit` starts no process, so it runs the same on every
// Node version and CI's second leg skips it; `e2e` spawns the bin, the fake eksctl or another tool.
const shared = {
  // The bins turn off the AWS SDK's Node 20 notice; tests that load the SDK in the worker do the same, so the log
  // shows test output only.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  setupFiles: ['test/helpers/layers-spawn-guard.ts', 'test/helpers/env-left-as-found.ts'],
};

/** The unit layer, in either of its two projects. */
const unitLayer = {
  env: { ...shared.env, SAFE_EKSCTL_LAYER: 'unit' },
  // In process on virtual time or pure: half the e2e limit. The slowest unit test took 19.5 s in a full run at a load
  // average of 10 on two cores (4.8 s alone); beyond this it waits on something it should not.
  testTimeout: 30_000,
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    // Most of the suite waits on simulated time and child processes rather than the CPU, so more files run at once
    // than there are cores; scenarios against the simulator are further limited by test/helpers/scenario.ts.
    maxWorkers: 4,
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...E2E_FILES, ...MOCKING_FILES],
          // One module graph per worker for the whole layer: each file no longer loads the SDK, client-node and the
          // simulator afresh (the layer took 53 s alone with a graph per file, 32 s with one per worker). Files that
          // vi.mock a module run isolated, in unit-mocks below.
          isolate: false,
          ...unitLayer,
        },
      },
      {
        test: {
          ...shared,
          name: 'unit-mocks',
          include: [...MOCKING_FILES],
                    ...unitLayer,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: [...E2E_FILES],
          // One module graph per worker here too: an e2e file imports the simulator, the SDK and client-node as the
          // unit files do (the suite's import time went from 33 s to 20 s, its wall time from 84 s to 73 s). What a
          // file changes in the process it undoes in afterAll (vi.unstubAllEnvs, the simulators it started).
          isolate: false,
          env: { ...shared.env, SAFE_EKSCTL_LAYER: 'e2e' },
          // End-to-end tests spawn the built bin and the simulator; give them room on a 2-core machine. A run with one
          // core for the four workers took 30 s for a test that takes 12 s alone: the limit only costs time when a
          // test fails.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
