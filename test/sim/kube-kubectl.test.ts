// Conformance: kubectl, a client nobody here wrote, drives the simulated API server through the bug report's
// manual fix (CoreDNS Pending → profile visible → rollout restart → Running on Fargate).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_ACCESS_KEY_ID, SIM_REGION, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import type { Pod } from '../../src/sim/kube/types.js';
import { hasCommand } from '../helpers/commands.js';
import { startTestBed, type TestBed } from '../helpers/kube-helpers.js';

const kubectlInstalled = hasCommand('kubectl');

describe.skipIf(!kubectlInstalled)('kubectl against the simulated API server', () => {
  let bed: TestBed;
  let dir: string;
  let caFile: string;

  beforeEach(async () => {
    bed = await startTestBed({ scale: 0.005 });
    dir = await mkdtemp(join(tmpdir(), 'kube-kubectl-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, bed.server.caPem);
  });
  afterEach(async () => {
    await bed.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function kubectl(cluster: string, ...args: string[]) {
    const token = await bed.token(cluster);
    // An empty KUBECONFIG keeps any kubeconfig on the machine out of the test.
    return execa('kubectl', [`--server=${bed.server.url}`, `--certificate-authority=${caFile}`, `--token=${token}`, ...args], {
      reject: false,
      env: { KUBECONFIG: join(dir, 'none'), HOME: dir },
      timeout: 60_000,
    });
  }

  it('runs the manual fix: restart after the profile is visible puts CoreDNS on fargate-ip nodes', async () => {
    const cluster = bed.addCluster('demo');
    cluster.installCoreDns();

    const pending = await kubectl('demo', 'get', 'pods', '-n', 'kube-system');
    expect(pending.exitCode).toBe(0);
    expect(pending.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(pending.stdout.match(/coredns-\S+\s+0\/1\s+Pending/g)).toHaveLength(2);

    const events = await kubectl('demo', 'get', 'events', '-n', 'kube-system', '--field-selector', 'reason=FailedScheduling', '-o', 'json');
    expect(JSON.parse(events.stdout).items).toHaveLength(2);

    bed.profiles.set('demo', [{ name: 'coredns', selectors: [{ namespace: 'kube-system' }] }]);
    const stillPending = await kubectl('demo', 'rollout', 'status', 'deployment', 'coredns', '-n', 'kube-system', '--timeout=1s');
    expect(stillPending.exitCode).not.toBe(0);

    const restart = await kubectl('demo', 'rollout', 'restart', 'deployment', 'coredns', '-n', 'kube-system');
    expect(restart.stdout).toBe('deployment.apps/coredns restarted');
    const status = await kubectl('demo', 'rollout', 'status', 'deployment', 'coredns', '-n', 'kube-system', '--timeout=30s');
    expect(status.stderr).toBe('');
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('deployment "coredns" successfully rolled out');

    const pods = JSON.parse((await kubectl('demo', 'get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'json')).stdout).items as Pod[];
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.spec.schedulerName).toBe('fargate-scheduler');
      expect(pod.spec.nodeName).toMatch(/^fargate-ip-/);
    }
    const wide = await kubectl('demo', 'get', 'pods', '-n', 'kube-system', '-o', 'wide');
    expect(wide.stdout.match(/1\/1\s+Running.*fargate-ip-/g)).toHaveLength(2);
  });

  it('on Kubernetes 1.28 a plain restart keeps CoreDNS off Fargate: the ec2 annotation must go first', async () => {
    const cluster = bed.addCluster('old', '1.28');
    cluster.installCoreDns();
    bed.profiles.set('old', [{ name: 'coredns', selectors: [{ namespace: 'kube-system' }] }]);
    expect((await kubectl('old', 'rollout', 'restart', 'deployment', 'coredns', '-n', 'kube-system')).exitCode).toBe(0);
    const pods = cluster.listPods('kube-system', { 'k8s-app': 'kube-dns' });
    expect(pods.every((p) => p.spec.schedulerName === 'default-scheduler')).toBe(true);

    const patch = await kubectl('old', 'patch', 'deployment', 'coredns', '-n', 'kube-system', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/template/metadata/annotations/eks.amazonaws.com~1compute-type"}]');
    expect(patch.exitCode).toBe(0);
    const status = await kubectl('old', 'rollout', 'status', 'deployment', 'coredns', '-n', 'kube-system', '--timeout=30s');
    expect(status.exitCode).toBe(0);
    expect(cluster.listPods('kube-system', { 'k8s-app': 'kube-dns' }).every((p) => p.spec.nodeName?.startsWith('fargate-ip-'))).toBe(true);
  });

  it('reports the cluster version and refuses a token for another cluster', async () => {
    bed.addCluster('demo', '1.31');
    const version = await kubectl('demo', 'version', '-o', 'json');
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toMatch(/^v1\.31\.\d+-eks-[0-9a-f]+$/);
    const denied = await kubectl('ghost', 'get', 'pods');
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain('You must be logged in to the server');
  });
});

const awsInstalled = hasCommand('aws');

describe.skipIf(!awsInstalled)('tokens minted by `aws eks get-token`', () => {
  it('are verified against the cluster they name', async () => {
    const bed = await startTestBed();
    try {
      bed.addCluster('one').installCoreDns();
      bed.addCluster('two');
      const env = {
        AWS_ACCESS_KEY_ID: SIM_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SIM_SECRET_ACCESS_KEY,
        AWS_REGION: SIM_REGION,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        PATH: process.env.PATH ?? '',
      };
      const mint = async (name: string) => {
        const out = await execa('aws', ['eks', 'get-token', '--cluster-name', name, '--region', SIM_REGION, '--output', 'json'], { env, extendEnv: false });
        return JSON.parse(out.stdout).status.token as string;
      };
      const get = (token: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${bed.server.url}/api/v1/namespaces/kube-system/pods`, { ca: bed.server.caPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      // Each mint is a Python process that loads botocore: side by side, not one after another.
      const [one, two, three] = await Promise.all([mint('one'), mint('two'), mint('three')]);
      expect(await get(one)).toBe(200);
      expect(await get(two)).toBe(200);
      expect(await get(three)).toBe(401);
    } finally {
      await bed.close();
    }
  });
});
