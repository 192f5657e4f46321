import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimClock } from '../../src/sim/clock.js';
import { noFaults } from '../../src/sim/faults.js';
import { KubeCluster, type FargateProfileView } from '../../src/sim/kube/cluster.js';
import type { DaemonSet, KubeObject, Pod, StatefulSet } from '../../src/sim/kube/types.js';

const SCALE = 0.001;
const pass = (seconds: number) => vi.advanceTimersByTime(seconds * 1000 * SCALE);

let cluster: KubeCluster;
let profiles: FargateProfileView[];
let ec2: boolean;

beforeEach(() => {
  vi.useFakeTimers();
  profiles = [];
  ec2 = false;
  cluster = new KubeCluster({
    name: 'w',
    clock: new SimClock({ scale: SCALE }),
    faults: noFaults(),
    kubernetesVersion: '1.31',
    admissionProfiles: () => profiles,
    ec2NodesAvailable: () => ec2,
  });
});
afterEach(() => {
  cluster.stop();
  vi.useRealTimers();
});

function workload(kind: 'StatefulSet' | 'DaemonSet', name: string, replicas?: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, uid: '', resourceVersion: '', creationTimestamp: '' },
    spec: {
      ...(replicas !== undefined ? { replicas, serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
    },
  };
}

describe('StatefulSet controller', () => {
  it('creates ordered pods and replaces them from the highest ordinal, one Ready pod at a time, after a restart', () => {
    cluster.create('statefulsets', 'default', workload('StatefulSet', 'db', 2));
    expect(cluster.listPods('default').map((p) => p.metadata.name)).toEqual(['db-0']);
    expect(cluster.get<Pod>('pods', 'default', 'db-0')?.status.phase).toBe('Pending');
    profiles = [{ name: 'fp', selectors: [{ namespace: 'default' }] }];
    cluster.delete('pods', 'default', 'db-0');
    pass(45);
    expect(cluster.listPods('default').map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1']);
    pass(45);
    const sts = cluster.get<StatefulSet>('statefulsets', 'default', 'db')!;
    expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, observedGeneration: 1 });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);

    const oldUids = cluster.listPods('default').map((p) => p.metadata.uid);
    sts.spec.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': 'now' };
    cluster.update('statefulsets', sts);
    expect(cluster.get<Pod>('pods', 'default', 'db-0')!.metadata.uid).toBe(oldUids[0]);
    expect(cluster.get<Pod>('pods', 'default', 'db-1')!.metadata.uid).not.toBe(oldUids[1]);
    pass(46);
    expect(cluster.get<Pod>('pods', 'default', 'db-0')!.metadata.uid).not.toBe(oldUids[0]);
    pass(46);
    const done = cluster.get<StatefulSet>('statefulsets', 'default', 'db')!;
    expect(done.status).toMatchObject({ observedGeneration: 2, replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
    expect(done.status.currentRevision).toBe(done.status.updateRevision);
    expect(cluster.listPods('default').every((p) => p.spec.nodeName?.startsWith('fargate-ip-'))).toBe(true);
  });
});

describe('DaemonSet controller', () => {
  it('runs one pod per EC2 node, none on Fargate nodes, and leaves its pods alone when others restart', () => {
    cluster.create('daemonsets', 'kube-system', workload('DaemonSet', 'kube-proxy'));
    expect(cluster.listPods('kube-system')).toHaveLength(0);
    profiles = [{ name: 'fp', selectors: [{ namespace: 'kube-system', labels: { app: 'other' } }] }];
    ec2 = true;
    cluster.reconcile();
    pass(5);
    const dsPods = cluster.listPods('kube-system', { app: 'kube-proxy' });
    expect(dsPods).toHaveLength(2);
    expect(new Set(dsPods.map((p) => p.spec.nodeName)).size).toBe(2);
    expect(dsPods.every((p) => p.status.phase === 'Running' && !p.spec.nodeName?.startsWith('fargate-'))).toBe(true);
    const ds = cluster.get<DaemonSet>('daemonsets', 'kube-system', 'kube-proxy')!;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2 });

    cluster.create('statefulsets', 'kube-system', workload('StatefulSet', 'other', 1));
    pass(100);
    expect(cluster.listPods('kube-system', { app: 'kube-proxy' }).map((p) => p.metadata.uid).sort()).toEqual(dsPods.map((p) => p.metadata.uid).sort());
  });
});
