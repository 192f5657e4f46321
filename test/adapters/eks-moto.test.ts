// The product's EKS adapter against moto_server: a second EKS implementation nobody here wrote, so the adapter's reading
// of DescribeCluster and of Fargate profiles is checked against more than our own simulator. Skipped (and said so)
// where moto_server is not installed.
import { CreateClusterCommand, CreateFargateProfileCommand, EKSClient } from '@aws-sdk/client-eks';
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEksApi, EksApiError } from '../../src/adapters/eks.js';
import { waitForProfile } from '../../src/heal/wait-profiles.js';
import { hasCommand } from '../helpers/commands.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: ResultPromise | undefined;
let endpoint = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasCommand('moto_server'))('EksApi against moto_server', () => {
  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = execa('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { reject: false, stdio: 'ignore' });
    // Ready when it answers at all (moto is a Python server: a second or two to start).
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${endpoint}/moto-api/`).then(() => true, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const setup = new EKSClient({ endpoint, region: 'us-west-2', credentials });
    await setup.send(new CreateClusterCommand({ name: 'moto', version: '1.31', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
    await setup.send(
      new CreateFargateProfileCommand({
        clusterName: 'moto',
        fargateProfileName: 'fp-dns',
        podExecutionRoleArn: 'arn:aws:iam::123456789012:role/pod',
        selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, { namespace: 'default' }],
      }),
    );
    setup.destroy();
  }, 30_000);

  afterAll(async () => {
    moto?.kill();
    await moto;
  });

  it('describes the cluster: endpoint, CA data, status, version; the defaults of fields moto leaves out', async () => {
    const eks = createEksApi({ region: 'us-west-2', credentials, endpoint });
    const cluster = await eks.describeCluster('moto');
    expect(cluster).toMatchObject({ name: 'moto', status: 'ACTIVE', version: '1.31', autoMode: false, endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] });
    expect(cluster.endpoint).toMatch(/^https:\/\/\S+\.eks\.amazonaws\.com\/?$/);
    expect(cluster.caData).not.toBe('');
    expect(cluster.id).toBeUndefined();
    const missing = await eks.describeCluster('nope').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(EksApiError);
    expect(missing).toMatchObject({ kind: 'notFound' });
  });

  it('lists and describes Fargate profiles, and a wait on an ACTIVE one costs one call', async () => {
    const eks = createEksApi({ region: 'us-west-2', credentials, endpoint });
    expect(await eks.listFargateProfiles('moto')).toEqual(['fp-dns']);
    expect(await eks.describeFargateProfile('moto', 'fp-dns')).toEqual({
      name: 'fp-dns',
      status: 'ACTIVE',
      selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, { namespace: 'default' }],
      healthIssues: [],
    });
    expect(await waitForProfile(eks, 'moto', 'fp-dns')).toMatchObject({ status: 'ACTIVE', polls: 1 });
    await expect(eks.describeFargateProfile('moto', 'nope')).rejects.toMatchObject({ kind: 'notFound' });
  });
});
