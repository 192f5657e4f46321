import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeApiError } from '../../src/adapters/kube.js';
import { pollDelays, restartDelays, systemClock } from '../../src/core/backoff.js';
import type { FargateProfileView } from '../../src/core/pods.js';
import { DEFAULT_WEBHOOK_GRACE_MS, EarlyCoreDnsHeal, type EarlyHealOptions } from '../../src/heal/early-heal.js';
import { healCoreDns, newHealState } from '../../src/heal/coredns.js';
import { watchForFailedProfiles } from '../../src/heal/profile-watch.js';
import { FakeEks } from '../helpers/fake-eks.js';
import { FakeKube } from '../helpers/fake-kube.js';

const T0 = Date.parse('2026-11-28T12:00:00Z');
const kubeSystem: FargateProfileView = { name: 'fp-kube-system', selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }] };
const defaultOnly: FargateProfileView = { name: 'fp-default', selectors: [{ namespace: 'default' }] };
const stuckPods = { schedulerName: 'default-scheduler', readyAfterMs: undefined };
const fargatePods = (readyAfterMs: number | undefined) => ({ schedulerName: 'fargate-scheduler', readyAfterMs });

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Steady schedules: looks 1, 1.5, 2.25, 3.375 s apart, then every 5 s; restarts no sooner than 5, 10, 20 s apart. */
function setup(kube: FakeKube, extra: Partial<EarlyHealOptions> = {}) {
  const stop = new AbortController();
  const state = newHealState(restartDelays({ random: () => 0 }));
  const lines: string[] = [];
  const connects: AbortSignal[] = [];
  const heal = new EarlyCoreDnsHeal({
    capturedBy: kubeSystem.name,
    connect: async (signal) => {
      connects.push(signal);
      return kube;
    },
    state,
    clock: systemClock,
    signal: stop.signal,
    delays: () => pollDelays({ random: () => 0 }),
    onStatus: (line) => lines.push(line),
    ...extra,
  });
  return { heal, stop, state, lines, connects };
}

