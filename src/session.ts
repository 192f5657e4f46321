// The one place a cluster command (create, create fargateprofile, heal, check; demo through create) is wired: the
// cluster and its region, where output goes, the clock, Ctrl-C, the recorder of the report, EKS, the waits' settings,
// the credentials the preflight proves and one Kubernetes connection, made once and shared by every phase. Commands
// build a session, then hand it to the task factories; nothing here knows about listr2.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createEksApi, EksApiError, type ClusterInfo, type EksApi } from './adapters/eks.js';
import { createInterrupt, type EksctlRunner, type Interrupt } from './adapters/eksctl.js';
import { createEksKubeApi, kubeApiFromKubeconfig, type ClusterKubeApi } from './adapters/kube.js';
import type { KubeDeadlines } from './adapters/kube-deadlines.js';
import { assertReachesCluster, openKubeconfig, type OpenedKubeconfig } from './adapters/kubeconfig.js';
import { failFastWhenUnreachable } from './adapters/reach.js';
import { resolveRegion } from './adapters/region.js';
import { checkAwsAccess, type CallerIdentity } from './adapters/sts.js';
import { systemClock, type Clock } from './core/backoff.js';
import { DEFAULT_MS } from './core/defaults.js';
import { ExitCode, SafeEksctlError, UsageError } from './errors.js';
import { retrying, SINGLE_CALL_RETRY_MS } from './heal/retrying.js';
import type { Io } from './io.js';
import { RunRecorder } from './report.js';
import { onStopSignals } from './signals.js';

/** What tests and the demo swap in: the simulator's clock, credentials and endpoints. */
export interface ClusterDeps {
  clock?: Clock;
  credentials?: AwsCredentialIdentity;
  eksEndpoint?: string;
  stsEndpoint?: string;
  /** eksctl run in this process instead of spawned (tests: the simulated eksctl on their clock). */
  eksctlRunner?: EksctlRunner;
  /**
   * Every AWS call, its SDK retries and their real-time pauses included, runs inside this (tests on virtual time: as
   * work the clock waits for, so simulated time does not jump while a call waits out a backoff).
   */
  awsCall?: <T>(call: () => Promise<T>) => Promise<T>;
  /** The pause before an EKS call's next attempt, instead of the SDK's backoff (tests on virtual time: none). */
  awsRetryDelayMs?: (attempt: number) => number;
}

/** How long the waits wait, as the options gave them. */
export interface WaitSettings {
  /** `--poll-interval`: the longest pause between two polls. */
  pollIntervalMs: number;
  fargateTimeoutMs: number;
  corednsTimeoutMs: number;
  workloadsTimeoutMs: number;
}

/**
 * How Kubernetes is reached. Without a kubeconfig: DescribeCluster's endpoint and CA, and a token signed here. With
 * one already opened and checked (heal, create fargateprofile, check); or one to open when first needed, because
 * eksctl writes it during the run (create with --context).
 */
export type KubeconfigRoute = { opened: OpenedKubeconfig } | { kubeconfig?: string | undefined; context: string };

export interface SessionOptions {
  clusterName: string;
  region: string;
  /** `-p/--profile`; without it the SDK's chain honours AWS_PROFILE. */
  profile?: string | undefined;
  io: Io;
  deps?: ClusterDeps;
  waits?: WaitSettings;
  kubeconfig?: KubeconfigRoute | undefined;
}

export class ClusterSession {
  readonly clusterName: string;
  readonly region: string;
  readonly profile: string | undefined;
  readonly io: Io;
  readonly clock: Clock;
  /** The first Ctrl-C aborts `interrupt.signal` (every wait stops, eksctl gets SIGINT), the second `forceSignal`. */
  readonly interrupt: Interrupt = createInterrupt();
  readonly recorder: RunRecorder;
  readonly waits: WaitSettings;
  /** Resolves to the credentials the preflight proved; throws when asked before it. */
  readonly credentials: AwsCredentialIdentityProvider;
  readonly eks: EksApi;
  /** Runs eksctl in this process when a test gave one; undefined: eksctl is spawned. */
  readonly eksctlRunner: EksctlRunner | undefined;
  private proven: AwsCredentialIdentityProvider | undefined;
  private readonly deps: ClusterDeps;
  private route: KubeconfigRoute | undefined;
  private connection: Promise<ClusterKubeApi> | undefined;
  private connectedTo: ClusterInfo | undefined;

