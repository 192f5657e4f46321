// Phases 4 and 5, shared by create, create fargateprofile and heal: wait for every Fargate profile, then heal CoreDNS
// against the profiles that turned ACTIVE, then (with --workloads) every other owner those profiles stranded.
import type { ListrTask } from 'listr2';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClusterInfo, EksApi } from '../adapters/eks.js';
import { createEksKubeApi, kubeApiFromKubeconfig, type ClusterKubeApi } from '../adapters/kube.js';
import { assertReachesCluster, openKubeconfig, type OpenedKubeconfig } from '../adapters/kubeconfig.js';
import { failFastWhenUnreachable } from '../adapters/reach.js';
import type { Clock } from '../core/backoff.js';
import { ExitCode, SafeEksctlError, UsageError } from '../errors.js';
import type { FargateProfileView } from '../core/pods.js';
import type { RunRecorder } from '../report.js';
import { defaultAddonsTask } from './default-addons.js';
import { newHealState, type HealState } from '../heal/coredns.js';
import { retrying, SINGLE_CALL_RETRY_MS } from '../heal/retrying.js';
import { HEAL_COREDNS_TITLE, healCoreDnsTask } from './heal-coredns.js';
import { phase, type PhaseTimeline } from './pipeline.js';
import { WAIT_PROFILES_TITLE, waitProfilesTask } from './wait-profiles.js';
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
  /** `--workloads-timeout`: the deadline of the stranded workloads' rollouts. */
  workloadsTimeoutMs: number;
  /** `--no-heal` gives false. */
  heal: boolean;
  /** Why the CoreDNS heal is skipped although healing is on (read when the phase starts), or undefined. */
  corednsSkip?: () => string | undefined;
  /** After CoreDNS, look at the pods of eksctl's other default addons (metrics-server) and warn about stranded ones. */
  lookAtDefaultAddons?: boolean;
  /** `--workloads`: restart the other owners of pods the profiles stranded (off when absent). */
  workloads?: boolean;
  /** `--delete-stranded-pods`: with workloads, delete stranded bare pods and orphan ReplicaSet pods. */
  deleteStrandedPods?: boolean;
  /** Reach Kubernetes through a kubeconfig instead of DescribeCluster + an in-process token. */
  kubeconfig?: string;
  context?: string;
  /** The kubeconfig as checked before the run (heal, create fargateprofile); create opens it after eksctl wrote it. */
  openedKubeconfig?: OpenedKubeconfig;
  /** Where KUBECONFIG and HOME come from when the kubeconfig is opened here. */
  env?: NodeJS.ProcessEnv;
  /** What a relative --kubeconfig is relative to (eksctl ran there). */
  cwd?: string;
  /** What a heal while eksctl ran did: the heal phase counts on from it. */
  healState?: HealState;
  /** The DescribeCluster connection, shared with that heal; one of its own otherwise. */
  connectEks?: EksKubeConnector;
}

/** Connects once through DescribeCluster's endpoint and CA; a failed attempt (or an aborted one) is tried afresh. */
export interface EksKubeConnector {
  (signal?: AbortSignal): Promise<ClusterKubeApi>;
  /** The cluster as DescribeCluster described it to the connection made (Auto Mode, endpoint access), once made. */
  readonly cluster: ClusterInfo | undefined;
}

export function eksKubeConnector(
  options: Pick<ClusterHealthOptions, 'eks' | 'clusterName' | 'region' | 'credentials' | 'clock' | 'signal'>,
): EksKubeConnector {
  let kube: Promise<ClusterKubeApi> | undefined;
  let cluster: ClusterInfo | undefined;
  const connect = (signal = options.signal) => {
    kube ??= connectEks(options, signal).then(
      (connected) => {
        cluster = connected.cluster;
        return connected.kube;
      },
      (error: unknown) => {
        kube = undefined;
        throw error;
      },
    );
    return kube;
  };
  return Object.defineProperty(connect, 'cluster', { get: () => cluster }) as EksKubeConnector;
}

