import { afterEach, describe, expect, it } from 'vitest';
import { createEksApi, EksApiError } from '../../src/adapters/eks.js';
import { checkAwsAccess } from '../../src/adapters/sts.js';
import { SIM_CALLER_ARN } from '../../src/sim/credentials.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { pollDelays } from '../../src/core/backoff.js';
import { waitForProfile } from '../../src/tasks/wait-profiles.js';
import { createCoreDnsProfile, createSimCluster, simClock, simCredentials, until, withEnv } from './sim-helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(faults: string[] = [], timeScale = 0.0005) {
  sim = await startSimulator({ timeScale, faults });
  return sim;
}

const api = (s: Simulator) => createEksApi({ region: s.region, credentials: simCredentials, endpoint: s.eksEndpoint });

async function activeCluster(s: Simulator, name = 'demo') {
  createSimCluster(s, name, '1.31');
  await until(s, 'cluster ACTIVE', () => s.world.describeCluster(name).status === 'ACTIVE');
}

describe('EksApi over the real SDK against the simulator', () => {
  it('describes a cluster: https endpoint, CA data, status, version', async () => {
    // Two simulated minutes of CREATING take 1.2 s here: time enough to see it.
    const s = await start([], 0.01);
    createSimCluster(s, 'demo', '1.31');
    const eks = api(s);
    expect(await eks.describeCluster('demo')).toMatchObject({ name: 'demo', status: 'CREATING', version: '1.31' });
    await until(s, 'cluster ACTIVE', () => s.world.describeCluster('demo').status === 'ACTIVE');
    const cluster = await eks.describeCluster('demo');
    expect(cluster.endpoint).toBe(s.kubeServer);
    expect(Buffer.from(cluster.caData, 'base64').toString('utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('describes and lists Fargate profiles, and the poller sees one turn ACTIVE', async () => {
    // Slow enough that a request's real latency is well under a simulated second.
    const s = await start([], 0.005);
    await activeCluster(s);
    createCoreDnsProfile(s, 'demo');
    const eks = api(s);
    expect(await eks.listFargateProfiles('demo')).toEqual(['fp-coredns']);
    expect(await eks.describeFargateProfile('demo', 'fp-coredns')).toEqual({
      name: 'fp-coredns',
      status: 'CREATING',
      selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
      healthIssues: [],
    });
    const result = await waitForProfile(eks, 'demo', 'fp-coredns', { clock: simClock(s), delays: pollDelays() });
    expect(result.status).toBe('ACTIVE');
    // About 120 simulated seconds.
    expect(result.waitedMs).toBeGreaterThan(60_000);
    // Real timers and request latency stretch the pauses in simulated time; the exact cadence is unit-tested.
    expect(result.polls).toBeGreaterThanOrEqual(Math.floor(result.waitedMs / 15_000));
    expect(result.polls).toBeLessThanOrEqual(Math.ceil(result.waitedMs / 4_000) + 6);
    expect(s.requestCounts['DescribeFargateProfile']).toBe(result.polls + 1);
  });

  it('sorts errors: notFound, throttled, server', async () => {
    let s = await start();
    await expect(api(s).describeCluster('nope')).rejects.toMatchObject({ kind: 'notFound', operation: 'DescribeCluster' });
    await s.close();
    s = sim = await start(['eks-throttle=1']);
    const throttled = await api(s).listFargateProfiles('nope').catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(EksApiError);
    expect(throttled).toMatchObject({ kind: 'throttled', retryable: true });
    await s.close();
    s = sim = await start(['eks-5xx=1']);
    await expect(api(s).describeFargateProfile('x', 'y')).rejects.toMatchObject({ kind: 'server', retryable: true });
  });

  it('honours AWS_ENDPOINT_URL_EKS when no endpoint is given', async () => {
    const s = await start();
    await activeCluster(s);
    const cluster = await withEnv({ AWS_ENDPOINT_URL_EKS: s.eksEndpoint }, () =>
      createEksApi({ region: s.region, credentials: simCredentials }).describeCluster('demo'),
    );
    expect(cluster.status).toBe('ACTIVE');
  });
});

describe('checkAwsAccess against the simulated STS', () => {
  it('proves the credentials and returns the caller', async () => {
    const s = await start();
    const access = await checkAwsAccess({ region: s.region, credentials: simCredentials, endpoint: s.eksEndpoint });
    expect(access.identity.arn).toBe(SIM_CALLER_ARN);
    expect(await access.credentials()).toMatchObject({ accessKeyId: simCredentials.accessKeyId });
  });

  it('a profile that does not exist is one line with exit 2, and no secret in it', async () => {
    const s = await start();
    const error = await withEnv(
      {
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      },
      () => checkAwsAccess({ region: s.region, profile: 'no-such-profile', endpoint: s.eksEndpoint }).catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ exitCode: 2 });
    const message = (error as Error).message;
    expect(message).toMatch(/^no usable AWS credentials \(profile "no-such-profile"\): /);
    expect(message).not.toContain('\n');
    expect(message).not.toContain(simCredentials.secretAccessKey);
  });
});
