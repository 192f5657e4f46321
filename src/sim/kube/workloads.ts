// The controllers of kube-controller-manager that the simulator needs: Deployment (deployment.ts), ReplicaSet, a
// minimal StatefulSet and DaemonSet, and owner-reference garbage collection. Each sync reads the store and writes the
// difference; the cluster runs them until nothing changes.
import { syncDeployment, syncDeploymentStatus } from './deployment.js';
import { labelSelectorMatches } from './matching.js';
import { podTemplateHash } from './names.js';
import { controllerOf, deletionOrder, ownedBy, podFromTemplate, type WorkloadContext } from './owners.js';
import { isFargateNode } from './nodes.js';
import { isPodReady } from './pods.js';
import type { DaemonSet, Deployment, NodeObject, Pod, ReplicaSet, StatefulSet } from './types.js';

export type { WorkloadContext } from './owners.js';
export { POD_TEMPLATE_HASH, REVISION_ANNOTATION } from './deployment.js';
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

export function syncAllWorkloads(ctx: WorkloadContext): void {
  collectGarbage(ctx);
  for (const d of ctx.store.list<Deployment>('deployments')) syncDeployment(ctx, d);
  for (const rs of ctx.store.list<ReplicaSet>('replicasets')) syncReplicaSet(ctx, rs);
  for (const sts of ctx.store.list<StatefulSet>('statefulsets')) syncStatefulSet(ctx, sts);
  for (const ds of ctx.store.list<DaemonSet>('daemonsets')) syncDaemonSet(ctx, ds);
  for (const d of ctx.store.list<Deployment>('deployments')) syncDeploymentStatus(ctx, d);
}

/** Background cascading deletion: objects whose controller is gone go too. */
function collectGarbage(ctx: WorkloadContext): void {
  const alive = new Set<string>();
  for (const resource of ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] as const) {
    for (const o of ctx.store.list(resource)) alive.add(o.metadata.uid);
  }
  for (const rs of ctx.store.list<ReplicaSet>('replicasets')) {
    const owner = controllerOf(rs);
    if (owner && !alive.has(owner.uid)) ctx.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
  }
  const remaining = new Set(alive);
  for (const rs of ctx.store.list('replicasets')) remaining.add(rs.metadata.uid);
  for (const pod of ctx.store.list<Pod>('pods')) {
    const owner = controllerOf(pod);
    if (owner && !remaining.has(owner.uid) && owner.kind !== 'Node') ctx.deletePod(pod.metadata.namespace!, pod.metadata.name);
  }
}

function syncReplicaSet(ctx: WorkloadContext, rs: ReplicaSet): void {
  const namespace = rs.metadata.namespace!;
  let pods = ownedBy(ctx.store.list<Pod>('pods', namespace), rs);
  const want = rs.spec.replicas ?? 1;
  for (let i = pods.length; i < want; i++) ctx.createPod(podFromTemplate(rs, rs.spec, {}));
  if (pods.length > want) {
    for (const pod of [...pods].sort(deletionOrder).slice(0, pods.length - want)) ctx.deletePod(namespace, pod.metadata.name);
  }
  pods = ownedBy(ctx.store.list<Pod>('pods', namespace), rs);
  const ready = pods.filter(isPodReady).length;
  const fresh = ctx.store.get<ReplicaSet>('replicasets', namespace, rs.metadata.name);
  if (!fresh) return;
  const status: ReplicaSet['status'] = { replicas: pods.length };
  const labelled = pods.filter((p) => labelSelectorMatches(fresh.spec.template.metadata?.labels ? { matchLabels: fresh.spec.template.metadata.labels } : undefined, p.metadata.labels ?? {})).length;
  if (labelled) status.fullyLabeledReplicas = labelled;
  if (ready) status.readyReplicas = ready;
  if (ready) status.availableReplicas = ready;
  status.observedGeneration = fresh.metadata.generation ?? 1;
  ctx.store.update('replicasets', { ...fresh, status });
}

