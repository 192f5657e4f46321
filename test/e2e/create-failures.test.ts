// `safe-eksctl create` end to end against the simulator: each way a create fails ends with its own exit code, a
// report that says which phase failed and why, and no process left behind. Each failure runs in this process on
// virtual time (helpers/scenario-in-process.ts); the signals, and the bin's exit 2 before anything starts, spawn it.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, RECORDING_EKSCTL, recorded, type Recorded } from '../helpers/bin.js';
import { expectNoSecrets, QUICK_TIME_SCALE, runScenario, SCENARIO_TEST_TIMEOUT_MS, type ScenarioOptions, type ScenarioResult } from '../helpers/scenario.js';
import { runScenarioInProcess, type InProcessScenario } from '../helpers/scenario-in-process.js';

beforeAll(assertBuilt);

const NEVER_RUNS = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: lonely, region: us-west-2, version: "1.31"}
fargateProfiles:
  - name: fp-apps
    selectors: [{namespace: apps}]
`;

/**
 * The default (realistic) timings for the signal tests: after the line the signal waits for, eksctl still has about
 * 400 simulated seconds to go (control plane, two profiles, its 30 s sleep), 20 real seconds at time scale 0.05, so
 * the signal always finds eksctl running. FAST_TIMINGS left about 6 s. The run ends at the signal: no slower for it.
 */
const EKSCTL_OUTLIVES_SIGNAL: NonNullable<ScenarioOptions['timings']> = {};

function phaseStatuses(run: Pick<ScenarioResult, 'report'>) {
  return run.report?.phases.map((p) => [p.name, p.status]);
}

function expectCleanEnd(run: ScenarioResult) {
  expect(run.leftover).toEqual([]);
  expectNoSecrets(run);
}

/** In process: the simulated eksctl had ended when the command returned, and nothing printed a secret. */
function expectEksctlEnded(run: InProcessScenario) {
  expect(run.eksctlStillRunning).toBe(0);
  expectNoSecrets(run);
}

describe('safe-eksctl create: failures', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('a profile ends CREATE_FAILED: eksctl is stopped at once, exit 3 with the health issue', async () => {
    // The fake eksctl, like eksctl, waits for the failed profile until its --timeout (25 simulated minutes by
    // default); 2 hours leave stopping it to safe-eksctl's watch alone, which polls every few simulated seconds.
    const run = await runScenarioInProcess({ faults: ['profile-create-failed=fp-kube-system'], args: ['--timeout', '2h'] });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.report).toMatchObject({ ok: false, exitCode: 3, coredns: null });
    expect(run.report?.error).toMatch(/^Fargate profile "fp-kube-system" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: /);
    expect(run.report?.error).toContain('eksctl was stopped');
    expect(phaseStatuses(run)).toEqual([
      ['Config and plan', 'ok'],
      ['Preflight', 'ok'],
      ['eksctl create cluster', 'failed'],
    ]);
    expect(run.report?.profiles).toEqual([
      { name: 'fp-kube-system', status: 'CREATE_FAILED', waitedMs: expect.any(Number), polls: expect.any(Number) },
    ]);
    expect(run.stderr).toContain('safe-eksctl: Fargate profile "fp-kube-system" is CREATE_FAILED: PodExecutionRoleAlreadyInUse');
    // Stopped, not waited out: far less than eksctl's 2 hours of simulated time went by.
    expect(run.simulatedMs).toBeLessThan(30 * 60_000);
    expectEksctlEnded(run);
  });

  it('eksctl exits 1 while creating the control plane: exit 5 with its error lines, no profile is polled', async () => {
    const run = await runScenarioInProcess({ faults: ['eksctl-exit=1@control-plane'] });
    expect(run.exitCode, run.stderr).toBe(5);
    expect(run.report).toMatchObject({ ok: false, exitCode: 5, profiles: [], coredns: null });
    expect(run.report?.error).toMatch(/^eksctl failed with exit code 1:\n {2}.*\[✖\]/);
    expect(run.stderr).toMatch(/safe-eksctl: eksctl failed with exit code 1:\n {2}.*\[✖\]/);
    expect(phaseStatuses(run)).toEqual([
      ['Config and plan', 'ok'],
      ['Preflight', 'ok'],
      ['eksctl create cluster', 'failed'],
    ]);
    expect(run.requestCounts['DescribeFargateProfile'] ?? 0).toBe(0);
    expectEksctlEnded(run);
  });

  it('the CoreDNS rollout never gets Ready: exit 4 with the stuck pods, their reasons and events', async () => {
    const run = await runScenarioInProcess({
      config: 'bug-report.yaml',
      eksctlVersion: '0.207.0',
      faults: ['rollout-stuck'],
      args: ['--coredns-timeout', '3s'],
    });
    expect(run.exitCode, run.stderr).toBe(4);
    expect(run.report).toMatchObject({ ok: false, exitCode: 4, coredns: { desired: 2, ready: 0, stuckBefore: 2, restarts: 1 } });
    expect(phaseStatuses(run)?.at(-1)).toEqual(['Heal CoreDNS', 'failed']);
    // Not before the 3 s deadline (simulated), and not long after it.
    const waited = /^CoreDNS is not Ready after (\d+)s \(0\/2 ready, 1 restart\)/.exec(run.report?.error ?? '');
    expect(waited, run.report?.error).not.toBeNull();
    expect(Number(waited![1])).toBeGreaterThanOrEqual(3);
    expect(run.report?.error).toMatch(/\n {2}pod coredns-\S+ \w+: .+; latest event: \w+: .+/);
    expectEksctlEnded(run);
  });
});

describe.concurrent('safe-eksctl create: signals and the bin (spawned)', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('Ctrl-C while eksctl runs: eksctl is stopped, exit 130, nothing left running', async () => {
    const run = await runScenario({ timeScale: 0.05, timings: EKSCTL_OUTLIVES_SIGNAL, interrupt: { when: /\[ℹ\] {2}creating EKS cluster/ } });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.pidsAtInterrupt.length).toBeGreaterThan(0);
    expect(run.report).toMatchObject({ ok: false, exitCode: 130, coredns: null });
    expect(phaseStatuses(run)?.at(-1)).toEqual(['eksctl create cluster', 'failed']);
    expect(run.leftover).toEqual([]);
    for (const pid of run.pidsAtInterrupt) expect(() => process.kill(pid, 0)).toThrow();
    expectNoSecrets(run);
  });

  it('the terminal goes away (SIGHUP) while eksctl runs: handled like Ctrl-C, exit 130 with a report, nothing left', async () => {
    const run = await runScenario({
      timeScale: 0.05,
      timings: EKSCTL_OUTLIVES_SIGNAL,
      interrupt: { when: /\[ℹ\] {2}creating EKS cluster/, signal: 'SIGHUP' },
    });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.pidsAtInterrupt.length).toBeGreaterThan(0);
    expect(run.report).toMatchObject({ ok: false, exitCode: 130, coredns: null });
    expect(phaseStatuses(run)?.at(-1)).toEqual(['eksctl create cluster', 'failed']);
    expect(run.leftover).toEqual([]);
  });

  it('a second Ctrl-C kills an eksctl that ignores the first: exit 130, nothing left running', async () => {
    let events: Recorded[] = [];
    const run = await runScenario({
      timeScale: QUICK_TIME_SCALE,
      // A stand-in eksctl that records signals and ignores them, reached through a later --eksctl.
      args: ['--eksctl', RECORDING_EKSCTL],
      env: { RECORDING_EKSCTL_WAIT: '1', RECORDING_EKSCTL_STUBBORN: '1', RECORDING_EKSCTL_LOG: 'eksctl-events.log' },
      // The second Ctrl-C only once the stand-in has recorded (and ignored) the first.
      interrupt: { when: /› .*ready/, againWhen: (dir) => recorded(join(dir, 'eksctl-events.log')).some((e) => e.signal === 'SIGINT') },
      onEnd: (dir) => (events = recorded(join(dir, 'eksctl-events.log'))),
    });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.pidsAtInterrupt.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.signal).map((e) => e.signal)).toEqual(['SIGINT']);
    // Killed on the second Ctrl-C: the bin ends soon after it, not when the 10 s grace of the first runs out (about
    // 9.5 s after the second). Timed from the second signal, so a slow start on a busy machine does not count; 8 s
    // leave a loaded machine room to kill, reap and report, and still fail a bin that waits out the grace.
    expect(run.endedAfterLastInterruptMs).toBeLessThan(8_000);
    expect(run.leftover).toEqual([]);
    for (const pid of run.pidsAtInterrupt) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('credentials STS refuses: exit 2 from the preflight with one line, eksctl never starts', async () => {
    // Spawned: the bin's exit 2, and credentials read from the environment (in process the simulator's are given).
    const run = await runScenario({
      timeScale: QUICK_TIME_SCALE,
      env: { AWS_SECRET_ACCESS_KEY: 'not-the-simulator-secret-key-0000000000000' },
    });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.report).toMatchObject({ ok: false, exitCode: 2, profiles: [], coredns: null });
    expect(phaseStatuses(run)).toEqual([
      ['Config and plan', 'ok'],
      ['Preflight', 'failed'],
    ]);
    expect(run.stderr).toMatch(/\nsafe-eksctl: AWS credentials were not accepted by STS GetCallerIdentity: SignatureDoesNotMatch: [^\n]+\n$/);
    expect(run.requestCounts).toEqual({ GetCallerIdentity: 1 });
    expectCleanEnd(run);
  });
});

describe('safe-eksctl create: refused before eksctl', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('an error finding (CoreDNS can never run) stops before eksctl with exit 1; --force runs it and heal says why', async () => {
    const stopped = await runScenarioInProcess({ config: NEVER_RUNS });
    expect(stopped.exitCode, stopped.stderr).toBe(1);
    expect(stopped.report).toMatchObject({ ok: false, exitCode: 1, profiles: [], coredns: null });
    expect(stopped.report?.error).toMatch(/--force runs it anyway/);
    expect(phaseStatuses(stopped)).toEqual([['Config and plan', 'failed']]);
    expect(stopped.requestCounts['CreateCluster'] ?? 0).toBe(0);
    expectEksctlEnded(stopped);

    const forced = await runScenarioInProcess({ config: NEVER_RUNS, args: ['--force', '--coredns-timeout', '5s'] });
    expect(forced.exitCode, forced.stderr).toBe(4);
    expect(forced.requestCounts['CreateCluster']).toBe(1);
    expect(forced.report?.error).toMatch(/^CoreDNS can never run: no ACTIVE Fargate profile matches its pods/);
    expectEksctlEnded(forced);
  });

  it('bad input exits 2 with one line and eksctl never starts', async () => {
    const cases: InProcessScenario[] = [];
    for (const bad of [
      { config: NEVER_RUNS.replace('name: lonely, ', '') },
      { args: ['--coredns-timeout', '0'] },
      { args: ['--poll-interval', 'soon'] },
      { config: '/nonexistent/cluster.yaml' },
    ]) {
      cases.push(await runScenarioInProcess({ ...bad, output: 'text' }));
    }
    for (const run of cases) {
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^safe-eksctl: [^\n]+\n$/);
      expect(run.requestCounts).toEqual({});
      expectEksctlEnded(run);
    }
  });

});
