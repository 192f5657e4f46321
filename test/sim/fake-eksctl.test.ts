// The bug report's scenarios with the fake eksctl alone against the simulator on virtual time: the fake eksctl runs
// in this process on the simulator's clock (inProcessEksctl), so simulated minutes pass as fast as the work allows and
// events come in the same order on a loaded machine. Whether CoreDNS ends up on Fargate depends on eksctl's version and
// the profile's selector. What needs the fake eksctl's own process (its exit code as a process, its stdin) spawns it.
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createEksToken } from '../../src/adapters/token.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import type { Simulator } from '../../src/sim/index.js';
import { captureEksctlInProcess } from '../../src/adapters/eksctl-in-process.js';
import { inProcessEksctl } from '../../src/sim/fake-eksctl/in-process.js';
import { startVirtualSimulator } from '../helpers/in-process.js';
import { until } from '../helpers/sim.js';

/** `eksctl ARGS` in this process on `on`'s clock, with `env` as its whole environment and `dir` as its working directory. */
function eksctl(on: Simulator, args: string[], env: Record<string, string>) {
  return on.clock.track(() => captureEksctlInProcess(inProcessEksctl(on.clock), args, { env, cwd: dir }));
}

let sim: Simulator;
let dir: string;
let clusters = 0;

beforeAll(async () => {
  sim = await startVirtualSimulator();
  dir = mkdtempSync(join(tmpdir(), 'fake-eksctl-'));
});

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  eksctlVersion?: string;
  faults?: string[];
  selectors?: string;
  args?: string[];
}

