// Phases 4 and 5, shared by create, create fargateprofile and heal: wait for every Fargate profile, then heal CoreDNS
// against the profiles that turned ACTIVE, then (with --workloads) every other owner those profiles stranded.
import type { ListrTask } from 'listr2';
import type { FargateProfileView } from '../core/pods.js';
import { newHealState, type HealState } from '../heal/coredns.js';
import type { ClusterSession } from '../session.js';
import { defaultAddonsTask } from './default-addons.js';
import { HEAL_COREDNS_TITLE, healCoreDnsTask } from './heal-coredns.js';
import { phase, runClusterPipeline, type PhaseTimeline } from './pipeline.js';
import { preflightPhase, type PreflightOptions } from './preflight.js';
import { WAIT_PROFILES_TITLE, waitProfilesTask } from './wait-profiles.js';
import { HEAL_WORKLOADS_TITLE, healWorkloadsTask } from './workloads.js';

/** What the phases of a run on a cluster hand on to the phases after them; listr2's context of the run. */
export interface ClusterRunContext {
  /** The profiles the wait saw turn ACTIVE, with their selectors: what the heals classify pods against. */
  active: FargateProfileView[];
  /** The CoreDNS heal's memory: the heal while eksctl runs starts it, the heal phase counts on from it. */
  coredns: HealState;
}

export function newClusterRunContext(): ClusterRunContext {
  return { active: [], coredns: newHealState() };
}

export interface ClusterHealthOptions<Run> {
  /** The profiles the run itself creates (the config's, --name's): only their failures fail it. None for heal. */
  configProfiles: readonly string[];
  /** `--no-heal` gives false. */
  heal: boolean;
  /** `--workloads`: restart the other owners of pods the profiles stranded. */
  workloads: boolean;
  /** `--delete-stranded-pods`: with workloads, delete stranded bare pods and orphan ReplicaSet pods. */
  deleteStrandedPods: boolean;
  /** Why the CoreDNS heal is skipped although healing is on (read when the phase starts), or undefined. */
  corednsSkip?: (run: Run) => string | undefined;
  /** After CoreDNS, look at the pods of eksctl's other default addons (metrics-server) and warn about stranded ones. */
  lookAtDefaultAddons?: boolean;
}

export function clusterHealthTasks<Run extends ClusterRunContext>(timeline: PhaseTimeline, session: ClusterSession, run: Run, options: ClusterHealthOptions<Run>): ListrTask<Run>[] {
  const { eks, clusterName, recorder, clock, waits } = session;
  const { signal } = session.interrupt;
  const connect = () => session.kube();
  const cluster = () => session.cluster();
  return [
    phase(
      timeline,
      WAIT_PROFILES_TITLE,
      waitProfilesTask<Run>({
        eks,
        clusterName,
        configProfiles: options.configProfiles,
        clock,
        signal,
        timeoutMs: waits.fargateTimeoutMs,
        pollIntervalMs: waits.pollIntervalMs,
        onProfile: (record) => recorder.profile(record),
        onActive: (profile) => run.active.push({ name: profile.name, selectors: profile.selectors }),
      }),
    ),
    phase(timeline, HEAL_COREDNS_TITLE, {
      ...healCoreDnsTask<Run>({
        connect,
        cluster,
        profiles: () => run.active,
        clock,
        signal,
        timeoutMs: waits.corednsTimeoutMs,
        state: run.coredns,
        onResult: (record) => (recorder.coredns = record),
      }),
      skip: () => (options.heal ? (options.corednsSkip?.(run) ?? false) : '--no-heal: CoreDNS was left as it is'),
    }),
    ...(options.lookAtDefaultAddons
      ? [defaultAddonsTask<Run>({ connect, cluster, profiles: () => run.active, clock, onWarning: (line) => recorder.warnings.push(line) })]
      : []),
    ...(options.workloads
      ? [
          phase(timeline, HEAL_WORKLOADS_TITLE, {
            ...healWorkloadsTask<Run>({
              connect,
              profiles: () => run.active,
              deleteStrandedPods: options.deleteStrandedPods,
              clock,
              signal,
              timeoutMs: waits.workloadsTimeoutMs,
              // A refused probe is said once: CoreDNS's heal and the workloads' share what it learnt.
              probeSupport: run.coredns.support,
              onResult: (records) => (recorder.workloads = records),
            }),
            skip: () => (options.heal ? false : '--no-heal: stranded workloads were left as they are'),
          }),
        ]
      : []),
  ];
}

export interface ExistingClusterOptions {
  /** What Preflight says besides the cluster's state (create fargateprofile: eksctl's version, the new profiles). */
  preflight?: Omit<PreflightOptions, 'existing'>;
  /** Phases between Preflight and the wait: eksctl adding profiles. */
  between?: (timeline: PhaseTimeline) => ListrTask<ClusterRunContext>[];
  /** The profiles the run adds; none for heal, which waits for every profile the cluster has. */
  configProfiles: readonly string[];
  output: 'text' | 'json';
  verbose: boolean;
  workloads: boolean;
  deleteStrandedPods: boolean;
}

/** A run on a cluster that exists already (heal, create fargateprofile): Preflight, `between`, then phases 4–6. */
export function runOnExistingCluster(session: ClusterSession, { preflight, between, configProfiles, ...options }: ExistingClusterOptions): Promise<number> {
  const run = newClusterRunContext();
  return runClusterPipeline(
    session,
    run,
    (timeline) => [
      preflightPhase(timeline, session, { ...preflight, existing: true }),
      ...(between?.(timeline) ?? []),
      ...clusterHealthTasks(timeline, session, run, { configProfiles, heal: true, workloads: options.workloads, deleteStrandedPods: options.deleteStrandedPods }),
    ],
    { output: options.output, verbose: options.verbose },
  );
}
