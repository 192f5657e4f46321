// One call that must not fail a run on a passing failure: a 429, a 5xx or a dropped connection, from EKS or from the
// Kubernetes API. The polling loops have retries of their own; this is for the single calls between them (the one
// ListFargateProfiles of the wait, a DescribeCluster before connecting, the workloads' lookups and deletes).
import { EksApiError } from '../adapters/eks.js';
import { KubeApiError } from '../adapters/kube.js';
import { type Clock, pollDelays } from '../core/backoff.js';

export interface RetryOptions {
  clock: Clock;
  signal?: AbortSignal | undefined;
  /** Epoch ms: a failure at or after it is thrown, however passing. */
  deadline: number;
}

/** A failure another attempt may not meet: throttling, a server error, no connection. */
function isTransient(error: unknown): boolean {
  return (error instanceof EksApiError || error instanceof KubeApiError) && error.retryable;
}

/** `call` again on the poll schedule while it fails transiently, until the deadline; any other failure is thrown at once. */
export async function retrying<T>(call: () => Promise<T>, { clock, signal, deadline }: RetryOptions): Promise<T> {
  const delays = pollDelays();
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || clock.now() >= deadline) throw error;
    }
    // The last pause is cut short so that one last attempt lands on the deadline itself.
    await clock.sleep(Math.min(delays.next().value, deadline - clock.now()), signal);
  }
}

/** How long a single call of a phase is retried: one 429 must not fail a create, a minute of them may. */
export const SINGLE_CALL_RETRY_MS = 60_000;
