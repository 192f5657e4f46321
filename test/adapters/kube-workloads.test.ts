// The KubeApi methods --workloads adds, over client-node and HTTPS against the simulator; and check / heal called in
// process on the simulator's clock, for the states the bin suites do not reach (profiles not ACTIVE).
import { afterEach, describe, expect, it } from 'vitest';
import { check } from '../../src/commands/check.js';
import { heal, parseHealOptions } from '../../src/commands/heal.js';
import type { CheckReport } from '../../src/commands/check.js';
import { createEksApi } from '../../src/adapters/eks.js';
import { createEksKubeApi } from '../../src/adapters/kube.js';
import type { Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { startVirtualSimulator } from '../helpers/in-process.js';
import { captureIo } from '../helpers/io.js';
import { createStrandableWorkloads, simKube, writes } from '../helpers/sim-workloads.js';
import { createCoreDnsProfile, createSimCluster, simClock, simCredentials, until } from '../helpers/sim.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

// On virtual time; check and heal run as work the clock waits for, as the bin's whole run is (helpers/in-process.ts).
async function cluster(faults: string[] = [], timings: SimulatorOptions['timings'] = {}) {
  const s = (sim = await startVirtualSimulator({ faults, timings }));
  createSimCluster(s, 'demo', '1.31');
  await until(s, 'cluster ACTIVE', () => s.world.describeCluster('demo').status === 'ACTIVE');
  const eks = createEksApi({ region: s.region, credentials: simCredentials, endpoint: s.eksEndpoint });
  const info = await eks.describeCluster('demo');
  const kube = createEksKubeApi({ clusterName: 'demo', region: s.region, endpoint: info.endpoint, caData: info.caData, credentials: simCredentials });
  return { s, kube };
}

const deps = (s: Simulator) => ({ clock: simClock(s), credentials: simCredentials, eksEndpoint: s.eksEndpoint, stsEndpoint: s.eksEndpoint });

describe('KubeApi for stranded workloads', () => {
  it('lists Pending pods of every namespace, resolves ReplicaSet owners, reads Deployments and StatefulSets', async () => {
    const { s, kube } = await cluster();
    await createStrandableWorkloads(s, 'demo');
    const pending = await kube.listPendingPods();
    const names = pending.map((p) => `${p.namespace}/${p.name}`);
    expect(names.filter((n) => n.startsWith('kube-system/coredns-'))).toHaveLength(2);
    expect(names).toEqual(expect.arrayContaining(['apps/db-0', 'apps/debug', 'apps/node-agent-x7k2p']));
    expect(pending.every((p) => p.phase === 'Pending' && p.uid)).toBe(true);

    const web = pending.find((p) => p.name.startsWith('web-'))!;
    expect(await kube.getReplicaSetOwner('apps', web.ownerReferences[0]!.name)).toEqual({ kind: 'Deployment', name: 'web' });
    expect(await kube.getReplicaSetOwner('apps', 'legacy')).toBeUndefined();
    expect(await kube.getReplicaSetOwner('apps', 'gone')).toBeUndefined();

    expect(await kube.getWorkload('Deployment', 'apps', 'web')).toMatchObject({ kind: 'Deployment', desired: 2, ready: 0, selector: 'app=web' });
    expect(await kube.getWorkload('StatefulSet', 'apps', 'db')).toMatchObject({ kind: 'StatefulSet', desired: 2, ready: 0, selector: 'app=db' });
    expect(await kube.getWorkload('StatefulSet', 'apps', 'nope')).toBeUndefined();
  });

  it('restarts a StatefulSet like kubectl rollout restart and deletes pods (a missing pod is no error)', async () => {
    const { s, kube } = await cluster();
    await createStrandableWorkloads(s, 'demo');
    const before = await kube.getWorkload('StatefulSet', 'apps', 'db');
    await kube.restartStatefulSet('apps', 'db', { at: new Date('2026-11-28T12:34:56.789Z') });
    const after = await kube.getWorkload('StatefulSet', 'apps', 'db');
    expect(after?.templateAnnotations['kubectl.kubernetes.io/restartedAt']).toBe('2026-11-28T12:34:56Z');
    expect(after?.generation).toBe((before?.generation ?? 0) + 1);

    const { uid } = (await kube.listPods('apps', 'app=db'))[0]!;
    await kube.deletePod('apps', 'db-0');
    await kube.deletePod('apps', 'db-0-never-existed');
    const again = await kube.listPods('apps', 'app=db');
    // The StatefulSet controller recreates db-0 under the same name: only the uid differs.
    expect(again.map((p) => p.name)).toEqual(['db-0']);
    expect(again[0]!.uid).not.toBe(uid);
    expect(await kube.listPods('apps', 'app=debug')).toHaveLength(1);
    await kube.deletePod('apps', 'debug');
    expect(await kube.listPods('apps', 'app=debug')).toEqual([]);
  });
});

describe('check and heal in process', () => {
  it('heal: a profile already CREATE_FAILED or DELETING at its first look is listed with its state, not waited for', async () => {
    const { s } = await cluster(['profile-create-failed=fp-coredns'], { fargateProfileSeconds: 1_000_000 });
    createCoreDnsProfile(s, 'demo');
    s.world.endProfileCreation('demo', 'fp-coredns');
    const io = captureIo();
    const options = parseHealOptions({ cluster: 'demo', region: s.region, output: 'json', fargateTimeout: '24h', corednsTimeout: '24h' });
    const code = await s.clock.track(() => heal(options, io, deps(s)));
    // Not exit 3: the failed profile is listed, and CoreDNS, with no other profile and no node, can never run.
    expect(code).toBe(4);
    const report = JSON.parse(io.out()) as { profiles: { name: string; status: string }[]; error: string };
    expect(report.profiles).toEqual([expect.objectContaining({ name: 'fp-coredns', status: 'CREATE_FAILED' })]);
    expect(report.error).toMatch(/^CoreDNS can never run/);
    expect(io.err()).toContain("fp-coredns is CREATE_FAILED: PodExecutionRoleAlreadyInUse");
  });

  it('check: a profile still CREATING fails the gate and is named; nothing is written', async () => {
    // The profile is held in CREATING by its timing, not by racing its default 2 simulated minutes.
    const { s } = await cluster([], { fargateProfileSeconds: 1_000_000 });
    createCoreDnsProfile(s, 'demo');
    const io = captureIo();
    const before = writes(s.kubeRequestsByMethod());
    const code = await s.clock.track(() => check({ cluster: 'demo', region: s.region, output: 'json' }, io, deps(s)));
    expect(code).toBe(1);
    const report = JSON.parse(io.out()) as CheckReport;
    expect(report.profiles).toEqual([expect.objectContaining({ name: 'fp-coredns', status: 'CREATING' })]);
    expect(report.problems[0]).toBe('Fargate profile fp-coredns is CREATING');
    // With no ACTIVE profile and no node, CoreDNS can never run: said so per pod.
    expect(report.coredns!.pods.map((p) => p.state)).toEqual(['unschedulable', 'unschedulable']);
    expect(writes(s.kubeRequestsByMethod())).toBe(before);
  });

  it('check: for a stuck CoreDNS, says whether a restart now would land on Fargate, by the webhook\'s answer to a dry run', async () => {
    // fp-coredns is ACTIVE at once and unseen by the webhook for as long as the test needs (its delay is a fault the
    // test lifts), so the first check is certain to meet the webhook before it sees the profile.
    const { s } = await cluster(['webhook-delay=1000000'], { fargateProfileSeconds: 0 });
    createCoreDnsProfile(s, 'demo');
    await until(s, 'fp-coredns ACTIVE', () => s.world.describeFargateProfile('demo', 'fp-coredns').status === 'ACTIVE');
    const look = async () => {
      const io = captureIo();
      expect(await s.clock.track(() => check({ cluster: 'demo', region: s.region, output: 'json' }, io, deps(s)))).toBe(1);
      const text = captureIo();
      await s.clock.track(() => check({ cluster: 'demo', region: s.region, output: 'text' }, text, deps(s)));
      return { report: JSON.parse(io.out()) as CheckReport, text: text.out() };
    };
    const before = writes(s.kubeRequestsByMethod());

    const unseen = await look();
    expect(unseen.report.coredns?.restartNow).toEqual({
      wouldLandOnFargate: false,
      profile: 'fp-coredns',
      detail: 'the Fargate webhook does not see profile "fp-coredns" yet: a new pod would still go to default-scheduler; heal waits for the webhook before it restarts',
    });
    expect(unseen.text).toContain('Restart now: the Fargate webhook does not see profile "fp-coredns" yet');

    s.faults.webhookDelaySeconds = 0;
    s.world.createFargateProfile({ clusterName: 'demo', fargateProfileName: 'fp-twin', podExecutionRoleArn: 'arn:aws:iam::000000000000:role/pod', selectors: [{ namespace: 'kube-system' }] });
    await until(s, 'the webhook sees fp-twin', () => s.world.profileVisibleAt('demo', 'fp-twin') !== undefined);
    const seen = await look();
    expect(seen.report.coredns?.restartNow).toMatchObject({ wouldLandOnFargate: true, profile: 'fp-twin', detail: 'a restart now lands on Fargate (profile "fp-twin"): heal will work now' });
    expect(seen.text).toMatch(/Restart now: a restart now lands on Fargate \(profile "fp-twin"\): heal will work now\nRun: safe-eksctl heal --cluster demo/);

    // Only dry runs: nothing was written.
    expect(writes(s.kubeRequestsByMethod())).toBe(before);
    expect(s.kubeRequestsByMethod()['POST (dry run)']).toBe(4);

    s.faults.dryRunRefused = 403;
    expect((await look()).report.coredns?.restartNow).toMatchObject({ wouldLandOnFargate: null, detail: expect.stringContaining('HTTP 403') });
  });

  it('heal: a profile that turns CREATE_FAILED ends the run with exit 3 and the profile in the report', async () => {
    // The profile stays CREATING until heal has looked at it once, then fails: a profile already failed at heal's
    // first look is not one heal waits for (another test), so the moment must not be raced against a timer.
    const { s } = await cluster(['profile-create-failed=fp-coredns'], { fargateProfileSeconds: 1_000_000 });
    createCoreDnsProfile(s, 'demo');
    const io = captureIo();
    // A day's deadline leaves CREATE_FAILED the only way the wait can end.
    const options = parseHealOptions({ cluster: 'demo', region: s.region, output: 'json', fargateTimeout: '24h' });
    const running = s.clock.track(() => heal(options, io, deps(s)));
    await until(s, "heal's first look at the profile", () => (s.requestCounts['DescribeFargateProfile'] ?? 0) >= 1);
    s.world.endProfileCreation('demo', 'fp-coredns');
    const code = await running;
    expect(code).toBe(3);
    const report = JSON.parse(io.out()) as { profiles: { name: string; status: string }[]; coredns: unknown; workloads: unknown };
    expect(report.profiles).toEqual([expect.objectContaining({ name: 'fp-coredns', status: 'CREATE_FAILED' })]);
    expect(report.coredns).toBeNull();
    expect(io.err()).toContain('Fargate profile "fp-coredns" is CREATE_FAILED');
  });

  it('heal --workloads on the simulator clock: CoreDNS and the apps restarted, then a second heal restarts nothing', async () => {
    // Two hours are far beyond the few simulated minutes the heals need.
    const { s } = await cluster();
    const options = parseHealOptions({
      cluster: 'demo',
      region: s.region,
      output: 'json',
      workloads: true,
      fargateTimeout: '2h',
      corednsTimeout: '2h',
      workloadsTimeout: '2h',
    });
    await createStrandableWorkloads(s, 'demo');
    createCoreDnsProfile(s, 'demo');
    // EKS creates one profile at a time.
    await until(s, 'fp-coredns ACTIVE', () => s.world.describeFargateProfile('demo', 'fp-coredns').status === 'ACTIVE');
    s.world.createFargateProfile({ clusterName: 'demo', fargateProfileName: 'fp-apps', podExecutionRoleArn: 'arn:aws:iam::000000000000:role/pod', selectors: [{ namespace: 'apps' }] });
    const first = captureIo();
    expect(await s.clock.track(() => heal(options, first, deps(s)))).toBe(0);
    const report = JSON.parse(first.out()) as { workloads: { kind: string; name: string; action: string }[] };
    expect(report.workloads.filter((w) => w.action === 'restarted').map((w) => `${w.kind}/${w.name}`).sort()).toEqual(['Deployment/web', 'StatefulSet/db']);

    const { core } = await simKube(s, 'demo');
    const web = (await core.listNamespacedPod({ namespace: 'apps', labelSelector: 'app=web' })).items;
    expect(web.map((p) => `${p.spec?.schedulerName} ${p.status?.phase}`)).toEqual(['fargate-scheduler Running', 'fargate-scheduler Running']);

    const writesBefore = writes(s.kubeRequestsByMethod());
    const second = captureIo();
    expect(await s.clock.track(() => heal(options, second, deps(s)))).toBe(0);
    const again = JSON.parse(second.out()) as { coredns: { restarts: number }; workloads: { action: string }[] };
    expect(again.coredns.restarts).toBe(0);
    expect(again.workloads.map((w) => w.action).sort()).toEqual(['left', 'reported', 'reported']);
    expect(writes(s.kubeRequestsByMethod())).toBe(writesBefore);
  });
});
