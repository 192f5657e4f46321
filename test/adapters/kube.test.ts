import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEksApi } from '../../src/adapters/eks.js';
import { createEksKubeApi, KubeApiError, kubeApiFromKubeconfig, type KubeApi } from '../../src/adapters/kube.js';
import { openKubeconfig } from '../../src/adapters/kubeconfig.js';
import { createEksToken } from '../../src/adapters/token.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { healCoreDns } from '../../src/tasks/heal-coredns.js';
import { waitForProfile } from '../../src/tasks/wait-profiles.js';
import { createCoreDnsProfile, createSimCluster, simClock, simCredentials, until } from './sim-helpers.js';

let sim: Simulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function cluster({ version = '1.31', faults = [] as string[], timeScale = 0.001, controlPlaneSeconds = 120 } = {}) {
  const s = (sim = await startSimulator({ timeScale, faults, timings: { controlPlaneSeconds } }));
  createSimCluster(s, 'demo', version);
  await until(s, 'cluster ACTIVE', () => s.world.describeCluster('demo').status === 'ACTIVE');
  const eks = createEksApi({ region: s.region, credentials: simCredentials, endpoint: s.eksEndpoint });
  const info = await eks.describeCluster('demo');
  const kube = createEksKubeApi({ clusterName: 'demo', region: s.region, endpoint: info.endpoint, caData: info.caData, credentials: simCredentials });
  return { s, eks, kube };
}

// At time scale 0.002 the default deadlines (20 and 10 simulated minutes) are 2.4 and 1.2 real seconds: too little
// for a loaded machine. These tests are about what the heal does, not about its deadline.
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
    const { s, eks, kube } = await cluster({ version: '1.28', timeScale: 0.002 });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock, timeoutMs: ROOMY_MS });
    const result = await healCoreDns(kube, { profiles: [profile], clock, timeoutMs: ROOMY_MS });
    expect(result).toMatchObject({ found: true, desired: 2, ready: 2, stuckBefore: 2, annotationRemoved: true });
    expect(result.restarts).toBeGreaterThanOrEqual(1);
    const pods = await kube.listPods('kube-system', 'k8s-app=kube-dns');
    expect(pods.filter((p) => !p.deletionTimestamp).every((p) => p.schedulerName === 'fargate-scheduler' && p.phase === 'Running')).toBe(true);
  });

  it('restarts again when the webhook does not see the profile yet (webhook delay)', async () => {
    // Long enough in simulated time that the first heal requests (TLS, token) surely land inside the delay.
    const { s, eks, kube } = await cluster({ faults: ['webhook-delay=1000'], timeScale: 0.002 });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock, timeoutMs: ROOMY_MS });
    const result = await healCoreDns(kube, { profiles: [profile], clock, timeoutMs: ROOMY_MS });
    expect(result).toMatchObject({ ready: 2, stuckBefore: 2, annotationRemoved: false });
    expect(result.restarts).toBeGreaterThanOrEqual(2);
  });

  it('a rollout that never gets Ready times out with exit 4, naming pods and their latest events', async () => {
    const { s, eks, kube } = await cluster({ faults: ['rollout-stuck'], timeScale: 0.002 });
    createCoreDnsProfile(s, 'demo');
    const clock = simClock(s);
    const profile = await waitForProfile(eks, 'demo', 'fp-coredns', { clock });
    const error = await healCoreDns(kube, { profiles: [profile], clock, timeoutMs: 5 * 60_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 4 });
    const message = (error as Error).message;
    // Not before the 5 minute deadline; at this time scale a slow request on a busy machine costs simulated minutes.
    const minutes = Number(/^CoreDNS is not Ready after (\d+)m\d\ds \(0\/2 ready/.exec(message)?.[1]);
    expect(minutes).toBeGreaterThanOrEqual(5);
    expect(minutes).toBeLessThan(10);
    expect(message).toMatch(/pod coredns-\S+ (failing|starting|stuck): /);
  });

  it('refreshes the token after a 401 (short token lifetime)', async () => {
    // X-Amz-Date has whole seconds, so a token's real age is judged to ±1 s: keep the lifetime well above that.
    const { s, kube } = await cluster({ faults: ['token-ttl=40'], timeScale: 0.05, controlPlaneSeconds: 2 });
    expect(await kube.listPods('kube-system')).not.toHaveLength(0);
    const refusedBefore = s.kubeUnauthorizedCount();
    // 40 simulated seconds pass in 2 s: the cached token is refused from then on.
    await s.clock.sleep(50_000);
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
    expect(await kube.getDeployment('kube-system', 'coredns')).toMatchObject({ desired: 2 });
  });
});
