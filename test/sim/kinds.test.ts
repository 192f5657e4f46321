// The simulator's kinds of cluster, end to end over HTTPS with real tokens: Outposts clusters answer tokens signed for
// their ID, private-only endpoints refuse a machine outside the VPC, Auto Mode runs unclaimed pods on its own nodes,
// and eksctl's metrics-server addon has pods that Fargate may or may not take.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { createEksToken } from '../../src/adapters/token.js';
import type { Simulator } from '../../src/sim/index.js';
import { startVirtualSimulator } from '../helpers/in-process.js';
import type { NodeObject, Pod } from '../../src/sim/kube/types.js';
import { simCredentials, until } from '../helpers/sim.js';
import { clusterRequest, profileRequest } from '../helpers/eks-helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(faults: string[] = []) {
  return (sim = await startVirtualSimulator({ faults, timings: { controlPlaneSeconds: 10, fargateProfileSeconds: 10, autoModeNodeSeconds: 20 } }));
}

/** GET on the Kubernetes API with a token signed for `tokenFor`: the status, or the connection error's code. */
async function kubeGet(s: Simulator, tokenFor: string, path = '/api/v1/namespaces/kube-system/pods'): Promise<number | string> {
  const { token } = await createEksToken({ clusterName: tokenFor, region: s.region, credentials: simCredentials });
  return new Promise((resolve) => {
    const req = request(`${s.kubeServer}${path}`, { ca: readFileSync(s.caFile), headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

const active = (s: Simulator, name: string) => until(s, `${name} ACTIVE`, () => s.world.describeCluster(name).status === 'ACTIVE');

describe('simulated kinds of cluster', () => {
  it('Outposts: tokens are signed for the cluster ID; one signed for the name is refused', async () => {
    const s = await start();
    s.world.createCluster({ ...clusterRequest('local'), outpostConfig: { outpostArns: ['arn:aws:outposts:us-west-2:000000000000:outpost/op-1'], controlPlaneInstanceType: 'm5d.large' } });
    await active(s, 'local');
    const id = s.world.describeCluster('local').id!;
    expect(await kubeGet(s, id)).toBe(200);
    expect(await kubeGet(s, 'local')).toBe(401);
  });

  it('outside-vpc: a private-only endpoint drops the connection unanswered, a public one answers', async () => {
    const s = await start(['outside-vpc']);
    s.world.createCluster({ ...clusterRequest('private'), resourcesVpcConfig: { subnetIds: ['subnet-a'], endpointPublicAccess: false, endpointPrivateAccess: true } });
    s.world.createCluster(clusterRequest('public'));
    await active(s, 'private');
    await active(s, 'public');
    expect(await kubeGet(s, 'private')).toBe('ECONNRESET');
    expect(await kubeGet(s, 'public')).toBe(200);
    // From inside the VPC (no fault) the same endpoint answers.
    s.faults.outsideVpc = false;
    expect(await kubeGet(s, 'private')).toBe(200);
  });

  it('Auto Mode: no CoreDNS of its own; pods no profile takes run on Auto Mode nodes once they are up', async () => {
    const s = await start();
    s.world.createCluster({ ...clusterRequest('auto'), bootstrapSelfManagedAddons: false, computeConfig: { enabled: true, nodePools: ['general-purpose'] } });
    await active(s, 'auto');
    const kube = s.world.kubeCluster('auto')!;
    expect(kube.get('deployments', 'kube-system', 'coredns')).toBeUndefined();
    // A user who lists coredns gets one; its pods wait for Auto Mode's nodes, then run there.
    s.world.createAddon({ clusterName: 'auto', addonName: 'coredns' });
    const pods = () => kube.listPods('kube-system', { 'k8s-app': 'kube-dns' });
    expect(pods().map((p) => p.status.phase)).toEqual(['Pending', 'Pending']);
    await until(s, 'CoreDNS Running', () => pods().every((p) => p.status.phase === 'Running'));
    const nodes = kube.list<NodeObject>('nodes');
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.metadata.name).toMatch(/^i-0[0-9a-f]+$/);
      expect(node.metadata.labels).toMatchObject({ 'eks.amazonaws.com/compute-type': 'auto', 'karpenter.sh/nodepool': 'general-purpose' });
    }
    expect(pods().every((p: Pod) => nodes.some((n) => n.metadata.name === p.spec.nodeName))).toBe(true);
  });

  it('metrics-server: Pending where no Fargate profile takes it, on Fargate where one does', async () => {
    const s = await start();
    s.world.createCluster({ ...clusterRequest('fargate'), bootstrapSelfManagedAddons: false });
    await active(s, 'fargate');
    s.world.createFargateProfile(profileRequest('fargate', 'fp-dns', [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }]));
    await until(s, 'profile ACTIVE', () => s.world.describeFargateProfile('fargate', 'fp-dns').status === 'ACTIVE');
    await until(s, 'webhook sees it', () => s.world.admissionProfiles('fargate').length === 1);
    s.world.createAddon({ clusterName: 'fargate', addonName: 'metrics-server' });
    const kube = s.world.kubeCluster('fargate')!;
    const metrics = kube.listPods('kube-system', { 'app.kubernetes.io/name': 'metrics-server' });
    expect(metrics).toHaveLength(2);
    for (const pod of metrics) {
      expect(pod).toMatchObject({ spec: { schedulerName: 'default-scheduler' }, status: { phase: 'Pending' } });
      expect(pod.status.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    }
    s.world.createCluster({ ...clusterRequest('taken'), bootstrapSelfManagedAddons: false });
    await active(s, 'taken');
    s.world.createFargateProfile(profileRequest('taken', 'fp-system'));
    await until(s, 'webhook sees it', () => s.world.admissionProfiles('taken').length === 1);
    s.world.createAddon({ clusterName: 'taken', addonName: 'metrics-server' });
    const taken = s.world.kubeCluster('taken')!.listPods('kube-system', { 'app.kubernetes.io/name': 'metrics-server' });
    expect(taken.map((p) => p.spec.schedulerName)).toEqual(['fargate-scheduler', 'fargate-scheduler']);
  });
});
