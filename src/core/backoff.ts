// Wait schedules. Pure: randomness and time are injected, so tests get exact, repeatable delays.
import { DEFAULT_MS } from './defaults.js';

/** The two things a wait needs from time. Tests pass a fake; the demo passes the simulator's clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Node fires a timer longer than this (about 24.8 days) after 1 ms, with a warning: a `--poll-interval 1000h` would
 * poll in a tight loop. Every wait re-checks its deadline when it wakes, so waking at the cap instead is harmless.
 */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Real time, through the global timers so vitest's fake timers drive it in tests. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(LONGEST_TIMER_MS, Math.max(0, ms)));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface BackoffOptions {
  /** The first delay before jitter. */
  firstMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /** Each delay is the previous one times this, until the cap. */
  factor: number;
  /** Share (0–1) of each delay that may be taken off at random, so concurrent pollers do not march in step. */
  jitter: number;
  /** Uniform in [0, 1); defaults to Math.random. */
  random?: () => number;
}

/** An endless schedule: firstMs, firstMs·factor, … capped at maxMs, each shortened by up to `jitter` of itself. */
export function* backoffDelays({ firstMs, maxMs, factor, jitter, random = Math.random }: BackoffOptions): Generator<number, never> {
  const share = Math.min(1, Math.max(0, jitter));
  let base = Math.min(firstMs, maxMs);
  for (;;) {
    yield Math.round(base * (1 - share * random()));
    base = Math.min(maxMs, base * factor);
  }
}

export interface PollDelayOptions {
  /** The longest pause between two polls (`--poll-interval`). */
  maxIntervalMs?: number;
  jitter?: number;
  random?: () => number;
}

/**
 * Delays between API polls: about 1 s first (a profile that is already ACTIVE is seen at once), then growing to the
 * cap. Unlike eksctl's uncapped 2^n backoff, the cap keeps the time between "ACTIVE" and "we noticed" short.
 */
export function pollDelays({ maxIntervalMs = DEFAULT_MS.pollInterval, jitter = 0.2, random }: PollDelayOptions = {}): Generator<number, never> {
  return backoffDelays({ firstMs: 1_000, maxMs: maxIntervalMs, factor: 1.5, jitter, ...(random ? { random } : {}) });
}

/**
 * Pauses before restarting CoreDNS again when the replacement pods still went to default-scheduler: the webhook
 * usually sees a new profile within seconds, so start short, but never sooner than about 5 s, so the Deployment is not churned.
 */
export function restartDelays({ jitter = 0.2, random }: { jitter?: number; random?: () => number } = {}): Generator<number, never> {
  return backoffDelays({ firstMs: 5_000, maxMs: 60_000, factor: 2, jitter, ...(random ? { random } : {}) });
}
