// `safe-eksctl create` end to end against the simulator: the configurations of the bug report and its neighbours,
// and the weather a real AWS brings (throttling, 5xx, short-lived tokens, a slow admission webhook).
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/bin.js';
import { expectNoSecrets, QUICK_TIME_SCALE, runScenario, type ScenarioResult } from '../helpers/scenario.js';

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
  for (const profile of run.report?.profiles ?? []) expect(profile).toMatchObject({ status: 'ACTIVE', polls: expect.any(Number) });
  expect(run.report?.coredns).toMatchObject({ desired: 2, ready: 2 });
  expect(run.leftover).toEqual([]);
  expectNoSecrets(run);
}

describe.concurrent('safe-eksctl create: the configurations of the bug report', { timeout: 120_000 }, () => {
  it('bug report labels with eksctl 0.207.0: CoreDNS stuck, healed with exactly one restart', async () => {
    // The simulator's default timings here: the bug report as it happens, two minutes per profile.
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, config: 'bug-report.yaml', eksctlVersion: '0.207.0', timings: {} });
    expectHealthy(run);
    expect(run.report?.profiles.map((p) => p.name)).toEqual(['fp-default', 'fp-kube-system']);
    expect(run.report?.coredns).toEqual({ desired: 2, ready: 2, stuckBefore: 2, restarts: 1, annotationRemoved: false });
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

describe.concurrent('safe-eksctl create: the weather of a real AWS', { timeout: 120_000 }, () => {
  it('EKS throttles 20% of calls and answers 5xx to another 20%: retried, healed', async () => {
    // Not 0.3 each: half the calls failing makes the fake eksctl's SDK retry on real, unscaled backoff for tens of
    // seconds; safe-eksctl's own side copes with either.
    const run = await runScenario({ timeScale: QUICK_TIME_SCALE, eksctlVersion: '0.207.0', faults: ['eks-throttle=0.2', 'eks-5xx=0.2'] });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
  });

  it('tokens expire after 3 real seconds while CoreDNS takes 6 to start: the token is refreshed, healed', async () => {
    // X-Amz-Date has whole seconds, so a lifetime of a few real seconds is the shortest that means anything.
    const run = await runScenario({ eksctlVersion: '0.207.0', faults: ['token-ttl=300', 'fargate-start=600'], timeScale: 0.01 });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1 });
    // Without a refresh the first 401 after 3 s would have ended the heal.
    expect(run.report?.phases.find((p) => p.name === 'Heal CoreDNS')?.durationMs).toBeGreaterThan(4_000);
  });

  it('the webhook sees the profile only after the first restart: the replacements miss Fargate, a second restart lands', async () => {
    // eksctl sleeps 30 s after the last profile; a 300 s webhook delay (3 real seconds) outlasts that and the way from
    // eksctl's end to safe-eksctl's first restart, and the next restart comes no sooner than 4 real seconds later.
    const run = await runScenario({ eksctlVersion: '0.207.0', faults: ['webhook-delay=300'], timeScale: 0.01 });
    expectHealthy(run);
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2 });
    expect(run.report?.coredns?.restarts).toBeGreaterThanOrEqual(2);
  });
});
