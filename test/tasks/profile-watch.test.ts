import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pollDelays, systemClock } from '../../src/core/backoff.js';
import { EksApiError } from '../../src/adapters/eks.js';
import { ExitCode } from '../../src/errors.js';
import { watchForFailedProfiles } from '../../src/heal/profile-watch.js';
import { ProfileWaitError } from '../../src/heal/wait-profiles.js';
import { FakeEks, throttled } from '../helpers/fake-eks.js';

const steady = () => pollDelays({ random: () => 0 }); // 1000, 1500, 2250, 3375, 5000, 5000, …
const clusterMissing = () => new EksApiError('notFound', 'ListFargateProfiles', 'ResourceNotFoundException: No cluster found');

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function watch(eks: FakeEks, signal = new AbortController().signal) {
  return watchForFailedProfiles(eks, 'c', { clock: systemClock, signal, delays: steady() }).then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('watchForFailedProfiles', () => {
  it('ends with exit 3 and the health issue on the first look that sees CREATE_FAILED', async () => {
    const issue = { code: 'PodExecutionRoleAlreadyInUse', message: 'role in use' };
    const eks = new FakeEks({ fp: ['CREATING', 'CREATING', { status: 'CREATE_FAILED', healthIssues: [issue] }] }, [clusterMissing(), [], ['fp']]);
    const settled = watch(eks);
    // Looks at 1000 (no cluster), 2500 (no profile), 4750, 8125, 13125 ms.
    await vi.advanceTimersByTimeAsync(13_125);
    const result = await settled;
    expect(result.ok).toBe(false);
    const error = (result as { error: unknown }).error as ProfileWaitError;
    expect(error).toBeInstanceOf(ProfileWaitError);
    expect(error.exitCode).toBe(ExitCode.fargateProfile);
    expect(error.message).toBe('Fargate profile "fp" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: role in use');
    expect(error.profile).toEqual({ name: 'fp', status: 'CREATE_FAILED', waitedMs: 8_375, polls: 3 });
    expect(eks.listCalls).toBe(5);
    expect(eks.callsFor('fp')).toBe(3);
  });

  it('stops describing a profile once it is ACTIVE, ignores API errors, and ends only on abort', async () => {
    const eks = new FakeEks({ a: ['ACTIVE'], b: [throttled(), 'CREATING'] }, [['a', 'b']]);
    const stop = new AbortController();
    const settled = watch(eks, stop.signal);
    await vi.advanceTimersByTimeAsync(1_000 + 1_500 + 2_250);
    expect(eks.listCalls).toBe(3);
    expect(eks.callsFor('a')).toBe(1);
    expect(eks.callsFor('b')).toBe(3);
    stop.abort(new Error('eksctl ended'));
    const result = await settled;
    expect(result).toMatchObject({ ok: false, error: new Error('eksctl ended') });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(eks.listCalls).toBe(3);
  });

  it('never describes anything while the cluster has no profile', async () => {
    const eks = new FakeEks({}, [clusterMissing(), []]);
    const stop = new AbortController();
    const settled = watch(eks, stop.signal);
    await vi.advanceTimersByTimeAsync(30_000);
    stop.abort();
    await settled;
    expect(eks.listCalls).toBe(8); // 1000, 2500, 4750, 8125, 13125, 18125, 23125, 28125
    expect(eks.calls).toEqual([]);
  });

  it("stops eksctl only for the run's own profiles: another one failing is looked at once, then left alone", async () => {
    const eks = new FakeEks({ other: ['DELETING'], own: ['CREATING', 'CREATING', 'CREATE_FAILED'] }, [['other', 'own']]);
    const settled = watchForFailedProfiles(eks, 'c', { clock: systemClock, signal: new AbortController().signal, delays: steady(), own: new Set(['own']) }).then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await vi.advanceTimersByTimeAsync(1_000 + 1_500 + 2_250);
    const result = await settled;
    expect(result).toMatchObject({ ok: false, error: { message: 'Fargate profile "own" is CREATE_FAILED (no health issues reported)' } });
    expect(eks.callsFor('other')).toBe(1);
    expect(eks.callsFor('own')).toBe(3);
  });
});
