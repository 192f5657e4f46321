// The EKS server driven by the real @aws-sdk/client-eks: every operation, and every error arriving as the SDK's own
// named exception. Time scale 0.001: 120 simulated seconds take 120 real milliseconds, which a loaded CI machine
// spends between two requests; so a state asserted before its timer ends it (CREATING) is held by its timing.
import {
  CreateAddonCommand,
  CreateClusterCommand,
  CreateFargateProfileCommand,
  CreateNodegroupCommand,
  DeleteClusterCommand,
  DeleteFargateProfileCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListAddonsCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  paginateListClusters,
  ResourceInUseException,
  ResourceNotFoundException,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterRequest, profileRequest, startTestEks, TEST_CA_PEM, TEST_KUBE_URL, type TestEks } from '../helpers/eks-helpers.js';

let eks: TestEks;
let client: EKSClient;
const simSleep = (seconds: number) => eks.clock.sleep(seconds * 1000);

beforeEach(async () => {
  eks = await startTestEks({ scale: 0.001 });
  client = eks.client();
});
afterEach(async () => {
  await eks.close();
});

/** A world of the test's own (faults, held states) in place of the default one. */
async function restart(options: Parameters<typeof startTestEks>[0]) {
  await eks.close();
  eks = await startTestEks({ scale: 0.001, ...options });
  client = eks.client();
}

async function activeCluster(name = 'demo') {
  await client.send(new CreateClusterCommand(clusterRequest(name)));
  await simSleep(125);
}

