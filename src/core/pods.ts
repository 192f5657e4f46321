// Why a CoreDNS pod is not serving yet, and whether a restart would help. Pure: the adapters map Kubernetes objects
// into PodInfo, and the caller passes the ACTIVE profiles and the time.
import { matchingProfile, type ProfileLike } from './selectors.js';

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The parts of a Pod the heal looks at. */
export interface PodInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** default-scheduler, or fargate-scheduler when the Fargate webhook captured the pod at admission. */
  schedulerName: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  conditions: PodCondition[];
  nodeName?: string;
  /** Epoch ms. */
  creationTimestamp: number;
  /** Set while the pod is being deleted (an old ReplicaSet's pod during a rollout). */
  deletionTimestamp?: number;
  ownerReferences: { kind: string; name: string }[];
  /** metadata.uid: tells a StatefulSet's recreated pod from the one it replaces (same name). */
  uid?: string;
}

/** The parts of a Node that say whether default-scheduler pods can run there. */
export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
  taints: { key: string; value?: string; effect: string }[];
}

/** A Fargate profile as the webhook sees it: name and selectors. */
export type FargateProfileView = ProfileLike;

export const FARGATE_SCHEDULER = 'fargate-scheduler';
/** Fargate pods take roughly 30–90 s from admission to Running. */
export const DEFAULT_FARGATE_START_MS = 3 * 60_000;

export type PodState =
  /** Running and Ready. */
  | 'healthy'
  /** On its way: admitted by fargate-scheduler within the start allowance, or headed for an EC2 node. */
  | 'starting'
  /** Pending on default-scheduler while an ACTIVE profile matches it: only a restart gets it onto Fargate. */
  | 'stuck'
  /** Pending on default-scheduler, no ACTIVE profile matches it and there is no EC2 node: it can never run. */
  | 'unschedulable'
  /** Admitted and placed, but not Ready within the start allowance (or Failed): a restart would not help. */
  | 'failing'
  /** Being deleted; the rollout replaces it. */
  | 'terminating';

export interface ClassifiedPod {
  pod: PodInfo;
  state: PodState;
  /** The profile that matches the pod now (stuck and Fargate pods). */
  profile?: string;
  /** One line for the user: the scheduler's or kubelet's reason, or ours. */
  reason: string;
}

export interface ClassifyOptions {
  /** ACTIVE profiles only. */
  profiles: readonly FargateProfileView[];
  /** Epoch ms, on the cluster's clock. */
  now: number;
  fargateStartMs?: number;
  /** Whether a Ready, schedulable EC2 node exists, where default-scheduler pods can land. */
  ec2NodesAvailable: boolean;
}

export function classifyCoreDnsPods(pods: readonly PodInfo[], options: ClassifyOptions): ClassifiedPod[] {
  return pods.map((pod) => classifyPod(pod, options));
}

export function classifyPod(
  pod: PodInfo,
  { profiles, now, fargateStartMs = DEFAULT_FARGATE_START_MS, ec2NodesAvailable }: ClassifyOptions,
): ClassifiedPod {
  const profile = matchingProfile(profiles, pod)?.name;
  const withProfile = profile !== undefined ? { profile } : {};
  if (pod.deletionTimestamp !== undefined) return { pod, state: 'terminating', reason: 'being deleted', ...withProfile };
  if (pod.phase === 'Running' && conditionTrue(pod, 'Ready')) return { pod, state: 'healthy', reason: 'Running and Ready', ...withProfile };
  if (pod.phase === 'Failed' || pod.phase === 'Succeeded') {
    return { pod, state: 'failing', reason: conditionReason(pod) ?? `phase ${pod.phase}`, ...withProfile };
  }
  const age = now - pod.creationTimestamp;
  const overdue = age > fargateStartMs;
  if (pod.schedulerName === FARGATE_SCHEDULER) {
    if (!overdue) return { pod, state: 'starting', reason: `starting on Fargate (${seconds(age)} s since admission)`, ...withProfile };
    return { pod, state: 'failing', reason: conditionReason(pod) ?? `not Ready ${seconds(age)} s after Fargate admission`, ...withProfile };
  }
  const unscheduled = pod.phase === 'Pending' && !pod.nodeName;
  if (unscheduled && profile !== undefined) {
    return {
      pod,
      state: 'stuck',
      profile,
      reason: `Pending on ${pod.schedulerName} although Fargate profile "${profile}" matches it` + reasonSuffix(pod),
    };
  }
  if (unscheduled && !ec2NodesAvailable) {
    return { pod, state: 'unschedulable', reason: `no ACTIVE Fargate profile matches it and there is no EC2 node` + reasonSuffix(pod) };
  }
  // Bound to (or headed for) an EC2 node: EC2 pods start in seconds, so give them the same allowance.
  if (!overdue) return { pod, state: 'starting', reason: pod.nodeName ? `starting on node ${pod.nodeName}` : 'waiting for an EC2 node', ...withProfile };
  return { pod, state: 'failing', reason: conditionReason(pod) ?? `not Ready ${seconds(age)} s after creation`, ...withProfile };
}

