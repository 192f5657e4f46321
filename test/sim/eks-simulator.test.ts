// startSimulator as a whole: how fast it starts, what it hands out, and that EKS and Kubernetes share one world.
import { CreateClusterCommand, CreateFargateProfileCommand, CreateNodegroupCommand, DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { isAbsolute } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEksToken } from '../../src/adapters/token.js';
import { UsageError } from '../../src/errors.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { Pod } from '../../src/sim/kube/types.js';
import { clusterRequest, profileRequest } from '../helpers/eks-helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function clientFor(s: Simulator): EKSClient {
  return new EKSClient({
    endpoint: s.env['AWS_ENDPOINT_URL_EKS'],
    region: s.env['AWS_REGION'],
    credentials: { accessKeyId: s.env['AWS_ACCESS_KEY_ID']!, secretAccessKey: s.env['AWS_SECRET_ACCESS_KEY']! },
    maxAttempts: 1,
  });
}

function kubeGet(s: Simulator, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.kubeServer}${path}`, { ca: readFileSync(s.caFile), headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startSimulator', () => {
  // How fast it starts is a figure for `npm run bench`, not an assertion here (speed is measured side by side there).
  it('hands out endpoints, CA file, fake eksctl and the shell environment', async () => {
    sim = await startSimulator({ timeScale: 0.01, faults: ['eks-throttle=0.2', 'profile-create-failed=fp-x'] });

    expect(sim.eksEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.kubeServer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(sim.caFile, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    expect(isAbsolute(sim.eksctl)).toBe(true);
    expect(sim.eksctl).toMatch(/bin[/\\]fake-eksctl\.js$/);
    expect(sim.region).toBe('us-west-2');
    expect(sim.env).toEqual({
      AWS_ENDPOINT_URL_EKS: sim.eksEndpoint,
      AWS_ENDPOINT_URL_STS: sim.eksEndpoint,
      AWS_ACCESS_KEY_ID: expect.stringMatching(/^AKIA/),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'us-west-2',
      SAFE_EKSCTL_EKSCTL: sim.eksctl,
      SAFE_EKSCTL_SIM_TIME_SCALE: '0.01',
      SAFE_EKSCTL_SIM_EKSCTL_VERSION: '0.230.0',
      SAFE_EKSCTL_SIM_FAULTS: JSON.stringify(['eks-throttle=0.2', 'profile-create-failed=fp-x']),
      SAFE_EKSCTL_SIM_CA_FILE: sim.caFile,
    });
    expect(sim.clock.scale).toBe(0.01);
    expect(sim.world.faults.eksThrottle).toBe(0.2);
  });

  it('removes its temporary files on close, and closing twice is harmless', async () => {
    sim = await startSimulator({ eksctlVersion: '0.207.0' });
    expect(sim.env['SAFE_EKSCTL_SIM_EKSCTL_VERSION']).toBe('0.207.0');
    const caFile = sim.caFile;
    await sim.close();
    expect(existsSync(caFile)).toBe(false);
    await sim.close();
    sim = undefined;
  });

  it('refuses a bad fault spec with a usage error before starting anything', async () => {
    await expect(startSimulator({ faults: ['no-such-fault'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('serves DescribeCluster with its own Kubernetes endpoint and CA, reachable with an EKS token', async () => {
    sim = await startSimulator({ timeScale: 0.001 });
    const eks = clientFor(sim);
    await eks.send(new CreateClusterCommand(clusterRequest('demo', '1.31')));
    await sim.clock.sleep(125_000);
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'demo' }));
    expect(cluster?.endpoint).toBe(sim.kubeServer);
    expect(Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString()).toBe(readFileSync(sim.caFile, 'utf8'));

    const { token } = await createEksToken({
      clusterName: 'demo',
      region: sim.region,
      credentials: { accessKeyId: sim.env['AWS_ACCESS_KEY_ID']!, secretAccessKey: sim.env['AWS_SECRET_ACCESS_KEY']! },
    });
    const version = await kubeGet(sim, '/version', token);
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body).gitVersion).toMatch(/^v1\.31\./);
    eks.destroy();
  });

  it('tells the Kubernetes side about profiles and nodegroups: stranded CoreDNS lands on EC2 once a nodegroup is ACTIVE', async () => {
    sim = await startSimulator({ timeScale: 0.001, timings: { webhookDelaySeconds: 0 } });
    const eks = clientFor(sim);
    await eks.send(new CreateClusterCommand(clusterRequest('demo', '1.31')));
    await sim.clock.sleep(125_000);
    const kube = sim.world.kubeCluster('demo')!;
    const coreDnsPods = () => kube.listPods('kube-system', { 'k8s-app': 'kube-dns' });
    expect(coreDnsPods()).toHaveLength(2);
    expect(coreDnsPods().every((p: Pod) => p.spec.schedulerName === 'default-scheduler' && !p.spec.nodeName)).toBe(true);

    await eks.send(new CreateFargateProfileCommand(profileRequest('demo', 'fp-kube-system')));
    await sim.clock.sleep(125_000);
    // Admitted before the profile existed: never re-admitted.
    expect(coreDnsPods().every((p: Pod) => p.spec.schedulerName === 'default-scheduler' && !p.spec.nodeName)).toBe(true);

    await eks.send(
      new CreateNodegroupCommand({ clusterName: 'demo', nodegroupName: 'ng', nodeRole: 'arn:aws:iam::000000000000:role/n', subnets: ['s'] }),
    );
    await sim.clock.sleep(135_000);
    const nodes = coreDnsPods().map((p: Pod) => p.spec.nodeName ?? '');
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n) => n !== '' && !n.startsWith('fargate-'))).toBe(true);
    eks.destroy();
  });
});
