// What runs beside `eksctl create cluster` until eksctl ends: the profile watch, which fails the phase as soon as one
// of the run's profiles fails (eksctl itself would wait out its whole --timeout), and, fed by the same looks, the
// CoreDNS heal that starts once the profile capturing CoreDNS is ACTIVE (./early-heal.ts).
import { pollDelays } from '../core/backoff.js';
import type { ClusterSession } from '../session.js';
import type { HealState } from './coredns.js';
import { EarlyCoreDnsHeal } from './early-heal.js';
import { watchForFailedProfiles } from './profile-watch.js';
import { ProfileWaitError } from './wait-profiles.js';

export interface BesideEksctlOptions {
  /** The run's own profiles: only their failure stops eksctl. */
  own: ReadonlySet<string>;
  /** The profile whose turn to ACTIVE starts the CoreDNS heal; undefined: no heal while eksctl runs. */
  healCoreDnsFrom: string | undefined;
  /** Shared with the heal phase after eksctl, which counts on from it. */
  coredns: HealState;
  /** Aborted when eksctl ends (or on Ctrl-C). */
  signal: AbortSignal;
  /** One line beside the phase's title. */
  note: (line: string) => void;
}

/** Never resolves: rejects with a ProfileWaitError (exit 3) for a failed profile, or with the signal's reason. */
export async function watchBesideEksctl(session: ClusterSession, { own, healCoreDnsFrom, coredns, signal, note }: BesideEksctlOptions): Promise<never> {
  const { clock, recorder, waits } = session;
  const stop = new AbortController();
  const early =
    healCoreDnsFrom === undefined
      ? undefined
      : new EarlyCoreDnsHeal({
          capturedBy: healCoreDnsFrom,
          connect: (s) => session.kube(s),
          state: coredns,
          clock,
          signal: AbortSignal.any([signal, stop.signal]),
          timeoutMs: waits.corednsTimeoutMs,
          onStatus: note,
        });
  try {
    return await watchForFailedProfiles(session.eks, session.clusterName, {
      clock,
      signal,
      delays: pollDelays({ maxIntervalMs: waits.pollIntervalMs }),
      own,
      ...(early ? { onActive: (profile) => early.profileActive(profile) } : {}),
    });
  } catch (error) {
    if (error instanceof ProfileWaitError) recorder.profile(error.profile);
    throw error;
  } finally {
    stop.abort();
    await early?.settled();
    // Recorded now in case eksctl failed: the report then still says what was done to CoreDNS.
    if (coredns.looked) recorder.coredns = { ...coredns.record };
  }
}