function conditionTrue(pod: PodInfo, type: string): boolean {
  return pod.conditions.some((c) => c.type === type && c.status === 'True');
}

/** The first False condition with something to say, e.g. "Unschedulable: 0/0 nodes are available". */
function conditionReason(pod: PodInfo): string | undefined {
  const order = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'];
  const failed = pod.conditions
    .filter((c) => c.status !== 'True' && (c.reason || c.message))
    .sort((a, b) => rank(order, a.type) - rank(order, b.type))[0];
  if (!failed) return undefined;
  return [failed.reason, failed.message].filter(Boolean).join(': ');
}

function reasonSuffix(pod: PodInfo): string {
  const reason = conditionReason(pod);
  return reason ? ` (${reason})` : '';
}

function rank(order: readonly string[], type: string): number {
  const i = order.indexOf(type);
  return i === -1 ? order.length : i;
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1_000));
}

/** Counts per state, for titles and reports. */
/** A Ready, schedulable node that is not a Fargate node: default-scheduler pods can run there. */
export function isUsableEc2Node(node: NodeInfo): boolean {
  const fargate =
    node.name.startsWith('fargate-') ||
    node.labels['eks.amazonaws.com/compute-type'] === 'fargate' ||
    node.taints.some((t) => t.key === 'eks.amazonaws.com/compute-type' && t.effect === 'NoSchedule');
  return node.ready && !node.unschedulable && !fargate;
}

export function countStates(classified: readonly ClassifiedPod[]): Record<PodState, number> {
  const counts: Record<PodState, number> = { healthy: 0, starting: 0, stuck: 0, unschedulable: 0, failing: 0, terminating: 0 };
  for (const c of classified) counts[c.state]++;
  return counts;
}

/**
 * A warning for an addon whose pods stay Pending (eksctl's metrics-server on a Fargate-only cluster), with why, or
 * undefined when none is. Pods on their way (starting) are not stranded.
 */
export function pendingPodsWarning(addon: string, classified: readonly ClassifiedPod[]): string | undefined {
  const never = classified.filter((c) => c.state === 'unschedulable');
  const stuck = classified.filter((c) => c.state === 'stuck');
  const pods = (n: number) => (n === 1 ? '1 pod' : `${n} pods`);
  if (never.length > 0) {
    const { namespace, labels } = never[0]!.pod;
    const shown = Object.entries(labels).filter(([k]) => k !== 'pod-template-hash').map(([k, v]) => `${k}=${v}`).join(',');
    return (
      `${addon}: ${pods(never.length)} Pending: no ACTIVE Fargate profile matches them (namespace ${namespace}, labels ${shown || 'none'}) ` +
      `and there is no EC2 node; a ${namespace} selector without labels would take them`
    );
  }
  if (stuck.length > 0) {
    return (
      `${addon}: ${pods(stuck.length)} Pending on default-scheduler although Fargate profile "${stuck[0]!.profile}" matches them ` +
      '(admitted before it was ACTIVE); --workloads restarts them'
    );
  }
  return undefined;
}
