// Phases 4 and 5, shared by create, create fargateprofile and heal: wait for every Fargate profile, then heal CoreDNS
// against the profiles that turned ACTIVE, then (with --workloads) every other owner those profiles stranded.
import type { ListrTask } from 'listr2';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { EksApi } from '../adapters/eks.js';
import { createEksKubeApi, createKubeconfigKubeApi, type ClusterKubeApi } from '../adapters/kube.js';
import type { Clock } from '../core/backoff.js';
import type { FargateProfileView } from '../core/pods.js';
import type { RunRecorder } from '../report.js';
import { HEAL_COREDNS_TITLE, healCoreDnsTask } from './heal-coredns.js';
import { phase, type PhaseTimeline } from './pipeline.js';
import { retrying, WAIT_PROFILES_TITLE, waitProfilesTask } from './wait-profiles.js';
import { HEAL_WORKLOADS_TITLE, healWorkloadsTask } from './workloads.js';

export interface ClusterHealthOptions {
  eks: EksApi;
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  configProfiles: readonly string[];
  recorder: RunRecorder;
  clock: Clock;
  signal: AbortSignal;
  pollIntervalMs: number;
  fargateTimeoutMs: number;
  corednsTimeoutMs: number;
  /** `--no-heal` gives false. */
  heal: boolean;
  /** `--workloads`: restart the other owners of pods the profiles stranded (off when absent). */
  workloads?: boolean;
  /** `--delete-stranded-pods`: with workloads, delete stranded bare pods and orphan ReplicaSet pods. */
  deleteStrandedPods?: boolean;
  /** Reach Kubernetes through a kubeconfig instead of DescribeCluster + an in-process token. */
  kubeconfig?: string;
  context?: string;
}

export function clusterHealthTasks<Ctx>(timeline: PhaseTimeline, options: ClusterHealthOptions): ListrTask<Ctx>[] {
  const { eks, clusterName, recorder, clock, signal } = options;
  const active: FargateProfileView[] = [];
  let kube: Promise<ClusterKubeApi> | undefined;
  return [
    phase(
      timeline,
      WAIT_PROFILES_TITLE,
      waitProfilesTask<Ctx>({
        eks,
        clusterName,
        configProfiles: options.configProfiles,
        clock,
        signal,
        timeoutMs: options.fargateTimeoutMs,
        pollIntervalMs: options.pollIntervalMs,
        onProfile: (record) => recorder.profile(record),
        onActive: (profile) => active.push({ name: profile.name, selectors: profile.selectors }),
      }),
    ),
    phase(timeline, HEAL_COREDNS_TITLE, {
      ...healCoreDnsTask<Ctx>({
        connect: () => (kube ??= connectKube(options)),
        profiles: () => active,
        clock,
        signal,
        timeoutMs: options.corednsTimeoutMs,
        onResult: (record) => (recorder.coredns = record),
      }),
      skip: () => (options.heal ? false : '--no-heal: CoreDNS was left as it is'),
    }),
    ...(options.workloads
      ? [
          phase(timeline, HEAL_WORKLOADS_TITLE, {
            ...healWorkloadsTask<Ctx>({
              connect: () => (kube ??= connectKube(options)),
              profiles: () => active,
              deleteStrandedPods: options.deleteStrandedPods === true,
              clock,
              signal,
              // One deadline flag for every heal: the workloads get what CoreDNS gets.
              timeoutMs: options.corednsTimeoutMs,
              onResult: (records) => (recorder.workloads = records),
            }),
            skip: () => (options.heal ? false : '--no-heal: stranded workloads were left as they are'),
          }),
        ]
      : []),
  ];
}

async function connectKube(options: ClusterHealthOptions): Promise<ClusterKubeApi> {
  if (options.kubeconfig || options.context) {
    return createKubeconfigKubeApi({
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
  }
  // Like the profile list, one DescribeCluster must not fail the heal on a single 429 or 5xx.
  const cluster = await retrying(() => options.eks.describeCluster(options.clusterName, options.signal), options.clock, options.signal);
  return createEksKubeApi({
    clusterName: options.clusterName,
    region: options.region,
    endpoint: cluster.endpoint,
    caData: cluster.caData,
    credentials: options.credentials,
  });
}