describe('EarlyCoreDnsHeal', () => {
  it('waits for the capturing profile, then probes once a second and restarts stuck CoreDNS the moment the webhook says Fargate', async () => {
    // The webhook sees fp-kube-system 7.5 s after the watch saw it ACTIVE: no grace, no guess.
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: T0 + 60_000 + 7_500 });
    const { heal, state, lines, connects } = setup(kube);
    heal.profileActive(defaultOnly);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connects).toHaveLength(0);
    expect(await heal.settled()).toEqual({ kind: 'not-started' });

    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(7_999);
    expect(kube.restarts).toEqual([]);
    expect(lines.at(-1)).toBe('CoreDNS stuck on default-scheduler (2 pods); waiting for the Fargate webhook to see profile "fp-kube-system" (8 probes: a new pod would still go to default-scheduler)');
    await vi.advanceTimersByTimeAsync(1);
    expect(kube.restarts).toEqual([{ at: new Date(T0 + 68_000).toISOString(), removeAnnotations: [] }]);
    expect(kube.probes.map((p) => p.at - T0 - 60_000)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000]);
    // The replacements start on Fargate in 45 s.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await heal.settled()).toEqual({ kind: 'ready', restarts: 1 });
    expect(state.record).toEqual({
      desired: 2,
      ready: 2,
      stuckBefore: 2,
      restarts: 1,
      annotationRemoved: false,
      healedDuringEksctl: true,
      probes: 9,
      restartProbes: [{ probe: 'fargate', profile: 'fp-coredns' }],
    });
    expect(lines.at(-1)).toBe('CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl ran, Ready');
    expect(connects).toHaveLength(1);
  });

  it('the webhook already sees the profile: restarted on the first look, no grace', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const { heal } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(0);
    expect(kube.restarts).toEqual([{ at: new Date(T0).toISOString(), removeAnnotations: [] }]);
    expect(kube.counts.dryRunCreatePod).toBe(1);
  });

  it('never restarts a CoreDNS that is healthy or starting on Fargate', async () => {
    const kube = new FakeKube({ initial: fargatePods(30_000) });
    const { heal, state, lines } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(DEFAULT_WEBHOOK_GRACE_MS + 60_000);
    expect(await heal.settled()).toEqual({ kind: 'ready', restarts: 0 });
    expect(kube.counts.restartDeployment).toBe(0);
    expect(state.record).toMatchObject({ stuckBefore: 0, restarts: 0 });
    expect(state.record.healedDuringEksctl).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('stops at once when eksctl ends, leaves nothing running, and the heal after eksctl counts on from its state', async () => {
    const kube = new FakeKube({ initial: stuckPods, onRestart: () => fargatePods(45_000) });
    const { heal, stop, state } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(kube.restarts).toHaveLength(1);
    stop.abort(new Error('eksctl ended'));
    expect(await heal.settled()).toEqual({ kind: 'stopped', restarts: 1 });
    const looks = kube.counts.getDeployment;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(kube.counts.getDeployment).toBe(looks);
    expect(state.record).toMatchObject({ stuckBefore: 2, restarts: 1, healedDuringEksctl: true });

    // The pods of the early restart are on Fargate and Ready by now: the late heal restarts nothing more.
    const late = await healCoreDns(kube, { profiles: [kubeSystem], state, delays: pollDelays({ random: () => 0 }) });
    expect(late).toMatchObject({ found: true, stuckBefore: 2, restarts: 1, healedDuringEksctl: true });
    expect(kube.restarts).toHaveLength(1);
  });

  it('the webhook sees the profile only after eksctl ended: no restart while it ran, one by the late heal once the probe says Fargate', async () => {
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: T0 + 40_000 });
    const { heal, stop, state } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(30_000);
    stop.abort();
    expect(await heal.settled()).toEqual({ kind: 'stopped', restarts: 0 });
    expect(state.record.healedDuringEksctl).toBeUndefined();
    expect(kube.counts.dryRunCreatePod).toBe(31);

    const late = healCoreDns(kube, { profiles: [kubeSystem], state, delays: pollDelays({ random: () => 0 }) });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(kube.restarts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(kube.restarts.map((r) => Date.parse(r.at) - T0)).toEqual([40_000]);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(late).resolves.toMatchObject({ ready: 2, stuckBefore: 2, restarts: 1, probes: 41, restartProbes: [{ probe: 'fargate' }] });
  });

  it('the probe refused: says so once, waits the webhook grace, restarts; again on the backoff, which the late heal keeps', async () => {
    // Restart 1's pods still go to default-scheduler; restart 2's are captured.
    const kube = new FakeKube({
      initial: stuckPods,
      onRestart: (n) => (n === 1 ? stuckPods : fargatePods(45_000)),
      probeError: new KubeApiError(403, 'dry-run create of a pod in kube-system: HTTP 403: pods is forbidden'),
    });
    const { heal, stop, state, lines } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(DEFAULT_WEBHOOK_GRACE_MS - 1);
    expect(kube.restarts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(kube.restarts).toHaveLength(1);
    const fallback = lines.filter((l) => l.startsWith('Fargate probe not used'));
    expect(fallback).toEqual([
      'Fargate probe not used (the dry-run probe was refused: dry-run create of a pod in kube-system: HTTP 403: pods is forbidden): restarts follow the old guess, checking that the new pods went to Fargate and restarting again if not',
    ]);
    // eksctl ends one second after the first restart; the replacements missed Fargate.
    await vi.advanceTimersByTimeAsync(1_000);
    stop.abort();
    expect(await heal.settled()).toEqual({ kind: 'stopped', restarts: 1 });

    const fallbacks: string[] = [];
    const late = healCoreDns(kube, { profiles: [kubeSystem], state, delays: pollDelays({ random: () => 0 }), onProbeFallback: (why) => fallbacks.push(why) });
    // The first backoff is 5 s after the early restart: not before.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(kube.restarts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(kube.restarts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(late).resolves.toMatchObject({ ready: 2, stuckBefore: 2, restarts: 2, healedDuringEksctl: true, probes: 1, restartProbes: [{ probe: 'skipped' }, { probe: 'skipped' }] });
    // Said once in the run: the late heal knew already and did not ask again.
    expect(fallbacks).toEqual([]);
    expect(kube.counts.dryRunCreatePod).toBe(1);
  });

  it('an abort while waiting for the webhook stops at once: no restart, no probe after it', async () => {
    const kube = new FakeKube({ initial: stuckPods, webhookSeesAt: Infinity });
    const { heal, stop } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(5_500);
    stop.abort();
    expect(await heal.settled()).toEqual({ kind: 'stopped', restarts: 0 });
    const probes = kube.counts.dryRunCreatePod;
    expect(probes).toBe(6);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(kube.counts.dryRunCreatePod).toBe(probes);
    expect(kube.counts.restartDeployment).toBe(0);
  });

  it('an error is reported as a line, never thrown: the heal after eksctl tries again', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    const { heal, lines, state } = setup(kube, {
      connect: async () => {
        throw new Error('DescribeCluster: AccessDeniedException');
      },
    });
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(DEFAULT_WEBHOOK_GRACE_MS);
    expect(await heal.settled()).toMatchObject({ kind: 'failed', restarts: 0, error: new Error('DescribeCluster: AccessDeniedException') });
    expect(lines).toEqual(['CoreDNS heal during eksctl stopped: DescribeCluster: AccessDeniedException; tried again after eksctl']);
    expect(state.looked).toBe(false);
  });

  it('keeps looking on the poll schedule while the coredns Deployment does not exist yet', async () => {
    const kube = new FakeKube({ initial: stuckPods });
    let exists = false;
    const getDeployment = kube.getDeployment.bind(kube);
    kube.getDeployment = async (namespace, name) => (exists ? getDeployment(namespace, name) : undefined);
    const { heal } = setup(kube);
    heal.profileActive(kubeSystem);
    await vi.advanceTimersByTimeAsync(DEFAULT_WEBHOOK_GRACE_MS + 10_000);
    expect(kube.restarts).toHaveLength(0);
    exists = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(kube.restarts).toHaveLength(1);
  });
});

describe('watchForFailedProfiles: onActive', () => {
  it('hands each profile over once, on the look that first sees it ACTIVE, with its selectors', async () => {
    const eks = new FakeEks({ a: ['CREATING', 'ACTIVE'], b: ['ACTIVE'] }, [['a'], ['a', 'b']]);
    const seen: { profile: FargateProfileView; at: number }[] = [];
    const stop = new AbortController();
    const watching = watchForFailedProfiles(eks, 'c', {
      clock: systemClock,
      signal: stop.signal,
      delays: pollDelays({ random: () => 0 }),
      onActive: (profile) => seen.push({ profile, at: Date.now() - T0 }),
    }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_000 + 1_500 + 2_250);
    stop.abort();
    await watching;
    expect(seen).toEqual([
      { profile: { name: 'a', selectors: [{ namespace: 'kube-system' }] }, at: 2_500 },
      { profile: { name: 'b', selectors: [{ namespace: 'kube-system' }] }, at: 2_500 },
    ]);
    expect(eks.callsFor('a')).toBe(2);
    expect(eks.callsFor('b')).toBe(1);
  });
});
