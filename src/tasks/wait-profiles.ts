// "Wait for Fargate profiles": the listr2 task over the wait in ../heal/wait-profiles.ts, one subtask per profile.
import type { ListrTask } from 'listr2';
import { EksApiError, type EksApi } from '../adapters/eks.js';
import { type Clock, pollDelays, systemClock } from '../core/backoff.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { retrying, SINGLE_CALL_RETRY_MS } from '../heal/retrying.js';
import { ProfileWaitError, profilesToWaitFor, waitForProfile, type ProfileWaitResult, type Tolerance } from '../heal/wait-profiles.js';
import { formatDuration, plural, type ProfileRecord } from '../report.js';

export interface WaitProfilesTaskOptions {
  eks: EksApi;
  clusterName: string;
  /** Profile names from the cluster config. */
  configProfiles: readonly string[];
  clock?: Clock;
  signal?: AbortSignal;
  /** `--fargate-timeout` in ms. */
  timeoutMs?: number;
  /** `--poll-interval` in ms: the longest pause between polls. */
  pollIntervalMs?: number;
  random?: () => number;
  notFoundGraceMs?: number;
  /** Receives every profile's record when its wait ends, ACTIVE or failed, in completion order. */
  onProfile?: (result: ProfileRecord) => void;
  /** Receives each profile that turned ACTIVE, with its selectors (what the heal classifies CoreDNS against). */
  onActive?: (result: ProfileWaitResult) => void;
}

export const WAIT_PROFILES_TITLE = 'Wait for Fargate profiles';

/**
 * The listr2 task: lists the cluster's profiles, then one concurrent subtask per profile whose title shows its status
 * and elapsed time. Hands each profile's record to `onProfile`.
 */
export function waitProfilesTask<Ctx>(options: WaitProfilesTaskOptions): ListrTask<Ctx> {
  const { eks, clusterName, configProfiles, clock = systemClock, signal, pollIntervalMs, random, onProfile, onActive } = options;
  return {
    title: WAIT_PROFILES_TITLE,
    task: async (_ctx, task) => {
      const listed = await retrying(() => eks.listFargateProfiles(clusterName, signal), { clock, signal, deadline: clock.now() + SINGLE_CALL_RETRY_MS }).catch((error: unknown) => {
        if (!(error instanceof EksApiError)) throw error;
        throw new SafeEksctlError(`cannot list the Fargate profiles of "${clusterName}": ${error.message}`, ExitCode.fargateProfile, { cause: error });
      });
      const names = profilesToWaitFor(configProfiles, listed);
      const own = new Set(configProfiles);
      const tolerance = (name: string): Tolerance => (own.size === 0 ? 'failed-at-first-look' : own.has(name) ? 'nothing' : 'anything');
      if (names.length === 0) {
        task.skip(`${WAIT_PROFILES_TITLE}: the cluster has no Fargate profiles`);
        return;
      }
      const stop = new AbortController();
      const linked = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
      return task.newListr(
        names.map((name) => ({
          title: name,
          task: async (_sub, subtask) => {
            try {
              const result = await waitForProfile(eks, clusterName, name, {
                tolerate: tolerance(name),
                clock,
                signal: linked,
                delays: pollDelays({ ...(pollIntervalMs ? { maxIntervalMs: pollIntervalMs } : {}), ...(random ? { random } : {}) }),
                ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
                ...(options.notFoundGraceMs !== undefined ? { notFoundGraceMs: options.notFoundGraceMs } : {}),
                onProgress: (p) => (subtask.title = `${name}: ${p.status} (${formatDuration(p.elapsedMs)})`),
              });
              onProfile?.(result);
              if (result.listed !== undefined) {
                // Not this run's profile: its trouble is shown, and neither fails the run nor stops the others.
                subtask.title = `${name} ${result.listed}; not this run's profile, so it does not fail the run`;
                subtask.skip(subtask.title);
                return;
              }
              subtask.title = `${name}: ACTIVE after ${formatDuration(result.waitedMs)} (${plural(result.polls, 'poll')})`;
              onActive?.(result);
            } catch (error) {
              if (error instanceof ProfileWaitError) onProfile?.(error.profile);
              // One failed profile ends the phase: stop polling the others rather than let them run to the deadline.
              stop.abort(error);
              throw error;
            }
          },
        })),
        { concurrent: true, exitOnError: true },
      );
    },
  };
}