/** OrderedReady pods `<name>-<ordinal>`; a template change replaces them from the highest ordinal, one Ready at a time. */
function syncStatefulSet(ctx: WorkloadContext, sts: StatefulSet): void {
  const namespace = sts.metadata.namespace!;
  const replicas = sts.spec.replicas ?? 1;
  const updateRevision = `${sts.metadata.name}-${podTemplateHash(sts.spec.template)}`;
  const byOrdinal = new Map<number, Pod>();
  for (const pod of ownedBy(ctx.store.list<Pod>('pods', namespace), sts)) {
    const ordinal = Number(pod.metadata.name.slice(sts.metadata.name.length + 1));
    if (Number.isInteger(ordinal)) byOrdinal.set(ordinal, pod);
  }
  let blocked = false;
  for (let i = 0; i < replicas && !blocked; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) {
      const name = `${sts.metadata.name}-${i}`;
      byOrdinal.set(i, ctx.createPod(podFromTemplate(sts, sts.spec, { name, labels: { [CONTROLLER_REVISION_HASH]: updateRevision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) } })));
      blocked = true;
    } else if (!isPodReady(pod)) blocked = true;
  }
  if (!blocked) {
    const surplus = [...byOrdinal.keys()].filter((i) => i >= replicas).sort((a, b) => b - a)[0];
    if (surplus !== undefined) {
      ctx.deletePod(namespace, byOrdinal.get(surplus)!.metadata.name);
      byOrdinal.delete(surplus);
    } else {
      const stale = [...byOrdinal.entries()].filter(([, p]) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== updateRevision).sort(([a], [b]) => b - a)[0];
      if (stale) {
        ctx.deletePod(namespace, stale[1].metadata.name);
        byOrdinal.delete(stale[0]);
      }
    }
  }
  const pods = [...byOrdinal.values()];
  const ready = pods.filter(isPodReady).length;
  const updated = pods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === updateRevision).length;
  const fresh = ctx.store.get<StatefulSet>('statefulsets', namespace, sts.metadata.name);
  if (!fresh) return;
  const previousCurrent = (fresh.status.currentRevision as string | undefined) ?? updateRevision;
  const currentRevision = updated === replicas && pods.length === replicas ? updateRevision : previousCurrent;
  ctx.store.update('statefulsets', {
    ...fresh,
    status: {
      observedGeneration: fresh.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: currentRevision === updateRevision ? updated : pods.length - updated,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      collisionCount: 0,
      availableReplicas: ready,
    },
  });
}

/** One pod per EC2 node (Fargate nodes refuse DaemonSets); a template change replaces pods one at a time. */
function syncDaemonSet(ctx: WorkloadContext, ds: DaemonSet): void {
  const namespace = ds.metadata.namespace!;
  const hash = podTemplateHash(ds.spec.template);
  const nodes = ctx.store.list<NodeObject>('nodes').filter((n) => !isFargateNode(n));
  const pods = ownedBy(ctx.store.list<Pod>('pods', namespace), ds);
  const nodeNames = new Set(nodes.map((n) => n.metadata.name));
  for (const pod of pods) if (!nodeNames.has(pod.spec.nodeName ?? '')) ctx.deletePod(namespace, pod.metadata.name);
  for (const node of nodes) {
    if (!pods.some((p) => p.spec.nodeName === node.metadata.name)) {
      ctx.createPod(podFromTemplate(ds, ds.spec, { labels: { [CONTROLLER_REVISION_HASH]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, nodeName: node.metadata.name }));
    }
  }
  let current = ownedBy(ctx.store.list<Pod>('pods', namespace), ds);
  if (current.every(isPodReady)) {
    const stale = current.find((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== hash);
    if (stale) ctx.deletePod(namespace, stale.metadata.name);
    current = ownedBy(ctx.store.list<Pod>('pods', namespace), ds);
  }
  const fresh = ctx.store.get<DaemonSet>('daemonsets', namespace, ds.metadata.name);
  if (!fresh) return;
  const ready = current.filter(isPodReady).length;
  ctx.store.update('daemonsets', {
    ...fresh,
    status: {
      currentNumberScheduled: current.length,
      desiredNumberScheduled: nodes.length,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      numberUnavailable: nodes.length - ready,
      updatedNumberScheduled: current.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash).length,
      observedGeneration: fresh.metadata.generation ?? 1,
    },
  });
}