export function clusterHealthTasks<Ctx>(timeline: PhaseTimeline, options: ClusterHealthOptions): ListrTask<Ctx>[] {
  const { eks, clusterName, recorder, clock, signal } = options;
  // One heal state for CoreDNS, whose probe support the stranded workloads share: a refused probe is said once.
  const healState = options.healState ?? newHealState();
  const active: FargateProfileView[] = [];
  let kube: Promise<ClusterKubeApi> | undefined;
  const viaEks = options.connectEks ?? eksKubeConnector(options);
  let described: ClusterInfo | undefined;
  const cluster = () => described ?? viaEks.cluster;
  const connect = () => (kube ??= connectKube(options, viaEks, (info) => (described = info)));
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
        connect,
        cluster,
        profiles: () => active,
        clock,
        signal,
        timeoutMs: options.corednsTimeoutMs,
        state: healState,
        onResult: (record) => (recorder.coredns = record),
      }),
      skip: () => (options.heal ? (options.corednsSkip?.() ?? false) : '--no-heal: CoreDNS was left as it is'),
    }),
    ...(options.lookAtDefaultAddons
      ? [defaultAddonsTask<Ctx>({ connect, cluster, profiles: () => active, clock, onWarning: (line) => recorder.warnings.push(line) })]
      : []),
    ...(options.workloads
      ? [
          phase(timeline, HEAL_WORKLOADS_TITLE, {
            ...healWorkloadsTask<Ctx>({
              connect,
              profiles: () => active,
              deleteStrandedPods: options.deleteStrandedPods === true,
              clock,
              signal,
              timeoutMs: options.workloadsTimeoutMs,
              probeSupport: healState.support,
              onResult: (records) => (recorder.workloads = records),
            }),
            skip: () => (options.heal ? false : '--no-heal: stranded workloads were left as they are'),
          }),
        ]
      : []),
  ];
}

async function connectKube(options: ClusterHealthOptions, viaEks: EksKubeConnector, described: (cluster: ClusterInfo) => void): Promise<ClusterKubeApi> {
  if (!options.openedKubeconfig && !options.kubeconfig && !options.context) return viaEks();
  const cluster = await retrying(() => options.eks.describeCluster(options.clusterName, options.signal), { clock: options.clock, signal: options.signal, deadline: options.clock.now() + SINGLE_CALL_RETRY_MS });
  described(cluster);
  try {
    // After `eksctl create cluster` the file is new: a context it lacks is named here, not as "No active cluster!".
    const opened =
      options.openedKubeconfig ??
      openKubeconfig(
        { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}) },
        options.env ?? process.env,
        options.cwd ?? process.cwd(),
      );
    // Never heal another cluster than the one named: the context must reach DescribeCluster's endpoint.
    assertReachesCluster(opened, options.clusterName, cluster.endpoint);
    return failFastWhenUnreachable(kubeApiFromKubeconfig(opened.kc), cluster, options.region);
  } catch (error) {
    // Exit 2 promises nothing was started; by now something was (eksctl, the waits), so this is a failed operation.
    if (error instanceof UsageError) throw new SafeEksctlError(error.message, ExitCode.unhealthy, { cause: error });
    throw error;
  }
}

async function connectEks(
  options: Pick<ClusterHealthOptions, 'eks' | 'clusterName' | 'region' | 'credentials' | 'clock'>,
  signal: AbortSignal,
): Promise<{ kube: ClusterKubeApi; cluster: ClusterInfo }> {
  // Like the profile list, one DescribeCluster must not fail the heal on a single 429 or 5xx.
  const cluster = await retrying(() => options.eks.describeCluster(options.clusterName, signal), { clock: options.clock, signal, deadline: options.clock.now() + SINGLE_CALL_RETRY_MS });
  const kube = createEksKubeApi({
    clusterName: options.clusterName,
    ...(cluster.id ? { clusterId: cluster.id } : {}),
    region: options.region,
    endpoint: cluster.endpoint,
    caData: cluster.caData,
    credentials: options.credentials,
  });
  return { kube: failFastWhenUnreachable(kube, cluster, options.region), cluster };
}