/** Runs `fake-eksctl create cluster -f` for a fresh cluster name; the kubeconfig goes to a file of the test's own. */
async function createCluster({ eksctlVersion = '0.230.0', faults = [], selectors = '      - namespace: kube-system', args = [] }: Scenario) {
  const name = `fake-${++clusters}`;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${name}\n  region: ${sim.region}\n  version: "1.31"\n` +
      `fargateProfiles:\n  - name: fp-default\n    selectors:\n${selectors}\n      - namespace: default\n`,
  );
  const kubeconfig = join(dir, `${name}.kubeconfig`);
  const started = sim.clock.now();
  const result = await eksctl(sim, ['create', 'cluster', '-f', file, '--kubeconfig', kubeconfig, ...args], {
    ...sim.env,
    SAFE_EKSCTL_SIM_EKSCTL_VERSION: eksctlVersion,
    SAFE_EKSCTL_SIM_FAULTS: JSON.stringify(faults),
    KUBECONFIG: join(dir, 'never-written'),
    HOME: dir,
  });
  return { name, file, kubeconfig, result, simulatedSeconds: (sim.clock.now() - started) / 1000 };
}

/** CoreDNS pods as a Kubernetes client sees them, through client-node with a real EKS token. */
async function coreDnsPods(cluster: string, on: Simulator = sim): Promise<V1Pod[]> {
  const { token } = await createEksToken({
    clusterName: cluster,
    region: on.region,
    credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
  });
  const config = new KubeConfig();
  config.loadFromClusterAndUser({ name: cluster, server: on.kubeServer, caFile: on.caFile, skipTLSVerify: false }, { name: 'test', token });
  const { items } = await config
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'eks.amazonaws.com/component=coredns' });
  return items;
}

function onFargate(pods: V1Pod[]): boolean {
  return pods.length > 0 && pods.every((p) => p.status?.phase === 'Running' && (p.spec?.nodeName ?? '').startsWith('fargate-'));
}

function allPending(pods: V1Pod[]): boolean {
  return pods.length > 0 && pods.every((p) => p.status?.phase === 'Pending' && !p.spec?.nodeName);
}

const COMPONENT_LABEL = '      - namespace: kube-system\n        labels:\n          eks.amazonaws.com/component: coredns';

describe('fake eksctl create cluster against the simulator', () => {
  it('eksctl 0.207.0 ignores a component-labelled kube-system profile: exit 0 and CoreDNS stays Pending', async () => {
    const { name, result } = await createCluster({ eksctlVersion: '0.207.0', selectors: COMPONENT_LABEL });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('"coredns" is now schedulable onto Fargate');
    expect(result.stdout).toMatch(/\[✔\] {2}EKS cluster "fake-\d+" in "us-west-2" region is ready/);
    expect(allPending(await coreDnsPods(name))).toBe(true);
    // Two more simulated minutes change nothing: pods are never re-admitted.
    await sim.clock.sleep(120_000);
    expect(allPending(await coreDnsPods(name))).toBe(true);
  });

  it('eksctl 0.230.0 recognises the component label: CoreDNS runs on Fargate when it exits', async () => {
    const { name, result } = await createCluster({ eksctlVersion: '0.230.0', selectors: COMPONENT_LABEL });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('"coredns" is now scheduled onto Fargate');
    expect(result.stdout).toContain('"coredns" pods are now scheduled onto Fargate');
    expect(onFargate(await coreDnsPods(name))).toBe(true);
  });

  it('a label-less kube-system selector works even for eksctl 0.207.0', async () => {
    const { name, result } = await createCluster({ eksctlVersion: '0.207.0' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(onFargate(await coreDnsPods(name))).toBe(true);
  });

  it("the AWS docs' k8s-app: kube-dns selector is never recognised, even by 0.230.0: CoreDNS stays Pending", async () => {
    const { name, result } = await createCluster({
      eksctlVersion: '0.230.0',
      selectors: '      - namespace: kube-system\n        labels:\n          k8s-app: kube-dns',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(allPending(await coreDnsPods(name))).toBe(true);
  });

  it('follows eksctl order: addons before the control plane is ready, profiles after, the CoreDNS step last', async () => {
    const { result, simulatedSeconds } = await createCluster({});
    expect(result.exitCode, result.stderr).toBe(0);
    const order = [
      'creating addon: coredns',
      'waiting for the control plane to become ready',
      'creating Fargate profile "fp-default" on EKS cluster',
      'created Fargate profile "fp-default" on EKS cluster',
      '"coredns" is now schedulable onto Fargate',
      'saved kubeconfig as',
      'region is ready',
    ].map((text) => result.stdout.indexOf(text));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const line of result.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l))) {
      // eksctl's task tree starts with a newline, so one info line has an empty message, as in real eksctl output.
      expect(line).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[[ℹ✔!✖▶]\] {2}(\S|$)/);
    }
    console.log(`full fake create cluster: ${simulatedSeconds.toFixed(0)} simulated seconds`);
  });

  it('writes a kubeconfig with the endpoint, the CA and the aws eks get-token exec plugin', async () => {
    const { name, kubeconfig, result } = await createCluster({});
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`saved kubeconfig as "${kubeconfig}"`);
    const config = parse(readFileSync(kubeconfig, 'utf8'));
    const clusterId = `${name}.${sim.region}.eksctl.io`;
    const cluster = config.clusters.find((c: { name: string }) => c.name === clusterId);
    expect(cluster.cluster.server).toBe(sim.kubeServer);
    expect(Buffer.from(cluster.cluster['certificate-authority-data'], 'base64').toString()).toBe(readFileSync(sim.caFile, 'utf8'));
    const user = config.users.find((u: { name: string }) => u.name === config['current-context']);
    expect(user.user.exec).toMatchObject({
      command: 'aws',
      args: ['eks', 'get-token', '--output', 'json', '--cluster-name', name, '--region', sim.region],
    });
  });

  it('an eksctl-exit fault ends the run with that code at that phase', async () => {
    const before = sim.requestCounts.CreateFargateProfile ?? 0;
    const { result } = await createCluster({ faults: ['eksctl-exit=7@fargate'] });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toMatch(/^Error: failed to create cluster "fake-\d+"/m);
    expect(result.stdout).toContain('phase "fargate"');
    expect(sim.requestCounts.CreateFargateProfile ?? 0).toBe(before);
  });
});

describe('fake eksctl on an existing cluster', () => {
  let prompt: Simulator | undefined;
  afterAll(async () => prompt?.close());

  it('create fargateprofile, get cluster and delete cluster work on a cluster made without profiles', async () => {
    // eksctl's create fargateprofile has no grace sleep after ACTIVE (pkg/actions/fargate/create.go), so with the
    // webhook's default lag its CoreDNS patch would come before the webhook sees the profile; this test is about the
    // commands, so the webhook here sees a profile as soon as it is ACTIVE.
    const sim = (prompt = await startVirtualSimulator({ timings: { webhookDelaySeconds: 0 } }));
    const name = `fake-${++clusters}`;
    const file = join(dir, `${name}.yaml`);
    const head = `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${name}\n  region: ${sim.region}\n`;
    writeFileSync(file, head);
    const env = { ...sim.env, HOME: dir, KUBECONFIG: join(dir, `${name}.kubeconfig`) };
    const run = (...args: string[]) => eksctl(sim, args, env);

    expect((await run('create', 'cluster', '-f', file)).exitCode).toBe(0);
    expect(allPending(await coreDnsPods(name, sim))).toBe(true);

    writeFileSync(file, `${head}fargateProfiles:\n  - name: fp-system\n    selectors:\n      - namespace: kube-system\n`);
    const profile = await run('create', 'fargateprofile', '-f', file);
    expect(profile.exitCode, profile.stderr).toBe(0);
    expect(profile.stdout).toContain(`created Fargate profile "fp-system" on EKS cluster "${name}"`);
    expect(onFargate(await coreDnsPods(name, sim))).toBe(true);

    const table = await run('get', 'cluster', '--region', sim.region);
    expect(table.stdout).toMatch(new RegExp(`^${name}\\s+${sim.region}\\s+True$`, 'm'));
    const json = JSON.parse((await run('get', 'cluster', '--name', name, '-o', 'json')).stdout);
    expect(json[0]).toMatchObject({ Name: name, Status: 'ACTIVE' });

    const deleted = await run('delete', 'cluster', '-f', file);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('deleted 1 Fargate profile(s)');
    expect(deleted.stdout).toContain('all cluster resources were deleted');
  });

  it('create fargateprofile with the webhook lagging: its CoreDNS patch comes first, then it waits out --timeout and fails with that step\'s own error', async () => {
    // pkg/actions/fargate/create.go: the profiles, then ScheduleCoreDNSOnFargateIfRelevant at once (no 30 s sleep),
    // whose error is returned as it is; the pods the patch makes miss the webhook and stay Pending.
    const name = `fake-${++clusters}`;
    const file = join(dir, `${name}.yaml`);
    const head = `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${name}\n  region: ${sim.region}\n`;
    writeFileSync(file, head);
    const env = { ...sim.env, HOME: dir, KUBECONFIG: join(dir, `${name}.kubeconfig`) };
    expect((await eksctl(sim, ['create', 'cluster', '-f', file], env)).exitCode).toBe(0);
    const started = sim.clock.now();
    const run = await eksctl(sim, ['create', 'fargateprofile', '--cluster', name, '--name', 'fp-system', '--namespace', 'kube-system', '--region', sim.region, '--timeout', '10m'], env);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('"coredns" is now schedulable onto Fargate');
    expect(run.stderr.trim().split('\n').at(-1)).toBe('Error: timed out while waiting for "coredns" to be scheduled on Fargate');
    // The profile is there; CoreDNS is not on it, and eksctl waited its whole --timeout for it.
    expect(sim.world.describeFargateProfile(name, 'fp-system').status).toBe('ACTIVE');
    expect(allPending(await coreDnsPods(name))).toBe(true);
    expect(sim.clock.now() - started).toBeGreaterThanOrEqual(10 * 60_000);
  });
});

describe('fake eksctl with managed nodegroups', () => {
  it('creates them after the control plane and waits for ACTIVE; CoreDNS then runs on EC2 nodes', async () => {
    const name = `fake-${++clusters}`;
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ${name}\n  region: ${sim.region}\n` +
        'managedNodeGroups:\n  - name: ng-1\n    instanceType: t3.medium\n    desiredCapacity: 2\n',
    );
    const result = await eksctl(sim, ['create', 'cluster', '-f', file], { ...sim.env, HOME: dir, KUBECONFIG: join(dir, `${name}.kubeconfig`) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`created 1 managed nodegroup(s) in cluster "${name}"`);
    // The nodes are there; the pods start on them a few simulated seconds later (ec2PodStartSeconds).
    const onEc2 = (p: V1Pod) => p.status?.phase === 'Running' && !(p.spec?.nodeName ?? 'fargate-').startsWith('fargate-');
    let pods: V1Pod[] = [];
    await until(sim, 'both CoreDNS pods Running on EC2 nodes', async () => {
      pods = await coreDnsPods(name);
      return pods.length === 2 && pods.every(onEc2);
    }, 10 * 60_000);
    expect(pods).toHaveLength(2);
    for (const pod of pods) expect(pod).toMatchObject({ status: { phase: 'Running' }, spec: { nodeName: expect.stringMatching(/^ip-/) } });
  });
});

