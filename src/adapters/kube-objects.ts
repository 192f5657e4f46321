// Kubernetes objects as the heal reads them: client-node's V1 types mapped into the few fields safe-eksctl looks at,
// and the one patch it writes (`kubectl rollout restart`'s). No requests here: ./kube.ts makes them.
import type { V1Deployment, V1LabelSelector, V1Pod, V1PodTemplateSpec, V1StatefulSet } from '@kubernetes/client-node';
import type { PodInfo } from '../core/pods.js';
import { RESTARTED_AT_ANNOTATION, rfc3339Seconds, type PodTemplate } from '../core/probe.js';
import type { RolloutStatus } from '../core/workloads.js';

export interface DeploymentInfo extends RolloutStatus {
  namespace: string;
  name: string;
  templateAnnotations: Record<string, string>;
  /** The pod template, for the Fargate probe. */
  template: PodTemplate;
}

export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  /** Epoch ms of the latest occurrence. */
  lastSeen: number;
}

export interface RestartOptions {
  /** The restartedAt stamp, like `kubectl rollout restart`. */
  at: Date;
  /** Pod template annotations to delete in the same patch, so the fix is one rollout, not two. */
  removeAnnotations?: readonly string[];
}

/** A Deployment or StatefulSet as the workload heal follows its rollout (StatefulSet counts mapped alike). */
export interface WorkloadInfo extends DeploymentInfo {
  kind: RestartableKind;
  /** spec.selector as a label selector string, to list the workload's pods. */
  selector: string;
}

export type RestartableKind = 'Deployment' | 'StatefulSet';

/** The template annotations `kubectl rollout restart` sets, plus the ones to drop in the same rollout. */
export function restartPatch({ at, removeAnnotations = [] }: RestartOptions) {
  const annotations: Record<string, string | null> = {};
  for (const key of removeAnnotations) annotations[key] = null;
  annotations[RESTARTED_AT_ANNOTATION] = rfc3339Seconds(at);
  return { spec: { template: { metadata: { annotations } } } };
}

/** metav1.LabelSelector as the `labelSelector` query parameter writes it. */
export function labelSelectorText(selector: V1LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** StatefulSet counts in DeploymentInfo's terms, so one rollout test serves both kinds. */
export function toStatefulSetInfo(s: V1StatefulSet): WorkloadInfo {
  const ready = s.status?.readyReplicas ?? 0;
  return {
    kind: 'StatefulSet',
    namespace: s.metadata?.namespace ?? '',
    name: s.metadata?.name ?? '',
    generation: s.metadata?.generation ?? 0,
    observedGeneration: s.status?.observedGeneration ?? 0,
    desired: s.spec?.replicas ?? 1,
    current: s.status?.replicas ?? 0,
    // The rollout is done only once every pod runs the update revision.
    updated: s.status?.updateRevision && s.status.updateRevision === s.status.currentRevision ? (s.status.replicas ?? 0) : (s.status?.updatedReplicas ?? 0),
    ready,
    available: s.status?.availableReplicas ?? ready,
    templateAnnotations: { ...(s.spec?.template.metadata?.annotations ?? {}) },
    template: toPodTemplate(s.spec?.template),
    selector: labelSelectorText(s.spec?.selector),
  };
}

export function toMs(value: Date | string | undefined): number {
  if (value === undefined) return 0;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const meta = pod.metadata ?? {};
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    labels: { ...(meta.labels ?? {}) },
    annotations: { ...(meta.annotations ?? {}) },
    schedulerName: pod.spec?.schedulerName ?? 'default-scheduler',
    phase: pod.status?.phase ?? 'Pending',
    conditions: (pod.status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    })),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    creationTimestamp: toMs(meta.creationTimestamp),
    ...(meta.deletionTimestamp ? { deletionTimestamp: toMs(meta.deletionTimestamp) } : {}),
    ownerReferences: (meta.ownerReferences ?? []).map((o) => ({ kind: o.kind, name: o.name })),
    ...(meta.uid ? { uid: meta.uid } : {}),
  };
}

export function toDeploymentInfo(d: V1Deployment): DeploymentInfo {
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    generation: d.metadata?.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    desired: d.spec?.replicas ?? 1,
    current: d.status?.replicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    templateAnnotations: { ...(d.spec?.template.metadata?.annotations ?? {}) },
    template: toPodTemplate(d.spec?.template),
  };
}

function toPodTemplate(template: V1PodTemplateSpec | undefined): PodTemplate {
  return {
    labels: { ...(template?.metadata?.labels ?? {}) },
    annotations: { ...(template?.metadata?.annotations ?? {}) },
    spec: { ...(template?.spec ?? {}) } as Record<string, unknown>,
  };
}
