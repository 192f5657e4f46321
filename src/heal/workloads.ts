// `--workloads`: after CoreDNS, every other owner whose pods a Fargate profile stranded. Deployments and StatefulSets
// are restarted and followed until their new pods run Ready on Fargate, as the CoreDNS heal does; orphan ReplicaSets,
// bare pods and other owners are reported (deleted only with --delete-stranded-pods); DaemonSet pods are left alone.
import { KubeApiError, type ClusterKubeApi, type RestartableKind, type WorkloadInfo } from '../adapters/kube.js';
import { type Clock, pollDelays, restartDelays, systemClock } from '../core/backoff.js';
import { COREDNS_DEPLOYMENT, COREDNS_NAMESPACE } from '../core/coredns.js';
import { DEFAULT_MS } from '../core/defaults.js';
import { classifyPod, FARGATE_SCHEDULER, type ClassifiedPod, type FargateProfileView, type PodInfo } from '../core/pods.js';
import { newProbeGate, newProbeSupport, PROBE_INTERVAL_MS, restartMade, type ProbeSupport } from '../core/restart-gate.js';
import {
  findStrandedPods,
  planStrandedOwners,
  replicaSetKey,
  replicaSetsToResolve,
  rolledOut,
  type OwnerRef,
  type StrandedOwner,
} from '../core/workloads.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { formatDuration, plural, type WorkloadRecord } from '../report.js';
import { retrying } from './retrying.js';
import { stepTowardRestart, type GateContext } from './step-toward-restart.js';

export interface HealWorkloadsOptions {
  /** ACTIVE Fargate profiles with their selectors. */
  profiles: readonly FargateProfileView[];
  deleteStrandedPods: boolean;
  clock?: Clock;
  signal?: AbortSignal;
  /** Deadline for every restarted owner to be Ready on Fargate, from the start of the step. */
  timeoutMs?: number;
  fargateStartMs?: number;
  /** A fresh poll schedule per owner; defaults to pollDelays(). */
  delays?: () => Iterator<number>;
  /** A fresh schedule per owner of the least time between two restarts; defaults to restartDelays(). */
  restartBackoff?: () => Iterator<number>;
  /** Whether the Fargate probe works, shared with the CoreDNS heal of the same run. */
  probeSupport?: ProbeSupport;
  onProgress?: (activity: string) => void;
  /** Said once per run, when the probe cannot be used and the restarts fall back to a guess. */
  onProbeFallback?: (why: string) => void;
}

/** A restarted owner that did not come up on Fargate in time (exit 1), with every owner's record for the report. */
export class WorkloadHealError extends SafeEksctlError {
  constructor(
    message: string,
    readonly workloads: WorkloadRecord[],
  ) {
    super(message, ExitCode.unhealthy);
    this.name = 'WorkloadHealError';
  }
}

/** Finds the stranded pods, acts on their owners and verifies each restart. Resolves with one record per owner. */
export async function healWorkloads(kube: ClusterKubeApi, options: HealWorkloadsOptions): Promise<WorkloadRecord[]> {
  const { profiles, deleteStrandedPods, clock = systemClock, signal, onProgress } = options;
  const startedAt = clock.now();
  const deadline = startedAt + (options.timeoutMs ?? DEFAULT_MS.workloadsTimeout);
  // A transient API error is tried again until the deadline; anything else ends the step.
  const once = <T>(call: () => Promise<T>) =>
    retrying(call, { clock, signal, deadline }).catch((error: unknown) => {
      if (!(error instanceof KubeApiError)) throw error;
      throw new SafeEksctlError(`stranded workloads cannot be checked: ${error.message}`, ExitCode.unhealthy, { cause: error });
    });
  const owners = await once(() => strandedOwners(kube, profiles, deleteStrandedPods));
  const records = owners.map(toRecord);
  onProgress?.(owners.length === 0 ? 'nothing stranded' : `${plural(owners.length, 'owner')} of stranded pods`);

  for (const [i, owner] of owners.entries()) {
    if (owner.action !== 'delete') continue;
    for (const pod of owner.pods) await once(() => kube.deletePod(owner.namespace, pod));
    records[i]!.action = 'deleted';
  }
  const failures: string[] = [];
  await Promise.all(
    owners.map(async (owner, i) => {
      if (owner.action !== 'restart') return;
      const record = records[i]!;
      try {
        await healOwner(kube, owner, record, { ...options, clock, deadline, startedAt });
        record.action = 'restarted';
      } catch (error) {
        if (!(error instanceof OwnerHealError)) throw error;
        record.action = 'failed';
        record.detail = error.message;
        failures.push(`${owner.kind} ${owner.namespace}/${owner.name}: ${error.message}`);
      }
    }),
  );
  if (failures.length > 0) throw new WorkloadHealError(`stranded workloads not healed:\n  ${failures.join('\n  ')}`, records);
  return records;
}

