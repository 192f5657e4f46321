import { Listr } from 'listr2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeApiError, type ClusterKubeApi, type RestartableKind, type WorkloadInfo } from '../../src/adapters/kube.js';
import { pollDelays, restartDelays } from '../../src/core/backoff.js';
import type { FargateProfileView, PodInfo } from '../../src/core/pods.js';
import type { ProbeAnswer, ProbePod } from '../../src/core/probe.js';
import { newProbeSupport } from '../../src/core/restart-gate.js';
import { ExitCode } from '../../src/errors.js';
import type { WorkloadRecord } from '../../src/report.js';
import { healWorkloads, WorkloadHealError, type HealWorkloadsOptions } from '../../src/heal/workloads.js';
import { healWorkloadsTask, HEAL_WORKLOADS_TITLE } from '../../src/tasks/workloads.js';
import { unscheduledPod } from '../helpers/pods.js';
import { quietLogger } from '../helpers/listr-helpers.js';

const T0 = Date.parse('2026-11-28T12:00:00Z');
const apps: FargateProfileView = { name: 'fp-apps', selectors: [{ namespace: 'apps' }] };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** How the pods a restart (or a deletion) creates are admitted: the webhook saw the profile, or not yet. */
type Admission = { scheduler: 'fargate-scheduler' | 'default-scheduler'; readyAfterMs?: number };

interface FakeWorkload {
  kind: RestartableKind;
  name: string;
  desired: number;
  generation: number;
  /** Admission of the pods made by restart (or deletion) number n, 1-based; asked when they are made. */
  admission: (n: number) => Admission;
  /** What the dry-run probe's answer says now; by default, what the next recreation's admission would be. */
  probeSays?: () => Admission['scheduler'];
  recreated: number;
}

/** The webhook sees the profile from `at` (epoch ms) on: pods made from then are captured. */
const webhookFrom = (at: number) => (): Admission =>
  Date.now() >= at ? { scheduler: 'fargate-scheduler', readyAfterMs: 30_000 } : { scheduler: 'default-scheduler' };

interface FakePod extends PodInfo {
  generation: number;
  readyAt?: number;
}

/** A namespace `apps` behind ClusterKubeApi; time is Date.now(), so fake timers drive it. */
class FakeCluster implements ClusterKubeApi {
  readonly workloads = new Map<string, FakeWorkload>();
  pods: FakePod[] = [];
  readonly calls: Record<string, number> = {};
  failNext: KubeApiError[] = [];
  /** Every dry-run create fails with this (RBAC without create pods, say). */
  probeError: KubeApiError | undefined;
  readonly probes: { at: number; pod: ProbePod }[] = [];

  add(
    kind: RestartableKind,
    name: string,
    desired: number,
    admission: FakeWorkload['admission'] = () => ({ scheduler: 'fargate-scheduler', readyAfterMs: 30_000 }),
    probeSays?: FakeWorkload['probeSays'],
  ) {
    const w: FakeWorkload = { kind, name, desired, generation: 1, admission, recreated: 0, ...(probeSays ? { probeSays } : {}) };
    this.workloads.set(`${kind}/${name}`, w);
    const count = kind === 'StatefulSet' ? 1 : desired; // OrderedReady: pod 1 waits for pod 0
    for (let i = 0; i < count; i++) this.pods.push(this.newPod(w, kind === 'StatefulSet' ? `${name}-${i}` : `${name}-g1-${i}`, { scheduler: 'default-scheduler' }));
    return this;
  }

  bare(name: string, ownerReferences: PodInfo['ownerReferences'] = []) {
    this.pods.push({ ...basePod(name), ownerReferences, generation: 1 });
    return this;
  }

  private uids = 0;

  private newPod(w: FakeWorkload, name: string, admission: Admission): FakePod {
    const owner = w.kind === 'Deployment' ? { kind: 'ReplicaSet', name: `${w.name}-g${w.generation}` } : { kind: 'StatefulSet', name: w.name };
    return {
      ...basePod(name),
      uid: `uid-${++this.uids}`,
      labels: { app: w.name },
      schedulerName: admission.scheduler,
      ownerReferences: [owner],
      generation: w.generation,
      ...(admission.readyAfterMs !== undefined ? { readyAt: Date.now() + admission.readyAfterMs } : {}),
    };
  }

  private tick(call: string) {
    this.calls[call] = (this.calls[call] ?? 0) + 1;
    const failure = this.failNext.shift();
    if (failure) throw failure;
  }

