// The controllers of kube-controller-manager that the simulator needs: Deployment (rolling update through
// pod-template-hash ReplicaSets), ReplicaSet, a minimal StatefulSet and DaemonSet, and owner-reference garbage
// collection. Each sync reads the store and writes the difference; the cluster runs them until nothing changes.
import { isDeepStrictEqual } from 'node:util';
import { labelSelectorMatches } from './matching.js';
import { podTemplateHash } from './names.js';
import { isFargateNode, isPodReady } from './pods.js';
import { rfc3339, type ObjectStore } from './store.js';
import type { Condition, DaemonSet, Deployment, KubeObject, NodeObject, OwnerReference, Pod, ReplicaSet, StatefulSet, WorkloadSpec } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

export interface WorkloadContext {
  store: ObjectStore;
  now(): number;
  createPod(pod: Pod): Pod;
  deletePod(namespace: string, name: string): void;
  nameSuffix(): string;
  /** Asks for a sync at a simulated time (the progress deadline). */
  syncAt(simEpochMs: number): void;
}

export function syncAllWorkloads(ctx: WorkloadContext): void {
  collectGarbage(ctx);
  for (const d of ctx.store.list<Deployment>('deployments')) syncDeployment(ctx, d);
  for (const rs of ctx.store.list<ReplicaSet>('replicasets')) syncReplicaSet(ctx, rs);
  for (const sts of ctx.store.list<StatefulSet>('statefulsets')) syncStatefulSet(ctx, sts);
  for (const ds of ctx.store.list<DaemonSet>('daemonsets')) syncDaemonSet(ctx, ds);
  for (const d of ctx.store.list<Deployment>('deployments')) syncDeploymentStatus(ctx, d);
}

function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller);
}

function ownedBy<T extends KubeObject>(objects: T[], owner: KubeObject): T[] {
  return objects.filter((o) => controllerOf(o)?.uid === owner.metadata.uid);
}

function ownerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
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

