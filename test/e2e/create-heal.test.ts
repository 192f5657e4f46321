// `safe-eksctl create` end to end against the simulator: the configurations of the bug report and its neighbours,
// and the weather a real AWS brings (throttling, 5xx, short-lived tokens, a slow admission webhook).
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/bin.js';
import { expectNoSecrets, QUICK_TIME_SCALE, runScenario, SCENARIO_TEST_TIMEOUT_MS, type ScenarioResult } from '../helpers/scenario.js';

beforeAll(assertBuilt);

function expectHealthy(run: ScenarioResult) {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.report).toMatchObject({ ok: true, exitCode: 0, cluster: 'fargate-demo' });
  expect(run.report?.phases.map((p) => [p.name, p.status])).toEqual([
    ['Config and plan', 'ok'],
    ['Preflight', 'ok'],
    ['eksctl create cluster', 'ok'],
    ['Wait for Fargate profiles', 'ok'],
    ['Heal CoreDNS', 'ok'],
  ]);
  expect(run.report?.profiles.length).toBeGreaterThan(0);
  for (const profile of run.report?.profiles ?? []) expect(profile).toMatchObject({ status: 'ACTIVE', polls: expect.any(Number) });
  expect(run.report?.coredns).toMatchObject({ desired: 2, ready: 2 });
  expect(run.leftover).toEqual([]);
  expectNoSecrets(run);
}

describe.concurrent('safe-eksctl create: the configurations of the bug report', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('bug report labels with eksctl 0.207.0: CoreDNS stuck, healed with exactly one restart', async () => {
    // The simulator's default timings here: the bug report as it happens, two minutes per profile.
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'bug-report.yaml', eksctlVersion: '0.207.0', timings: {} });
    expectHealthy(run);
    // Recorded in the order their waits end: both are ACTIVE at the first poll, so either may answer first.
    expect(run.report?.profiles.map((p) => p.name).sort()).toEqual(['fp-default', 'fp-kube-system']);
    // The restart may fall while eksctl still runs (its 30 s sleep is 0.15 real seconds here) or after: once either way.
    expect(run.report?.coredns).toMatchObject({
      desired: 2,
      ready: 2,
      stuckBefore: 2,
      restarts: 1,
      annotationRemoved: false,
      restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }],
    });
    expect(run.report?.coredns?.probes).toBeGreaterThanOrEqual(1);
  });

  it('no labels with eksctl 0.230.0: eksctl moves CoreDNS itself, safe-eksctl restarts nothing', async () => {
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'no-labels.yaml', eksctlVersion: '0.230.0' });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 0, restarts: 0, annotationRemoved: false });
  });

  it('k8s-app: kube-dns with eksctl 0.230.0 (eksctl never recognises it): healed', async () => {
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'kube-dns-label.yaml', eksctlVersion: '0.230.0' });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('a wildcard namespace (eksctl never recognises it): healed', async () => {
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'wildcard-namespace.yaml', eksctlVersion: '0.230.0' });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('Kubernetes 1.28: the compute-type: ec2 annotation is removed, then CoreDNS is healed', async () => {
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'k8s-1.28.yaml', eksctlVersion: '0.207.0' });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, annotationRemoved: true });
  });

  it('a managed nodegroup beside the profile: CoreDNS runs on EC2, nothing to heal', async () => {
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'with-nodegroup.yaml', eksctlVersion: '0.230.0' });
    expectHealthy(run);
    expect(run.report?.profiles.map((p) => p.name)).toEqual(['fp-apps']);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 0, restarts: 0, annotationRemoved: false });
  });
});

describe.concurrent('safe-eksctl create: the weather of a real AWS', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('EKS throttles 20% of calls and answers 5xx to another 20%: retried, healed', async () => {
    // Not 0.3 each: half the calls failing makes the fake eksctl's SDK retry on real, unscaled backoff for tens of
    // seconds; safe-eksctl's own side copes with either.
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, eksctlVersion: '0.207.0', faults: ['eks-throttle=0.2', 'eks-5xx=0.2'] });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('tokens expire after 6 real seconds while CoreDNS takes 9 to start: the token is refreshed, healed', async () => {
    // X-Amz-Date has whole seconds, so a fresh token can already look a second old: 6 s leaves the retry after a 401
    // seconds to get its new token checked on a loaded machine, and CoreDNS starting 3 s later still makes a 401 certain.
    const run = await runScenario({
      eksctlVersion: '0.207.0',
      faults: ['token-ttl=600', 'fargate-start=900'],
      timeScale: 0.01,
      timeoutMs: 90_000,
    });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
    // The simulator refused at least one expired token, and the heal went on with a fresh one.
    expect(run.kubeUnauthorized).toBeGreaterThanOrEqual(1);
  });

  it('the webhook sees the profile long after eksctl ended: probed meanwhile, then exactly one restart', async () => {
    // eksctl sleeps 30 s after the last profile; a 300 s webhook delay (3 real seconds) outlasts that by far. The heal
    // after eksctl asks the webhook once a (real) second and restarts only once it says Fargate: one restart, whatever
    // the machine's load does to the timing.
    const run = await runScenario({ eksctlVersion: '0.207.0', faults: ['webhook-delay=300'], timeScale: 0.01 });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }] });
    expect(run.corednsInSim?.changesByOthers).toBe(1);
  });
});

/** The bug report's cluster, for the configs below. */
const CLUSTER = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: fargate-demo
  region: us-west-2
  version: "1.31"
