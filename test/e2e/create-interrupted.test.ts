// `safe-eksctl create` stopped half-way, end to end against the simulator: Ctrl-C reaches an eksctl that a wrapper
// runs as its child (asdf, CI shims: the bin spawned, signals are a process's), and a create that stops after eksctl
// started says what it may have left in AWS and how to remove it (in this process on virtual time).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, EXAMPLES, FAKE_EKSCTL, recordingDir, removeTempDirs } from '../helpers/bin.js';
import { FAST_TIMINGS, runFaultCase } from '../helpers/fault-run.js';
import { simCredentials } from '../helpers/sim.js';
import { expectNoSecrets, runScenario, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** `eksctl "$@"` in a shim that does not exec it: the shim waits for eksctl as its child. */
function wrapper(): string {
  const { dir } = recordingDir();
  const path = join(dir, 'eksctl');
  writeFileSync(path, `#!/bin/sh\n'${FAKE_EKSCTL}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe.concurrent('safe-eksctl create: stopped half-way', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('Ctrl-C with eksctl behind a wrapper: eksctl itself stops, exit 130, the report lists the CREATING cluster and its delete command', async () => {
    // The default timings at 0.1: after its first addon line eksctl still waits for its control plane (120 simulated
    // s, 12 real s) before any profile, so the signal finds it running and the cluster CREATING. The run ends at the
    // signal: the slow time scale costs nothing.
    const run = await runScenario({ timeScale: 0.1, timings: {}, args: ['--eksctl', wrapper()], interrupt: { when: /creating addon/ } });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.report).toMatchObject({ ok: false, exitCode: 130, coredns: null });
    expect(run.report?.leftInAws).toEqual({
      cluster: 'fargate-demo',
      region: 'us-west-2',
      clusterStatus: 'CREATING',
      fargateProfiles: [],
      checked: true,
      deleteCommand: `eksctl delete cluster -f ${join(EXAMPLES, 'bug-report.yaml')}`,
    });
    // The signal reached the eksctl the wrapper runs: it stopped before creating any profile.
    expect(run.requestCounts['CreateFargateProfile'] ?? 0).toBe(0);
    expect(run.pidsAtInterrupt.length).toBeGreaterThanOrEqual(2);
    for (const pid of run.pidsAtInterrupt) expect(() => process.kill(pid, 0)).toThrow();
    expect(run.leftover).toEqual([]);
    expectNoSecrets(run);
  });
});

describe('safe-eksctl create: what a stopped create left in AWS', () => {
  it('eksctl fails after the control plane: the summary says what is left in AWS and how to remove it', async () => {
    const run = await runFaultCase({ faults: ['eksctl-exit=1@fargate'], output: 'text', timings: FAST_TIMINGS });
    expect(run.exitCode, run.stderr).toBe(5);
    expect(run.stdout).toContain(
      `\nLeft in AWS: cluster fargate-demo in us-west-2 (ACTIVE)\n  to remove it: eksctl delete cluster -f ${join(EXAMPLES, 'bug-report.yaml')}\n`,
    );
    expect(run.callsAfterExit).toEqual({});
  });

  it('a create stopped before eksctl started lists nothing', async () => {
    const run = await runFaultCase({ deps: { credentials: { ...simCredentials, secretAccessKey: 'not-the-simulator-secret-key-0000000000000' } } });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.report).toBeDefined();
    expect(run.report?.leftInAws).toBeUndefined();
  });
});