/** An int-or-percent of `replicas`, rounded up for maxSurge and down for maxUnavailable, as the controller does. */
export function intOrPercent(value: number | string | undefined, fallback: string, replicas: number, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = v.match(/^(\d+)%$/);
  if (!m) return Number(v) || 0;
  const exact = (Number(m[1]) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function rollingParameters(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  const rolling = d.spec.strategy?.rollingUpdate;
  const maxSurge = intOrPercent(rolling?.maxSurge, '25%', replicas, true);
  let maxUnavailable = intOrPercent(rolling?.maxUnavailable, '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

function revisionOf(object: KubeObject): number {
  return Number(object.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;
}

function templateWithoutHash(spec: WorkloadSpec): unknown {
  const template = structuredClone(spec.template);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  return template;
}

function syncDeployment(ctx: WorkloadContext, d: Deployment): void {
  const hash = podTemplateHash(d.spec.template);
  const all = ownedBy(ctx.store.list<ReplicaSet>('replicasets', d.metadata.namespace), d);
  let newRS = all.find((rs) => isDeepStrictEqual(templateWithoutHash(rs.spec), templateWithoutHash(d.spec)));
  const old = all.filter((rs) => rs !== newRS).sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || revisionOf(a) - revisionOf(b));
  const maxOldRevision = Math.max(0, ...old.map(revisionOf));
  const replicas = d.spec.replicas ?? 1;
  const { maxSurge, maxUnavailable } = rollingParameters(d);
  const rsAnnotations = (revision: number) => ({
    [REVISION_ANNOTATION]: String(revision),
    'deployment.kubernetes.io/desired-replicas': String(replicas),
    'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
  });
  let created = false;
  if (!newRS) {
    const template = structuredClone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        labels: { ...template.metadata.labels },
        annotations: rsAnnotations(maxOldRevision + 1),
        ownerReferences: [ownerReference(d)],
      },
      spec: {
        replicas: 0,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
        template,
      },
      status: { replicas: 0 },
    };
    newRS = ctx.store.create('replicasets', rs, ctx.nameSuffix);
    created = true;
  } else if (revisionOf(newRS) <= maxOldRevision) {
    newRS = ctx.store.update('replicasets', { ...newRS, metadata: { ...newRS.metadata, annotations: { ...newRS.metadata.annotations, ...rsAnnotations(maxOldRevision + 1) } } });
  }
  const revision = String(revisionOf(newRS));
  if (d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
    d = ctx.store.update('deployments', { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION_ANNOTATION]: revision } } });
  }
  if (created) {
    setProgressing(ctx, d, { status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${newRS.metadata.name}"` });
  }
  if (d.spec.paused) return;

  const scale = (stale: ReplicaSet, to: number): ReplicaSet => {
    const rs = ctx.store.get<ReplicaSet>('replicasets', stale.metadata.namespace, stale.metadata.name) ?? stale;
    if ((rs.spec.replicas ?? 1) === to) return rs;
    const annotations = { ...rs.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge) };
    return ctx.store.update('replicasets', {
      ...rs,
      metadata: { ...rs.metadata, annotations, generation: (rs.metadata.generation ?? 1) + 1 },
      spec: { ...rs.spec, replicas: to },
    });
  };

  if (d.spec.strategy?.type === 'Recreate') {
    for (const rs of old) scale(rs, 0);
    const oldPods = old.some((rs) => (rs.status.replicas ?? 0) > 0);
    if (!oldPods) scale(newRS, replicas);
    return;
  }

  // Scale up the new ReplicaSet within maxSurge.
  const specReplicas = (rs: ReplicaSet) => rs.spec.replicas ?? 1;
  const current = [newRS, ...old].reduce((n, rs) => n + specReplicas(rs), 0);
  if (specReplicas(newRS) > replicas) newRS = scale(newRS, replicas);
  else if (specReplicas(newRS) < replicas && current < replicas + maxSurge) {
    newRS = scale(newRS, Math.min(specReplicas(newRS) + replicas + maxSurge - current, replicas));
  }

  // Scale down old ReplicaSets within maxUnavailable: unhealthy replicas first, then healthy ones.
  const allPods = [newRS, ...old].reduce((n, rs) => n + specReplicas(rs), 0);
  const minAvailable = replicas - maxUnavailable;
  const newUnavailable = specReplicas(newRS) - (newRS.status.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;
  let cleaned = 0;
  const remainingOld: ReplicaSet[] = [];
  for (const rs of old) {
    const unhealthy = specReplicas(rs) - (rs.status.availableReplicas ?? 0);
    const down = Math.min(maxScaledDown - cleaned, Math.max(0, unhealthy));
    remainingOld.push(down > 0 ? scale(rs, specReplicas(rs) - down) : rs);
    cleaned += down;
  }
  const available = [newRS, ...remainingOld].reduce((n, rs) => n + Math.min(rs.status.availableReplicas ?? 0, specReplicas(rs)), 0);
  let toScaleDown = available - minAvailable;
  for (const rs of remainingOld) {
    if (toScaleDown <= 0) break;
    const down = Math.min(specReplicas(rs), toScaleDown);
    if (down > 0) scale(rs, specReplicas(rs) - down);
    toScaleDown -= down;
  }
}

function upsertCondition(conditions: Condition[] | undefined, next: Condition, now: string): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const before = i === -1 ? undefined : list[i];
  const sameStatus = before?.status === next.status;
  const unchanged = sameStatus && before?.reason === next.reason && before?.message === next.message;
  const merged: Condition = {
    type: next.type,
    status: next.status,
    lastUpdateTime: unchanged ? before!.lastUpdateTime : now,
    lastTransitionTime: sameStatus ? before!.lastTransitionTime : now,
    reason: next.reason,
    message: next.message,
  };
  if (i === -1) list.push(merged);
  else list[i] = merged;
  return list;
}

function setProgressing(ctx: WorkloadContext, d: Deployment, condition: Omit<Condition, 'type'>): void {
  const fresh = ctx.store.get<Deployment>('deployments', d.metadata.namespace, d.metadata.name);
  if (!fresh) return;
  const conditions = upsertCondition(fresh.status?.conditions, { type: 'Progressing', ...condition }, rfc3339(ctx.now()));
  ctx.store.update('deployments', { ...fresh, status: { ...fresh.status, conditions } });
}

