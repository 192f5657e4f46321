// "Heal CoreDNS": restart CoreDNS only when a pod is Pending on default-scheduler although an ACTIVE Fargate profile
// now matches it, make sure the replacements really went to Fargate, and wait until every replica is Ready.
import type { ListrTask } from 'listr2';
import { type Clock, pollDelays, restartDelays, systemClock } from '../core/backoff.js';
import {
  classifyCoreDnsPods,
  countStates,
  type ClassifiedPod,
  type FargateProfileView,
} from '../core/pods.js';
import type { ClusterInfo } from '../adapters/eks.js';
import { KubeApiError, type DeploymentInfo, type KubeApi, type NodeInfo } from '../adapters/kube.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { formatDuration, plural, restartCount, type CoreDnsRecord } from '../report.js';

export const DEFAULT_COREDNS_TIMEOUT_MS = 10 * 60_000;
export const COREDNS_NAMESPACE = 'kube-system';
export const COREDNS_DEPLOYMENT = 'coredns';
export const COREDNS_SELECTOR = 'k8s-app=kube-dns';
/** Manifests for Kubernetes ≤ 1.28 carry it; the Fargate webhook skips pods with `ec2`, so a plain restart is useless. */
export const COMPUTE_TYPE_ANNOTATION = 'eks.amazonaws.com/compute-type';

export interface HealProgress {
  /** null until CoreDNS was read once. */
  desired: number | null;
  ready: number | null;
  restarts: number;
  states: ReturnType<typeof countStates>;
  /** What the heal is doing now, in a few words. */
  activity: string;
}

export interface HealOptions {
  /** ACTIVE Fargate profiles with their selectors. */
  profiles: readonly FargateProfileView[];
  clock?: Clock;
  signal?: AbortSignal;
  /** `--coredns-timeout` in ms. */
  timeoutMs?: number;
  fargateStartMs?: number;
  /** Pauses between checks; defaults to pollDelays(). */
  delays?: Iterator<number>;
  /** Least time between two restarts; defaults to restartDelays(). Ignored when `state` is given (it has its own). */
  restartBackoff?: Iterator<number>;
  /**
   * What an earlier heal of the same CoreDNS did (the one while eksctl runs): this heal goes on from there, with its
   * counts, its restart backoff and the pods that existed at its last restart, and leaves its own work in it too.
   */
  state?: HealState;
  namespace?: string;
  deployment?: string;
  labelSelector?: string;
  /** EKS Auto Mode launches a node for a pod no profile captures: such a pod is waiting, not unschedulable. */
  nodesOnDemand?: boolean;
  onProgress?: (progress: HealProgress) => void;
}

export interface HealResult extends CoreDnsRecord {
  /** False when the cluster has no CoreDNS Deployment (nothing to heal). */
  found: boolean;
  /** The pods as last classified. */
  pods: ClassifiedPod[];
}

/** A heal's memory, shared by the heal during eksctl and the one after it so the two count and pace as one. */
export interface HealState {
  record: CoreDnsRecord;
  /** stuckBefore is taken from the first look only. */
  looked: boolean;
  /** Pods that existed at the last restart: only pods created after it tell whether the webhook saw the profile. */
  podsAtRestart: Set<string> | undefined;
  nextRestartAt: number;
  restartBackoff: Iterator<number>;
}

export function newHealState(restartBackoff: Iterator<number> = restartDelays()): HealState {
  return {
    // Unknown until the first look: a heal that never got an answer must not report 0/0 and nothing stuck.
    record: { desired: null, ready: null, stuckBefore: null, restarts: 0, annotationRemoved: false },
    looked: false,
    podsAtRestart: undefined,
    nextRestartAt: 0,
    restartBackoff,
  };
}

/** CoreDNS will not be Ready (exit 4), with what was done for the report. */
export class CoreDnsHealError extends SafeEksctlError {
  constructor(
    message: string,
    readonly coredns: CoreDnsRecord,
    cause?: unknown,
  ) {
    super(message, ExitCode.coreDns, { cause });
    this.name = 'CoreDnsHealError';
  }
}

