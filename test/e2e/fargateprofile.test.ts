// create fargateprofile on a running cluster whose namespace `apps` holds Pending pods of every kind of owner, through
// safe-eksctl's command line, the simulated eksctl and the simulator, all in this process on virtual time: with --workloads the Deployment and the StatefulSet end up Ready on
// Fargate, the bare pod and the orphan ReplicaSet are reported, the DaemonSet pod is left alone; without it none of
// them is touched; --delete-stranded-pods deletes the reported ones.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/commands/plan.js';
import { buildPlan } from '../../src/core/plan.js';
import type { WorkloadRecord } from '../../src/report.js';
import type { Simulator } from '../../src/sim/index.js';
import { createSimCluster, until } from '../helpers/sim.js';
import { config as inlineConfig } from '../helpers/examples.js';
import { EXAMPLES } from '../helpers/bin.js';
import { runCli, startVirtualSimulator } from '../helpers/in-process.js';
import { SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { createStrandableWorkloads, podStates, safeEksctlOn, simulatorPerTest } from '../helpers/sim-workloads.js';

const CLUSTER = 'apps-cluster';

const simulator = simulatorPerTest();

/** A cluster without profiles (CoreDNS Pending) and the strandable workloads in `apps`; the config adds two profiles. */
async function clusterWithStrandedApps() {
  const { s, env } = await simulator.start({ virtualTime: true, eksctlVersion: '0.230.0' });
  createSimCluster(s, CLUSTER, '1.31');
  await until(s, 'cluster ACTIVE', () => s.world.describeCluster(CLUSTER).status === 'ACTIVE');
  await createStrandableWorkloads(s, CLUSTER);
  const config = join(env['HOME']!, 'profiles.yaml');
  writeFileSync(
    config,
    [
      'apiVersion: eksctl.io/v1alpha5',
      'kind: ClusterConfig',
      `metadata: { name: ${CLUSTER}, region: ${s.region}, version: "1.31" }`,
      'fargateProfiles:',
      '  - name: fp-apps',
      '    selectors: [{ namespace: "apps*" }]',
      '  - name: fp-kube-system',
      '    selectors: [{ namespace: kube-system, labels: { k8s-app: kube-dns } }]',
      '',
    ].join('\n'),
  );
  return { s, env, config };
}

const run = (s: Simulator, config: string, env: Record<string, string>, ...more: string[]) =>
  safeEksctlOn(s, ['create', 'fargateprofile', '-f', config, '--poll-interval', '1', '--output', 'json', ...more], env);

const byName = (workloads: WorkloadRecord[] | null | undefined) => Object.fromEntries((workloads ?? []).map((w) => [`${w.kind}/${w.name}`, w]));

describe('create fargateprofile', () => {
  it('with --workloads restarts the Deployment and the StatefulSet onto Fargate, reports the bare pod and the orphan ReplicaSet, leaves the DaemonSet pod', async () => {
    const { s, env, config } = await clusterWithStrandedApps();
    const result = await run(s, config, env, '--workloads');
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = result.json!;
    expect(report).toMatchObject({ ok: true, exitCode: 0, cluster: CLUSTER, coredns: { ready: 2, desired: 2 } });
    expect(report.profiles.map((p) => [p.name, p.status]).sort()).toEqual([
      ['fp-apps', 'ACTIVE'],
      ['fp-kube-system', 'ACTIVE'],
    ]);
    expect(report.phases.map((p) => [p.name, p.status])).toEqual([
      ['Preflight', 'ok'],
      ['eksctl create fargateprofile', 'ok'],
      ['Wait for Fargate profiles', 'ok'],
      ['Heal CoreDNS', 'ok'],
      ['Heal stranded workloads', 'ok'],
    ]);
    const w = byName(report.workloads);
    expect(Object.keys(w).sort()).toEqual(['DaemonSet/node-agent', 'Deployment/web', 'Pod/debug', 'ReplicaSet/legacy', 'StatefulSet/db']);
    expect(w['Deployment/web']).toMatchObject({ namespace: 'apps', profile: 'fp-apps', action: 'restarted', desired: 2, ready: 2 });
    expect(w['Deployment/web']!.strandedPods).toHaveLength(2);
    expect(w['StatefulSet/db']).toMatchObject({ action: 'restarted', desired: 2, ready: 2, strandedPods: ['db-0'] });
    expect(w['Pod/debug']).toMatchObject({ action: 'reported', strandedPods: ['debug'] });
    expect(w['ReplicaSet/legacy']).toMatchObject({ action: 'reported' });
    expect(w['DaemonSet/node-agent']).toMatchObject({ action: 'left', strandedPods: ['node-agent-x7k2p'] });
    for (const record of [w['Deployment/web']!, w['StatefulSet/db']!]) expect(record.restarts).toBeGreaterThanOrEqual(1);

    const pods = await podStates(s, CLUSTER, 'apps');
    const running = Object.entries(pods).filter(([name]) => name.startsWith('web-') || name.startsWith('db-'));
    expect(running.map(([, state]) => state)).toEqual(['fargate-scheduler Running', 'fargate-scheduler Running', 'fargate-scheduler Running', 'fargate-scheduler Running']);
    expect(pods['debug']).toBe('default-scheduler Pending');
    expect(pods['node-agent-x7k2p']).toBe('default-scheduler Pending');
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('--workloads-timeout is the deadline of the workloads, apart from CoreDNS: exit 1 naming the owners not Ready', async () => {
    const { s, env, config } = await clusterWithStrandedApps();
    // Fargate pods take 2 simulated minutes to start from now on: CoreDNS (10m) waits them out, the workloads (2s)
    // cannot. On virtual time their last look comes at their deadline to the millisecond, whatever the machine's load.
    s.faults.fargateStartSeconds = 120;
    const result = await run(s, config, env, '--workloads', '--workloads-timeout', '2s');
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.json).toMatchObject({ ok: false, exitCode: 1, coredns: { ready: 2, desired: 2 } });
    expect(result.json!.phases.map((p) => [p.name, p.status]).slice(-2)).toEqual([
      ['Heal CoreDNS', 'ok'],
      ['Heal stranded workloads', 'failed'],
    ]);
    // The deadline counts from the start of the workloads' heal.
    expect(result.json!.error).toMatch(/Deployment apps\/web: not Ready on Fargate after 2s \(0\/2 ready, 1 restart\)/);
    expect(byName(result.json!.workloads)['Deployment/web']).toMatchObject({ action: 'failed', restarts: 1 });
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('without --workloads touches none of them, and the report says so', async () => {
    const { s, env, config } = await clusterWithStrandedApps();
    const before = await podStates(s, CLUSTER, 'apps');
    const result = await run(s, config, env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ ok: true, workloads: null, coredns: { ready: 2 } });
    expect(result.json!.phases.map((p) => p.name)).not.toContain('Heal stranded workloads');
    expect(await podStates(s, CLUSTER, 'apps')).toEqual(before);
    expect(Object.values(before).every((state) => state === 'default-scheduler Pending')).toBe(true);
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('--delete-stranded-pods deletes the bare pod and the orphan ReplicaSet pod, which comes back on Fargate; the DaemonSet pod stays', async () => {
    const { s, env, config } = await clusterWithStrandedApps();
    const result = await run(s, config, env, '--workloads', '--delete-stranded-pods');
    expect(result.exitCode, result.stderr).toBe(0);
    const w = byName(result.json!.workloads);
    expect(w['Pod/debug']).toMatchObject({ action: 'deleted' });
    expect(w['ReplicaSet/legacy']).toMatchObject({ action: 'deleted' });
    expect(w['DaemonSet/node-agent']).toMatchObject({ action: 'left' });
    const pods = await podStates(s, CLUSTER, 'apps');
    expect(pods).not.toHaveProperty('debug');
    expect(pods['node-agent-x7k2p']).toBe('default-scheduler Pending');
    const legacy = Object.entries(pods).filter(([name]) => name.startsWith('legacy-'));
    expect(legacy).toHaveLength(1);
    expect(legacy[0]![0]).not.toBe(w['ReplicaSet/legacy']!.strandedPods[0]);
    expect(legacy[0]![1]).toMatch(/^fargate-scheduler /);
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('--name creates that profile only; without a kube-system profile CoreDNS can never run (exit 4)', async () => {
    const { s, env, config } = await clusterWithStrandedApps();
    const result = await run(s, config, env, '--name', 'fp-apps', '--workloads');
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('CoreDNS can never run');
    expect(result.json).toMatchObject({ ok: false, exitCode: 4, profiles: [{ name: 'fp-apps', status: 'ACTIVE' }], workloads: null });
    const phases = result.json!.phases;
    expect(phases.find((p) => p.name === 'Heal CoreDNS')?.status).toBe('failed');
    expect(phases.some((p) => p.name === 'Heal stranded workloads' && p.status === 'ok')).toBe(false);
    expect(s.requestCounts['CreateFargateProfile']).toBe(1);
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('a --name the config does not have is exit 2 before eksctl starts', async () => {
    const { s, env, config } = await clusterWithStrandedApps();
    const result = await run(s, config, env, '--name', 'fp-nope');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no Fargate profile named "fp-nope"');
    expect(s.requestCounts['CreateFargateProfile'] ?? 0).toBe(0);
  }, SCENARIO_TEST_TIMEOUT_MS);
});

describe('create --workloads', () => {
  it('runs the workloads step after CoreDNS; a new cluster has nothing stranded', async () => {
    const sim = await startVirtualSimulator({ eksctlVersion: '0.207.0' });
    const result = await runCli(sim, ['create', '-f', `${EXAMPLES}/bug-report.yaml`, '--workloads', '--poll-interval', '1', '--output', 'json']).finally(() => sim.close());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.report).toMatchObject({ ok: true, coredns: { ready: 2 }, workloads: [] });
    expect(result.report!.phases.map((p) => p.name).slice(-2)).toEqual(['Heal CoreDNS', 'Heal stranded workloads']);
  }, SCENARIO_TEST_TIMEOUT_MS);
});

describe('plan', () => {
  it('lists the namespaces the profiles capture, in text and JSON', () => {
    const plan = buildPlan(
      inlineConfig('fargateProfiles:\n  - name: fp-apps\n    selectors: [{ namespace: "apps-*" }, { namespace: kube-system }]\n  - name: fp-more\n    selectors: [{ namespace: "apps-*", labels: { tier: web } }]\n'),
      '0.230.0',
    );
    expect(plan.capturedNamespaces).toEqual(['apps-*', 'kube-system']);
    expect(formatPlan(plan)).toContain('Namespaces the Fargate profiles capture: apps-*, kube-system\n');
    expect(formatPlan(buildPlan(inlineConfig('managedNodeGroups:\n  - name: ng\n'), '0.230.0'))).toContain('Namespaces the Fargate profiles capture: none\n');
  });
});
