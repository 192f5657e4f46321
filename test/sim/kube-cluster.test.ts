import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimClock } from '../../src/sim/clock.js';
import { noFaults, type Faults } from '../../src/sim/faults.js';
import { KubeCluster, type FargateProfileView } from '../../src/sim/kube/cluster.js';
import type { Deployment, EventObject, NodeObject, Pod, ReplicaSet } from '../../src/sim/kube/types.js';

const SCALE = 0.001;

interface Setup {
  profiles?: FargateProfileView[];
  ec2?: boolean;
  faults?: Partial<Faults>;
  version?: string;
}

function setup({ profiles = [], ec2 = false, faults = {}, version = '1.31' }: Setup = {}) {
  const state = { profiles, ec2 };
  const clock = new SimClock({ scale: SCALE });
  const cluster = new KubeCluster({
    name: 'demo',
    clock,
    faults: { ...noFaults(), ...faults },
    kubernetesVersion: version,
    admissionProfiles: () => state.profiles,
    ec2NodesAvailable: () => state.ec2,
  });
  clusters.push(cluster);
  return { cluster, state, clock };
}

/** Lets `seconds` of simulated time pass. */
function pass(seconds: number): void {
  vi.advanceTimersByTime(seconds * 1000 * SCALE);
}

function pod(name: string, namespace: string, labels: Record<string, string>, annotations?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, annotations, uid: '', resourceVersion: '', creationTimestamp: '' },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
    status: { phase: 'Pending' },
  };
}

const clusters: KubeCluster[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const c of clusters.splice(0)) c.stop();
  vi.useRealTimers();
});

const coredns = { name: 'kube-system', selectors: [{ namespace: 'kube-system' }] };

describe('Fargate admission', () => {
  it('sends a pod matching a visible profile to fargate-scheduler and runs it on its own fargate-ip node after 45 s', () => {
    const { cluster } = setup({ profiles: [coredns] });
    const created = cluster.create('pods', 'kube-system', pod('p', 'kube-system', { app: 'x' })) as Pod;
    expect(created.spec.schedulerName).toBe('fargate-scheduler');
    expect(created.metadata.labels?.['eks.amazonaws.com/fargate-profile']).toBe('kube-system');
    pass(44);
    expect(cluster.get<Pod>('pods', 'kube-system', 'p')?.status.phase).toBe('Pending');
    pass(2);
    const running = cluster.get<Pod>('pods', 'kube-system', 'p')!;
    expect(running.status.phase).toBe('Running');
    expect(running.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(running.spec.nodeName).toMatch(/^fargate-ip-192-168-\d+-\d+\.us-west-2\.compute\.internal$/);
    const node = cluster.get<NodeObject>('nodes', undefined, running.spec.nodeName!)!;
    expect(node.spec.taints).toEqual([{ key: 'eks.amazonaws.com/compute-type', value: 'fargate', effect: 'NoSchedule' }]);
    expect(node.metadata.labels?.['eks.amazonaws.com/compute-type']).toBe('fargate');
  });

  it('matches wildcards in namespaces, label keys and values, and needs every label of a selector', () => {
    const { cluster } = setup({
      profiles: [{ name: 'wild', selectors: [{ namespace: 'team-?', labels: { 'app.*/tier': 'fr*nt' } }, { namespace: 'prod-*', labels: { a: '1', b: '2' } }] }],
    });
    const admitted = (name: string, ns: string, labels: Record<string, string>) =>
      (cluster.create('pods', ns, pod(name, ns, labels)) as Pod).spec.schedulerName === 'fargate-scheduler';
    for (const ns of ['team-a', 'team-bb', 'prod-eu', 'prod']) {
      cluster.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, uid: '', resourceVersion: '', creationTimestamp: '' } });
    }
    expect(admitted('p1', 'team-a', { 'app.io/tier': 'front' })).toBe(true);
    expect(admitted('p2', 'team-bb', { 'app.io/tier': 'front' })).toBe(false);
    expect(admitted('p3', 'team-a', { 'app.io/tier': 'back' })).toBe(false);
    expect(admitted('p4', 'prod-eu', { a: '1', b: '2', c: '3' })).toBe(true);
    expect(admitted('p5', 'prod-eu', { a: '1' })).toBe(false);
    expect(admitted('p6', 'prod', { a: '1', b: '2' })).toBe(false);
  });

  it('picks the first matching profile by name', () => {
    const { cluster } = setup({
      profiles: [
        { name: 'zeta', selectors: [{ namespace: 'kube-system' }] },
        { name: 'alpha', selectors: [{ namespace: 'kube-*' }] },
        { name: 'Beta', selectors: [{ namespace: 'kube-system' }] },
      ],
    });
    const created = cluster.create('pods', 'kube-system', pod('p', 'kube-system', {})) as Pod;
    expect(created.metadata.labels?.['eks.amazonaws.com/fargate-profile']).toBe('Beta');
  });

  it('skips pods annotated compute-type ec2', () => {
    const { cluster } = setup({ profiles: [coredns] });
    const created = cluster.create('pods', 'kube-system', pod('p', 'kube-system', {}, { 'eks.amazonaws.com/compute-type': 'ec2' })) as Pod;
    expect(created.spec.schedulerName).toBe('default-scheduler');
    expect(created.metadata.labels?.['eks.amazonaws.com/fargate-profile']).toBeUndefined();
  });

  it('leaves a pod created before the profile is visible Pending forever, with the scheduler\'s reason and event', () => {
    const { cluster, state } = setup();
    cluster.create('pods', 'kube-system', pod('early', 'kube-system', {}));
    state.profiles = [coredns];
    pass(3600);
    const early = cluster.get<Pod>('pods', 'kube-system', 'early')!;
    expect(early.spec.schedulerName).toBe('default-scheduler');
    expect(early.status.phase).toBe('Pending');
    expect(early.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes available to schedule pods' }),
    );
    const events = cluster.list<EventObject>('events', 'kube-system').filter((e) => e.involvedObject.name === 'early');
    expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', source: { component: 'default-scheduler' } }));
  });
});

