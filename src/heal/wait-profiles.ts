// Waiting for Fargate profiles: every profile polled at once, on a capped schedule, failing fast on the states eksctl
// never notices (CREATE_FAILED waits out eksctl's whole --timeout).
import { type Clock, pollDelays, systemClock } from '../core/backoff.js';
import { DEFAULT_MS } from '../core/defaults.js';
import { EksApiError, type EksApi, type FargateProfileState, type ProfileHealthIssue } from '../adapters/eks.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { formatDuration, plural, type ProfileRecord } from '../report.js';

/** EKS can answer NotFound for a moment right after eksctl's CreateFargateProfile; longer than this, it is gone. */
export const DEFAULT_NOT_FOUND_GRACE_MS = 60_000;

/** States a profile never leaves on its own towards ACTIVE. */
export const FAILED_STATES = new Set(['CREATE_FAILED', 'DELETE_FAILED', 'DELETING']);

export interface ProfileProgress {
  name: string;
  /** The last status seen, or what went wrong with the last call (e.g. "throttled"). */
  status: string;
  elapsedMs: number;
  polls: number;
}

/**
 * Which failures of a profile fail the run. The run's own profiles (the config's, or --name's) fail it on any; another
 * profile of the cluster is only listed with its state; for heal, which names no profile, every profile is its own
 * except one already failed or being deleted at the first look, which it cannot be waiting for.
 */
export type Tolerance = 'nothing' | 'failed-at-first-look' | 'anything';

export interface ProfileWaitOptions {
  /** Default 'nothing': every failure throws. */
  tolerate?: Tolerance;
  clock?: Clock;
  signal?: AbortSignal;
  /** Give up this long after the wait starts (`--fargate-timeout`). */
  timeoutMs?: number;
  /** Pauses between polls; defaults to pollDelays() (about 1 s growing to 5 s). */
  delays?: Iterator<number>;
  notFoundGraceMs?: number;
  onProgress?: (progress: ProfileProgress) => void;
}

/** The profile as last described, with how long the wait took and how many DescribeFargateProfile calls it made. */
export interface ProfileWaitResult extends ProfileRecord {
  selectors: FargateProfileState['selectors'];
  healthIssues: ProfileHealthIssue[];
  /** Not ACTIVE, and not this run's to fail on: listed with its state and why it was not waited for to the end. */
  listed?: string;
}

/** Polls one profile until ACTIVE. Throws SafeEksctlError (exit 3) on a failed state, AccessDenied or the deadline. */
export async function waitForProfile(
  eks: EksApi,
  clusterName: string,
  profileName: string,
  {
    tolerate = 'nothing',
    clock = systemClock,
    signal,
    timeoutMs = DEFAULT_MS.fargateTimeout,
    delays = pollDelays(),
    notFoundGraceMs = DEFAULT_NOT_FOUND_GRACE_MS,
    onProgress,
  }: ProfileWaitOptions = {},
): Promise<ProfileWaitResult> {
  const start = clock.now();
  const deadline = start + timeoutMs;
  let polls = 0;
  let status = 'UNKNOWN';
  let last: Pick<FargateProfileState, 'selectors' | 'healthIssues'> = { selectors: [], healthIssues: [] };
  let notFoundSince: number | undefined;
  const error = (message: string, cause?: unknown) =>
    new ProfileWaitError(`Fargate profile "${profileName}" ${message}`, { name: profileName, status, waitedMs: clock.now() - start, polls }, cause);
  // Another profile's trouble is reported, not thrown: the result says what was seen of it.
  const fail = (message: string, cause?: unknown) => {
    const failedAtFirstLook = tolerate === 'failed-at-first-look' && polls === 1 && FAILED_STATES.has(status);
    if (tolerate !== 'anything' && !failedAtFirstLook) return error(message, cause);
    return { name: profileName, status, waitedMs: clock.now() - start, polls, ...last, listed: message } satisfies ProfileWaitResult;
  };
  const failure = (message: string, cause?: unknown): ProfileWaitResult => {
    const outcome = fail(message, cause);
    if (outcome instanceof ProfileWaitError) throw outcome;
    return outcome;
  };

  for (;;) {
    signal?.throwIfAborted();
    polls++;
    let profile: FargateProfileState | undefined;
    try {
      profile = await eks.describeFargateProfile(clusterName, profileName, signal);
    } catch (caught) {
      if (!(caught instanceof EksApiError)) throw caught;
      if (caught.kind === 'accessDenied') return failure(`cannot be read: ${caught.message}`, caught);
      if (caught.kind === 'notFound') {
        notFoundSince ??= clock.now();
        if (clock.now() - notFoundSince >= notFoundGraceMs) {
          return failure(`was not found for ${formatDuration(clock.now() - notFoundSince)}: ${caught.message}`, caught);
        }
      } else if (!caught.retryable) {
        return failure(`cannot be read: ${caught.message}`, caught);
      }
      onProgress?.({ name: profileName, status: caught.kind, elapsedMs: clock.now() - start, polls });
    }
    if (profile !== undefined) {
      status = profile.status;
      last = { selectors: profile.selectors, healthIssues: profile.healthIssues };
      notFoundSince = undefined;
      onProgress?.({ name: profileName, status, elapsedMs: clock.now() - start, polls });
      if (status === 'ACTIVE') return { name: profileName, status, waitedMs: clock.now() - start, polls, ...last };
      if (FAILED_STATES.has(status)) return failure(`is ${status}${describeIssues(profile.healthIssues)}`);
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      return failure(`is still ${status} after ${formatDuration(clock.now() - start)} (${plural(polls, 'poll')}); raise --fargate-timeout to wait longer`);
    }
    // The last pause is cut short so that one final poll lands on the deadline itself.
    await clock.sleep(Math.min(delays.next().value ?? left, left), signal);
  }
}

/** A profile that will not turn ACTIVE (exit 3), with what was seen of it for the report. */
export class ProfileWaitError extends SafeEksctlError {
  constructor(
    message: string,
    readonly profile: ProfileRecord,
    cause?: unknown,
  ) {
    super(message, ExitCode.fargateProfile, { cause });
    this.name = 'ProfileWaitError';
  }
}

export function describeIssues(issues: readonly ProfileHealthIssue[]): string {
  if (issues.length === 0) return ' (no health issues reported)';
  return ': ' + issues.map((i) => `${i.code}: ${i.message}`).join('; ');
}

export interface WaitProfilesOptions extends Omit<ProfileWaitOptions, 'delays' | 'onProgress'> {
  /** A fresh schedule per profile; defaults to pollDelays(). */
  delays?: () => Iterator<number>;
  onProgress?: (progress: ProfileProgress) => void;
}

/** Profile names to wait for: the config's, plus any the cluster already has, each once, config order first. */
export function profilesToWaitFor(configNames: readonly string[], clusterNames: readonly string[]): string[] {
  return [...new Set([...configNames, ...clusterNames])];
}

/** Waits for every profile concurrently; the first failure stops the others and is thrown. */
export async function waitForProfiles(
  eks: EksApi,
  clusterName: string,
  profileNames: readonly string[],
  { signal, delays = () => pollDelays(), ...options }: WaitProfilesOptions = {},
): Promise<ProfileWaitResult[]> {
  const stop = new AbortController();
  const linked = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  try {
    return await Promise.all(
      profileNames.map((name) =>
        waitForProfile(eks, clusterName, name, { ...options, signal: linked, delays: delays() }).catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    stop.abort();
  }
}
