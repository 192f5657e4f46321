// `safe-eksctl create` end to end against the simulator: the configurations of the bug report and its neighbours,
// and the weather a real AWS brings (throttling, 5xx, short-lived tokens, a slow admission webhook). Each runs in this
// process on virtual time (helpers/scenario-in-process.ts) at the simulator's real-world timings, so what a test
// asserts is held by the simulated timings alone. Ctrl-C during the early heal needs a process:
// create-heal-interrupt.test.ts spawns the bin for it.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../src/sim/faults.js';
import { assertBuilt } from '../helpers/bin.js';
import { CAPTURING_FIRST, CAPTURING_FIRST_WITH_NODEGROUP } from '../helpers/capturing-first.js';
import { expectNoSecrets, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { runScenarioInProcess, type InProcessScenario } from '../helpers/scenario-in-process.js';

beforeAll(assertBuilt);
afterEach(() => {
  vi.restoreAllMocks();
});

const PHASES_OK = [
  ['Config and plan', 'ok'],
  ['Preflight', 'ok'],
  ['eksctl create cluster', 'ok'],
  ['Wait for Fargate profiles', 'ok'],
  ['Heal CoreDNS', 'ok'],
];

function expectHealthy(run: Pick<InProcessScenario, 'exitCode' | 'stdout' | 'stderr' | 'report'>) {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.report).toMatchObject({ ok: true, exitCode: 0, cluster: 'fargate-demo' });
  expect(run.report?.phases.map((p) => [p.name, p.status])).toEqual(PHASES_OK);
  expect(run.report?.profiles.length).toBeGreaterThan(0);
  for (const profile of run.report?.profiles ?? []) expect(profile).toMatchObject({ status: 'ACTIVE', polls: expect.any(Number) });
  expect(run.report?.coredns).toMatchObject({ desired: 2, ready: 2 });
  expectNoSecrets(run);
}

/** Healthy, and the simulated eksctl had ended when the command returned. */
function expectHealthyInProcess(run: InProcessScenario) {
  expectHealthy(run);
  expect(run.eksctlStillRunning).toBe(0);
}

const bugReport = () => runScenarioInProcess({ config: 'bug-report.yaml', eksctlVersion: '0.207.0' });

describe('safe-eksctl create: the configurations of the bug report', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('bug report labels with eksctl 0.207.0: CoreDNS stuck, healed with exactly one restart', async () => {
    const run = await bugReport();
    expectHealthyInProcess(run);
    expect(run.report?.profiles.map((p) => [p.name, p.status]).sort()).toEqual([
      ['fp-default', 'ACTIVE'],
      ['fp-kube-system', 'ACTIVE'],
    ]);
    expect(run.report?.coredns).toMatchObject({
      desired: 2,
      ready: 2,
      stuckBefore: 2,
      restarts: 1,
      annotationRemoved: false,
      restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }],
    });
    expect(run.report?.coredns?.probes).toBeGreaterThanOrEqual(1);
    // Seen from the simulator: one change to CoreDNS's template (the restart; eksctl 0.207.0 does not patch it), and
    // both pods Running and Ready on Fargate nodes.
    expect(run.corednsInSim).toMatchObject({ templateChanges: 1, patchedByEksctl: false, readyOnFargate: 2, pods: 2 });
    // Two profiles of two simulated minutes each, one at a time, after a two-minute control plane: well over six
    // simulated minutes, none of them waited for in real time.
    expect(run.simulatedMs).toBeGreaterThan(6 * 60_000);
  });

  it('runs the same, event for event, every time: two runs give the same report and the same eksctl lines', async () => {
    // The pipeline's poll jitter and everything else random, the same sequence in both runs.
    const runs: InProcessScenario[] = [];
    for (let i = 0; i < 2; i++) {
      vi.spyOn(Math, 'random').mockImplementation(seededRandom(42));
      runs.push(await bugReport());
      vi.restoreAllMocks();
    }
    const [first, second] = runs as [InProcessScenario, InProcessScenario];
    expectHealthyInProcess(first);
    expect(first.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
    expect(second.report).toEqual(first.report);
    expect(eksctlLines(second)).toEqual(eksctlLines(first));
    expect(second.simulatedMs).toBe(first.simulatedMs);
  });

  it('no labels with eksctl 0.230.0: eksctl moves CoreDNS itself, safe-eksctl restarts nothing', async () => {
    const run = await runScenarioInProcess({ config: 'no-labels.yaml', eksctlVersion: '0.230.0' });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 0, restarts: 0, annotationRemoved: false });
    expect(run.corednsInSim).toMatchObject({ patchedByEksctl: true, changesByOthers: 0 });
  });

  it('k8s-app: kube-dns with eksctl 0.230.0 (eksctl never recognises it): healed', async () => {
    const run = await runScenarioInProcess({ config: 'kube-dns-label.yaml', eksctlVersion: '0.230.0' });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('a wildcard namespace (eksctl never recognises it): healed', async () => {
    const run = await runScenarioInProcess({ config: 'wildcard-namespace.yaml', eksctlVersion: '0.230.0' });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('Kubernetes 1.28: the compute-type: ec2 annotation is removed, then CoreDNS is healed', async () => {
    const run = await runScenarioInProcess({ config: 'k8s-1.28.yaml', eksctlVersion: '0.207.0' });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, annotationRemoved: true });
  });

  it('a managed nodegroup beside the profile: CoreDNS runs on EC2, nothing to heal', async () => {
    const run = await runScenarioInProcess({ config: 'with-nodegroup.yaml', eksctlVersion: '0.230.0' });
    expectHealthyInProcess(run);
    expect(run.report?.profiles.map((p) => p.name)).toEqual(['fp-apps']);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 0, restarts: 0, annotationRemoved: false });
  });
});

