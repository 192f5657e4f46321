// The world's lifecycle rules on simulated time, driven with fake timers (scale 1: one simulated second = 1 s).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EksError } from '../../src/sim/eks/errors.js';
import { DEFAULT_TIMINGS } from '../../src/sim/world.js';
import { clusterRequest, profileRequest, TEST_CA_PEM, TEST_KUBE_URL, testWorld } from '../helpers/eks-helpers.js';

const seconds = (s: number) => vi.advanceTimersByTime(s * 1000);

function errorOf(fn: () => unknown): EksError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EksError) return error;
    throw error;
  }
  throw new Error('expected an EksError');
}

describe('world lifecycle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function activeCluster(options: Parameters<typeof testWorld>[0] = {}) {
    const t = testWorld(options);
    t.world.createCluster(clusterRequest('demo'));
    seconds(DEFAULT_TIMINGS.controlPlaneSeconds);
    return { ...t, kube: t.kubes.get('demo')! };
  }

  it('keeps the control plane CREATING for 120 s, then ACTIVE with endpoint and CA, and installs CoreDNS then', () => {
    const { world, kubes } = testWorld();
    const created = world.createCluster(clusterRequest('demo'));
    expect(created.status).toBe('CREATING');
    expect(created.endpoint).toBeUndefined();
    expect(created.arn).toBe('arn:aws:eks:us-west-2:000000000000:cluster/demo');
    const kube = kubes.get('demo')!;
    expect(kube.spec.kubernetesVersion).toBe('1.31');

    seconds(119);
    expect(world.describeCluster('demo').status).toBe('CREATING');
    expect(kube.calls).toEqual([]);
    seconds(1);
    const cluster = world.describeCluster('demo');
    expect(cluster.status).toBe('ACTIVE');
    expect(cluster.endpoint).toBe(TEST_KUBE_URL);
    expect(Buffer.from(cluster.certificateAuthority!.data!, 'base64').toString()).toBe(TEST_CA_PEM);
    expect(kube.calls).toEqual(['installCoreDns']);
    world.close();
  });

  it('stops every cluster on close, and nothing moves afterwards', () => {
    const { world, kubes } = testWorld();
    world.createCluster(clusterRequest('demo'));
    world.close();
    expect(kubes.get('demo')!.calls).toEqual(['stop']);
    seconds(600);
    expect(world.describeCluster('demo').status).toBe('CREATING');
  });

  it('rejects unknown or negative timings', () => {
    expect(() => testWorld({ timings: { controlPlaneSeconds: -1 } })).toThrow(RangeError);
    expect(() => testWorld({ timings: { bogus: 1 } as never })).toThrow(/unknown simulator timing/);
  });

  it('refuses a second cluster of the same name and unknown names', () => {
    const { world } = testWorld();
    world.createCluster(clusterRequest('demo'));
    expect(errorOf(() => world.createCluster(clusterRequest('demo'))).type).toBe('ResourceInUseException');
    expect(errorOf(() => world.describeCluster('nope'))).toMatchObject({ type: 'ResourceNotFoundException', status: 404 });
    expect(errorOf(() => world.createCluster(clusterRequest('old', '1.19'))).type).toBe('InvalidParameterException');
    world.close();
  });

  it('refuses a Fargate profile until the control plane is ACTIVE', () => {
    const { world } = testWorld();
    world.createCluster(clusterRequest('demo'));
    expect(errorOf(() => world.createFargateProfile(profileRequest('demo', 'fp'))).type).toBe('InvalidRequestException');
    world.close();
  });

  it('turns a profile ACTIVE after 120 s and shows it to admission 10 s later, reconciling at both moments', () => {
    const { world, kube } = activeCluster();
    kube.calls.length = 0;
    world.createFargateProfile(
      profileRequest('demo', 'fp-coredns', [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } } as never]),
    );
    expect(world.describeFargateProfile('demo', 'fp-coredns').status).toBe('CREATING');
    seconds(119);
    expect(world.describeFargateProfile('demo', 'fp-coredns').status).toBe('CREATING');
    seconds(1);
    expect(world.describeFargateProfile('demo', 'fp-coredns').status).toBe('ACTIVE');
    expect(kube.spec.admissionProfiles()).toEqual([]);
    expect(kube.calls).toEqual(['reconcile']);
    seconds(9);
    expect(kube.spec.admissionProfiles()).toEqual([]);
    seconds(1);
    expect(kube.spec.admissionProfiles()).toEqual([
      { name: 'fp-coredns', selectors: [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } }] },
    ]);
    expect(kube.calls).toEqual(['reconcile', 'reconcile']);
    world.close();
  });

  it('honours the webhook-delay fault, and 0 means visible at once', () => {
    const delayed = activeCluster({ faults: { webhookDelaySeconds: 40 } });
    delayed.world.createFargateProfile(profileRequest('demo', 'fp'));
    seconds(120 + 39);
    expect(delayed.kube.spec.admissionProfiles()).toEqual([]);
    seconds(1);
    expect(delayed.kube.spec.admissionProfiles().map((p) => p.name)).toEqual(['fp']);
    delayed.world.close();

    const at = activeCluster({ faults: { webhookDelaySeconds: 0 } });
    at.world.createFargateProfile(profileRequest('demo', 'fp'));
    seconds(120);
    expect(at.kube.spec.admissionProfiles().map((p) => p.name)).toEqual(['fp']);
    at.world.close();
  });

  it('answers ResourceInUseException to a second profile while one is CREATING, and accepts it afterwards', () => {
    const { world } = activeCluster();
    world.createFargateProfile(profileRequest('demo', 'fp-a'));
    const error = errorOf(() => world.createFargateProfile(profileRequest('demo', 'fp-b', [{ namespace: 'default' }])));
    expect(error).toMatchObject({ type: 'ResourceInUseException', status: 409 });
    expect(error.message).toContain('fp-a in status CREATING');
    seconds(120);
    world.createFargateProfile(profileRequest('demo', 'fp-b', [{ namespace: 'default' }]));
    expect(world.listFargateProfiles('demo')).toEqual(['fp-a', 'fp-b']);
    expect(errorOf(() => world.createFargateProfile(profileRequest('demo', 'fp-a'))).type).toBe('ResourceInUseException');
    world.close();
  });

  it('orders admission profiles by name, whatever the creation order', () => {
    const { world, kube } = activeCluster({ faults: { webhookDelaySeconds: 0 } });
    world.createFargateProfile(profileRequest('demo', 'zeta'));
    seconds(120);
    world.createFargateProfile(profileRequest('demo', 'alpha'));
    seconds(120);
    expect(kube.spec.admissionProfiles().map((p) => p.name)).toEqual(['alpha', 'zeta']);
    world.close();
  });

  it('ends a profile named by profile-create-failed in CREATE_FAILED with a health issue, never visible', () => {
    const { world, kube } = activeCluster({ faults: { profileCreateFailed: ['fp-bad'], webhookDelaySeconds: 0 } });
    world.createFargateProfile(profileRequest('demo', 'fp-bad'));
    seconds(120);
    const profile = world.describeFargateProfile('demo', 'fp-bad');
    expect(profile.status).toBe('CREATE_FAILED');
    expect(profile.health?.issues?.[0]?.code).toBe('PodExecutionRoleAlreadyInUse');
    expect(profile.health?.issues?.[0]?.resourceIds).toEqual([profileRequest('demo', 'x').podExecutionRoleArn]);
    expect(kube.spec.admissionProfiles()).toEqual([]);
    // A failed profile no longer blocks the next one.
    world.createFargateProfile(profileRequest('demo', 'fp-good'));
    world.close();
  });

  it('deletes one profile at a time: DELETING hides it from admission at once, then it is gone', () => {
    const { world, kube } = activeCluster({ faults: { webhookDelaySeconds: 0 } });
    world.createFargateProfile(profileRequest('demo', 'fp-a'));
    seconds(120);
    world.createFargateProfile(profileRequest('demo', 'fp-b'));
    seconds(120);
    expect(kube.spec.admissionProfiles()).toHaveLength(2);
    expect(world.deleteFargateProfile('demo', 'fp-a').status).toBe('DELETING');
    expect(kube.spec.admissionProfiles().map((p) => p.name)).toEqual(['fp-b']);
    expect(errorOf(() => world.deleteFargateProfile('demo', 'fp-b')).message).toContain('fp-a in status DELETING');
    expect(errorOf(() => world.createFargateProfile(profileRequest('demo', 'fp-c'))).type).toBe('ResourceInUseException');
    seconds(DEFAULT_TIMINGS.fargateProfileDeleteSeconds);
    expect(errorOf(() => world.describeFargateProfile('demo', 'fp-a')).type).toBe('ResourceNotFoundException');
    world.deleteFargateProfile('demo', 'fp-b');
    world.close();
  });

  it('makes EC2 nodes available when a nodegroup turns ACTIVE, and reconciles then', () => {
    const { world, kube } = activeCluster();
    kube.calls.length = 0;
    const nodegroup = world.createNodegroup({
      clusterName: 'demo',
      nodegroupName: 'ng-1',
      nodeRole: 'arn:aws:iam::000000000000:role/node',
      subnets: ['subnet-a'],
    });
    expect(nodegroup.status).toBe('CREATING');
    expect(kube.spec.ec2NodesAvailable()).toBe(false);
    seconds(DEFAULT_TIMINGS.nodegroupSeconds);
    expect(world.describeNodegroup('demo', 'ng-1').status).toBe('ACTIVE');
    expect(kube.spec.ec2NodesAvailable()).toBe(true);
    expect(kube.calls).toEqual(['reconcile']);
    world.close();
  });

  it('turns addons ACTIVE only once the cluster is ACTIVE, and passes coredns computeType Fargate on', () => {
    const { world, kubes } = testWorld({ timings: { addonSeconds: 5 } });
    world.createCluster(clusterRequest('demo', '1.28'));
    world.createAddon({ clusterName: 'demo', addonName: 'coredns', configurationValues: '{"computeType":"Fargate"}' });
    world.createAddon({ clusterName: 'demo', addonName: 'vpc-cni' });
    seconds(5);
    expect(world.describeAddon('demo', 'coredns').status).toBe('CREATING');
    seconds(115);
    expect(world.describeAddon('demo', 'coredns').status).toBe('ACTIVE');
    expect(world.listAddons('demo')).toEqual(['coredns', 'vpc-cni']);
    expect(kubes.get('demo')!.calls).toEqual(['installCoreDns', 'installAddon vpc-cni', 'setCoreDnsComputeTypeFargate']);
    expect(errorOf(() => world.createAddon({ clusterName: 'demo', addonName: 'no-such-addon' })).type).toBe(
      'InvalidParameterException',
    );
    expect(errorOf(() => world.createAddon({ clusterName: 'demo', addonName: 'coredns' })).type).toBe('ResourceInUseException');
    world.close();
  });

  it('applies timing overrides and deletes a cluster after DELETING', () => {
    const { world, kubes } = testWorld({ timings: { controlPlaneSeconds: 30, clusterDeleteSeconds: 10, fargatePodStartSeconds: 7 } });
    world.createCluster(clusterRequest('demo'));
    const kube = kubes.get('demo')!;
    expect(kube.spec.timings).toEqual({ fargatePodStartSeconds: 7, ec2PodStartSeconds: 5 });
    seconds(30);
    expect(world.describeCluster('demo').status).toBe('ACTIVE');
    expect(world.deleteCluster('demo').status).toBe('DELETING');
    expect(world.kubeCluster('demo')).toBeDefined();
    seconds(10);
    expect(world.listClusters()).toEqual([]);
    expect(world.kubeCluster('demo')).toBeUndefined();
    expect(kube.calls.at(-1)).toBe('stop');
    world.close();
  });
});