  constructor({ clusterName, region, profile, io, deps = {}, waits, kubeconfig }: SessionOptions) {
    this.clusterName = clusterName;
    this.region = region;
    this.profile = profile;
    this.io = io;
    this.deps = deps;
    this.route = kubeconfig;
    this.clock = deps.clock ?? systemClock;
    this.eksctlRunner = deps.eksctlRunner;
    this.recorder = new RunRecorder(clusterName, () => this.clock.now());
    this.waits = waits ?? {
      pollIntervalMs: DEFAULT_MS.pollInterval,
      fargateTimeoutMs: DEFAULT_MS.fargateTimeout,
      corednsTimeoutMs: DEFAULT_MS.corednsTimeout,
      workloadsTimeoutMs: DEFAULT_MS.workloadsTimeout,
    };
    this.credentials = async () => {
      if (!this.proven) throw new Error('credentials were not checked');
      return this.proven();
    };
    this.eks = createEksApi({
      region,
      credentials: this.credentials,
      ...(deps.eksEndpoint ? { endpoint: deps.eksEndpoint } : {}),
      ...(deps.awsCall ? { around: deps.awsCall } : {}),
      ...(deps.awsRetryDelayMs ? { retryDelayMs: deps.awsRetryDelayMs } : {}),
    });
  }

  /** Runs `fn` with SIGINT, SIGTERM and SIGHUP wired to the interrupt: the run stops cleanly (exit 130) instead of dying. */
  async stopOnSignals<T>(fn: () => Promise<T>): Promise<T> {
    const stopListening = onStopSignals(() => this.interrupt.interrupt());
    try {
      return await fn();
    } finally {
      stopListening();
    }
  }

  /** Resolves the credentials and proves them with STS GetCallerIdentity; every AWS call after this uses them. */
  async proveAccess(signal: AbortSignal): Promise<CallerIdentity> {
    const { deps, profile } = this;
    const around = deps.awsCall ?? (<T>(call: () => Promise<T>) => call());
    const access = await around(() =>
      checkAwsAccess({
        region: this.region,
        signal,
        ...(profile ? { profile } : {}),
        ...(deps.credentials ? { credentials: deps.credentials } : {}),
        ...(deps.stsEndpoint ? { endpoint: deps.stsEndpoint } : {}),
      }),
    );
    this.proven = access.credentials;
    return access.identity;
  }

  /** DescribeCluster of a cluster that must exist: a missing one is a usage error (exit 2), a failed read exit 1. */
  async describeExisting(signal: AbortSignal): Promise<ClusterInfo> {
    const { clusterName: name } = this;
    try {
      return await this.eks.describeCluster(name, signal);
    } catch (error) {
      if (signal.aborted || error instanceof SafeEksctlError) throw error;
      if (error instanceof EksApiError && error.kind === 'notFound') throw new UsageError(`no cluster "${name}" in ${this.region}`, { cause: error });
      throw new SafeEksctlError(`cannot read cluster "${name}": ${error instanceof Error ? error.message : String(error)}`, ExitCode.unhealthy, { cause: error });
    }
  }

  /**
   * Before anything changes: the credentials, and for a cluster that exists already (`existing`), that it answers and
   * that a kubeconfig given reaches it and no other. Says what it found, for the Preflight title.
   */
  async preflight(signal: AbortSignal, { existing }: { existing: boolean }): Promise<string> {
    const identity = await this.proveAccess(signal);
    const account = `AWS account ${identity.account}`;
    if (!existing) return account;
    const cluster = await this.describeExisting(signal);
    // UPDATING (a version or config update) still answers; CREATING, DELETING and FAILED do not, or not for long.
    if (cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') {
      throw new SafeEksctlError(`cluster "${this.clusterName}" is ${cluster.status}, not ACTIVE`, ExitCode.unhealthy);
    }
    if (this.route && 'opened' in this.route) assertReachesCluster(this.route.opened, this.clusterName, cluster.endpoint);
    return `${account}, cluster ${cluster.status} (Kubernetes ${cluster.version})`;
  }