/** The status `kubectl rollout status` reads; zero counts are left out, as the API server's omitempty does. */
function syncDeploymentStatus(ctx: WorkloadContext, d: Deployment): void {
  const all = ownedBy(ctx.store.list<ReplicaSet>('replicasets', d.metadata.namespace), d);
  const newRS = all.find((rs) => isDeepStrictEqual(templateWithoutHash(rs.spec), templateWithoutHash(d.spec)));
  const replicas = d.spec.replicas ?? 1;
  const sum = (pick: (rs: ReplicaSet) => number | undefined, list = all) => list.reduce((n, rs) => n + (pick(rs) ?? 0), 0);
  const totalSpec = sum((rs) => rs.spec.replicas ?? 1);
  const available = sum((rs) => rs.status.availableReplicas);
  const counts = {
    replicas: sum((rs) => rs.status.replicas),
    updatedReplicas: newRS ? sum((rs) => rs.status.replicas, [newRS]) : 0,
    readyReplicas: sum((rs) => rs.status.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, totalSpec - available),
  };
  const now = rfc3339(ctx.now());
  const { maxUnavailable } = rollingParameters(d);
  let conditions = d.status?.conditions ?? [];
  conditions = upsertCondition(
    conditions,
    available >= replicas - maxUnavailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    now,
  );
  // Available comes first in the list, as on a real cluster where it is set before Progressing.
  conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const complete = newRS !== undefined && counts.updatedReplicas === replicas && counts.replicas === replicas && available >= replicas;
  const previous = d.status ?? {};
  const moved =
    previous.replicas !== orUndefined(counts.replicas) ||
    previous.updatedReplicas !== orUndefined(counts.updatedReplicas) ||
    previous.availableReplicas !== orUndefined(counts.availableReplicas) ||
    previous.readyReplicas !== orUndefined(counts.readyReplicas);
  const deadlineSeconds = d.spec.progressDeadlineSeconds ?? 600;
  if (newRS && complete) {
    conditions = upsertCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` }, now);
  } else if (newRS && progressing?.reason !== 'ProgressDeadlineExceeded') {
    if (moved || !progressing || progressing.reason === 'NewReplicaSetAvailable') {
      conditions = upsertCondition(conditions, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRS.metadata.name}" is progressing.` }, now);
      conditions = conditions.map((c) => (c.type === 'Progressing' ? { ...c, lastUpdateTime: now } : c));
      ctx.syncAt(ctx.now() + deadlineSeconds * 1000);
    } else {
      const lastUpdate = Date.parse(progressing.lastUpdateTime ?? now);
      if (ctx.now() - lastUpdate >= deadlineSeconds * 1000) {
        conditions = upsertCondition(conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` }, now);
      } else ctx.syncAt(lastUpdate + deadlineSeconds * 1000);
    }
  }
  const status: Deployment['status'] = { observedGeneration: d.metadata.generation ?? 1 };
  for (const [k, v] of Object.entries(counts)) if (v) (status as Record<string, unknown>)[k] = v;
  status.conditions = conditions;
  if (previous.collisionCount !== undefined) status.collisionCount = previous.collisionCount;
  ctx.store.update('deployments', { ...d, status });
}

function orUndefined(n: number): number | undefined {
  return n === 0 ? undefined : n;
}

/** Pods a controller would delete first: unscheduled, then not running, then not ready, then the newest. */
function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod) => (p.spec.nodeName ? 0 : 4) + (p.status.phase === 'Pending' ? 2 : 0) + (isPodReady(p) ? 0 : 1);
  return rank(b) - rank(a) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp);
}

function podFromTemplate(owner: KubeObject, spec: WorkloadSpec, extra: { name?: string; labels?: Record<string, string>; nodeName?: string }): Pod {
  const template = structuredClone(spec.template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: extra.name ?? '',
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { ...template.metadata?.labels, ...extra.labels },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [ownerReference(owner)],
    },
    spec: extra.nodeName ? { ...template.spec, nodeName: extra.nodeName } : template.spec,
    status: { phase: 'Pending' },
  };
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
