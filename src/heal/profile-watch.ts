// While eksctl creates the cluster, a look at its Fargate profiles now and then. eksctl treats only ACTIVE as done: a
// profile that ends CREATE_FAILED keeps it waiting until its --timeout (25 minutes by default) and then it fails with
// no word about why. The watch sees the failed state within one poll, so eksctl can be stopped and the health issue
// shown at once.
import { type Clock, pollDelays } from '../core/backoff.js';
import { EksApiError, type EksApi, type FargateProfileState } from '../adapters/eks.js';
import type { FargateProfileView } from '../core/pods.js';
import { describeIssues, FAILED_STATES, ProfileWaitError } from './wait-profiles.js';

export interface ProfileWatchOptions {
  clock: Clock;
  /** Aborted when eksctl ends (or on Ctrl-C): the watch then rejects with the signal's reason. */
  signal: AbortSignal;
  /** Pauses between looks; defaults to pollDelays() (about 1 s growing to 5 s). */
  delays?: Iterator<number>;
  /** Each profile once, on the look that first sees it ACTIVE, with its selectors (the early CoreDNS heal starts here). */
  onActive?: (profile: FargateProfileView) => void;
  /** The run's own profiles: only their failure stops eksctl (default: every profile of the cluster). */
  own?: ReadonlySet<string>;
}

/**
 * Never resolves: rejects with a ProfileWaitError (exit 3) once a profile of the cluster is CREATE_FAILED,
 * DELETE_FAILED or DELETING, or with the abort reason when `signal` aborts. Every API error is only a missed look:
 * the cluster may not exist yet, and the phase after eksctl waits for the profiles properly.
 */
export async function watchForFailedProfiles(
  eks: EksApi,
  clusterName: string,
  { clock, signal, delays = pollDelays(), onActive, own }: ProfileWatchOptions,
): Promise<never> {
  const firstSeen = new Map<string, number>();
  // Profiles no longer looked at: ACTIVE ones, and failed ones that are not the run's.
  const done = new Set<string>();
  const polls = new Map<string, number>();
  for (;;) {
    await clock.sleep(delays.next().value, signal);
    let names: string[];
    try {
      names = await eks.listFargateProfiles(clusterName, signal);
    } catch (error) {
      if (error instanceof EksApiError) continue;
      throw error;
    }
    for (const name of names.filter((n) => !done.has(n))) {
      polls.set(name, (polls.get(name) ?? 0) + 1);
      if (!firstSeen.has(name)) firstSeen.set(name, clock.now());
      let profile: FargateProfileState;
      try {
        profile = await eks.describeFargateProfile(clusterName, name, signal);
      } catch (error) {
        if (error instanceof EksApiError) continue;
        throw error;
      }
      const { status } = profile;
      const issues = describeIssues(profile.healthIssues);
      if (status === 'ACTIVE') {
        done.add(name);
        onActive?.({ name, selectors: profile.selectors });
      }
      // Another profile's failure is none of this run's: looked at no more.
      if (FAILED_STATES.has(status) && own !== undefined && !own.has(name)) done.add(name);
      else if (FAILED_STATES.has(status)) {
        throw new ProfileWaitError(`Fargate profile "${name}" is ${status}${issues}`, {
          name,
          status,
          waitedMs: clock.now() - (firstSeen.get(name) ?? clock.now()),
          polls: polls.get(name) ?? 0,
        });
      }
    }
  }
}
