// eksctl's retry.TimingOutExponentialBackoff: delays of 1, 2, 4, … time units, never capped per step, but the last
// one is cut so that the delays add up to exactly the timeout; then the policy is done and the caller gives up.

/** Every delay (ms) eksctl sleeps between polls before giving up after `timeoutMs`. */
export function* timingOutExponentialBackoff(timeoutMs: number, unitMs = 1000): Generator<number, void, void> {
  let total = 0;
  for (let retry = 0; total < timeoutMs; retry++) {
    const delay = Math.min(2 ** retry * unitMs, timeoutMs - total);
    total += delay;
    yield delay;
  }
}

export interface PollOptions {
  /** Simulated milliseconds eksctl waits in all (its `--timeout`). */
  timeoutMs: number;
  sleep(simMs: number, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
}

/**
 * Polls `check` with the timing-out exponential backoff, as eksctl's waitForCreation and WaitForScheduleOnFargate do:
 * check, sleep, check, …; after the final sleep the policy is done and the wait times out without another check.
 * A thrown error ends the wait at once.
 */
export async function pollWithBackoff(check: () => Promise<boolean>, options: PollOptions): Promise<'done' | 'timed-out'> {
  for (const delay of timingOutExponentialBackoff(options.timeoutMs)) {
    if (await check()) return 'done';
    await options.sleep(delay, options.signal);
  }
  return 'timed-out';
}

export interface FixedPollOptions extends PollOptions {
  intervalMs: number;
}

/** A fixed-interval wait with a deadline, as eksctl's CloudFormation and nodegroup waiters poll. */
export async function pollEvery(check: () => Promise<boolean>, options: FixedPollOptions): Promise<'done' | 'timed-out'> {
  let waited = 0;
  for (;;) {
    if (await check()) return 'done';
    if (waited >= options.timeoutMs) return 'timed-out';
    const delay = Math.min(options.intervalMs, options.timeoutMs - waited);
    await options.sleep(delay, options.signal);
    waited += delay;
  }
}