async function strandedOwners(kube: ClusterKubeApi, profiles: readonly FargateProfileView[], deleteStrandedPods: boolean): Promise<StrandedOwner[]> {
  const stranded = findStrandedPods(await kube.listPendingPods(), profiles);
  const replicaSetOwners = new Map<string, OwnerRef | undefined>();
  for (const rs of replicaSetsToResolve(stranded)) {
    replicaSetOwners.set(replicaSetKey(rs.namespace, rs.name), await kube.getReplicaSetOwner(rs.namespace, rs.name));
  }
  // CoreDNS has its own step, which runs first; a CoreDNS pod still Pending here is that step's to report.
  return planStrandedOwners(stranded, replicaSetOwners, { deleteStrandedPods }).filter(
    (o) => !(o.kind === 'Deployment' && o.namespace === COREDNS_NAMESPACE && o.name === COREDNS_DEPLOYMENT),
  );
}

function toRecord(owner: StrandedOwner): WorkloadRecord {
  return {
    kind: owner.kind,
    namespace: owner.namespace,
    name: owner.name,
    profile: owner.profile,
    strandedPods: [...owner.pods],
    action: owner.action === 'restart' ? 'failed' : owner.action === 'delete' ? 'deleted' : owner.action === 'leave' ? 'left' : 'reported',
    restarts: 0,
    probes: 0,
    restartProbes: [],
    detail: owner.reason,
  };
}

class OwnerHealError extends Error {}

/** A pod as it was seen at a restart; a StatefulSet's replacement has the same name, so the uid tells them apart. */
const podKey = (pod: PodInfo) => pod.uid ?? `${pod.name}@${pod.creationTimestamp}`;

/**
 * Restarts one Deployment or StatefulSet and waits until its rollout is done and every pod runs Ready on
 * fargate-scheduler. Replacements that still missed Fargate (the webhook had not seen the profile yet) get another
 * restart, no sooner than the restart backoff allows.
 */
