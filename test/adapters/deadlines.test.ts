// Every EKS, STS and Kubernetes request has a deadline, and every failure to reach an endpoint is named as such, with
// its host: an endpoint that accepts connections and never answers, one that refuses them, a host DNS does not know,
// a certificate nobody vouches for, and a kubeconfig exec plugin that never prints its credential.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEksApi, EksApiError } from '../../src/adapters/eks.js';
import { createEksKubeApi, KubeApiError, kubeApiFromKubeconfig } from '../../src/adapters/kube.js';
import { checkAwsAccess } from '../../src/adapters/sts.js';
import { SafeEksctlError } from '../../src/errors.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { recordingDir, removeTempDirs } from '../helpers/bin.js';
import { alive, closedPort, pidWritten, silentServer } from '../helpers/network.js';
import { simCredentials } from '../helpers/sim.js';

const SHORT = { connectTimeoutMs: 200, requestTimeoutMs: 200 };
let silent: Awaited<ReturnType<typeof silentServer>>;
let refused: string;
let sim: Simulator;

beforeAll(async () => {
  [silent, refused, sim] = await Promise.all([silentServer(), closedPort(), startSimulator({ timeScale: 1 })]);
});

afterAll(async () => {
  await Promise.all([silent?.close(), sim?.close()]);
  removeTempDirs();
});

async function failure(pending: Promise<unknown>): Promise<Error> {
  try {
    await pending;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('EKS requests', () => {
  const eks = (endpoint: string) => createEksApi({ region: 'us-west-2', credentials: simCredentials, endpoint, maxAttempts: 2, deadlines: SHORT });

  it('an endpoint that never answers: a network error naming the host, after the deadline', async () => {
    const error = await failure(eks(`http://${silent.host}`).describeCluster('x'));
    expect(error).toBeInstanceOf(EksApiError);
    expect(error).toMatchObject({ kind: 'network', message: `DescribeCluster: cannot reach EKS at ${silent.host}: no answer within 0.2s` });
  });

  it('refused, no such host, an unknown certificate: each named, with the host', async () => {
    expect((await failure(eks(`http://${refused}`).listFargateProfiles('x'))).message).toBe(
      `ListFargateProfiles: cannot reach EKS at ${refused}: connection refused (ECONNREFUSED)`,
    );
    expect((await failure(eks('http://no-such-host.invalid').describeCluster('x'))).message).toMatch(
      /^DescribeCluster: cannot reach EKS at no-such-host\.invalid: (no such host \(DNS\) \(ENOTFOUND\)|DNS lookup failed)/,
    );
    const tls = await failure(eks(sim.kubeServer).describeCluster('x'));
    expect(tls).toMatchObject({ kind: 'network' });
    expect(tls.message).toMatch(new RegExp(`^DescribeCluster: cannot reach EKS at ${sim.kubeServer.replace('https://', '')}: TLS failed: [A-Z_]+$`));
  });
});

describe('STS: only an answer from STS speaks of credentials', () => {
  const access = (endpoint: string) => checkAwsAccess({ region: 'us-west-2', credentials: simCredentials, endpoint, deadlines: SHORT });

  it('a silent or refusing STS is exit 1 and names the host; the credentials are not blamed', async () => {
    const silentError = await failure(access(`http://${silent.host}`));
    expect(silentError).toBeInstanceOf(SafeEksctlError);
    expect(silentError).toMatchObject({ exitCode: 1, message: `cannot check the AWS credentials: cannot reach STS at ${silent.host}: no answer within 0.2s` });
    expect(await failure(access(`http://${refused}`))).toMatchObject({
      exitCode: 1,
      message: `cannot check the AWS credentials: cannot reach STS at ${refused}: connection refused (ECONNREFUSED)`,
    });
  });

  it('credentials STS refuses are still exit 2, as credentials', async () => {
    const refusedKeys = checkAwsAccess({ region: 'us-west-2', credentials: { ...simCredentials, secretAccessKey: 'x'.repeat(40) }, endpoint: sim.eksEndpoint });
    expect(await failure(refusedKeys)).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^AWS credentials were not accepted by STS GetCallerIdentity: /) });
  });
});

describe('Kubernetes requests', () => {
  const caData = () => Buffer.from(readFileSync(sim.caFile)).toString('base64');
  const kube = (host: string) =>
    createEksKubeApi({ clusterName: 'x', region: 'us-west-2', endpoint: `https://${host}`, caData: caData(), credentials: simCredentials, deadlines: { requestTimeoutMs: 200 } });

  it('an API server that never answers: a retryable error naming it, after the deadline', async () => {
    const error = await failure(kube(silent.host).getDeployment('kube-system', 'coredns'));
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ retryable: true, message: `read deployment kube-system/coredns: no answer from the Kubernetes API at ${silent.host} within 0.2s` });
  });

  it('one that refuses connections is named too', async () => {
    expect((await failure(kube(refused).listNodes())).message).toBe(`list nodes: cannot reach the Kubernetes API at ${refused}: connection refused (ECONNREFUSED)`);
  });

  it('a kubeconfig exec plugin that never prints its credential is stopped, with what it started, and named', async () => {
    const { dir } = recordingDir();
    const plugin = join(dir, 'get-token');
    // A wrapper whose child holds the plugin's output: stopping the wrapper alone would leave the wait open.
    writeFileSync(plugin, `#!/bin/sh\nsleep 300 &\necho $! > '${dir}/child.pid'\nwait\n`);
    chmodSync(plugin, 0o755);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: sim.kubeServer, caFile: sim.caFile, skipTLSVerify: false }],
      users: [{ name: 'eks-user', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, args: ['--token', 'not-to-be-printed'] } }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'eks-user' }],
      currentContext: 'ctx',
    });
    const error = await failure(kubeApiFromKubeconfig(kc, { execTimeoutMs: 1_000 }).listNodes());
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.message).toBe(`list nodes: kubeconfig exec plugin \`${plugin}\` (user eks-user) gave no credential within 1s`);
    const child = pidWritten(join(dir, 'child.pid'));
    if (child !== undefined) expect(alive(child)).toBe(false);
  });
});
