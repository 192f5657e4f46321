// The Deployment controller: a ReplicaSet per pod template (named by its pod-template-hash), rolling updates within
// maxSurge/maxUnavailable, and the status and conditions `kubectl rollout status` reads.
import { isDeepStrictEqual } from 'node:util';
import { podTemplateHash } from './names.js';
import { ownedBy, ownerReference, type WorkloadContext } from './owners.js';
import { rfc3339 } from './store.js';
import type { Condition, Deployment, KubeObject, ReplicaSet, WorkloadSpec } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

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

export function syncDeployment(ctx: WorkloadContext, d: Deployment): void {
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
export function syncDeploymentStatus(ctx: WorkloadContext, d: Deployment): void {
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

