// Healing CoreDNS: restart it only when a pod is Pending on default-scheduler although an ACTIVE Fargate profile now
// matches it, make sure the replacements really went to Fargate, and wait until every replica is Ready.
import { KubeApiError, type DeploymentInfo, type KubeApi } from '../adapters/kube.js';
import { type Clock, pollDelays, restartDelays, systemClock } from '../core/backoff.js';
import { DEFAULT_MS } from '../core/defaults.js';
import { COMPUTE_TYPE_ANNOTATION, COREDNS_DEPLOYMENT, COREDNS_NAMESPACE, COREDNS_SELECTOR } from '../core/coredns.js';
import {
  classifyCoreDnsPods,
  countStates,
  isUsableEc2Node,
  type ClassifiedPod,
  type FargateProfileView,
  type NodeInfo,
  type PodInfo,
} from '../core/pods.js';
import { newProbeGate, newProbeSupport, PROBE_INTERVAL_MS, restartMade, type ProbeGate, type ProbeSupport } from '../core/restart-gate.js';
import { rolledOut } from '../core/workloads.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import type { CoreDnsRecord } from '../report.js';
import { neverRuns, timeoutMessage, waitingFor } from './coredns-messages.js';
import { stepTowardRestart, type GateContext } from './step-toward-restart.js';

export interface HealProgress {
  /** null until CoreDNS was read once. */
  desired: number | null;
  ready: number | null;
  restarts: number;
  states: ReturnType<typeof countStates>;
  /** What the heal is doing now, in a few words. */
  activity: string;
}

export interface HealCoreDnsOptions {
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
  /**
   * Epoch ms before which the first restart may not come when the probe cannot be used: the webhook grace after the
   * capturing profile turned ACTIVE (the heal while eksctl runs). With the probe, the webhook's answer decides.
   */
  firstRestartNotBefore?: number;
  /** EKS Auto Mode launches a node for a pod no profile captures: such a pod is waiting, not unschedulable. */
  nodesOnDemand?: boolean;
  onProgress?: (progress: HealProgress) => void;
  /** Said once per run, when the probe cannot be used and the restarts fall back to a guess. */
  onProbeFallback?: (why: string) => void;
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
  /** CoreDNS's probes of the Fargate webhook. */
  gate: ProbeGate;
  /** Whether the probe works on this cluster; the stranded workloads' heal shares it. */
  support: ProbeSupport;
}

