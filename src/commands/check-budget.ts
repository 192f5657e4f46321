// `check` is a CI gate: it must answer, and fail closed, in bounded time whatever the endpoints do. Each request has
// its own deadlines (adapters/aws-http.ts, kube-deadlines.ts); the budget bounds the check as a whole, retries and
// slow-but-answering endpoints included, and says what it was waiting for when it ran out.
import { hostOf } from '../adapters/aws-http.js';
import { DEFAULT_MS } from '../core/defaults.js';
import { KubeApiError } from '../adapters/kube.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { formatDuration } from '../report.js';

/** After the budget ran out, how long an aborted call may take to say where it was (it is aborted: it is quick). */
const LAST_WORD_MS = 1_000;

export class CheckBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number = DEFAULT_MS.checkTimeout) {
    this.timer = setTimeout(() => this.controller.abort(new Error('the check ran out of time')), ms);
  }

  /** Aborts every call given it when the budget runs out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Runs one step, `what` naming the endpoint it waits on. When the budget runs out the step fails at once, also
   * when what it awaits ignores the signal (a credential provider, say), with an error naming that endpoint.
   */
  async step<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) throw this.exceeded(what, undefined);
    const pending = fn(signal);
    let onAbort: (() => void) | undefined;
    const ranOut = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([pending, ranOut]);
    } catch (error) {
      if (!signal.aborted) throw error;
      throw this.exceeded(what, error === signal.reason ? await lastWord(pending) : error);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private exceeded(what: string, cause: unknown): SafeEksctlError {
    const causes = causeChain(cause);
    const host = causes.map(hostOf).find((h) => h !== undefined);
    const kube = causes.find((c) => c instanceof KubeApiError);
    const detail = kube ? `: ${kube.message}` : '';
    return new SafeEksctlError(
      `check did not finish within ${formatDuration(this.ms)} (--check-timeout): no answer from ${what}${host ? ` at ${host}` : ''}${detail}`,
      ExitCode.unhealthy,
      { cause },
    );
  }
}

/** The error and its causes, nearest first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 4; e = e instanceof Error ? e.cause : undefined) chain.push(e);
  return chain;
}

/** The error an aborted call ends with, if it ends soon; undefined otherwise. */
async function lastWord(pending: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), LAST_WORD_MS)));
  try {
    return await Promise.race([pending.then(() => undefined, (error: unknown) => error), late]);
  } finally {
    clearTimeout(timer);
  }
}