  /**
   * The run's Kubernetes connection, made on first use: DescribeCluster (retried on a passing failure), then the
   * route's client. A failed attempt is tried afresh by the next caller.
   */
  kube(signal: AbortSignal = this.interrupt.signal): Promise<ClusterKubeApi> {
    this.connection ??= this.connect(signal).catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  /** The cluster as DescribeCluster described it to the connection (Auto Mode, endpoint access), once connected. */
  cluster(): ClusterInfo | undefined {
    return this.connectedTo;
  }

  /**
   * A client for `cluster` by the session's route, each request under `deadlines`. On a private endpoint seen from
   * outside its VPC the first refused connection is an ApiServerUnreachableError (exit 6), not a retry.
   */
  kubeFor(cluster: ClusterInfo, deadlines?: KubeDeadlines): ClusterKubeApi {
    const opened = this.route && 'opened' in this.route ? this.route.opened : undefined;
    const kube = opened
      ? kubeApiFromKubeconfig(opened.kc, deadlines)
      : createEksKubeApi({
          clusterName: this.clusterName,
          ...(cluster.id ? { clusterId: cluster.id } : {}),
          region: this.region,
          endpoint: cluster.endpoint,
          caData: cluster.caData,
          credentials: this.credentials,
          ...(deadlines ? { deadlines } : {}),
        });
    return failFastWhenUnreachable(kube, cluster, this.region);
  }

  private async connect(signal: AbortSignal): Promise<ClusterKubeApi> {
    // Like the profile list, one DescribeCluster must not fail the heal on a single 429 or 5xx.
    const deadline = this.clock.now() + SINGLE_CALL_RETRY_MS;
    const cluster = await retrying(() => this.eks.describeCluster(this.clusterName, signal), { clock: this.clock, signal, deadline });
    this.connectedTo = cluster;
    if (!this.route) return this.kubeFor(cluster);
    try {
      // Never heal another cluster than the one named: the context must reach DescribeCluster's endpoint.
      assertReachesCluster(this.openedKubeconfig(this.route), this.clusterName, cluster.endpoint);
      return this.kubeFor(cluster);
    } catch (error) {
      // Exit 2 promises nothing was started; by now something was (eksctl, the waits), so this is a failed operation.
      if (error instanceof UsageError) throw new SafeEksctlError(error.message, ExitCode.unhealthy, { cause: error });
      throw error;
    }
  }

  /** After `eksctl create cluster` the file is new: a context it lacks is named here, not as "No active cluster!". */
  private openedKubeconfig(route: KubeconfigRoute): OpenedKubeconfig {
    if ('opened' in route) return route.opened;
    const { kubeconfig, context } = route;
    const opened = openKubeconfig({ ...(kubeconfig ? { kubeconfig } : {}), context }, this.io.env, this.io.cwd);
    this.route = { opened };
    return opened;
  }
}

/** --region, else AWS_REGION of the command's environment, else the AWS profile's region; exit 2 when none. */
export async function regionFor(options: { region?: string | undefined; profile?: string | undefined }, io: Pick<Io, 'env'>): Promise<string> {
  return options.region ?? (io.env['AWS_REGION'] || undefined) ?? (await resolveRegion(options.profile ? { profile: options.profile } : {}));
}

/** The kubeconfig --kubeconfig / --context select, loaded and checked; undefined when neither is given. */
export function openSelectedKubeconfig(
  options: { kubeconfig?: string | undefined; context?: string | undefined },
  io: Pick<Io, 'env' | 'cwd'>,
): OpenedKubeconfig | undefined {
  const { kubeconfig, context } = options;
  if (!kubeconfig && !context) return undefined;
  return openKubeconfig({ ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) }, io.env, io.cwd);
}
