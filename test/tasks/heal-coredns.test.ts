import { Listr } from 'listr2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { quietLogger } from '../helpers/listr-helpers.js';
import { KubeApiError } from '../../src/adapters/kube.js';
import { pollDelays, restartDelays } from '../../src/core/backoff.js';
import type { FargateProfileView } from '../../src/core/pods.js';
import { ExitCode } from '../../src/errors.js';
import type { CoreDnsRecord } from '../../src/report.js';
import { CoreDnsHealError, healCoreDns, type HealCoreDnsOptions } from '../../src/heal/coredns.js';
import { healCoreDnsTask, HEAL_COREDNS_TITLE } from '../../src/tasks/heal-coredns.js';
import { ec2Node, FakeKube } from '../helpers/fake-kube.js';

const T0 = Date.parse('2026-11-28T12:00:00Z');
const labelProfile: FargateProfileView = { name: 'fp-coredns', selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }] };
const defaultOnly: FargateProfileView = { name: 'fp-default', selectors: [{ namespace: 'default' }] };
const stuckPods = { schedulerName: 'default-scheduler', readyAfterMs: undefined };
const fargatePods = (readyAfterMs: number | undefined) => ({ schedulerName: 'fargate-scheduler', readyAfterMs });
const neverReady = fargatePods(undefined);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Steady schedules: polls 1, 1.5, 2.25, 3.375 then every 5 s; restarts no sooner than 5, 10, 20 s apart. */
function options(extra: Partial<HealCoreDnsOptions> = {}): HealCoreDnsOptions {
  return {
    profiles: [defaultOnly, labelProfile],
    delays: pollDelays({ random: () => 0 }),
    restartBackoff: restartDelays({ random: () => 0 }),
    ...extra,
  };
}

