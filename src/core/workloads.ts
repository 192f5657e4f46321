// Workloads a new Fargate profile stranded: pods admitted before the profile was ACTIVE keep default-scheduler and
// stay Pending for ever, because pods are never re-admitted (../shared/design/eks-facts.md, "The race"). Pure: the
// caller lists the Pending pods and resolves ReplicaSet owners; this decides what may be done to each owner.
import type { FargateProfileView, PodInfo } from './pods.js';
import { matchingProfile } from './selectors.js';

export const DEFAULT_SCHEDULER = 'default-scheduler';

/** A Deployment's or StatefulSet's counts, as its status reports them (StatefulSet counts mapped alike). */
export interface RolloutStatus {
  generation: number;
  observedGeneration: number;
  /** spec.replicas */
  desired: number;
  /** status.replicas: pods of every revision. */
  current: number;
  updated: number;
  ready: number;
  available: number;
}

/** `kubectl rollout status` done: the new template observed, every replica updated and available, no old pods left. */
export function rolledOut(d: RolloutStatus): boolean {
  return d.observedGeneration >= d.generation && d.updated >= d.desired && d.current <= d.updated && d.available >= d.updated && d.ready >= d.desired;
}

/** A Pending, unscheduled default-scheduler pod that an ACTIVE profile matches now. */
export interface StrandedPod {
  pod: PodInfo;
  /** The profile Fargate would give the pod if it were admitted again. */
  profile: string;
}

export function findStrandedPods(pods: readonly PodInfo[], profiles: readonly FargateProfileView[]): StrandedPod[] {
  const stranded: StrandedPod[] = [];
  for (const pod of pods) {
    if (pod.phase !== 'Pending' || pod.nodeName || pod.deletionTimestamp !== undefined) continue;
    if (pod.schedulerName !== DEFAULT_SCHEDULER) continue;
    const profile = matchingProfile(profiles, pod);
    if (profile) stranded.push({ pod, profile: profile.name });
  }
  return stranded;
}

export interface OwnerRef {
  kind: string;
  name: string;
}

/** What may be done about the stranded pods of one owner. */
export type StrandedAction =
  /** Deployment or StatefulSet: a rollout restart recreates the pods, and the webhook admits them onto Fargate. */
  | 'restart'
  /** Orphan ReplicaSet, bare Pod or another controller, with --delete-stranded-pods. */
  | 'delete'
  /** The same without --delete-stranded-pods: named in the report, not touched. */
  | 'report'
  /** DaemonSet pods: they cannot run on Fargate, whatever a profile selects. */
  | 'leave';

export interface StrandedOwner {
  /** Deployment, StatefulSet, ReplicaSet, DaemonSet, Pod (a bare pod: the pod itself), or whatever owns the pod. */
  kind: string;
  namespace: string;
  name: string;
  profile: string;
  /** The stranded pods' names. */
  pods: string[];
  action: StrandedAction;
  /** Why this action, in the user's words. */
  reason: string;
}

/** The controller a pod names; a pod has at most one, and the API lists it first in practice. */
export function podOwner(pod: PodInfo): OwnerRef | undefined {
  return pod.ownerReferences[0];
}

/** Key of a ReplicaSet in the owner map handed to planStrandedOwners. */
export function replicaSetKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The ReplicaSets whose owners must be looked up before planStrandedOwners can run, each once. */
export function replicaSetsToResolve(stranded: readonly StrandedPod[]): { namespace: string; name: string }[] {
  const seen = new Map<string, { namespace: string; name: string }>();
  for (const { pod } of stranded) {
    const owner = podOwner(pod);
    if (owner?.kind === 'ReplicaSet') seen.set(replicaSetKey(pod.namespace, owner.name), { namespace: pod.namespace, name: owner.name });
  }
  return [...seen.values()];
}

/**
 * Groups stranded pods by the object that must act, and decides the action. `replicaSetOwners` maps
 * replicaSetKey(ns, name) to the ReplicaSet's own controller (undefined: an orphan ReplicaSet).
 */
export function planStrandedOwners(
  stranded: readonly StrandedPod[],
  replicaSetOwners: ReadonlyMap<string, OwnerRef | undefined>,
  { deleteStrandedPods }: { deleteStrandedPods: boolean },
): StrandedOwner[] {
  const owners = new Map<string, StrandedOwner>();
  for (const { pod, profile } of stranded) {
    const direct = podOwner(pod);
    let kind = direct?.kind ?? 'Pod';
    let name = direct?.name ?? pod.name;
    if (direct?.kind === 'ReplicaSet') {
      const parent = replicaSetOwners.get(replicaSetKey(pod.namespace, direct.name));
      if (parent?.kind === 'Deployment') ({ kind, name } = parent);
    }
    const key = `${kind}/${pod.namespace}/${name}`;
    const existing = owners.get(key);
    if (existing) {
      existing.pods.push(pod.name);
      continue;
    }
    owners.set(key, { kind, namespace: pod.namespace, name, profile, pods: [pod.name], ...decide(kind, deleteStrandedPods) });
  }
  return [...owners.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

function decide(kind: string, deleteStrandedPods: boolean): Pick<StrandedOwner, 'action' | 'reason'> {
  if (kind === 'Deployment' || kind === 'StatefulSet') return { action: 'restart', reason: 'rollout restart, so the Fargate webhook admits the new pods' };
  if (kind === 'DaemonSet') return { action: 'leave', reason: 'DaemonSet pods cannot run on Fargate; never touched' };
  const what = kind === 'Pod' ? 'a bare pod: nothing recreates it once deleted' : kind === 'ReplicaSet' ? 'a ReplicaSet without a Deployment' : `owned by a ${kind}`;
  return deleteStrandedPods
    ? { action: 'delete', reason: `${what}; deleted (--delete-stranded-pods)` }
    : { action: 'report', reason: `${what}; left Pending (--delete-stranded-pods deletes it)` };
}
