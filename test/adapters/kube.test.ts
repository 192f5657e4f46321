import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEksApi } from '../../src/adapters/eks.js';
import { createEksKubeApi, KubeApiError, kubeApiFromKubeconfig, RESTARTED_AT_ANNOTATION, type KubeApi } from '../../src/adapters/kube.js';
import { openKubeconfig } from '../../src/adapters/kubeconfig.js';
import { createEksToken } from '../../src/adapters/token.js';
import type { Simulator } from '../../src/sim/index.js';
import { probePodFor } from '../../src/core/probe.js';
import { healCoreDns } from '../../src/heal/coredns.js';
import { probeOwner } from '../../src/heal/step-toward-restart.js';
import { waitForProfile } from '../../src/heal/wait-profiles.js';
import { startVirtualSimulator } from '../helpers/in-process.js';
import { createCoreDnsProfile, createSimCluster, simClock, simCredentials, until } from '../helpers/sim.js';

let sim: Simulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

// On virtual time: simulated minutes pass as fast as the work allows, in the same order on a loaded machine.
async function cluster({ version = '1.31', faults = [] as string[], controlPlaneSeconds = 120 } = {}) {
  const s = (sim = await startVirtualSimulator({ faults, timings: { controlPlaneSeconds } }));
  createSimCluster(s, 'demo', version);
  await until(s, 'cluster ACTIVE', () => s.world.describeCluster('demo').status === 'ACTIVE');
  const eks = createEksApi({ region: s.region, credentials: simCredentials, endpoint: s.eksEndpoint });
  const info = await eks.describeCluster('demo');
  // Tokens are signed at real time moved on by the simulated time since: on virtual time simulated minutes pass in a
  // real instant, so a token signed again after a 401 would otherwise be the very token refused (X-Amz-Date has whole
  // seconds), where in the world it is signed minutes later.
  const simStart = s.clock.now();
  const now = () => Date.now() + (s.clock.now() - simStart);
  const kube = createEksKubeApi({ clusterName: 'demo', region: s.region, endpoint: info.endpoint, caData: info.caData, credentials: simCredentials, now });
  return { s, eks, kube };
}

/** fp-coredns's selector under another name, for the webhook-delay test. */
const TWIN_PROFILE = {
  fargateProfileName: 'fp-coredns-twin',
  podExecutionRoleArn: 'arn:aws:iam::000000000000:role/pod',
  selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
};

// These tests are about what the heal does, not about its deadline.
const ROOMY_MS = 2 * 60 * 60_000;