describe('fake eksctl against a profile that ends CREATE_FAILED', () => {
  let failing: Simulator | undefined;
  afterAll(async () => failing?.close());

  it('does not notice CREATE_FAILED: it polls with the backoff until --timeout, then fails', async () => {
    failing = await startVirtualSimulator({ faults: ['profile-create-failed=fp-broken'] });
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: broken\n  region: ${failing.region}\n` +
        'fargateProfiles:\n  - name: fp-broken\n    selectors:\n      - namespace: kube-system\n',
    );
    const result = await eksctl(failing, ['create', 'cluster', '-f', file, '--timeout', '3m'], {
      ...failing.env,
      HOME: dir,
      KUBECONFIG: join(dir, 'broken.kubeconfig'),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`[✖]  failed to create Fargate profile "fp-broken" on EKS cluster "broken": timed out while waiting for Fargate profile "fp-broken"'s creation`);
    expect(result.stderr.trim()).toBe('Error: failed to create cluster "broken"');
    // 3 minutes of 1, 2, 4, 8, 16, 32, 64 and a last 53 s: eight looks, none after the last sleep.
    expect(failing.requestCounts.DescribeFargateProfile).toBe(8);
  });
});

describe('fake eksctl when tokens age out', () => {
  let shortLived: Simulator | undefined;
  afterAll(async () => shortLived?.close());

  it('signs a new token on a 401 and carries on with the CoreDNS step', async () => {
    // On virtual time the server counts a token's simulated age from its first use. The 401 is certain: the pods start
    // 120 s after the patch, so the check that finds them Running comes over 100 s after eksctl signed its first token,
    // before that patch.
    shortLived = await startVirtualSimulator({
      faults: ['token-ttl=100'],
      timings: { controlPlaneSeconds: 5, fargateProfileSeconds: 5, fargatePodStartSeconds: 120 },
    });
    const file = join(dir, 'ttl.yaml');
    writeFileSync(
      file,
      `apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ttl\n  region: ${shortLived.region}\n` +
        'fargateProfiles:\n  - name: fp-default\n    selectors:\n      - namespace: kube-system\n',
    );
    const result = await eksctl(shortLived, ['create', 'cluster', '-f', file], { ...shortLived.env, HOME: dir, KUBECONFIG: join(dir, 'ttl.kubeconfig') });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('"coredns" pods are now scheduled onto Fargate');
    // A token really aged out on the way: the simulator refused at least one request with 401, and the run went on.
    expect(shortLived.kubeUnauthorizedCount()).toBeGreaterThanOrEqual(1);
  });
});