describe('default-scheduler on EC2', () => {
  it('schedules Pending pods once reconcile sees an ACTIVE nodegroup, Ready 5 s later', () => {
    const { cluster, state } = setup();
    cluster.create('pods', 'default', pod('web', 'default', {}));
    state.ec2 = true;
    expect(cluster.get<Pod>('pods', 'default', 'web')!.spec.nodeName).toBeUndefined();
    cluster.reconcile();
    const bound = cluster.get<Pod>('pods', 'default', 'web')!;
    expect(bound.spec.nodeName).toMatch(/^ip-192-168-\d+-\d+\.us-west-2\.compute\.internal$/);
    expect(bound.status.phase).toBe('Pending');
    expect(cluster.list<NodeObject>('nodes')).toHaveLength(2);
    pass(5);
    expect(cluster.get<Pod>('pods', 'default', 'web')!.status.phase).toBe('Running');
  });

  it('gives the fargate taint as the reason once Fargate nodes exist', () => {
    const { cluster, state } = setup();
    cluster.create('pods', 'default', pod('stuck', 'default', {}));
    state.profiles = [{ name: 'fp', selectors: [{ namespace: 'kube-system' }] }];
    cluster.create('pods', 'kube-system', pod('f', 'kube-system', {}));
    pass(45);
    const stuck = cluster.get<Pod>('pods', 'default', 'stuck')!;
    expect(stuck.status.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });
});

describe('deployment controller', () => {
  function corednsPods(cluster: KubeCluster) {
    return cluster.listPods('kube-system', { 'k8s-app': 'kube-dns' });
  }

  it('installs CoreDNS with 2 replicas, the EKS labels and a pod-template-hash ReplicaSet', () => {
    const { cluster } = setup();
    cluster.installCoreDns();
    const d = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    expect(d.spec.template.metadata?.labels).toEqual({ 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' });
    expect(d.spec.template.metadata?.annotations).toBeUndefined();
    expect(d.spec.template.spec.containers[0]?.image).toMatch(/^602401143452\.dkr\.ecr\.us-west-2\.amazonaws\.com\/eks\/coredns:v1\.11\.4-eksbuild\.\d+$/);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const [rs] = cluster.list<ReplicaSet>('replicasets', 'kube-system');
    expect(rs?.metadata.name).toBe(`coredns-${rs?.metadata.labels?.['pod-template-hash']}`);
    expect(corednsPods(cluster)).toHaveLength(2);
    expect(corednsPods(cluster)[0]?.metadata.name).toMatch(new RegExp(`^${rs!.metadata.name}-[a-z0-9]{5}$`));
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, unavailableReplicas: 2 });
    expect(d.status.readyReplicas).toBeUndefined();
    expect(d.status.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('pins CoreDNS to EC2 for Kubernetes 1.28 until the addon says computeType Fargate', () => {
    const { cluster, state } = setup({ version: '1.28', profiles: [coredns] });
    state.profiles = [coredns];
    cluster.installCoreDns();
    expect(corednsPods(cluster).map((p) => p.spec.schedulerName)).toEqual(['default-scheduler', 'default-scheduler']);
    expect(cluster.setCoreDnsComputeTypeFargate()).toBe(true);
    expect(corednsPods(cluster).filter((p) => p.spec.schedulerName === 'fargate-scheduler').length).toBeGreaterThan(0);
    pass(200);
    const pods = corednsPods(cluster);
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.status.phase === 'Running' && p.spec.nodeName?.startsWith('fargate-'))).toBe(true);
  });

  it('rolls out a restart: a new ReplicaSet, pods admitted at that moment, old pods gone only once new ones are Ready', () => {
    const { cluster, state } = setup();
    cluster.installCoreDns();
    const before = corednsPods(cluster).map((p) => p.metadata.name);
    state.profiles = [coredns];
    const d = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    d.spec.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-11-28T12:00:00Z' };
    const updated = cluster.update('deployments', d) as Deployment;
    expect(updated.metadata.generation).toBe(2);
    expect(updated.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(cluster.list<ReplicaSet>('replicasets', 'kube-system')).toHaveLength(2);
    const fresh = corednsPods(cluster).filter((p) => !before.includes(p.metadata.name));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((p) => p.spec.schedulerName === 'fargate-scheduler')).toBe(true);
    // maxUnavailable 1: one unavailable old pod may go at once; the other waits for a new pod to be Ready.
    expect(corednsPods(cluster).filter((p) => before.includes(p.metadata.name))).toHaveLength(1);
    const mid = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    expect(mid.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    pass(46);
    const after = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    expect(corednsPods(cluster).filter((p) => before.includes(p.metadata.name))).toHaveLength(0);
    expect(corednsPods(cluster).every((p) => p.status.phase === 'Running' && p.spec.nodeName?.startsWith('fargate-ip-'))).toBe(true);
    expect(after.status).toMatchObject({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(after.status.unavailableReplicas).toBeUndefined();
    expect(after.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(after.status.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    const old = cluster.list<ReplicaSet>('replicasets', 'kube-system').find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1');
    expect(old?.spec.replicas).toBe(0);
  });

  it('keeps old Ready pods until replacements are Ready (maxUnavailable 25% of 4 = 1)', () => {
    const { cluster, state } = setup({ ec2: true });
    cluster.create('deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', uid: '', resourceVersion: '', creationTimestamp: '' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    cluster.reconcile();
    pass(5);
    const ready = () => cluster.listPods('default').filter((p) => p.status.phase === 'Running').length;
    expect(ready()).toBe(4);
    state.profiles = [{ name: 'fp', selectors: [{ namespace: 'default' }] }];
    const d = cluster.get<Deployment>('deployments', 'default', 'web')!;
    d.spec.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': 'now' };
    cluster.update('deployments', d);
    expect(ready()).toBe(3);
    expect(cluster.listPods('default')).toHaveLength(5);
    pass(30);
    expect(ready()).toBe(3);
    pass(200);
    expect(ready()).toBe(4);
    expect(cluster.listPods('default').every((p) => p.spec.schedulerName === 'fargate-scheduler')).toBe(true);
  });

  it('replaces a deleted pod with a newly admitted one', () => {
    const { cluster, state } = setup();
    cluster.installCoreDns();
    state.profiles = [coredns];
    const [first] = corednsPods(cluster);
    cluster.delete('pods', 'kube-system', first!.metadata.name);
    const pods = corednsPods(cluster);
    expect(pods).toHaveLength(2);
    expect(pods.map((p) => p.spec.schedulerName).sort()).toEqual(['default-scheduler', 'fargate-scheduler']);
  });

  it('never makes new pods Ready under rollout-stuck, and says so after the progress deadline', () => {
    const { cluster, state } = setup({ faults: { rolloutStuck: true } });
    cluster.installCoreDns();
    state.profiles = [coredns];
    const d = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    d.spec.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': 'x' };
    cluster.update('deployments', d);
    pass(120);
    const stuck = corednsPods(cluster).filter((p) => p.spec.schedulerName === 'fargate-scheduler');
    expect(stuck.length).toBeGreaterThan(0);
    for (const p of stuck) {
      expect(p.spec.nodeName).toMatch(/^fargate-ip-/);
      expect(p.status.phase).toBe('Pending');
      expect(p.status.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
      expect(p.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    }
    pass(600);
    const after = cluster.get<Deployment>('deployments', 'kube-system', 'coredns')!;
    expect(after.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('honours the fargate-start fault', () => {
    const { cluster } = setup({ profiles: [coredns], faults: { fargateStartSeconds: 90 } });
    cluster.create('pods', 'kube-system', pod('p', 'kube-system', {}));
    pass(89);
    expect(cluster.get<Pod>('pods', 'kube-system', 'p')!.status.phase).toBe('Pending');
    pass(2);
    expect(cluster.get<Pod>('pods', 'kube-system', 'p')!.status.phase).toBe('Running');
  });
});