/** The pure heal loop, against KubeApi and a Clock. Resolves when CoreDNS is fully rolled out and Ready. */
export async function healCoreDns(kube: KubeApi, options: HealOptions): Promise<HealResult> {
  const {
    profiles,
    clock = systemClock,
    signal,
    timeoutMs = DEFAULT_COREDNS_TIMEOUT_MS,
    fargateStartMs,
    delays = pollDelays(),
    restartBackoff,
    state = newHealState(restartBackoff),
    namespace = COREDNS_NAMESPACE,
    deployment: deploymentName = COREDNS_DEPLOYMENT,
    labelSelector = COREDNS_SELECTOR,
    nodesOnDemand = false,
    onProgress,
  } = options;
  const start = clock.now();
  const deadline = start + timeoutMs;
  const { record } = state;
  let nodes: NodeInfo[] | undefined;
  let classified: ClassifiedPod[] = [];
  let lastTransient: KubeApiError | undefined;
  const fail = (message: string, cause?: unknown) => new CoreDnsHealError(message, { ...record }, cause);

  for (;;) {
    signal?.throwIfAborted();
    let activity = 'waiting for CoreDNS to be Ready';
    try {
      const deployment = await kube.getDeployment(namespace, deploymentName);
      // Read, and not there: nothing desired, nothing stuck.
      if (!deployment) return { ...record, desired: 0, ready: 0, stuckBefore: record.stuckBefore ?? 0, found: false, pods: [] };
      const pods = await kube.listPods(namespace, labelSelector);
      record.desired = deployment.desired;
      record.ready = deployment.ready;
      // Nodes matter only to tell "waiting for an EC2 node" from "can never run"; ask once, and again while it matters.
      const needNodes = nodes === undefined || classified.some((c) => c.state === 'unschedulable');
      if (needNodes) nodes = await kube.listNodes();
      classified = classifyCoreDnsPods(pods, {
        profiles,
        now: clock.now(),
        ec2NodesAvailable: nodesOnDemand || (nodes ?? []).some(isUsableEc2Node),
        ...(fargateStartMs !== undefined ? { fargateStartMs } : {}),
      });
      lastTransient = undefined;
      const live = classified.filter((c) => c.state !== 'terminating');
      if (!state.looked) {
        record.stuckBefore = live.filter((c) => c.state === 'stuck').length;
        state.looked = true;
      }
      const freshStuck = live.filter((c) => c.state === 'stuck' && !state.podsAtRestart?.has(c.pod.name));

      if (freshStuck.length > 0 && (record.restarts === 0 || clock.now() >= state.nextRestartAt)) {
        const removeEc2 = deployment.templateAnnotations[COMPUTE_TYPE_ANNOTATION] === 'ec2';
        await kube.restartDeployment(namespace, deploymentName, {
          at: new Date(clock.now()),
          ...(removeEc2 ? { removeAnnotations: [COMPUTE_TYPE_ANNOTATION] } : {}),
        });
        record.restarts++;
        record.annotationRemoved ||= removeEc2;
        state.podsAtRestart = new Set(pods.map((p) => p.name));
        state.nextRestartAt = clock.now() + (state.restartBackoff.next().value ?? 0);
        activity = record.restarts === 1 ? 'restarted; waiting for Fargate pods' : `replacements missed Fargate; restarted again`;
      } else if (live.length > 0 && live.every((c) => c.state === 'unschedulable')) {
        throw fail(neverRuns(namespace, live));
      } else if (freshStuck.length > 0) {
        activity = 'replacements missed Fargate; restarting again shortly';
      } else if (rolledOut(deployment) && live.filter((c) => c.state === 'healthy').length >= deployment.desired) {
        onProgress?.({ desired: record.desired, ready: record.ready, restarts: record.restarts, states: countStates(classified), activity: 'ready' });
        return { ...record, found: true, pods: classified };
      }
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      if (!error.retryable) throw fail(`CoreDNS cannot be checked: ${error.message}`, error);
      lastTransient = error;
      activity = `retrying after: ${error.message}`;
    }
    onProgress?.({ desired: record.desired, ready: record.ready, restarts: record.restarts, states: countStates(classified), activity });
    const left = deadline - clock.now();
    if (left <= 0) throw fail(await timeoutMessage(kube, namespace, record, classified, clock.now() - start, lastTransient));
    await clock.sleep(Math.min(delays.next().value ?? left, left), signal);
  }
}

/** `1/2`, or `?/?` while CoreDNS was never read. */
function readyCount({ ready, desired }: { ready: number | null; desired: number | null }): string {
  return `${ready ?? '?'}/${desired ?? '?'}`;
}

