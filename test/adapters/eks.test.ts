import { afterEach, describe, expect, it } from 'vitest';
import { createEksApi, EksApiError } from '../../src/adapters/eks.js';
import { checkAwsAccess } from '../../src/adapters/sts.js';
import { SIM_CALLER_ARN } from '../../src/sim/credentials.js';
import type { Simulator, SimulatorOptions } from '../../src/sim/index.js';
import { pollDelays } from '../../src/core/backoff.js';
import { waitForProfile } from '../../src/heal/wait-profiles.js';
import { startVirtualSimulator } from '../helpers/in-process.js';
import { createCoreDnsProfile, createSimCluster, simClock, simCredentials, until, withEnv } from '../helpers/sim.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

// On virtual time: the simulated world moves only while the test waits on its clock.
async function start(faults: string[] = [], timings: SimulatorOptions['timings'] = {}) {
  sim = await startVirtualSimulator({ faults, timings });
  return sim;
}

const api = (s: Simulator) => createEksApi({ region: s.region, credentials: simCredentials, endpoint: s.eksEndpoint });

async function activeCluster(s: Simulator, name = 'demo') {
  createSimCluster(s, name, '1.31');
  await until(s, 'cluster ACTIVE', () => s.world.describeCluster(name).status === 'ACTIVE');
}

describe('EksApi over the real SDK against the simulator', () => {
  it('describes a CREATING cluster: status and version, no endpoint or CA yet', async () => {
    // Held in CREATING by its timing, whenever the SDK client's first request lands.
    const s = await start([], { controlPlaneSeconds: 1_000_000 });
    createSimCluster(s, 'demo', '1.31');
    expect(await api(s).describeCluster('demo')).toEqual({
      name: 'demo',
      status: 'CREATING',
      version: '1.31',
      endpoint: '',
      caData: '',
      autoMode: false,
      autoModeNodePools: [],
      endpointPublicAccess: true,
      publicAccessCidrs: ['0.0.0.0/0'],
    });
  });

  it('reads Auto Mode, the endpoint access and an Outposts cluster ID from DescribeCluster', async () => {
    const s = await start([], { controlPlaneSeconds: 1_000_000 });
    const request = { roleArn: 'arn:aws:iam::000000000000:role/eks', version: '1.31', resourcesVpcConfig: {} };
    s.world.createCluster({ ...request, name: 'auto', computeConfig: { enabled: true, nodePools: ['system'] }, resourcesVpcConfig: { publicAccessCidrs: ['203.0.113.0/24'] } });
    s.world.createCluster({ ...request, name: 'local', outpostConfig: { outpostArns: ['arn:aws:outposts:us-west-2:000000000000:outpost/op-1'], controlPlaneInstanceType: 'm5d.large' } });
    expect(await api(s).describeCluster('auto')).toMatchObject({ autoMode: true, autoModeNodePools: ['system'], endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] });
    const local = await api(s).describeCluster('local');
    expect(local).toMatchObject({ autoMode: false, endpointPublicAccess: false, id: s.world.describeCluster('local').id });
    expect(local.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('describes an ACTIVE cluster: https endpoint, CA data, status, version', async () => {
    const s = await start([], { controlPlaneSeconds: 1 });
    await activeCluster(s);
    const cluster = await api(s).describeCluster('demo');
    expect(cluster).toMatchObject({ name: 'demo', status: 'ACTIVE', version: '1.31' });
    expect(cluster.endpoint).toBe(s.kubeServer);
    expect(Buffer.from(cluster.caData, 'base64').toString('utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('describes and lists Fargate profiles', async () => {
    // Held in CREATING by its timing, whenever the list and the describe land.
    const s = await start([], { controlPlaneSeconds: 1, fargateProfileSeconds: 1_000_000 });
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
  });

  it('the poller sees a profile turn ACTIVE, waiting on the simulated clock', async () => {
    // The poller starts in the tick that creates the profile, so it waits the profile's whole 500 simulated seconds;
    // on virtual time its first DescribeFargateProfile finds the profile CREATING however long the request takes.
    const s = await start([], { controlPlaneSeconds: 1, fargateProfileSeconds: 500 });
    await activeCluster(s);
    const eks = api(s);
    expect(await eks.listFargateProfiles('demo')).toEqual([]);
    createCoreDnsProfile(s, 'demo');
    // The deadline is far beyond the 500 s, so the profile's timing alone decides when the wait ends.
    const timeoutMs = 24 * 60 * 60_000;
    const result = await waitForProfile(eks, 'demo', 'fp-coredns', { clock: simClock(s), delays: pollDelays(), timeoutMs });
    expect(result.status).toBe('ACTIVE');
    // It waited on the simulated clock: surely more than a minute of it.
    expect(result.waitedMs).toBeGreaterThan(60_000);
    // It polled more than once, and every poll was one DescribeFargateProfile.
    // The cadence itself is unit-tested.
    expect(result.polls).toBeGreaterThanOrEqual(2);
    expect(s.requestCounts['DescribeFargateProfile']).toBe(result.polls);
  });

  it('sorts errors: notFound, throttled, server', async () => {
    let s = await start();
    await expect(api(s).describeCluster('nope')).rejects.toMatchObject({ kind: 'notFound', operation: 'DescribeCluster' });
    await s.close();
    s = sim = await start(['eks-throttle=1']);
    // One attempt: how the error is sorted is the point here, not the SDK's retries, which pause in real time.
    const once = (on: Simulator) => createEksApi({ region: on.region, credentials: simCredentials, endpoint: on.eksEndpoint, maxAttempts: 1 });
    const throttled = await once(s).listFargateProfiles('nope').catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(EksApiError);
    expect(throttled).toMatchObject({ kind: 'throttled', retryable: true });
    await s.close();
    s = sim = await start(['eks-5xx=1']);
    await expect(once(s).describeFargateProfile('x', 'y')).rejects.toMatchObject({ kind: 'server', retryable: true });
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