describe('fake eksctl without the simulator', () => {
  // Its own process: stdin is a pipe, and the exit code is the process's.
  it('reads the config from stdin with -f -', async () => {
    const result = await execa(process.execPath, [sim.eksctl, 'create', 'cluster', '-f', '-', '--dry-run'], {
      input: 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: piped\n  region: us-west-2\n',
      env: { HOME: dir },
    });
    expect(parse(result.stdout)).toMatchObject({ metadata: { name: 'piped' } });
  });

  it('rejects --region with -f exactly as eksctl does', async () => {
    const file = join(dir, 'region.yaml');
    writeFileSync(file, 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: r\n  region: us-west-2\n');
    const result = await execa(process.execPath, [sim.eksctl, 'create', 'cluster', '-f', file, '--region', 'eu-west-1'], {
      reject: false,
      env: { HOME: dir },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('Error: cannot use --region when --config-file/-f is set');
  });

  it('prints its version, configurable through the environment', async () => {
    const plain = await eksctl(sim, ['version'], { SAFE_EKSCTL_SIM_EKSCTL_VERSION: '' });
    expect(plain.stdout).toBe('0.230.0\n');
    const old = await eksctl(sim, ['version'], { SAFE_EKSCTL_SIM_EKSCTL_VERSION: '0.207.0' });
    expect(old.stdout).toBe('0.207.0\n');
  });
});
