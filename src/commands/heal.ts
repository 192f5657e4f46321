// `safe-eksctl heal --cluster NAME`: phases 4–6 of create on a cluster that already exists (made by plain eksctl, say):
// wait for its Fargate profiles, heal CoreDNS if and only if it is stuck, optionally the stranded workloads, report.
// A healthy cluster costs reads only, so a second run in a row changes nothing.
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ListrTask } from 'listr2';
import { createEksApi, EksApiError } from '../adapters/eks.js';
import { createInterrupt, type Interrupt } from '../adapters/eksctl.js';
import { assertReachesCluster, type OpenedKubeconfig } from '../adapters/kubeconfig.js';
import { checkAwsAccess } from '../adapters/sts.js';
import { systemClock } from '../core/backoff.js';
import { ExitCode, SafeEksctlError, UsageError } from '../errors.js';
import { onStopSignals } from '../signals.js';
import type { Io } from '../io.js';
import { RunRecorder } from '../report.js';
import { clusterHealthTasks } from '../tasks/cluster-health.js';
import { phase, runPipeline, type PhaseTimeline } from '../tasks/pipeline.js';
import { openSelectedKubeconfig, optional, regionFor, type ClusterDeps } from './check.js';
import { healOptionsSchema, parseOptions, type HealOptions, type PipelineOptions } from './options.js';

export type { HealOptions } from './options.js';

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  return heal(parseHealOptions(options), io);
}

export function parseHealOptions(options: Record<string, unknown>): HealOptions {
  return parseOptions(healOptionsSchema, options);
}

/** The AWS side of a pipeline on a named cluster: credentials proven in Preflight, then used by EKS and Kubernetes. */
export interface ClusterSession {
  region: string;
  /** Resolves to the credentials Preflight proved; throws when called before Preflight. */
  credentials: AwsCredentialIdentityProvider;
  /** With a kubeconfig, also refuses one whose context reaches another cluster. */
  preflight(clusterName: string, signal: AbortSignal, kubeconfig?: OpenedKubeconfig): Promise<string>;
  eks: ReturnType<typeof createEksApi>;
}

export function clusterSession(region: string, profile: string | undefined, deps: ClusterDeps): ClusterSession {
  let proven: AwsCredentialIdentityProvider | undefined;
  const credentials: AwsCredentialIdentityProvider = async () => {
    if (!proven) throw new Error('credentials were not checked');
    return proven();
  };
  const eks = createEksApi({ region, credentials, ...(deps.eksEndpoint ? { endpoint: deps.eksEndpoint } : {}) });
  return {
    region,
    credentials,
    eks,
    preflight: async (clusterName, signal, kubeconfig) => {
      const access = await checkAwsAccess({
        region,
        signal,
        ...(profile ? { profile } : {}),
        ...(deps.credentials ? { credentials: deps.credentials } : {}),
        ...(deps.stsEndpoint ? { endpoint: deps.stsEndpoint } : {}),
      });
      proven = access.credentials;
      const cluster = await eks.describeCluster(clusterName, signal).catch((error: unknown) => {
        if (error instanceof EksApiError && error.kind === 'notFound') throw new UsageError(`no cluster "${clusterName}" in ${region}`, { cause: error });
        throw new SafeEksctlError(`cannot read cluster "${clusterName}": ${(error as Error).message}`, ExitCode.unhealthy, { cause: error });
      });
      // UPDATING (a version or config update) still answers; CREATING, DELETING and FAILED do not, or not for long.
      if (cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') {
        throw new SafeEksctlError(`cluster "${clusterName}" is ${cluster.status}, not ACTIVE`, ExitCode.unhealthy);
      }
      if (kubeconfig) assertReachesCluster(kubeconfig, clusterName, cluster.endpoint);
      return `AWS account ${access.identity.account}, cluster ${cluster.status} (Kubernetes ${cluster.version})`;
    },
  };
}

/** Ctrl-C aborts the run (exit 130) instead of killing the process mid-patch. */
export async function withInterrupt<T>(fn: (interrupt: Interrupt) => Promise<T>): Promise<T> {
  const interrupt = createInterrupt();
  const stopListening = onStopSignals(() => interrupt.interrupt());
  try {
    return await fn(interrupt);
  } finally {
    stopListening();
  }
}

/** Phases 4–6 for a named cluster, as create builds them after eksctl. */
export function healTasks<Ctx>(
  timeline: PhaseTimeline,
  session: ClusterSession,
  options: PipelineOptions & { clusterName: string; configProfiles: readonly string[]; openedKubeconfig?: OpenedKubeconfig | undefined },
  recorder: RunRecorder,
  clock: NonNullable<ClusterDeps['clock']>,
  signal: AbortSignal,
): ListrTask<Ctx>[] {
  return clusterHealthTasks<Ctx>(timeline, {
    eks: session.eks,
    clusterName: options.clusterName,
    region: session.region,
    credentials: session.credentials,
    configProfiles: options.configProfiles,
    recorder,
    clock,
    signal,
    pollIntervalMs: options.pollIntervalMs,
    fargateTimeoutMs: options.fargateTimeoutMs,
    corednsTimeoutMs: options.corednsTimeoutMs,
    workloadsTimeoutMs: options.workloadsTimeoutMs,
    heal: true,
    workloads: options.workloads,
    deleteStrandedPods: options.deleteStrandedPods,
    ...optional('kubeconfig', options.kubeconfig),
    ...optional('context', options.context),
    ...(options.openedKubeconfig ? { openedKubeconfig: options.openedKubeconfig } : {}),
  });
}

/**
 * A pipeline on a named cluster: the phases `before` builds (Preflight first), then phases 4–6, with Ctrl-C wired to
 * the run and one recorder for the report.
 */
export function runOnCluster(
  target: { clusterName: string; region: string; profile?: string | undefined; configProfiles: readonly string[]; openedKubeconfig?: OpenedKubeconfig | undefined },
  options: PipelineOptions,
  io: Io,
  deps: ClusterDeps,
  before: (timeline: PhaseTimeline, session: ClusterSession, interrupt: Interrupt) => ListrTask<object>[],
): Promise<number> {
  const clock = deps.clock ?? systemClock;
  const session = clusterSession(target.region, target.profile, deps);
  const recorder = new RunRecorder(target.clusterName, () => clock.now());
  return withInterrupt((interrupt) =>
    runPipeline(
      (timeline) => [
        ...before(timeline, session, interrupt),
        ...healTasks<object>(
          timeline,
          session,
          { ...options, clusterName: target.clusterName, configProfiles: target.configProfiles, openedKubeconfig: target.openedKubeconfig },
          recorder,
          clock,
          interrupt.signal,
        ),
      ],
      recorder,
      {},
      { io, output: options.output, verbose: options.verbose, clock, interruptSignal: interrupt.signal },
    ),
  );
}

export async function heal(options: HealOptions, io: Io, deps: ClusterDeps = {}): Promise<number> {
  // A bad --kubeconfig or --context ends here, before any AWS call and before the profiles are waited for.
  const openedKubeconfig = openSelectedKubeconfig(options, io);
  const region = await regionFor(options, io);
  const target = { clusterName: options.cluster, region, profile: options.profile, configProfiles: [], openedKubeconfig };
  return runOnCluster(target, options, io, deps, (timeline, session, interrupt) => [
    phase<object>(timeline, 'Preflight', {
      title: 'Preflight',
      task: async (_ctx, task) => {
        task.title = `Preflight: ${await session.preflight(options.cluster, interrupt.signal, openedKubeconfig)}`;
      },
      rendererOptions: { persistentOutput: true },
    }),
  ]);
}