function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('healCoreDns', () => {
  it('a healthy CoreDNS is never restarted and costs one look', async () => {
    const kube = new FakeKube({ initial: fargatePods(0) });
    const result = await healCoreDns(kube, options());
    expect(result).toMatchObject({ found: true, desired: 2, ready: 2, stuckBefore: 0, restarts: 0, annotationRemoved: false });
    expect(kube.counts).toEqual({ getDeployment: 1, listPods: 1, listNodes: 1, listEvents: 0, restartDeployment: 0, dryRunCreatePod: 0 });
  });

  it('a CoreDNS still starting on Fargate is waited for, not restarted', async () => {
    const kube = new FakeKube({ initial: fargatePods(3_000) });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(4_750);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 0, ready: 2, stuckBefore: 0 } });
    expect(kube.counts.restartDeployment).toBe(0);
    expect(kube.counts.getDeployment).toBe(4); // t = 0, 1, 2.5, 4.75 s
  });

  it('pods on an EC2 node (managed nodegroup) are left alone', async () => {
    const kube = new FakeKube({ initial: { schedulerName: 'default-scheduler', readyAfterMs: 0, nodeName: 'ip-10-0-1-1' }, nodes: [ec2Node] });
    const result = await healCoreDns(kube, options());
    expect(result).toMatchObject({ restarts: 0, ready: 2, stuckBefore: 0 });
  });

  it('stuck pods get exactly one restart, like kubectl rollout restart, once the probe says Fargate; then the heal waits for Ready', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(44_999);
    expect(kube.restarts).toEqual([{ at: '2026-11-28T12:00:00.000Z', removeAnnotations: [] }]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await run).toMatchObject({
      ok: true,
      value: { desired: 2, ready: 2, stuckBefore: 2, restarts: 1, annotationRemoved: false, probes: 1, restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }] },
    });
    expect(kube.counts.restartDeployment).toBe(1);
    // The probe pod is the one the new ReplicaSet would make: the template after the restart, named like its pods.
    expect(kube.probes.map((p) => p.pod)).toEqual([
      {
        namespace: 'kube-system',
        generateName: 'coredns-g1-',
        labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
        annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-28T12:00:00Z' },
        spec: { containers: [{ name: 'coredns', image: 'coredns:v1.11.3' }] },
      },
    ]);
  });

  it('removes the compute-type: ec2 annotation in the same restart (Kubernetes ≤ 1.28)', async () => {
    const kube = new FakeKube({ initial: stuckPods, templateAnnotations: { 'eks.amazonaws.com/compute-type': 'ec2' } });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, annotationRemoved: true } });
    expect(kube.restarts[0]?.removeAnnotations).toEqual(['eks.amazonaws.com/compute-type']);
    expect(kube.templateAnnotations).not.toHaveProperty('eks.amazonaws.com/compute-type');
  });

  it('while the webhook does not see the profile: one probe a second, no restart; one restart the moment it says Fargate', async () => {
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: T0 + 3_500 });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(3_999);
    expect(kube.counts.restartDeployment).toBe(0);
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 1_000, 2_000, 3_000]);
    // Pods are read on the poll schedule (0, 1, 2.5 s), not once per probe.
    expect(kube.counts.listPods).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    // The fifth probe says Fargate: CoreDNS is restarted at once, on the look of 1.5 s before.
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([4_000]);
    expect(kube.counts.listPods).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, stuckBefore: 2, ready: 2, probes: 5, restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }] } });
    expect(kube.counts.dryRunCreatePod).toBe(5);
  });

  it('a probe due with a read goes first: the restart does not wait for the read', async () => {
    // At 1 s both are due (the poll schedule and the probe's second); the probe says Fargate.
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: T0 + 500 });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([1_000]);
    expect(kube.readsAtRestart).toEqual([1]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, probes: 2 } });
  });

  it('probes are paced start to start: an answer that takes 300 ms does not stretch the second between them', async () => {
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: T0 + 2_500, probeLatencyMs: 300 });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(3_299);
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 1_000, 2_000, 3_000]);
    expect(kube.restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    // Restarted as the answer arrives, with the very template the probe asked about (its restartedAt stamp).
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([3_000]);
    expect(kube.probes[3]?.pod.annotations['kubectl.kubernetes.io/restartedAt']).toBe(new Date(T0 + 3_000).toISOString().replace('.000Z', 'Z'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, probes: 4 } });
  });

  it('replacements that missed Fargate although the probe said Fargate get another restart after the backoff, probed first', async () => {
    // Two webhook replicas that disagree: the one the probe reached sees the profile, the one the ReplicaSet reached not.
    const kube = new FakeKube({ initial: stuckPods, onRestart: (n) => (n === 1 ? stuckPods : fargatePods(45_000)) });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([0]);
    // The backoff's 5 s end exactly then, not at the next poll.
    await vi.advanceTimersByTimeAsync(1);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([0, 5_000]);
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 5_000]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 2, stuckBefore: 2, ready: 2, probes: 2 } });
  });

  it('a webhook that never sees the profile: never restarted, exit 4 at the deadline naming the webhook, never more than a probe a second', async () => {
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: Infinity });
    const run = settle(healCoreDns(kube, options({ timeoutMs: 60_000 })));
    await vi.advanceTimersByTimeAsync(60_000);
    const outcome = await run;
    expect(outcome).toMatchObject({ ok: false, error: { exitCode: 4 } });
    const error = (outcome as { error: CoreDnsHealError }).error;
    expect(error.message).toContain('the Fargate webhook never admitted a new CoreDNS pod: 61 probes, the last answer default-scheduler');
    expect(error.coredns).toMatchObject({ restarts: 0, stuckBefore: 2, probes: 61, restartProbes: [] });
    expect(kube.counts.restartDeployment).toBe(0);
    const at = kube.probes.map((p) => p.at);
    expect(at.slice(1).every((t, i) => t - at[i]! >= 1_000)).toBe(true);
  });

  it('the probe refused (RBAC without create pods): says so once, restarts at once and again on the backoff when the replacements missed', async () => {
    const kube = new FakeKube({
      initial: stuckPods,
      onRestart: (n) => (n === 1 ? stuckPods : fargatePods(45_000)),
      probeError: new KubeApiError(403, 'dry-run create of a pod in kube-system: HTTP 403: pods is forbidden'),
    });
    const fallbacks: string[] = [];
    const run = settle(healCoreDns(kube, options({ onProbeFallback: (why) => fallbacks.push(why) })));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([0, 5_000]);
    expect(await run).toMatchObject({
      ok: true,
      value: {
        restarts: 2,
        ready: 2,
        probes: 1,
        restartProbes: [{ probe: 'skipped' }, { probe: 'skipped' }],
        probeFallback: 'the dry-run probe was refused: dry-run create of a pod in kube-system: HTTP 403: pods is forbidden',
      },
    });
    expect(fallbacks).toEqual(['the dry-run probe was refused: dry-run create of a pod in kube-system: HTTP 403: pods is forbidden']);
    expect(kube.counts.dryRunCreatePod).toBe(1);
  });

  it('an unusable answer (no schedulerName) falls back the same way', async () => {
    const kube = new FakeKube({ initial: stuckPods, probeAnswer: (pod) => ({ name: `${pod.generateName}x`, schedulerName: undefined, labels: {} }) });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, probes: 1, restartProbes: [{ probe: 'skipped' }], probeFallback: expect.stringContaining('unusable') } });
  });

  it('a 503 on the restart itself is tried again a second later, after another look at the pods', async () => {
    // Calls 1–3 read, 4 probes (Fargate), 5 is the restart, which fails.
    const kube = new FakeKube({ initial: stuckPods, failCalls: { 5: new KubeApiError(503, 'restart deployment: HTTP 503') } });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(999);
    expect(kube.restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([1_000]);
    expect(kube.counts).toMatchObject({ getDeployment: 2, restartDeployment: 2, dryRunCreatePod: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, probes: 1 } });
  });

  it('with a long --poll-interval, a Fargate answer more than 5 s after the last look reads the pods again before the restart', async () => {
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: T0 + 7_500 });
    const every30s = (function* () {
      for (;;) yield 30_000;
    })();
    const run = settle(healCoreDns(kube, options({ delays: every30s })));
    await vi.advanceTimersByTimeAsync(8_000);
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000]);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([8_000]);
    expect(kube.counts.listPods).toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, probes: 9 } });
  });

  it('a probe answered 503 is asked again a second later, not taken for a refusal', async () => {
    const kube = new FakeKube({ initial: stuckPods, failCalls: { 4: new KubeApiError(503, 'dry-run create: HTTP 503') } });
    const run = settle(healCoreDns(kube, options()));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await run).toMatchObject({ ok: true, value: { restarts: 1, probes: 2, restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }] } });
    expect(kube.probes.map((p) => p.at - T0)).toEqual([0, 1_000]);
  });

  it('CoreDNS that can never run (no matching profile, no node) fails at once with exit 4 and changes nothing', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const outcome = await settle(healCoreDns(kube, options({ profiles: [defaultOnly] })));
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: CoreDnsHealError }).error;
    expect(error).toBeInstanceOf(CoreDnsHealError);
    expect(error.exitCode).toBe(ExitCode.coreDns);
    expect(error.message).toMatch(/^CoreDNS can never run: no ACTIVE Fargate profile matches its pods \(namespace kube-system, labels k8s-app=kube-dns,eks.amazonaws.com\/component=coredns\)/);
    expect(kube.counts.restartDeployment).toBe(0);
  });

  it('with Auto Mode launching nodes on demand the same pods are waited for, not given up on, and never restarted', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const outcome = settle(healCoreDns(kube, options({ profiles: [defaultOnly], nodesOnDemand: true, timeoutMs: 60_000 })));
    await vi.advanceTimersByTimeAsync(60_000);
    const result = await outcome;
    expect(result).toMatchObject({ ok: false, error: { exitCode: ExitCode.coreDns } });
    expect((result as { error: Error }).error.message).toMatch(/^CoreDNS is not Ready after 1m00s \(0\/2 ready, 0 restarts\)/);
    expect(kube.counts.restartDeployment).toBe(0);
  });

  it('times out with exit 4, naming the stuck pods, their reasons and latest events', async () => {
    const kube = new FakeKube({ initial: stuckPods, onRestart: () => neverReady });
    const run = settle(healCoreDns(kube, options({ timeoutMs: 60_000, fargateStartMs: 30_000 })));
    await vi.advanceTimersByTimeAsync(60_000);
    const outcome = await run;
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: CoreDnsHealError }).error;
    expect(error.exitCode).toBe(4);
    expect(error.message.split('\n')[0]).toBe('CoreDNS is not Ready after 1m00s (0/2 ready, 1 restart)');
    expect(error.message).toContain('pod coredns-g2-3 failing: ContainersNotReady: containers with unready status: [coredns]; latest event: Unhealthy: Readiness probe failed: HTTP 503');
    expect(error.coredns).toEqual({
      desired: 2,
      ready: 0,
      stuckBefore: 2,
      restarts: 1,
      annotationRemoved: false,
      probes: 1,
      restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }],
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(kube.counts.restartDeployment).toBe(1);
  });

  it('retries Kubernetes 5xx answers and fails at once on 403', async () => {
    const flaky = new FakeKube({ initial: fargatePods(0), failCalls: { 1: new KubeApiError(500, 'read deployment: HTTP 500') } });
    const run = settle(healCoreDns(flaky, options()));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await run).toMatchObject({ ok: true, value: { ready: 2 } });
    expect(flaky.counts.getDeployment).toBe(2);

    const denied = new FakeKube({ initial: fargatePods(0), failCalls: { 1: new KubeApiError(403, 'read deployment: HTTP 403: forbidden') } });
    await expect(healCoreDns(denied, options())).rejects.toMatchObject({ exitCode: 4, message: expect.stringContaining('403') });
  });

  it('stops when the signal aborts', async () => {
    const kube = new FakeKube({ initial: neverReady });
    const controller = new AbortController();
    const run = settle(healCoreDns(kube, options({ signal: controller.signal })));
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new Error('interrupted'));
    expect(await run).toMatchObject({ ok: false, error: { message: 'interrupted' } });
    const looks = kube.counts.getDeployment;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(kube.counts.getDeployment).toBe(looks);
  });

  it('a cluster without a CoreDNS Deployment has nothing to heal', async () => {
    const kube = new FakeKube({ initial: fargatePods(0) });
    kube.getDeployment = async () => undefined;
    expect(await healCoreDns(kube, options())).toMatchObject({ found: false, restarts: 0 });
  });
});