describe('the kinds of cluster eksctl makes', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('without self-managed addons (as eksctl creates clusters) only the coredns addon brings CoreDNS', () => {
    const { world, kubes } = testWorld({ timings: { controlPlaneSeconds: 10 } });
    world.createCluster({ ...clusterRequest('bare'), bootstrapSelfManagedAddons: false });
    world.createCluster({ ...clusterRequest('addon'), bootstrapSelfManagedAddons: false });
    world.createAddon({ clusterName: 'addon', addonName: 'coredns' });
    world.createAddon({ clusterName: 'addon', addonName: 'vpc-cni' });
    seconds(10);
    expect(kubes.get('bare')!.calls).toEqual([]);
    expect(kubes.get('addon')!.calls).toEqual(['installCoreDns', 'installAddon vpc-cni']);
    // An addon created on a running cluster installs its workload at once.
    world.createAddon({ clusterName: 'bare', addonName: 'metrics-server' });
    expect(kubes.get('bare')!.calls).toEqual(['installAddon metrics-server']);
    world.close();
  });

  it('Auto Mode: computeConfig in DescribeCluster, its nodes take pods autoModeNodeSeconds after the control plane', () => {
    const { world, kubes } = testWorld({ timings: { controlPlaneSeconds: 10, autoModeNodeSeconds: 30 } });
    world.createCluster({
      ...clusterRequest('auto'),
      bootstrapSelfManagedAddons: false,
      computeConfig: { enabled: true, nodePools: ['general-purpose', 'system'], nodeRoleArn: 'arn:aws:iam::000000000000:role/auto-node' },
      kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
      storageConfig: { blockStorage: { enabled: true } },
    });
    const kube = kubes.get('auto')!;
    expect(kube.spec.autoMode).toBe(true);
    expect(world.describeCluster('auto')).toMatchObject({
      computeConfig: { enabled: true, nodePools: ['general-purpose', 'system'], nodeRoleArn: 'arn:aws:iam::000000000000:role/auto-node' },
      storageConfig: { blockStorage: { enabled: true } },
      kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
    });
    seconds(10);
    expect(kube.calls).toEqual([]);
    expect(kube.spec.ec2NodesAvailable()).toBe(false);
    seconds(30);
    expect(kube.spec.ec2NodesAvailable()).toBe(true);
    expect(kube.calls).toEqual(['reconcile']);
    world.createCluster(clusterRequest('plain'));
    expect(world.describeCluster('plain').computeConfig).toBeUndefined();
    world.close();
  });

  it('Outposts: a cluster ID that tokens name, a private-only endpoint', () => {
    const { world, kubes } = testWorld();
    world.createCluster({ ...clusterRequest('local'), outpostConfig: { outpostArns: ['arn:aws:outposts:us-west-2:000000000000:outpost/op-1'], controlPlaneInstanceType: 'm5d.large' } });
    world.createCluster(clusterRequest('cloud'));
    const local = world.describeCluster('local');
    expect(local.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(local.outpostConfig).toMatchObject({ outpostArns: ['arn:aws:outposts:us-west-2:000000000000:outpost/op-1'], controlPlaneInstanceType: 'm5d.large' });
    expect(local.resourcesVpcConfig).toMatchObject({ endpointPublicAccess: false, endpointPrivateAccess: true });
    expect(world.describeCluster('cloud').id).toBeUndefined();
    expect(world.tokenIds()).toEqual([local.id, 'cloud']);
    expect(world.kubeClusterForToken(local.id!)).toBe(kubes.get('local'));
    expect(world.kubeClusterForToken('local')).toBeUndefined();
    world.close();
  });

  it('outside-vpc: a private-only endpoint refuses, a public one answers; UpdateClusterConfig turns public access off', () => {
    const { world } = testWorld({ faults: { outsideVpc: true }, timings: { controlPlaneSeconds: 10, clusterUpdateSeconds: 60 } });
    world.createCluster({ ...clusterRequest('private'), resourcesVpcConfig: { subnetIds: ['subnet-a'], endpointPublicAccess: false, endpointPrivateAccess: true } });
    world.createCluster(clusterRequest('public'));
    expect(world.refusesConnection('private')).toBe(true);
    expect(world.refusesConnection('public')).toBe(false);
    seconds(10);
    const update = world.updateClusterConfig({ name: 'public', resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } });
    expect(update).toMatchObject({ status: 'InProgress', type: 'EndpointAccessUpdate', params: [{ type: 'EndpointPublicAccess', value: 'false' }, { type: 'EndpointPrivateAccess', value: 'true' }] });
    expect(world.describeCluster('public').status).toBe('UPDATING');
    expect(world.refusesConnection('public')).toBe(false);
    seconds(60);
    expect(world.describeUpdate('public', update.id!).status).toBe('Successful');
    expect(world.describeCluster('public')).toMatchObject({ status: 'ACTIVE', resourcesVpcConfig: { endpointPublicAccess: false } });
    expect(world.refusesConnection('public')).toBe(true);
    expect(errorOf(() => world.describeUpdate('public', 'nope')).type).toBe('ResourceNotFoundException');
    world.close();
    const inside = testWorld();
    inside.world.createCluster({ ...clusterRequest('private'), resourcesVpcConfig: { endpointPublicAccess: false } });
    expect(inside.world.refusesConnection('private')).toBe(false);
    inside.world.close();
  });
});
