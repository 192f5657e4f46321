import { Listr } from 'listr2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { quietLogger } from '../helpers/listr-helpers.js';
import { pollDelays, systemClock } from '../../src/core/backoff.js';
import { ExitCode, SafeEksctlError } from '../../src/errors.js';
import type { ProfileRecord } from '../../src/report.js';
import { ProfileWaitError, profilesToWaitFor, waitForProfile, waitForProfiles } from '../../src/heal/wait-profiles.js';
import { waitProfilesTask, WAIT_PROFILES_TITLE } from '../../src/tasks/wait-profiles.js';
import { accessDenied, FakeEks, notFound, serverError, throttled } from '../helpers/fake-eks.js';

const steady = () => pollDelays({ random: () => 0 }); // 1000, 1500, 2250, 3375, 5000, 5000, …

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts a wait and keeps its rejection observed while fake time runs. */
function start<T>(promise: Promise<T>) {
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return settled;
}

describe('waitForProfile', () => {
  it('an ACTIVE profile costs one call', async () => {
    const eks = new FakeEks({ fp: ['ACTIVE'] });
    const result = await waitForProfile(eks, 'c', 'fp', { delays: steady() });
    expect(result).toMatchObject({ name: 'fp', status: 'ACTIVE', polls: 1, waitedMs: 0 });
    expect(eks.callsFor('fp')).toBe(1);
  });

  it('polls on the capped schedule until ACTIVE', async () => {
    const eks = new FakeEks({ fp: ['CREATING', 'CREATING', 'CREATING', 'CREATING', 'CREATING', 'CREATING', 'ACTIVE'] });
    const progress: string[] = [];
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady(), onProgress: (p) => progress.push(`${p.status}@${p.elapsedMs}`) }));
    await vi.advanceTimersByTimeAsync(18_124);
    expect(eks.callsFor('fp')).toBe(6);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await run;
    expect(outcome).toMatchObject({ ok: true, value: { status: 'ACTIVE', polls: 7, waitedMs: 18_125 } });
    expect(eks.calls.map((c) => c.at)).toEqual([0, 1000, 2500, 4750, 8125, 13_125, 18_125]);
    expect(progress.at(-1)).toBe('ACTIVE@18125');
  });

  it('CREATE_FAILED ends the wait at once with exit 3 and the health issues', async () => {
    const eks = new FakeEks({
      fp: ['CREATING', { status: 'CREATE_FAILED', healthIssues: [{ code: 'PodExecutionRoleAlreadyInUse', message: 'role in use' }] }],
    });
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady() }));
    await vi.advanceTimersByTimeAsync(1000);
    const outcome = await run;
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(ProfileWaitError);
    expect((error as SafeEksctlError).exitCode).toBe(ExitCode.fargateProfile);
    expect((error as Error).message).toBe('Fargate profile "fp" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: role in use');
    expect((error as ProfileWaitError).profile).toEqual({ name: 'fp', status: 'CREATE_FAILED', waitedMs: 1000, polls: 2 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(eks.callsFor('fp')).toBe(2);
  });

  it.each(['DELETING', 'DELETE_FAILED'])('%s ends the wait at once', async (status) => {
    const eks = new FakeEks({ fp: [status] });
    await expect(waitForProfile(eks, 'c', 'fp', { delays: steady() })).rejects.toMatchObject({ exitCode: 3 });
    expect(eks.callsFor('fp')).toBe(1);
  });

  it('AccessDenied ends the wait at once', async () => {
    const eks = new FakeEks({ fp: [accessDenied()] });
    await expect(waitForProfile(eks, 'c', 'fp', { delays: steady() })).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('AccessDeniedException'),
    });
    expect(eks.callsFor('fp')).toBe(1);
  });

  it('retries throttling and server errors on the same schedule', async () => {
    const eks = new FakeEks({ fp: [throttled(), serverError(), throttled(), 'ACTIVE'] });
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady() }));
    await vi.advanceTimersByTimeAsync(4750);
    expect(await run).toMatchObject({ ok: true, value: { polls: 4, waitedMs: 4750 } });
    expect(eks.callsFor('fp')).toBe(4);
  });

  it('retries NotFound for the grace period, then fails with exit 3', async () => {
    const eks = new FakeEks({ fp: [notFound()] });
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady(), notFoundGraceMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(63_124);
    expect(eks.callsFor('fp')).toBe(15);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await run;
    expect(outcome).toMatchObject({ ok: false, error: { exitCode: 3, message: expect.stringContaining('was not found for 1m03s') } });
    expect(eks.callsFor('fp')).toBe(16);
  });

  it('a profile that shows up within the grace period is waited for normally', async () => {
    const eks = new FakeEks({ fp: [notFound(), notFound(), 'CREATING', 'ACTIVE'] });
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady(), notFoundGraceMs: 2_000 }));
    await vi.advanceTimersByTimeAsync(4750);
    expect(await run).toMatchObject({ ok: true, value: { status: 'ACTIVE', polls: 4 } });
  });

  it('makes a last poll exactly at the deadline, then fails with exit 3', async () => {
    const eks = new FakeEks({ fp: ['CREATING'] });
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady(), timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(10_000);
    const outcome = await run;
    expect(eks.calls.map((c) => c.at)).toEqual([0, 1000, 2500, 4750, 8125, 10_000]);
    expect(outcome).toMatchObject({
      ok: false,
      error: { exitCode: 3, message: 'Fargate profile "fp" is still CREATING after 10s (6 polls); raise --fargate-timeout to wait longer' },
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(eks.callsFor('fp')).toBe(6);
  });

  it('stops when the signal aborts, with the abort reason', async () => {
    const eks = new FakeEks({ fp: ['CREATING'] });
    const controller = new AbortController();
    const run = start(waitForProfile(eks, 'c', 'fp', { delays: steady(), signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1500);
    controller.abort(new Error('interrupted'));
    expect(await run).toMatchObject({ ok: false, error: { message: 'interrupted' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(eks.callsFor('fp')).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('waitForProfiles', () => {
  it('polls every profile concurrently', async () => {
    const eks = new FakeEks({ a: ['CREATING', 'ACTIVE'], b: ['CREATING', 'CREATING', 'ACTIVE'] });
    const run = start(waitForProfiles(eks, 'c', ['a', 'b'], { delays: steady }));
    await vi.advanceTimersByTimeAsync(2500);
    expect(await run).toMatchObject({ ok: true, value: [{ name: 'a', polls: 2, waitedMs: 1000 }, { name: 'b', polls: 3, waitedMs: 2500 }] });
  });

  it('the first failure stops the other waits', async () => {
    const eks = new FakeEks({ a: ['CREATING', 'CREATE_FAILED'], b: ['CREATING'] });
    const run = start(waitForProfiles(eks, 'c', ['a', 'b'], { delays: steady }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await run).toMatchObject({ ok: false, error: { exitCode: 3, message: expect.stringContaining('"a" is CREATE_FAILED') } });
    await vi.advanceTimersByTimeAsync(60_000);
    // "a" is polled first at t=1000 and fails; "b" is stopped before its second poll.
    expect(eks.callsFor('b')).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('profilesToWaitFor', () => {
  it('is the config profiles plus the cluster profiles, each once', () => {
    expect(profilesToWaitFor(['fp-default', 'fp-coredns'], ['fp-coredns', 'fp-old'])).toEqual(['fp-default', 'fp-coredns', 'fp-old']);
  });
});


describe('waitProfilesTask through listr2', () => {
  const run = (eks: FakeEks, configProfiles: string[], extra: { timeoutMs?: number } = {}) => {
    const records: ProfileRecord[] = [];
    const list = new Listr([waitProfilesTask({ eks, clusterName: 'c', configProfiles, clock: systemClock, random: () => 0, onProfile: (r) => records.push(r), ...extra })], {
      renderer: 'test',
      rendererOptions: { logger: quietLogger() },
    });
    return { list, records, done: start(list.run()) };
  };

  it('one subtask per profile (config ∪ cluster), titled with status and time', async () => {
    const eks = new FakeEks({ 'fp-default': ['CREATING', 'ACTIVE'], 'fp-old': ['ACTIVE'] }, [['fp-old']]);
    const { list, records, done } = run(eks, ['fp-default']);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await done).ok).toBe(true);
    const [phase] = list.tasks;
    expect(phase?.isCompleted()).toBe(true);
    expect(phase?.title).toBe(WAIT_PROFILES_TITLE);
    expect(phase?.subtasks.map((t) => t.title)).toEqual(['fp-default: ACTIVE after 1s (2 polls)', 'fp-old: ACTIVE after 0ms (1 poll)']);
    expect(records.map((r) => r.name).sort()).toEqual(['fp-default', 'fp-old']);
    expect(eks.listCalls).toBe(1);
  });

  it('a failed profile fails the phase with exit 3, records it, and stops the others', async () => {
    const eks = new FakeEks({ a: [{ status: 'CREATE_FAILED', healthIssues: [{ code: 'AccessDenied', message: 'no role' }] }], b: ['CREATING'] });
    const { list, records, done } = run(eks, ['a', 'b']);
    await vi.advanceTimersByTimeAsync(10);
    const outcome = await done;
    expect(outcome).toMatchObject({ ok: false, error: { exitCode: 3, message: 'Fargate profile "a" is CREATE_FAILED: AccessDenied: no role' } });
    expect(list.tasks[0]?.hasFailed()).toBe(true);
    expect(list.tasks[0]?.subtasks[0]?.hasFailed()).toBe(true);
    expect(records).toContainEqual({ name: 'a', status: 'CREATE_FAILED', waitedMs: 0, polls: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(eks.callsFor('b')).toBe(1);
  });

  it("fails only on the run's own profiles: others are listed with their state and waited for without failing", async () => {
    const eks = new FakeEks(
      {
        new: ['CREATING', 'ACTIVE'],
        broken: [{ status: 'CREATE_FAILED', healthIssues: [{ code: 'AccessDenied', message: 'no role' }] }],
        leaving: ['DELETING'],
        late: ['CREATING', 'CREATING', 'ACTIVE'],
      },
      [['broken', 'leaving', 'late', 'new']],
    );
    const { list, records, done } = run(eks, ['new']);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await done).ok).toBe(true);
    expect(list.tasks[0]?.subtasks.map((t) => [t.title, t.isSkipped()])).toEqual([
      ['new: ACTIVE after 1s (2 polls)', false],
      ['broken is CREATE_FAILED: AccessDenied: no role; not this run\'s profile, so it does not fail the run', true],
      ['leaving is DELETING (no health issues reported); not this run\'s profile, so it does not fail the run', true],
      ['late: ACTIVE after 2s (3 polls)', false],
    ]);
    expect(Object.fromEntries(records.map((r) => [r.name, r.status]))).toEqual({ new: 'ACTIVE', broken: 'CREATE_FAILED', leaving: 'DELETING', late: 'ACTIVE' });
    // The run's own profile still fails the run.
    const own = run(new FakeEks({ new: ['CREATE_FAILED'], other: ['ACTIVE'] }, [['new', 'other']]), ['new']);
    expect(await own.done).toMatchObject({ ok: false, error: { exitCode: 3 } });
  });

  it('heal (no config): a profile failed or deleting at the first look is listed; one that fails while waited for fails the run', async () => {
    const eks = new FakeEks({ leaving: ['DELETING'], coming: ['CREATING', 'ACTIVE'] }, [['leaving', 'coming']]);
    const first = run(eks, []);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await first.done).ok).toBe(true);
    expect(first.list.tasks[0]?.subtasks.map((t) => t.isSkipped())).toEqual([true, false]);
    const turning = run(new FakeEks({ fp: ['CREATING', 'CREATE_FAILED'] }, [['fp']]), []);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await turning.done).toMatchObject({ ok: false, error: { exitCode: 3, message: 'Fargate profile "fp" is CREATE_FAILED (no health issues reported)' } });
  });

  it('a throttled ListFargateProfiles is retried', async () => {
    const eks = new FakeEks({ a: ['ACTIVE'] }, [throttled(), ['a']]);
    const { done } = run(eks, []);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await done).ok).toBe(true);
    expect(eks.listCalls).toBe(2);
    expect(eks.callsFor('a')).toBe(1);
  });

  it('no profiles at all skips the phase', async () => {
    const eks = new FakeEks({}, [[]]);
    const { list, done } = run(eks, []);
    expect((await done).ok).toBe(true);
    expect(list.tasks[0]?.isSkipped()).toBe(true);
    expect(eks.calls).toHaveLength(0);
  });
});