  private view(p: FakePod): PodInfo {
    const { generation: _g, readyAt, ...pod } = p;
    if (readyAt === undefined || Date.now() < readyAt) return pod;
    return { ...pod, phase: 'Running', nodeName: 'fargate-ip-10-0-1-1.us-west-2.compute.internal', conditions: [{ type: 'Ready', status: 'True' }] };
  }

  async listPendingPods() {
    this.tick('listPendingPods');
    return this.pods.map((p) => this.view(p)).filter((p) => p.phase === 'Pending');
  }
  async getReplicaSetOwner(_namespace: string, name: string) {
    this.tick('getReplicaSetOwner');
    const deployment = name.replace(/-g\d+$/, '');
    return this.workloads.has(`Deployment/${deployment}`) ? { kind: 'Deployment', name: deployment } : undefined;
  }
  async getWorkload(kind: RestartableKind, namespace: string, name: string): Promise<WorkloadInfo | undefined> {
    this.tick('getWorkload');
    const w = this.workloads.get(`${kind}/${name}`);
    if (!w) return undefined;
    const own = this.pods.filter((p) => p.labels['app'] === name);
    const updated = own.filter((p) => p.generation === w.generation);
    const ready = updated.filter((p) => this.view(p).phase === 'Running').length;
    return {
      kind, namespace, name, generation: w.generation, observedGeneration: w.generation, desired: w.desired,
      current: own.length, updated: updated.length, ready, available: ready, templateAnnotations: {}, selector: `app=${name}`,
      template: { labels: { app: name }, annotations: {}, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    };
  }
  async dryRunCreatePod(pod: ProbePod): Promise<ProbeAnswer> {
    this.tick('dryRunCreatePod');
    this.probes.push({ at: Date.now(), pod });
    if (this.probeError) throw this.probeError;
    const w = [...this.workloads.values()].find((x) => x.name === pod.labels['app'])!;
    const scheduler = w.probeSays?.() ?? w.admission(w.recreated + 1).scheduler;
    return { name: `${pod.generateName}abcde`, schedulerName: scheduler, labels: { ...pod.labels, ...(scheduler === 'fargate-scheduler' ? { 'eks.amazonaws.com/fargate-profile': 'fp-apps' } : {}) } };
  }
  async listPods(_namespace: string, labelSelector?: string) {
    this.tick('listPods');
    const app = labelSelector?.replace(/^app=/, '');
    return this.pods.filter((p) => app === undefined || p.labels['app'] === app).map((p) => this.view(p));
  }
  async restartDeployment(_namespace: string, name: string) {
    this.tick('restartDeployment');
    const w = this.workloads.get(`Deployment/${name}`)!;
    w.generation++;
    w.recreated++;
    // The rollout, at once: the old ReplicaSet's pods go, the new one's come as the webhook admits them.
    this.pods = this.pods.filter((p) => p.labels['app'] !== name);
    for (let i = 0; i < w.desired; i++) this.pods.push(this.newPod(w, `${name}-g${w.generation}-${i}`, w.admission(w.recreated)));
  }
  async restartStatefulSet(_namespace: string, name: string) {
    this.tick('restartStatefulSet');
    // OrderedReady: nothing is replaced while pod 0 is not Ready.
    this.workloads.get(`StatefulSet/${name}`)!.generation++;
  }
  async deletePod(_namespace: string, name: string) {
    this.tick('deletePod');
    const gone = this.pods.find((p) => p.name === name);
    this.pods = this.pods.filter((p) => p !== gone);
    const owner = gone?.ownerReferences[0];
    const w = owner?.kind === 'StatefulSet' ? this.workloads.get(`StatefulSet/${owner.name}`) : undefined;
    if (w) {
      w.recreated++;
      // Both ordinals come once the first is recreated; enough for the rollout the heal follows.
      for (let i = 0; i < w.desired; i++) {
        if (!this.pods.some((p) => p.name === `${w.name}-${i}`)) this.pods.push(this.newPod(w, `${w.name}-${i}`, w.admission(w.recreated)));
      }
    }
  }
  async getDeployment() {
    return undefined;
  }
  async listEvents() {
    return [];
  }
  async listNodes() {
    return [];
  }
}

function basePod(name: string): PodInfo {
  return unscheduledPod(name, { creationTimestamp: Date.now() });
}

function options(extra: Partial<HealWorkloadsOptions> = {}): HealWorkloadsOptions {
  return {
    profiles: [apps],
    deleteStrandedPods: false,
    delays: () => pollDelays({ random: () => 0 }),
    restartBackoff: () => restartDelays({ random: () => 0 }),
    ...extra,
  };
}

async function settle<T>(promise: Promise<T>, ms: number) {
  const result = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  return result;
}

const byKey = (records: readonly WorkloadRecord[]) => Object.fromEntries(records.map((r) => [`${r.kind}/${r.name}`, r]));

describe('healWorkloads', () => {
  it('nothing stranded: one look, no write', async () => {
    const kube = new FakeCluster();
    expect(await healWorkloads(kube, options())).toEqual([]);
    expect(kube.calls).toEqual({ listPendingPods: 1 });
  });

  it('restarts a stranded Deployment once and waits until its new pods run Ready on Fargate', async () => {
    const kube = new FakeCluster().add('Deployment', 'web', 2);
    const result = await settle(healWorkloads(kube, options()), 40_000);
    expect(result.ok).toBe(true);
    const [web] = result.ok ? result.value : [];
    expect(web).toMatchObject({ kind: 'Deployment', name: 'web', action: 'restarted', restarts: 1, desired: 2, ready: 2, profile: 'fp-apps' });
    expect(web!.strandedPods).toEqual(['web-g1-0', 'web-g1-1']);
    expect(kube.calls['restartDeployment']).toBe(1);
    expect(kube.calls['getReplicaSetOwner']).toBe(1);
    expect(kube.pods.every((p) => p.schedulerName === 'fargate-scheduler')).toBe(true);
  });

  it('waits for the webhook, probing the Deployment once a second, and restarts it once the moment the probe says Fargate', async () => {
    const kube = new FakeCluster().add('Deployment', 'web', 2, webhookFrom(T0 + 2_500));
    const result = await settle(healWorkloads(kube, options()), 60_000);
    expect(result.ok && byKey(result.value)['Deployment/web']).toMatchObject({
      action: 'restarted',
      restarts: 1,
      ready: 2,
      probes: 4,
      restartProbes: [{ probe: 'fargate', profile: 'fp-apps' }],
    });
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 1_000, 2_000, 3_000]);
    expect(kube.calls['restartDeployment']).toBe(1);
    // The probe pod is the one the Deployment's next ReplicaSet would make.
    expect(kube.probes[0]?.pod).toMatchObject({ namespace: 'apps', generateName: 'web-g1-', labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': expect.any(String) } });
  });

  it('replacements that missed Fargate though the probe said Fargate get another restart after the backoff, probed first', async () => {
    const kube = new FakeCluster().add(
      'Deployment',
      'web',
      2,
      (n) => (n === 1 ? { scheduler: 'default-scheduler' } : { scheduler: 'fargate-scheduler', readyAfterMs: 30_000 }),
      () => 'fargate-scheduler',
    );
    const result = await settle(healWorkloads(kube, options()), 60_000);
    expect(result.ok && byKey(result.value)['Deployment/web']).toMatchObject({ action: 'restarted', restarts: 2, ready: 2, probes: 2 });
    expect(kube.calls['restartDeployment']).toBe(2);
  });

  it('a StatefulSet is patched once, after the probe says Fargate, and its stuck pods deleted once', async () => {
    const kube = new FakeCluster().add('StatefulSet', 'db', 2, webhookFrom(T0 + 1_500));
    const result = await settle(healWorkloads(kube, options()), 60_000);
    expect(result.ok && byKey(result.value)['StatefulSet/db']).toMatchObject({ action: 'restarted', restarts: 1, desired: 2, ready: 2, strandedPods: ['db-0'], probes: 3 });
    expect(kube.calls['restartStatefulSet']).toBe(1);
    expect(kube.calls['deletePod']).toBe(1);
    expect(kube.probes[0]?.pod).toMatchObject({ generateName: 'db-', labels: { app: 'db' } });
  });

  it('the probe refused: the old guess for every owner, said once; a StatefulSet replacement that missed Fargate is only deleted again', async () => {
    const kube = new FakeCluster()
      .add('StatefulSet', 'db', 2, (n) => (n === 1 ? { scheduler: 'default-scheduler' } : { scheduler: 'fargate-scheduler', readyAfterMs: 30_000 }))
      .add('Deployment', 'web', 1);
    kube.probeError = new KubeApiError(403, 'dry-run create of a pod in apps: HTTP 403: pods is forbidden');
    const fallbacks: string[] = [];
    const probeSupport = newProbeSupport();
    const result = await settle(healWorkloads(kube, options({ probeSupport, onProbeFallback: (why) => fallbacks.push(why) })), 60_000);
    const records = result.ok ? byKey(result.value) : {};
    expect(records['StatefulSet/db']).toMatchObject({ action: 'restarted', restarts: 2, ready: 2, restartProbes: [{ probe: 'skipped' }, { probe: 'skipped' }], probeFallback: expect.stringContaining('HTTP 403') });
    expect(records['Deployment/web']).toMatchObject({ action: 'restarted', restarts: 1, restartProbes: [{ probe: 'skipped' }] });
    expect(kube.calls['restartStatefulSet']).toBe(1);
    expect(kube.calls['deletePod']).toBe(3); // db-0; then db-0 and db-1, which missed Fargate
    // The two owners asked side by side, once each; the reason was given once.
    expect(kube.calls['dryRunCreatePod']).toBe(2);
    expect(fallbacks).toHaveLength(1);
    expect(probeSupport.fallback).toContain('HTTP 403');
  });

  it('reports bare pods and orphan ReplicaSets, leaves DaemonSet pods, and writes nothing for them', async () => {
    const kube = new FakeCluster().bare('debug').bare('legacy-x', [{ kind: 'ReplicaSet', name: 'legacy' }]).bare('agent-1', [{ kind: 'DaemonSet', name: 'agent' }]);
    const records = byKey(await healWorkloads(kube, options()));
    expect(Object.fromEntries(Object.entries(records).map(([k, r]) => [k, r.action]))).toEqual({ 'DaemonSet/agent': 'left', 'Pod/debug': 'reported', 'ReplicaSet/legacy': 'reported' });
    expect(kube.calls['deletePod']).toBeUndefined();
    expect(kube.pods).toHaveLength(3);
  });

  it('--delete-stranded-pods deletes them, DaemonSet pods still excepted', async () => {
    const kube = new FakeCluster().bare('debug').bare('legacy-x', [{ kind: 'ReplicaSet', name: 'legacy' }]).bare('agent-1', [{ kind: 'DaemonSet', name: 'agent' }]);
    const records = byKey(await healWorkloads(kube, options({ deleteStrandedPods: true })));
    expect(records['Pod/debug']?.action).toBe('deleted');
    expect(records['ReplicaSet/legacy']?.action).toBe('deleted');
    expect(kube.pods.map((p) => p.name)).toEqual(['agent-1']);
  });

  it('retries a transient API error', async () => {
    const kube = new FakeCluster().add('Deployment', 'web', 1);
    kube.failNext = [new KubeApiError(503, 'list Pending pods: HTTP 503')];
    const result = await settle(healWorkloads(kube, options()), 40_000);
    expect(result.ok).toBe(true);
    expect(kube.calls['listPendingPods']).toBe(2);
  });

  it('an owner never Ready on Fargate fails at the deadline (exit 1) with every record', async () => {
    const kube = new FakeCluster().add('Deployment', 'web', 2, () => ({ scheduler: 'fargate-scheduler' })).bare('debug');
    const result = await settle(healWorkloads(kube, options({ timeoutMs: 60_000 })), 61_000);
    expect(result.ok).toBe(false);
    const error = result.ok ? undefined : (result.error as WorkloadHealError);
    expect(error).toBeInstanceOf(WorkloadHealError);
    expect(error?.exitCode).toBe(ExitCode.unhealthy);
    expect(error?.message).toMatch(/Deployment apps\/web: not Ready on Fargate after 1m00s \(0\/2 ready, 1 restart\)/);
    expect(byKey(error!.workloads)).toMatchObject({ 'Deployment/web': { action: 'failed' }, 'Pod/debug': { action: 'reported' } });
    expect(kube.calls['restartDeployment']).toBe(1);
  });
});

describe('healWorkloadsTask', () => {
  it('titles the outcome and hands the records over', async () => {
    const kube = new FakeCluster().add('Deployment', 'web', 1).bare('debug');
    let records: WorkloadRecord[] | undefined;
    const list = new Listr(
      [healWorkloadsTask({ connect: async () => kube, profiles: () => [apps], deleteStrandedPods: false, delays: () => pollDelays({ random: () => 0 }), onResult: (r) => (records = r) })],
      { renderer: 'test', rendererOptions: { logger: quietLogger() } },
    );
    const done = settle(list.run(), 40_000);
    expect((await done).ok).toBe(true);
    expect(list.tasks[0]?.title).toBe(`${HEAL_WORKLOADS_TITLE}: 1 restarted, 1 reported`);
    expect(records?.map((r) => r.action)).toEqual(['restarted', 'reported']);
  });
});