`;

/** The bug report's profiles in the other order: the one that captures CoreDNS is created first. */
const PROFILES_CAPTURING_FIRST = `fargateProfiles:
  - name: fp-kube-system
    selectors:
      - namespace: kube-system
        labels:
          eks.amazonaws.com/component: coredns
  - name: fp-default
    selectors:
      - namespace: default
`;

/** The bug report's profiles, the capturing one first: eksctl still creates fp-default when CoreDNS can be healed. */
const CAPTURING_FIRST = CLUSTER + PROFILES_CAPTURING_FIRST;

/** The same with a managed nodegroup, which eksctl creates after the profiles and its 30 s sleep. */
const CAPTURING_FIRST_WITH_NODEGROUP = `${CLUSTER}managedNodeGroups:
  - name: ng-system
    instanceType: t3.medium
    desiredCapacity: 2
${PROFILES_CAPTURING_FIRST}`;

/** The eksctl task's last line on stderr (`--output json` sends progress there). */
function eksctlTitle(run: ScenarioResult): string | undefined {
  return run.stderr.split('\n').filter((line) => line.includes('eksctl create cluster')).at(-1);
}

// In demo mode the pipeline waits on the simulator's clock, so eksctl's 30 s sleep and the webhook's delay keep their
// real proportion (in create mode safe-eksctl waits on the real clock while eksctl's time is scaled).
// Real time still passes between the simulated steps, most on a loaded machine, so what a test asserts is held for
// over a hundred simulated seconds and the time scale makes that several real seconds. With the capturing profile
// first, the early restart comes about 10 s after it turns ACTIVE (the watch's poll, then the probe's first Fargate
// answer once the webhook sees the profile) while eksctl still has about 144 s to go: 127 s waiting for fp-default,
// then its 30 s sleep.
describe.concurrent('safe-eksctl create: CoreDNS healed while eksctl still runs (simulated time)', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('bug report profiles, the capturing one first, with eksctl 0.207.0: one restart in all, made while eksctl still runs', async () => {
    // In the bug report's own order the restart beats eksctl's exit by only about 20 simulated seconds (the 30 s sleep
    // against the webhook's 10 s), a fraction of a real second. Here eksctl still has about 144 s to go: 5.8 real seconds
    // at 0.04.
    const run = await runScenario({ mode: 'demo', config: CAPTURING_FIRST, eksctlVersion: '0.207.0', timeScale: 0.04, timeoutMs: 90_000 });
    expectHealthy(run);
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
    const run = await runScenario({ mode: 'demo', config: 'no-labels.yaml', eksctlVersion: '0.230.0' });
    expectHealthy(run);
    expect(run.report?.coredns).toEqual({ desired: 2, ready: 2, stuckBefore: 0, restarts: 0, annotationRemoved: false, probes: 0, restartProbes: [] });
    expect(eksctlTitle(run)).toMatch(/eksctl create cluster: done$/);
  });

  it('eksctl fails at its nodegroups after the early restart: exit 5, the restart reported, nothing left running', async () => {
    // eksctl reaches its nodegroups about 144 simulated seconds after the early restart: 5.8 real seconds at 0.04.
    const run = await runScenario({
      mode: 'demo',
      config: CAPTURING_FIRST_WITH_NODEGROUP,
      eksctlVersion: '0.207.0',
      faults: ['eksctl-exit=1@nodegroups'],
      timeScale: 0.04,
      timeoutMs: 90_000,
    });
    expect(run.exitCode, run.stderr).toBe(5);
    expect(run.report).toMatchObject({ ok: false, exitCode: 5 });
    expect(run.report?.phases.map((p) => [p.name, p.status])).toEqual([
      ['Config and plan', 'ok'],
      ['Preflight', 'ok'],
      ['eksctl create cluster', 'failed'],
    ]);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, healedDuringEksctl: true });
    expect(run.leftover).toEqual([]);
    expectNoSecrets(run);
  });

  it('a profile ends CREATE_FAILED after the early restart: exit 3, the restart reported, nothing left running', async () => {
    // fp-default fails about 107 simulated seconds after the early restart: 5 real seconds at 0.05.
    const run = await runScenario({
      mode: 'demo',
      config: CAPTURING_FIRST_WITH_NODEGROUP,
      eksctlVersion: '0.207.0',
      faults: ['profile-create-failed=fp-default'],
      timeScale: 0.05,
      timeoutMs: 90_000,
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.report).toMatchObject({ ok: false, exitCode: 3 });
    expect(run.report?.profiles).toContainEqual(expect.objectContaining({ name: 'fp-default', status: 'CREATE_FAILED' }));
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, healedDuringEksctl: true });
    expect(run.leftover).toEqual([]);
    expectNoSecrets(run);
  });

  it('Ctrl-C while the early heal follows CoreDNS: exit 130, eksctl and the heal stopped, nothing left running', async () => {
    // Fargate pods take 600 s here, so the heal that restarted CoreDNS about 10 s after fp-kube-system turned ACTIVE is
    // still waiting for them when eksctl reports fp-default, 134 s after that ACTIVE. At 0.05 the restart comes over
    // 5 real seconds before the Ctrl-C, and the Ctrl-C over 20 before the pods would be Ready.
    const run = await runScenario({
      mode: 'demo',
      config: CAPTURING_FIRST_WITH_NODEGROUP,
      eksctlVersion: '0.207.0',
      faults: ['fargate-start=600'],
      args: ['--more-lines'],
      interrupt: { when: /created Fargate profile "fp-default"/ },
      timeScale: 0.05,
      timeoutMs: 90_000,
    });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.report).toMatchObject({ ok: false, exitCode: 130 });
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, ready: 0, healedDuringEksctl: true });
    expect(run.leftover).toEqual([]);
  });
});