describe('EKS API over the real SDK', () => {
  it('creates, describes, lists and deletes a cluster', async () => {
    const before = eks.clock.now();
    const created = await client.send(new CreateClusterCommand({ ...clusterRequest('demo'), tags: { team: 'a' } }));
    const after = eks.clock.now();
    expect(created.cluster).toMatchObject({ name: 'demo', status: 'CREATING', version: '1.31', tags: { team: 'a' } });
    expect(created.cluster?.createdAt).toBeInstanceOf(Date);
    // Epoch seconds on the wire, simulated time: the SDK turns them back into a Date between the two readings.
    expect(created.cluster!.createdAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before));
    expect(created.cluster!.createdAt!.getTime()).toBeLessThanOrEqual(Math.ceil(after));

    await simSleep(125);
    const { cluster } = await client.send(new DescribeClusterCommand({ name: 'demo' }));
    expect(cluster?.status).toBe('ACTIVE');
    expect(cluster?.endpoint).toBe(TEST_KUBE_URL);
    expect(Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString()).toBe(TEST_CA_PEM);
    expect(cluster?.identity?.oidc?.issuer).toMatch(/^https:\/\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/);

    expect((await client.send(new ListClustersCommand({}))).clusters).toEqual(['demo']);
    const deleted = await client.send(new DeleteClusterCommand({ name: 'demo' }));
    expect(deleted.cluster?.status).toBe('DELETING');
    expect(eks.server.requestCounts).toMatchObject({ CreateCluster: 1, DescribeCluster: 1, ListClusters: 1, DeleteCluster: 1 });
  });

  it('pages ListClusters with maxResults and nextToken', async () => {
    for (const name of ['a', 'b', 'c']) await client.send(new CreateClusterCommand(clusterRequest(name)));
    const first = await client.send(new ListClustersCommand({ maxResults: 2 }));
    expect(first.clusters).toEqual(['a', 'b']);
    expect(first.nextToken).toBeTruthy();
    const names: string[] = [];
    for await (const page of paginateListClusters({ client, pageSize: 1 }, {})) names.push(...(page.clusters ?? []));
    expect(names).toEqual(['a', 'b', 'c']);
    await expect(client.send(new ListClustersCommand({ maxResults: 0 }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('runs a Fargate profile through CREATING → ACTIVE → DELETING → gone', async () => {
    await activeCluster();
    const created = await client.send(
      new CreateFargateProfileCommand({
        ...profileRequest('demo', 'fp-default', [{ namespace: 'default', labels: { app: 'web' } }] as never),
        tags: { owner: 'me' },
      }),
    );
    expect(created.fargateProfile).toMatchObject({
      fargateProfileName: 'fp-default',
      clusterName: 'demo',
      status: 'CREATING',
      selectors: [{ namespace: 'default', labels: { app: 'web' } }],
      tags: { owner: 'me' },
      health: { issues: [] },
    });
    expect(created.fargateProfile?.fargateProfileArn).toMatch(
      /^arn:aws:eks:us-west-2:000000000000:fargateprofile\/demo\/fp-default\/[0-9a-f-]{36}$/,
    );
    // CREATING is the create's answer above: a describe here would race the 120 ms to ACTIVE (the 409 test describes a
    // profile held in CREATING).
    const describe = () => client.send(new DescribeFargateProfileCommand({ clusterName: 'demo', fargateProfileName: 'fp-default' }));
    await simSleep(125);
    expect((await describe()).fargateProfile?.status).toBe('ACTIVE');
    expect((await client.send(new ListFargateProfilesCommand({ clusterName: 'demo' }))).fargateProfileNames).toEqual([
      'fp-default',
    ]);

    const deleted = await client.send(new DeleteFargateProfileCommand({ clusterName: 'demo', fargateProfileName: 'fp-default' }));
    expect(deleted.fargateProfile?.status).toBe('DELETING');
    await simSleep(65);
    await expect(describe()).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers ResourceInUseException (409) to concurrent profile creates, naming the busy profile', async () => {
    // The first profile is held in CREATING: the second create can be handled as late as a busy machine makes it.
    await restart({ timings: { fargateProfileSeconds: 1_000_000 } });
    await activeCluster();
    const results = await Promise.allSettled(
      ['fp-a', 'fp-b'].map((name) => client.send(new CreateFargateProfileCommand(profileRequest('demo', name)))),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error = rejected[0]!.reason as ResourceInUseException;
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toMatch(/currently has Fargate profile fp-[ab] in status CREATING/);
    expect(error.clusterName).toBe('demo');
    const busy = /currently has Fargate profile (fp-[ab])/.exec(error.message)![1]!;
    const { fargateProfile } = await client.send(new DescribeFargateProfileCommand({ clusterName: 'demo', fargateProfileName: busy }));
    expect(fargateProfile?.status).toBe('CREATING');
  });

  it('reports CREATE_FAILED with a health issue for profile-create-failed', async () => {
    await restart({ faults: { profileCreateFailed: ['fp-broken'] } });
    await activeCluster();
    await client.send(new CreateFargateProfileCommand(profileRequest('demo', 'fp-broken')));
    await simSleep(125);
    const { fargateProfile } = await client.send(
      new DescribeFargateProfileCommand({ clusterName: 'demo', fargateProfileName: 'fp-broken' }),
    );
    expect(fargateProfile?.status).toBe('CREATE_FAILED');
    expect(fargateProfile?.health?.issues).toEqual([
      expect.objectContaining({ code: 'PodExecutionRoleAlreadyInUse', message: expect.stringContaining('profile-create-failed') }),
    ]);
  });

  it('creates, describes and lists nodegroups and addons', async () => {
    await activeCluster();
    const nodegroup = await client.send(
      new CreateNodegroupCommand({
        clusterName: 'demo',
        nodegroupName: 'ng-1',
        nodeRole: 'arn:aws:iam::000000000000:role/node',
        subnets: ['subnet-a'],
        scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 },
        instanceTypes: ['m5.large'],
      }),
    );
    expect(nodegroup.nodegroup).toMatchObject({ status: 'CREATING', scalingConfig: { desiredSize: 2 }, instanceTypes: ['m5.large'] });
    const addon = await client.send(
      new CreateAddonCommand({ clusterName: 'demo', addonName: 'coredns', configurationValues: '{"computeType":"Fargate"}' }),
    );
    expect(addon.addon).toMatchObject({ addonName: 'coredns', status: 'CREATING', configurationValues: '{"computeType":"Fargate"}' });
    await simSleep(125);
    expect((await client.send(new DescribeNodegroupCommand({ clusterName: 'demo', nodegroupName: 'ng-1' }))).nodegroup?.status).toBe(
      'ACTIVE',
    );
    expect((await client.send(new ListNodegroupsCommand({ clusterName: 'demo' }))).nodegroups).toEqual(['ng-1']);
    expect((await client.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'coredns' }))).addon?.addonVersion).toMatch(
      /^v1\.11/,
    );
    expect((await client.send(new ListAddonsCommand({ clusterName: 'demo' }))).addons).toEqual(['coredns']);
    expect(eks.kubes.get('demo')!.calls).toContain('setCoreDnsComputeTypeFargate');
  });

  it('throws the SDK named exceptions with their status codes', async () => {
    const notFound = await client.send(new DescribeClusterCommand({ name: 'missing' })).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ResourceNotFoundException);
    expect((notFound as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    expect((notFound as ResourceNotFoundException).message).toBe('No cluster found for name: missing.');

    await activeCluster();
    const noSelectors = await client
      .send(new CreateFargateProfileCommand({ ...profileRequest('demo', 'fp'), selectors: [] }))
      .catch((e: unknown) => e);
    expect(noSelectors).toBeInstanceOf(InvalidParameterException);
    expect((noSelectors as Error).message).toContain('selectors');
    const sixSelectors = Array.from({ length: 6 }, (_, i) => ({ namespace: `ns${i}` }));
    await expect(
      client.send(new CreateFargateProfileCommand({ ...profileRequest('demo', 'fp'), selectors: sixSelectors })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      client.send(new CreateFargateProfileCommand({ ...profileRequest('demo', 'fp'), selectors: [{ namespace: '' }] })),
    ).rejects.toBeInstanceOf(InvalidParameterException);

    const duplicate = await client.send(new CreateClusterCommand(clusterRequest('demo'))).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ResourceInUseException);
    await expect(
      client.send(new DescribeNodegroupCommand({ clusterName: 'demo', nodegroupName: 'none' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'none' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('throws InvalidRequestException (400) for a Fargate profile while the cluster is CREATING', async () => {
    // The control plane is held in CREATING: the create can land as late as a busy machine makes it.
    await restart({ timings: { controlPlaneSeconds: 1_000_000 } });
    await client.send(new CreateClusterCommand(clusterRequest('demo')));
    const tooEarly = await client.send(new CreateFargateProfileCommand(profileRequest('demo', 'fp'))).catch((e: unknown) => e);
    expect(tooEarly).toBeInstanceOf(InvalidRequestException);
    expect((tooEarly as InvalidRequestException).$metadata.httpStatusCode).toBe(400);
    expect((tooEarly as Error).message).toBe("Cluster 'demo' is not in ACTIVE status");
  });
});