describe('safe-eksctl create: the weather of a real AWS', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('EKS throttles 20% of calls and answers 5xx to another 20%: retried, healed', async () => {
    // Not 0.3 each: the SDK's retry pauses (the simulated eksctl's and ours) are real time, which the virtual clock
    // waits for as work; half the calls failing makes them tens of real seconds. Either rate proves the same.
    const run = await runScenarioInProcess({ eksctlVersion: '0.207.0', faults: ['eks-throttle=0.2', 'eks-5xx=0.2'] });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('tokens expire after 600 simulated seconds while CoreDNS takes 900 to start: the token is refreshed, healed', async () => {
    // On virtual time a token's age is simulated from its first use, so the 401 comes from the timings alone: the
    // heal that follows CoreDNS for 900 s outlives the 600 s token whatever the machine's load. The CoreDNS deadline
    // (10 minutes by default, simulated too) is made longer than the pods' start.
    const run = await runScenarioInProcess({ eksctlVersion: '0.207.0', faults: ['token-ttl=600', 'fargate-start=900'], args: ['--coredns-timeout', '30m'] });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
    // The simulator refused at least one expired token, and the heal went on with a fresh one.
    expect(run.kubeUnauthorized).toBeGreaterThanOrEqual(1);
  });

  it('the webhook sees the profile long after eksctl ended: probed meanwhile, then exactly one restart', async () => {
    // eksctl sleeps 30 s after the last profile; a 300 s webhook delay outlasts that by far. The heal after eksctl asks
    // the webhook once a second and restarts only once it says Fargate: one restart, not before the webhook saw it.
    const run = await runScenarioInProcess({ eksctlVersion: '0.207.0', faults: ['webhook-delay=300'] });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }] });
    expect(run.corednsInSim?.changesByOthers).toBe(1);
    expect(run.restartsAt).toHaveLength(1);
    expect(run.restartsAt[0]).toBeGreaterThanOrEqual(run.webhookSawAt!);
  });
});

/** The eksctl task's last line on stderr (`--output json` sends progress there). */
function eksctlTitle(run: Pick<InProcessScenario, 'stderr'>): string | undefined {
  return run.stderr.split('\n').filter((line) => line.includes('eksctl create cluster')).at(-1);
}

/** eksctl's own lines (timestamped with the simulated clock) as the pipeline passed them on. */
function eksctlLines(run: Pick<InProcessScenario, 'stderr'>): string[] {
  return run.stderr.split('\n').filter((line) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[/.test(line));
}

// On virtual time the pipeline and the simulated eksctl wait on the same clock, so eksctl's 30 s sleep and the
// webhook's delay keep their real proportion and what a test asserts is held by the simulated timings alone. With the
// capturing profile first, the early restart comes about 10 s after it turns ACTIVE (the watch's poll, then the
// probe's first Fargate answer once the webhook sees the profile) while eksctl still has about 144 s to go: 127 s
// waiting for fp-default, then its 30 s sleep.
describe('safe-eksctl create: CoreDNS healed while eksctl still runs (simulated time)', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('bug report profiles, the capturing one first, with eksctl 0.207.0: one restart in all, made while eksctl still runs', async () => {
    const run = await runScenarioInProcess({ config: CAPTURING_FIRST, eksctlVersion: '0.207.0' });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toEqual({
      desired: 2,
      ready: 2,
      stuckBefore: 2,
      restarts: 1,
      annotationRemoved: false,
      healedDuringEksctl: true,
      probes: expect.any(Number),
      restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }],
    });
    expect(eksctlTitle(run)).toMatch(/eksctl create cluster: done; CoreDNS stuck on default-scheduler \(2 pods\); restarted once while eksctl ran/);
  });

  it('no labels with eksctl 0.230.0: eksctl heals CoreDNS itself, nothing restarted while it runs or after', async () => {
    const run = await runScenarioInProcess({ config: 'no-labels.yaml', eksctlVersion: '0.230.0' });
    expectHealthyInProcess(run);
    expect(run.report?.coredns).toEqual({ desired: 2, ready: 2, stuckBefore: 0, restarts: 0, annotationRemoved: false, probes: 0, restartProbes: [] });
    expect(eksctlTitle(run)).toMatch(/eksctl create cluster: done$/);
  });

  it('eksctl fails at its nodegroups after the early restart: exit 5, the restart reported, eksctl ended', async () => {
    const run = await runScenarioInProcess({ config: CAPTURING_FIRST_WITH_NODEGROUP, eksctlVersion: '0.207.0', faults: ['eksctl-exit=1@nodegroups'] });
    expect(run.exitCode, run.stderr).toBe(5);
    expect(run.report).toMatchObject({ ok: false, exitCode: 5 });
    expect(run.report?.phases.map((p) => [p.name, p.status])).toEqual([
      ['Config and plan', 'ok'],
      ['Preflight', 'ok'],
      ['eksctl create cluster', 'failed'],
    ]);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, healedDuringEksctl: true });
    expect(run.eksctlStillRunning).toBe(0);
    expectNoSecrets(run);
  });

  it('a profile ends CREATE_FAILED after the early restart: exit 3, the restart reported, eksctl stopped', async () => {
    const run = await runScenarioInProcess({ config: CAPTURING_FIRST_WITH_NODEGROUP, eksctlVersion: '0.207.0', faults: ['profile-create-failed=fp-default'] });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.report).toMatchObject({ ok: false, exitCode: 3 });
    expect(run.report?.profiles).toContainEqual(expect.objectContaining({ name: 'fp-default', status: 'CREATE_FAILED' }));
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, healedDuringEksctl: true });
    expect(run.eksctlStillRunning).toBe(0);
    expectNoSecrets(run);
  });
});
