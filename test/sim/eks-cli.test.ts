// Conformance with a client nobody here wrote: the AWS CLI against the simulated EKS endpoint.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ACCESS_KEY_ID, SIM_REGION, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { hasCommand } from '../helpers/commands.js';
import { clusterRequest, profileRequest, startTestEks, TEST_CA_PEM, TEST_KUBE_URL, type TestEks } from '../helpers/eks-helpers.js';

const hasAws = hasCommand('aws');

describe.skipIf(!hasAws)('AWS CLI against the simulated EKS', () => {
  let eks: TestEks;
  const aws = (...args: string[]) =>
    execa('aws', ['eks', ...args, '--endpoint-url', eks.server.url, '--output', 'json'], {
      reject: false,
      extendEnv: false,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        AWS_ACCESS_KEY_ID: SIM_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SIM_SECRET_ACCESS_KEY,
        AWS_DEFAULT_REGION: SIM_REGION,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });

  beforeAll(async () => {
    eks = await startTestEks({ scale: 0.001, timings: { webhookDelaySeconds: 0 } });
    eks.world.createCluster(clusterRequest('demo'));
    await eks.clock.sleep(125_000);
    eks.world.createFargateProfile(
      profileRequest('demo', 'fp-coredns', [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } }] as never),
    );
    await eks.clock.sleep(125_000);
  });
  afterAll(async () => {
    await eks.close();
  });

  it('describe-cluster shows the endpoint and the CA', async () => {
    const result = await aws('describe-cluster', '--name', 'demo');
    expect(result.exitCode, result.stderr).toBe(0);
    const { cluster } = JSON.parse(result.stdout);
    expect(cluster).toMatchObject({ name: 'demo', status: 'ACTIVE', endpoint: TEST_KUBE_URL, version: '1.31' });
    expect(Buffer.from(cluster.certificateAuthority.data, 'base64').toString()).toBe(TEST_CA_PEM);
    // CLI v1 prints the timestamp as it came: epoch seconds (simulated clock).
    expect(cluster.createdAt * 1000).toBeLessThanOrEqual(eks.clock.now());
    expect(cluster.createdAt * 1000).toBeGreaterThan(eks.clock.now() - 3_600_000_000);
  });

  it('describe-fargate-profile and list-fargate-profiles', async () => {
    // Each aws run is a Python process that loads botocore: side by side where the calls do not depend on each other.
    const [described, listed] = await Promise.all([
      aws('describe-fargate-profile', '--cluster-name', 'demo', '--fargate-profile-name', 'fp-coredns'),
      aws('list-fargate-profiles', '--cluster-name', 'demo'),
    ]);
    expect(described.exitCode, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout).fargateProfile).toMatchObject({
      fargateProfileName: 'fp-coredns',
      status: 'ACTIVE',
      selectors: [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } }],
    });
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).fargateProfileNames).toEqual(['fp-coredns']);
  });

  it('reports a missing cluster as ResourceNotFoundException', async () => {
    const result = await aws('describe-cluster', '--name', 'nope');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('ResourceNotFoundException');
    expect(result.stderr).toContain('No cluster found for name: nope.');
    expect(eks.server.requestCounts.DescribeCluster).toBeGreaterThanOrEqual(2);
  });

  it('reports eks-access-denied as AccessDeniedException for that operation only', async () => {
    eks.world.faults.eksAccessDenied.push('DescribeFargateProfile');
    try {
      const [denied, listed] = await Promise.all([
        aws('describe-fargate-profile', '--cluster-name', 'demo', '--fargate-profile-name', 'fp-coredns'),
        aws('list-fargate-profiles', '--cluster-name', 'demo'),
      ]);
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr.trim()).toBe(
        'An error occurred (AccessDeniedException) when calling the DescribeFargateProfile operation: User: arn:aws:iam::000000000000:user/safe-eksctl-sim is not authorized to perform: eks:DescribeFargateProfile on resource: arn:aws:eks:us-west-2:000000000000:fargateprofile/demo/fp-coredns/*',
      );
      expect(listed.exitCode).toBe(0);
    } finally {
      eks.world.faults.eksAccessDenied.length = 0;
    }
  });
});
