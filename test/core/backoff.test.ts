import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelays, pollDelays, restartDelays, systemClock } from '../../src/core/backoff.js';

const take = (it: Iterator<number>, n: number) => Array.from({ length: n }, () => it.next().value as number);

describe('pollDelays', () => {
  it('starts at 1 s and grows to the 5 s cap without jitter', () => {
    expect(take(pollDelays({ random: () => 0 }), 7)).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000]);
  });

  it('honours a custom cap, even one below the first delay', () => {
    expect(take(pollDelays({ maxIntervalMs: 2000, random: () => 0 }), 4)).toEqual([1000, 1500, 2000, 2000]);
    expect(take(pollDelays({ maxIntervalMs: 300, random: () => 0 }), 3)).toEqual([300, 300, 300]);
  });

  it('jitter only ever shortens a delay, by at most the jitter share', () => {
    const longest = take(pollDelays({ random: () => 0.999999 }), 6);
    expect(longest).toEqual([800, 1200, 1800, 2700, 4000, 4000]);
    const random = vi.fn(() => 0.5);
    const delays = take(pollDelays({ random, jitter: 0.5 }), 6);
    expect(random).toHaveBeenCalledTimes(6);
    for (const d of delays) expect(d).toBeLessThanOrEqual(5000);
    expect(delays.at(-1)).toBe(3750);
  });
});

describe('restartDelays', () => {
  it('starts at 5 s and doubles to a one-minute cap', () => {
    expect(take(restartDelays({ random: () => 0 }), 6)).toEqual([5000, 10000, 20000, 40000, 60000, 60000]);
  });
});

describe('backoffDelays', () => {
  it('clamps jitter to 0–1', () => {
    expect(take(backoffDelays({ firstMs: 100, maxMs: 100, factor: 2, jitter: 5, random: () => 0.5 }), 1)).toEqual([50]);
  });
});

describe('systemClock.sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the delay on (fake) timers', async () => {
    vi.useFakeTimers();
    let done = false;
    void systemClock.sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('rejects with the abort reason, at once or when aborted later', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(sleeping).rejects.toThrow('interrupted');
    await expect(systemClock.sleep(10, controller.signal)).rejects.toThrow('interrupted');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('caps a delay past what Node can time (24.8 days) instead of firing at once', async () => {
    // Real timers: Node itself turns an overlong delay into 1 ms. Uncapped, the sleep below is over within a tick or
    // two and a `--poll-interval 1000h` would poll in a tight loop.
    const controller = new AbortController();
    let done = false;
    const sleeping = systemClock.sleep(1000 * 3_600_000, controller.signal).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
  });
});
