// Which test file belongs to which vitest project (vitest.config.ts; scripts/test-times.js reads it too). `unit`:
// every file that starts no process (in process against the simulator, or pure); the unit project's setup file
// (test/helpers/layers-spawn-guard.ts) fails a test there that spawns one. `e2e`: the files below, which spawn the
// bin, the fake eksctl or another tool (kubectl, aws, git, npm, terraform, sh), and so run on both Node legs of CI.
// A file listed here that spawns nothing is named in its run's log: move it to unit by deleting its line. To redraw
// the list: SAFE_EKSCTL_SPAWN_LOG=/tmp/spawns.log npx vitest run, then take the files named in that log.
export const E2E_FILES = [
  'test/adapters/deadlines.test.ts',
  'test/adapters/eks-moto.test.ts',
  'test/adapters/eksctl-group.test.ts',
  'test/adapters/eksctl-log-file.test.ts',
  'test/adapters/eksctl-redact.test.ts',
  'test/adapters/eksctl-unrunnable.test.ts',
  'test/adapters/eksctl.test.ts',
  'test/commands/dry-run-refused.test.ts',
  'test/core/eksctl-flags.test.ts',
  'test/e2e/bin-runner.test.ts',
  'test/e2e/cli.test.ts',
  'test/e2e/create-closed-reader.test.ts',
  'test/e2e/create-failures.test.ts',
  'test/e2e/create-heal-interrupt.test.ts',
  'test/e2e/create-interrupted.test.ts',
  'test/e2e/demo.test.ts',
  'test/e2e/drop-in.test.ts',
  'test/e2e/examples.test.ts',
  'test/e2e/get-token.test.ts',
  'test/e2e/github-action.test.ts',
  'test/e2e/other-tools.test.ts',
  'test/e2e/package.test.ts',
  'test/e2e/pass-through.test.ts',
  'test/e2e/plan.test.ts',
  'test/e2e/sim.test.ts',
  'test/e2e/standalone.test.ts',
  'test/e2e/startup-loads.test.ts',
  'test/reliability/bad-input.test.ts',
  'test/reliability/cannot-look.test.ts',
  'test/reliability/secrets.test.ts',
  'test/sim/eks-cli.test.ts',
  'test/sim/fake-eksctl.test.ts',
  'test/sim/kube-dry-run.test.ts',
  'test/sim/kube-kubectl.test.ts',
  'test/tasks/eksctl-task.test.ts',
];

/**
 * Unit files that replace a module with vi.mock: they need a module graph of their own, so they run in the project
 * `unit-mocks`, isolated; the rest of the unit layer shares one graph per worker (loading the SDK and client-node once
 * instead of once per file).
 */
export const MOCKING_FILES = ['test/core/config.test.ts'];

/** `unit` or `e2e`, for a path relative to the repository. */
export function layerOf(file) {
  return E2E_FILES.includes(file) ? 'e2e' : 'unit';
}