describe('healCoreDnsTask through listr2', () => {
  const run = (kube: FakeKube, profiles: FargateProfileView[]) => {
    const records: CoreDnsRecord[] = [];
    const list = new Listr(
      [
        healCoreDnsTask({
          connect: async () => kube,
          profiles: () => profiles,
          delays: pollDelays({ random: () => 0 }),
          restartBackoff: restartDelays({ random: () => 0 }),
          onResult: (r) => records.push(r),
        }),
      ],
      { renderer: 'test', rendererOptions: { logger: quietLogger() } },
    );
    return { list, records, done: settle(list.run()) };
  };

  it('heals a stuck CoreDNS and says so in the title', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const { list, records, done } = run(kube, [labelProfile]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await done).ok).toBe(true);
    expect(list.tasks[0]?.isCompleted()).toBe(true);
    expect(list.tasks[0]?.title).toBe(`${HEAL_COREDNS_TITLE}: 2/2 ready, restarted once; the Fargate probe said yes first (1 probe)`);
    expect(records).toEqual([
      { desired: 2, ready: 2, stuckBefore: 2, restarts: 1, annotationRemoved: false, probes: 1, restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }] },
    ]);
  });

  it('fails the phase with exit 4 and still records what was done', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const { list, records, done } = run(kube, [defaultOnly]);
    const outcome = await done;
    expect(outcome).toMatchObject({ ok: false, error: { exitCode: 4 } });
    expect(list.tasks[0]?.hasFailed()).toBe(true);
    expect(records).toEqual([{ desired: 2, ready: 0, stuckBefore: 0, restarts: 0, annotationRemoved: false, probes: 0, restartProbes: [] }]);
  });
});
