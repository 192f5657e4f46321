// check and heal on a cluster plain eksctl 0.207.0 left with CoreDNS Pending (the bug report), through the built bin
// against the simulator: check names the stuck pods and exits 1 without a single write; heal fixes it; check then
// exits 0; a second heal restarts nothing and writes nothing.
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/commands/check.js';
import { EXAMPLES } from '../helpers/bin.js';
import { SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { plainEksctl, safeEksctlOn, simulatorPerTest, writes } from '../helpers/sim-workloads.js';

const CLUSTER = 'fargate-demo';

const simulator = simulatorPerTest();

async function clusterLeftPendingByEksctl0207() {
  const { s, env } = await simulator.start({ virtualTime: true, eksctlVersion: '0.207.0' });
  const eksctl = await plainEksctl(s, env, ['create', 'cluster', '-f', `${EXAMPLES}/bug-report.yaml`]);
  expect(eksctl.exitCode, String(eksctl.stdout)).toBe(0);
  return { s, env };
}

describe('check and heal on a cluster made by plain eksctl 0.207.0', () => {
  it('check exits 1 naming the stuck pods and writes nothing; heal fixes it; check exits 0; heal again changes nothing', async () => {
    const { s, env } = await clusterLeftPendingByEksctl0207();

    const before = s.kubeRequestsByMethod();
    const sick = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--output', 'json'], env);
    expect(sick.exitCode, sick.stderr).toBe(1);
    expect(writes(s.kubeRequestsByMethod())).toBe(writes(before));
    expect(s.kubeRequestsByMethod()['GET'] ?? 0).toBeGreaterThan(before['GET'] ?? 0);
    const report = sick.json!;
    expect(report).toMatchObject({ ok: false, exitCode: 1, cluster: CLUSTER, region: s.region });
    expect(report.profiles!.map((p) => [p.name, p.status])).toEqual([
      ['fp-default', 'ACTIVE'],
      ['fp-kube-system', 'ACTIVE'],
    ]);
    expect(report.coredns).toMatchObject({ found: true, desired: 2, ready: 0 });
    expect(report.coredns!.pods).toHaveLength(2);
    for (const pod of report.coredns!.pods) {
      expect(pod).toMatchObject({ state: 'stuck', phase: 'Pending', scheduler: 'default-scheduler', node: null, profile: 'fp-kube-system' });
      expect(pod.conditions.join(' ')).toContain('PodScheduled=False');
      expect(pod.latestEvent?.reason).toBe('FailedScheduling');
      expect(report.problems.join('\n')).toContain(`CoreDNS pod ${pod.name} is stuck`);
    }

    const text = await safeEksctlOn(s, ['check', '--cluster', CLUSTER], env);
    expect(text.exitCode).toBe(1);
    for (const pod of report.coredns!.pods) expect(text.stdout).toContain(pod.name);
    expect(text.stdout).toContain('latest event: FailedScheduling');
    expect(text.stdout).toContain(`safe-eksctl heal --cluster ${CLUSTER}`);
    expect(writes(s.kubeRequestsByMethod())).toBe(writes(before));

    const healed = await safeEksctlOn(s, ['heal', '--cluster', CLUSTER, '--poll-interval', '1', '--output', 'json'], env);
    expect(healed.exitCode, healed.stderr).toBe(0);
    expect(healed.json).toMatchObject({ ok: true, exitCode: 0, cluster: CLUSTER, coredns: { desired: 2, ready: 2, stuckBefore: 2 }, workloads: null });
    expect(healed.json!.coredns!.restarts).toBeGreaterThanOrEqual(1);
    expect(healed.json!.profiles.map((p) => p.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(healed.json!.phases.map((p) => [p.name, p.status])).toEqual([
      ['Preflight', 'ok'],
      ['Wait for Fargate profiles', 'ok'],
      ['Heal CoreDNS', 'ok'],
    ]);

    const well = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--output', 'json'], env);
    expect(well.exitCode, well.stdout).toBe(0);
    expect(well.json).toMatchObject({ ok: true, problems: [], coredns: { desired: 2, ready: 2 } });
    const live = well.json!.coredns!.pods.filter((p) => p.state !== 'terminating');
    expect(live.map((p) => [p.state, p.scheduler])).toEqual([
      ['healthy', 'fargate-scheduler'],
      ['healthy', 'fargate-scheduler'],
    ]);

    const writesBeforeSecondHeal = writes(s.kubeRequestsByMethod());
    const again = await safeEksctlOn(s, ['heal', '--cluster', CLUSTER, '--workloads', '--output', 'json'], env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ ok: true, coredns: { stuckBefore: 0, restarts: 0, ready: 2 }, workloads: [] });
    expect(writes(s.kubeRequestsByMethod())).toBe(writesBeforeSecondHeal);

    // A passing throttle is retried, not taken for an unhealthy cluster: the gate still opens, time after time.
    s.faults.eksThrottle = 0.3;
    const throttledBefore = s.requestCounts['DescribeCluster'] ?? 0;
    for (let i = 0; i < 4; i++) {
      const gate = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--output', 'json'], env);
      expect(gate.exitCode, gate.stderr).toBe(0);
    }
    // More calls than checks: some were throttled and tried again.
    expect((s.requestCounts['DescribeCluster'] ?? 0) - throttledBefore).toBeGreaterThan(4);
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('region: --region wins, else AWS_REGION; no region or no such cluster is exit 2 with a clear message', async () => {
    const { s, env } = await clusterLeftPendingByEksctl0207();
    // The simulator answers in every region, so the report's region shows which one was used.
    const flagWins = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--region', 'eu-north-1', '--output', 'json'], env);
    expect(flagWins.json?.region).toBe('eu-north-1');
    const missing = await safeEksctlOn(s, ['check', '--cluster', 'no-such-cluster'], env);
    expect(missing.exitCode, missing.stderr).toBe(2);
    expect(missing.stderr).toContain(`no cluster "no-such-cluster" in ${env['AWS_REGION']}`);

    const { AWS_REGION: _r, AWS_DEFAULT_REGION: _d, ...noRegion } = env;
    const none = await safeEksctlOn(s, ['check', '--cluster', CLUSTER], noRegion);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no AWS region: pass --region, set AWS_REGION');
    const healNone = await safeEksctlOn(s, ['heal', '--cluster', CLUSTER], noRegion);
    expect(healNone.exitCode).toBe(2);

    const flag = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--region', env['AWS_REGION']!, '--output', 'json'], noRegion);
    expect(flag.exitCode).toBe(1);
    expect(flag.json?.region).toBe(env['AWS_REGION']);
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('no CoreDNS Deployment at all: heal has nothing to heal (exit 0, no write), check fails the gate (exit 1)', async () => {
    const { s, env } = await clusterLeftPendingByEksctl0207();
    s.world.kubeCluster(CLUSTER)!.delete('deployments', 'kube-system', 'coredns');
    const before = writes(s.kubeRequestsByMethod());

    const healed = await safeEksctlOn(s, ['heal', '--cluster', CLUSTER, '--output', 'json'], env);
    expect(healed.exitCode, healed.stderr).toBe(0);
    expect(healed.json).toMatchObject({ ok: true, coredns: { desired: 0, ready: 0, stuckBefore: 0, restarts: 0 } });
    expect(healed.stderr).toContain('Heal CoreDNS: no CoreDNS Deployment, nothing to heal');
    expect(writes(s.kubeRequestsByMethod())).toBe(before);

    const checked = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--output', 'json'], env);
    expect(checked.exitCode).toBe(1);
    expect(checked.json).toMatchObject({ ok: false, coredns: { found: false } });
    expect(checked.json!.problems).toContain('no CoreDNS Deployment (kube-system/coredns): nothing resolves names');
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('a role without eks:DescribeFargateProfile: heal stops at once with exit 3 and changes nothing; check exits 1', async () => {
    const { s, env } = await clusterLeftPendingByEksctl0207();
    s.faults.eksAccessDenied.push('DescribeFargateProfile');
    const before = s.kubeRequestsByMethod();
    const describesBefore = s.requestCounts['DescribeFargateProfile'] ?? 0;

    const healed = await safeEksctlOn(s, ['heal', '--cluster', CLUSTER, '--output', 'json'], env);
    expect(healed.exitCode, healed.stderr).toBe(3);
    expect(healed.json).toMatchObject({ ok: false, exitCode: 3, coredns: null });
    expect(healed.json!.error).toMatch(
      /^Fargate profile "fp-[a-z-]+" cannot be read: DescribeFargateProfile: AccessDeniedException: User: \S+ is not authorized to perform: eks:DescribeFargateProfile on resource: /,
    );
    expect(healed.stderr).toContain('not authorized to perform: eks:DescribeFargateProfile');
    // Not retried like throttling: at most one call per profile (both are polled at once), then the run ends.
    const describes = (s.requestCounts['DescribeFargateProfile'] ?? 0) - describesBefore;
    expect(describes).toBeGreaterThanOrEqual(1);
    expect(describes).toBeLessThanOrEqual(2);
    expect(healed.json!.phases.map((p) => [p.name, p.status])).toEqual([
      ['Preflight', 'ok'],
      ['Wait for Fargate profiles', 'failed'],
    ]);
    expect(writes(s.kubeRequestsByMethod())).toBe(writes(before));

    const checked = await safeEksctlOn(s, ['check', '--cluster', CLUSTER], env);
    expect(checked.exitCode).toBe(1);
    expect(checked.stderr.trim()).toMatch(/^safe-eksctl: cannot read the Fargate profiles of "fargate-demo": .*not authorized to perform: eks:DescribeFargateProfile/);
    // What it could not read is unknown, not "none".
    expect(checked.stdout).toMatch(/^Cluster "fargate-demo" in \S+: NOT healthy \(exit 1\)\nFargate profiles: unknown \(not read\)\nCoreDNS: unknown \(not read\)\nProblems:\n {2}- cannot read the Fargate profiles/);
    // A pipeline parsing -o json gets one document that fails closed, not an empty stdout.
    const json = await safeEksctlOn<CheckReport>(s, ['check', '--cluster', CLUSTER, '--output', 'json'], env);
    expect(json.exitCode).toBe(1);
    expect(json.json).toEqual({
      ok: false,
      exitCode: 1,
      cluster: CLUSTER,
      region: s.region,
      profiles: null,
      coredns: null,
      problems: [expect.stringMatching(/^cannot read the Fargate profiles of "fargate-demo": /)],
      error: json.json!.problems[0],
    });
    expect(json.stderr.trim()).toBe(`safe-eksctl: ${json.json!.error}`);
    expect(writes(s.kubeRequestsByMethod())).toBe(writes(before));
  }, SCENARIO_TEST_TIMEOUT_MS);
});