async function healOwner(
  kube: ClusterKubeApi,
  owner: StrandedOwner,
  record: WorkloadRecord,
  options: HealWorkloadsOptions & { clock: Clock; deadline: number; startedAt: number },
): Promise<void> {
  const { profiles, clock, signal, deadline, fargateStartMs } = options;
  const kind = owner.kind as RestartableKind;
  const delays = options.delays?.() ?? pollDelays();
  const restartBackoff = options.restartBackoff?.() ?? restartDelays();
  const gate: GateContext = { kube, clock, gate: newProbeGate(), support: options.probeSupport ?? newProbeSupport(), onFallback: options.onProbeFallback };
  let seenAtRestart = new Set<string>();
  let nextRestartAt = 0;
  let classified: ClassifiedPod[] = [];
  let lastError: KubeApiError | undefined;
  // Read on the poll schedule; between reads, a restart that is due only makes the probe ask the webhook again.
  let nextReadAt = clock.now();
  let due: { info: WorkloadInfo; pods: PodInfo[]; stuckPods: readonly string[]; readAt: number } | undefined;

  for (;;) {
    signal?.throwIfAborted();
    let wakeAt = Infinity;
    try {
      if (clock.now() >= nextReadAt) {
        nextReadAt = clock.now() + (delays.next().value ?? 0);
        const info = await kube.getWorkload(kind, owner.namespace, owner.name);
        if (!info) throw new OwnerHealError('deleted while it was being healed');
        const pods = await kube.listPods(owner.namespace, info.selector);
        record.desired = info.desired;
        record.ready = info.ready;
        classified = pods.map((pod) => classifyPod(pod, { profiles, now: clock.now(), ec2NodesAvailable: false, ...(fargateStartMs !== undefined ? { fargateStartMs } : {}) }));
        const live = classified.filter((c) => c.state !== 'terminating');
        lastError = undefined;
        // The first restart is for the pods found stranded; later ones for replacements that missed Fargate.
        const stuckPods = record.restarts === 0 ? owner.pods : live.filter((c) => c.state === 'stuck' && !seenAtRestart.has(podKey(c.pod))).map((c) => c.pod.name);
        due = stuckPods.length > 0 ? { info, pods, stuckPods, readAt: clock.now() } : undefined;
        if (!due && onFargate(info, live)) {
          record.detail = `Ready on Fargate (profile "${owner.profile}") after ${plural(record.restarts, 'restart')}`;
          return;
        }
      }
      if (due) {
        const examplePod = due.pods.find((p) => due!.stuckPods.includes(p.name)) ?? due.pods[0];
        const target = { namespace: owner.namespace, ownerName: owner.name, template: due.info.template, examplePod };
        const step = await stepTowardRestart(gate, target, { at: new Date(clock.now()) }, { notBefore: record.restarts === 0 ? 0 : nextRestartAt }, due.readAt);
        record.probes = gate.gate.probes;
        if (step.kind === 'restart') {
          await restart(kube, kind, owner, due.stuckPods, clock, record.restarts === 0);
          record.restarts++;
          record.restartProbes.push(step.probe);
          if (step.probe.probe === 'skipped' && gate.support.fallback) record.probeFallback = gate.support.fallback;
          restartMade(gate.gate);
          seenAtRestart = new Set(due.pods.map(podKey));
          nextRestartAt = clock.now() + (restartBackoff.next().value ?? 0);
          due = undefined;
        } else if (step.kind === 'read-again') nextReadAt = clock.now();
        else wakeAt = step.untilMs;
      }
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      if (!error.retryable) throw new OwnerHealError(error.message);
      lastError = error;
      // Tried again in a second, as the CoreDNS heal does; a restart under way too.
      nextReadAt = Math.min(nextReadAt, clock.now() + PROBE_INTERVAL_MS);
      if (due) wakeAt = clock.now() + PROBE_INTERVAL_MS;
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      const notReady = classified.filter((c) => c.state !== 'healthy' && c.state !== 'terminating').slice(0, 3);
      const why = [...notReady.map((c) => `pod ${c.pod.name} ${c.state}: ${c.reason}`), ...(lastError ? [`last error: ${lastError.message}`] : [])];
      throw new OwnerHealError(
        // Counted from the start of the workloads' heal, as their deadline (--workloads-timeout) is.
        `not Ready on Fargate after ${formatDuration(clock.now() - options.startedAt)} (${record.ready ?? 0}/${record.desired ?? 0} ready, ` +
          `${plural(record.restarts, 'restart')})${why.length > 0 ? `; ${why.join('; ')}` : ''}`,
      );
    }
    const pause = Math.min(Math.min(nextReadAt, wakeAt) - clock.now(), left);
    if (pause > 0) await clock.sleep(pause, signal);
  }
}

/**
 * A Deployment's rollout replaces its pods by itself. A StatefulSet's does not: with OrderedReady it waits for the
 * Pending pod to turn Ready before it replaces anything (the "forced rollback" of the Kubernetes docs), so its stuck
 * pods are deleted after the patch and the controller recreates them from the new template.
 */
async function restart(
  kube: ClusterKubeApi,
  kind: RestartableKind,
  owner: StrandedOwner,
  stuckPods: readonly string[],
  clock: Clock,
  first: boolean,
): Promise<void> {
  const at = new Date(clock.now());
  if (kind === 'Deployment') return kube.restartDeployment(owner.namespace, owner.name, { at });
  // Later rounds only recreate the replacements that missed Fargate: another patch would start yet another revision.
  if (first) await kube.restartStatefulSet(owner.namespace, owner.name, { at });
  for (const pod of stuckPods) await kube.deletePod(owner.namespace, pod);
}

function onFargate(info: WorkloadInfo, live: readonly ClassifiedPod[]): boolean {
  return (
    rolledOut(info) &&
    live.length >= info.desired &&
    live.every((c) => c.state === 'healthy' && c.pod.schedulerName === FARGATE_SCHEDULER)
  );
}