describe('KubeApi over client-node and HTTPS against the simulator', () => {
  it('reads the CoreDNS Deployment, its pods, nodes and events', async () => {
    const { kube } = await cluster();
    const deployment = await kube.getDeployment('kube-system', 'coredns');
    expect(deployment).toMatchObject({ namespace: 'kube-system', name: 'coredns', desired: 2 });
    expect(deployment?.templateAnnotations).not.toHaveProperty('eks.amazonaws.com/compute-type');
    expect(await kube.getDeployment('kube-system', 'nope')).toBeUndefined();

    const pods = await kube.listPods('kube-system', 'k8s-app=kube-dns');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod).toMatchObject({ namespace: 'kube-system', schedulerName: 'default-scheduler', phase: 'Pending' });
      expect(pod.labels).toMatchObject({ 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' });
      expect(pod.creationTimestamp).toBeGreaterThan(0);
      expect(pod.ownerReferences[0]?.kind).toBe('ReplicaSet');
    }
    expect(await kube.listPods('kube-system', 'k8s-app=nothing')).toEqual([]);
    expect(await kube.listNodes()).toEqual([]);
    // With no nodes at all, the scheduler said why the pod stays Pending.
    const events = await kube.listEvents('kube-system', pods[0]!.name);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', message: 'no nodes available to schedule pods' }),
    );
    for (const e of events) expect(e.lastSeen).toBeGreaterThan(0);
  });

  it('restarts like kubectl rollout restart, removing the compute-type annotation in the same patch', async () => {
    const { kube } = await cluster({ version: '1.28' });
    const before = await kube.getDeployment('kube-system', 'coredns');
    expect(before?.templateAnnotations['eks.amazonaws.com/compute-type']).toBe('ec2');
    await kube.restartDeployment('kube-system', 'coredns', {
      at: new Date('2026-11-28T12:34:56.789Z'),
      removeAnnotations: ['eks.amazonaws.com/compute-type'],
    });
    const after = await kube.getDeployment('kube-system', 'coredns');
    expect(after?.templateAnnotations['kubectl.kubernetes.io/restartedAt']).toBe('2026-11-28T12:34:56Z');
    expect(after?.templateAnnotations).not.toHaveProperty('eks.amazonaws.com/compute-type');
    expect(after?.generation).toBe((before?.generation ?? 0) + 1);
  });

  it('waits for the profile, then heals a stuck CoreDNS onto Fargate (Kubernetes 1.28)', async () => {
    const { s, eks, kube } = await cluster({ version: '1.28' });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock, timeoutMs: ROOMY_MS });
    const result = await healCoreDns(kube, { profiles: [profile], clock, timeoutMs: ROOMY_MS });
    expect(result).toMatchObject({ found: true, desired: 2, ready: 2, stuckBefore: 2, annotationRemoved: true });
    expect(result.restarts).toBeGreaterThanOrEqual(1);
    const pods = await kube.listPods('kube-system', 'k8s-app=kube-dns');
    expect(pods.filter((p) => !p.deletionTimestamp).every((p) => p.schedulerName === 'fargate-scheduler' && p.phase === 'Running')).toBe(true);
    // One connection kept open for the whole heal (client-node alone opened one per request: 40 for 40).
    const requests = Object.values(s.kubeRequestsByMethod()).reduce((sum, n) => sum + n, 0);
    expect(requests).toBeGreaterThan(20);
    expect(s.kubeConnectionCount()).toBeLessThan(requests / 10);
  });

  it('keeps one connection open for all of its requests, and opens another when that one is closed', async () => {
    const { s, kube } = await cluster();
    const before = s.kubeConnectionCount();
    for (let i = 0; i < 10; i++) await kube.listPods('kube-system', 'k8s-app=kube-dns');
    expect(s.kubeConnectionCount() - before).toBe(1);
    // The server closes it while the client waits for its next poll.
    s.closeKubeConnections();
    await s.clock.sleep(1_000);
    expect(await kube.listPods('kube-system', 'k8s-app=kube-dns')).toHaveLength(2);
    expect(s.kubeConnectionCount() - before).toBe(2);
  });

  it('asks the Fargate webhook with a dry-run pod from the template: its answer, nothing created', async () => {
    const { s, kube } = await cluster();
    const deployment = (await kube.getDeployment('kube-system', 'coredns'))!;
    const [stuck] = await kube.listPods('kube-system', 'k8s-app=kube-dns');
    const target = { namespace: 'kube-system', ownerName: 'coredns', template: deployment.template, examplePod: stuck };
    const change = { at: new Date(s.clock.now()) };
    expect(await probeOwner(kube, target, change)).toEqual({ kind: 'answered', verdict: { kind: 'not-fargate', scheduler: 'default-scheduler' } });
    createCoreDnsProfile(s, 'demo');
    await until(s, 'the webhook sees fp-coredns', () => s.world.profileVisibleAt('demo', 'fp-coredns') !== undefined);
    expect(await probeOwner(kube, target, change)).toEqual({ kind: 'answered', verdict: { kind: 'fargate', profile: 'fp-coredns' } });
    const answer = await kube.dryRunCreatePod(probePodFor(target, change));
    expect(answer.name).toMatch(new RegExp(`^${stuck!.ownerReferences[0]!.name}-[a-z0-9]{5}$`));
    // Two CoreDNS pods, as before: a dry run persists nothing.
    expect(await kube.listPods('kube-system', 'k8s-app=kube-dns')).toHaveLength(2);
    expect(s.kubeRequestsByMethod()).toMatchObject({ 'POST (dry run)': 3 });
    expect(s.kubeRequestsByMethod()['POST']).toBeUndefined();
  });

  it('while the webhook does not see the profile: probes, never restarts; once it does, exactly one restart', async () => {
    // The webhook must not see the profile while the test asserts "no restart", however long a busy machine takes; a
    // delay on the clock would race it. So fp-coredns stays unseen (its delay outlasts the test) while the heal probes,
    // and only then does a twin with the same selector appear, which the webhook sees the usual 10 s after it turns
    // ACTIVE. Only the webhook's answer can set off the restart, and it names the profile it really used.
    const { s, eks, kube } = await cluster({ faults: ['webhook-delay=1000000'] });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock, timeoutMs: ROOMY_MS });
    // A day: the heal must outlast the wait for five probes and then the twin's 130 simulated seconds.
    const healing = healCoreDns(kube, { profiles: [profile], clock, timeoutMs: 24 * 60 * 60_000 });
    let healEnded = false;
    void healing.then(() => (healEnded = true), () => (healEnded = true));
    const probes = () => s.kubeRequestsByMethod()['POST (dry run)'] ?? 0;
    await until(s, 'five probes', () => healEnded || probes() >= 5, ROOMY_MS);
    expect(healEnded).toBe(false);
    expect((await kube.getDeployment('kube-system', 'coredns'))?.templateAnnotations[RESTARTED_AT_ANNOTATION]).toBeUndefined();
    s.faults.webhookDelaySeconds = undefined;
    s.world.createFargateProfile({ ...TWIN_PROFILE, clusterName: 'demo' });
    const result = await healing;
    expect(result).toMatchObject({ ready: 2, stuckBefore: 2, annotationRemoved: false, restarts: 1, restartProbes: [{ probe: 'fargate', profile: 'fp-coredns-twin' }] });
    expect(result.probes).toBeGreaterThanOrEqual(6);
    const pods = await kube.listPods('kube-system', 'k8s-app=kube-dns');
    expect(pods.filter((p) => !p.deletionTimestamp).every((p) => p.schedulerName === 'fargate-scheduler' && p.phase === 'Running')).toBe(true);
  });

  it('an API server that refuses the dry run (400): the heal falls back to restart-and-verify, and says why', async () => {
    const { s, eks, kube } = await cluster({ faults: ['dry-run-refused=400'] });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock, timeoutMs: ROOMY_MS });
    const fallbacks: string[] = [];
    const result = await healCoreDns(kube, { profiles: [profile], clock, timeoutMs: ROOMY_MS, onProbeFallback: (why) => fallbacks.push(why) });
    expect(result).toMatchObject({ ready: 2, stuckBefore: 2, probes: 1 });
    expect(result.restarts).toBeGreaterThanOrEqual(1);
    expect(result.restartProbes.every((r) => r.probe === 'skipped')).toBe(true);
    expect(result.probeFallback).toMatch(/^the dry-run probe was refused: dry-run create of a pod in kube-system: HTTP 400: admission webhook .* does not support dry run$/);
    expect(fallbacks).toEqual([result.probeFallback]);
  });

  it('a rollout that never gets Ready times out with exit 4, naming pods and their latest events', async () => {
    const { s, eks, kube } = await cluster({ faults: ['rollout-stuck'] });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock, timeoutMs: ROOMY_MS });
    const before = clock.now();
    const error = await healCoreDns(kube, { profiles: [profile], clock, timeoutMs: 5 * 60_000 }).catch((e: unknown) => e);
    const spentMs = clock.now() - before;
    expect(error).toMatchObject({ exitCode: 4 });
    const message = (error as Error).message;
    // Not before the 5 minute deadline, and no more time than really passed on the simulator's clock.
    const [, minutes, seconds] = /^CoreDNS is not Ready after (\d+)m(\d\d)s \(0\/2 ready/.exec(message) ?? [];
    const reportedMs = (Number(minutes) * 60 + Number(seconds)) * 1000;
    expect(reportedMs).toBeGreaterThanOrEqual(5 * 60_000);
    expect(reportedMs).toBeLessThanOrEqual(spentMs);
    expect(message).toMatch(/pod coredns-\S+ (failing|starting|stuck): /);
  });

  it('refreshes the token after a 401 (short token lifetime)', async () => {
    // On virtual time the server counts a token's simulated age from its first use.
    const { s, kube } = await cluster({ faults: ['token-ttl=120'], controlPlaneSeconds: 2 });
    expect(await kube.listPods('kube-system')).not.toHaveLength(0);
    const refusedBefore = s.kubeUnauthorizedCount();
    // The cached token was signed before this sleep, so it is surely past its lifetime after it: refused from then on.
    await s.clock.sleep(125_000);
    expect(await kube.listPods('kube-system')).not.toHaveLength(0);
    // The cached token was really refused (401) on the way to that success, so the list above went through a new one.
    expect(s.kubeUnauthorizedCount()).toBeGreaterThan(refusedBefore);
  });

  it('Kubernetes 5xx answers come back as a retryable KubeApiError', async () => {
    const { kube } = await cluster({ faults: ['kube-5xx=1'] });
    const error = await kube.listNodes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 500, retryable: true });
  });

  it('works through a kubeconfig and context as well', async () => {
    const { s } = await cluster();
    const { token } = await createEksToken({ clusterName: 'demo', region: s.region, credentials: simCredentials });
    dir = await mkdtemp(join(tmpdir(), 'safe-eksctl-kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: demo\n  cluster:\n    server: ${s.kubeServer}\n    certificate-authority: ${s.caFile}`,
        'users:',
        `- name: demo\n  user:\n    token: ${token}`,
        'contexts:',
        '- name: other\n  context:\n    cluster: demo\n    user: nobody',
        '- name: demo\n  context:\n    cluster: demo\n    user: demo',
        'current-context: other',
        '',
      ].join('\n'),
    );
    const kube: KubeApi = kubeApiFromKubeconfig(openKubeconfig({ kubeconfig: file, context: 'demo' }, process.env, process.cwd()).kc);
    const before = s.kubeConnectionCount();
    expect(await kube.getDeployment('kube-system', 'coredns')).toMatchObject({ desired: 2 });
    expect(await kube.listPods('kube-system', 'k8s-app=kube-dns')).toHaveLength(2);
    expect(s.kubeConnectionCount() - before).toBe(1);
  });
});