/** `kubectl rollout status` done: the new template observed, every replica updated and available, no old pods left. */
export function rolledOut(d: DeploymentInfo): boolean {
  return d.observedGeneration >= d.generation && d.updated >= d.desired && d.current <= d.updated && d.available >= d.updated && d.ready >= d.desired;
}

/** A Ready, schedulable node that is not a Fargate node: default-scheduler pods can run there. */
export function isUsableEc2Node(node: NodeInfo): boolean {
  const fargate =
    node.name.startsWith('fargate-') ||
    node.labels['eks.amazonaws.com/compute-type'] === 'fargate' ||
    node.taints.some((t) => t.key === 'eks.amazonaws.com/compute-type' && t.effect === 'NoSchedule');
  return node.ready && !node.unschedulable && !fargate;
}

function neverRuns(namespace: string, pods: readonly ClassifiedPod[]): string {
  const labels = pods[0] ? Object.entries(pods[0].pod.labels).filter(([k]) => k !== 'pod-template-hash').map(([k, v]) => `${k}=${v}`).join(',') : '';
  return (
    `CoreDNS can never run: no ACTIVE Fargate profile matches its pods (namespace ${namespace}, labels ${labels || 'none'}) ` +
    `and the cluster has no EC2 node. Add a Fargate profile selecting namespace ${namespace} (no labels), or a nodegroup.`
  );
}

async function timeoutMessage(
  kube: KubeApi,
  namespace: string,
  record: CoreDnsRecord,
  classified: readonly ClassifiedPod[],
  waitedMs: number,
  lastTransient: KubeApiError | undefined,
): Promise<string> {
  const parts = [`CoreDNS is not Ready after ${formatDuration(waitedMs)} (${readyCount(record)} ready, ${plural(record.restarts, 'restart')})`];
  if (lastTransient) parts.push(`last error: ${lastTransient.message}`);
  const notReady = classified.filter((c) => c.state !== 'healthy' && c.state !== 'terminating').slice(0, 3);
  for (const c of notReady) {
    let event = '';
    try {
      const latest = (await kube.listEvents(namespace, c.pod.name)).at(-1);
      if (latest) event = `; latest event: ${latest.reason}: ${latest.message}`;
    } catch {
      // The events only decorate the message; the timeout is the failure to report.
    }
    parts.push(`pod ${c.pod.name} ${c.state}: ${c.reason}${event}`);
  }
  return parts.join('\n  ');
}

export interface HealTaskOptions extends Omit<HealOptions, 'profiles' | 'onProgress' | 'nodesOnDemand'> {
  /** Connects to Kubernetes when the phase starts (DescribeCluster + token, or the kubeconfig). */
  connect: () => Promise<KubeApi>;
  /** DescribeCluster as the connection saw it: Auto Mode runs DNS itself and launches nodes on demand. */
  cluster?: () => ClusterInfo | undefined;
  /** ACTIVE profiles, read when the phase starts (the wait phase fills them in). */
  profiles: () => readonly FargateProfileView[];
  /** Receives the record when the heal ends, healed or not. */
  onResult?: (record: CoreDnsRecord) => void;
}

export const HEAL_COREDNS_TITLE = 'Heal CoreDNS';

export function healCoreDnsTask<Ctx>({ connect, cluster, profiles, onResult, ...options }: HealTaskOptions): ListrTask<Ctx> {
  return {
    title: HEAL_COREDNS_TITLE,
    task: async (_ctx, task) => {
      const kube = await connect();
      const autoMode = cluster?.()?.autoMode === true;
      try {
        const result = await healCoreDns(kube, {
          ...options,
          nodesOnDemand: autoMode && (cluster?.()?.autoModeNodePools.length ?? 0) > 0,
          profiles: profiles(),
          onProgress: (p) => (task.title = `${HEAL_COREDNS_TITLE}: ${readyCount(p)} ready, ${p.activity}`),
        });
        const { found: _found, pods: _pods, ...record } = result;
        onResult?.(record);
        task.title = !result.found
          ? `${HEAL_COREDNS_TITLE}: ${autoMode ? 'no CoreDNS Deployment: EKS Auto Mode runs the cluster DNS' : 'no CoreDNS Deployment'}, nothing to heal`
          : `${HEAL_COREDNS_TITLE}: ${result.ready}/${result.desired} ready, ${result.restarts === 0 ? 'nothing restarted' : `restarted ${restartCount(result)}`}`;
      } catch (error) {
        if (error instanceof CoreDnsHealError) onResult?.(error.coredns);
        throw error;
      }
    },
  };
}