export function newHealState(restartBackoff: Iterator<number> = restartDelays(), support: ProbeSupport = newProbeSupport()): HealState {
  return {
    // Unknown until the first look: a heal that never got an answer must not report 0/0 and nothing stuck.
    record: { desired: null, ready: null, stuckBefore: null, restarts: 0, annotationRemoved: false, probes: 0, restartProbes: [] },
    looked: false,
    podsAtRestart: undefined,
    nextRestartAt: 0,
    restartBackoff,
    gate: newProbeGate(),
    support,
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

/** What the last look at CoreDNS found, while some of its pods want a restart. */
interface StuckView {
  deployment: DeploymentInfo;
  pods: PodInfo[];
  freshStuck: ClassifiedPod[];
  readAt: number;
}

/** The pure heal loop, against KubeApi and a Clock. Resolves when CoreDNS is fully rolled out and Ready. */
export async function healCoreDns(kube: KubeApi, options: HealCoreDnsOptions): Promise<HealResult> {
  const {
    profiles,
    clock = systemClock,
    signal,
    timeoutMs = DEFAULT_MS.corednsTimeout,
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
  const gate: GateContext = { kube, clock, gate: state.gate, support: state.support, onFallback: options.onProbeFallback };
  // Pods are read on the poll schedule; between two reads, stuck pods only make the probe ask the webhook again.
  let nextReadAt = clock.now();
  let stuck: StuckView | undefined;
  let activity = 'waiting for CoreDNS to be Ready';

  /** One step toward restarting the stuck pods `view` found: the time to come back when it has to wait, or 'read'. */
  const towardRestart = async (view: StuckView): Promise<number | 'read'> => {
    const removeEc2 = view.deployment.templateAnnotations[COMPUTE_TYPE_ANNOTATION] === 'ec2';
    const change = { at: new Date(clock.now()), ...(removeEc2 ? { removeAnnotations: [COMPUTE_TYPE_ANNOTATION] } : {}) };
    const target = { namespace, ownerName: deploymentName, template: view.deployment.template, examplePod: view.freshStuck[0]?.pod };
    const first = record.restarts === 0;
    const times = { notBefore: first ? 0 : state.nextRestartAt, fallbackNotBefore: first ? (options.firstRestartNotBefore ?? 0) : 0 };
    const step = await stepTowardRestart(gate, target, change, times, view.readAt);
    record.probes = state.gate.probes;
    if (step.kind === 'restart') {
      await kube.restartDeployment(namespace, deploymentName, change);
      record.restarts++;
      record.annotationRemoved ||= removeEc2;
      record.restartProbes.push(step.probe);
      if (step.probe.probe === 'skipped' && state.support.fallback) record.probeFallback = state.support.fallback;
      restartMade(state.gate);
      state.podsAtRestart = new Set(view.pods.map((p) => p.name));
      state.nextRestartAt = clock.now() + (state.restartBackoff.next().value ?? 0);
      stuck = undefined;
      activity = record.restarts === 1 ? 'restarted; waiting for Fargate pods' : 'replacements missed Fargate; restarted again';
      return Infinity;
    }
    if (step.kind === 'read-again') {
      nextReadAt = clock.now();
      return 'read';
    }
    activity = waitingFor(step.why, view.freshStuck[0]?.profile, state.gate);
    return step.untilMs;
  };

  for (;;) {
    signal?.throwIfAborted();
    let wakeAt = Infinity;
    let stepped = false;
    try {
      // A probe that is due goes before a read that is due: the read cannot hasten the restart, only delay it.
      if (stuck) {
        const next = await towardRestart(stuck);
        stepped = next !== 'read';
        if (next !== 'read') wakeAt = next;
      }
      if (clock.now() >= nextReadAt) {
        activity = 'waiting for CoreDNS to be Ready';
        nextReadAt = clock.now() + (delays.next().value ?? 0);
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
        stuck = freshStuck.length > 0 ? { deployment, pods, freshStuck, readAt: clock.now() } : undefined;
        // Stuck pods want a restart, which the gate below times; otherwise CoreDNS may be done, or never able to run.
        if (!stuck && live.length > 0 && live.every((c) => c.state === 'unschedulable')) throw fail(neverRuns(namespace, live));
        if (!stuck && rolledOut(deployment) && live.filter((c) => c.state === 'healthy').length >= deployment.desired) {
          onProgress?.({ desired: record.desired, ready: record.ready, restarts: record.restarts, states: countStates(classified), activity: 'ready' });
          return { ...record, found: true, pods: classified };
        }
      }
      if (stuck && !stepped) {
        const next = await towardRestart(stuck);
        // A second 'read' cannot come: this read is fresh.
        if (next !== 'read') wakeAt = next;
      }
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      if (!error.retryable) throw fail(`CoreDNS cannot be checked: ${error.message}`, error);
      lastTransient = error;
      // A failed call is tried again in a second, not at the next poll: several in a row would otherwise cost minutes.
      // A restart under way keeps the last good read to go by.
      nextReadAt = Math.min(nextReadAt, clock.now() + PROBE_INTERVAL_MS);
      if (stuck) wakeAt = clock.now() + PROBE_INTERVAL_MS;
      activity = `retrying after: ${error.message}`;
    }
    onProgress?.({ desired: record.desired, ready: record.ready, restarts: record.restarts, states: countStates(classified), activity });
    const left = deadline - clock.now();
    if (left <= 0) throw fail(await timeoutMessage(kube, namespace, record, classified, clock.now() - start, lastTransient, state.gate));
    // No pause at all when the pods are to be read again at once (the webhook just said Fargate): a restart is due.
    const pause = Math.min(Math.min(nextReadAt, wakeAt) - clock.now(), left);
    if (pause > 0) await clock.sleep(pause, signal);
  }
}
