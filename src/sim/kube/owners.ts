// What the controllers share: owner references, the pods a controller owns, and pods made from a template.
import { isPodReady } from './pods.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, OwnerReference, Pod, WorkloadSpec } from './types.js';

export interface WorkloadContext {
  store: ObjectStore;
  now(): number;
  createPod(pod: Pod): Pod;
  deletePod(namespace: string, name: string): void;
  nameSuffix(): string;
  /** Asks for a sync at a simulated time (the progress deadline). */
  syncAt(simEpochMs: number): void;
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownedBy<T extends KubeObject>(objects: T[], owner: KubeObject): T[] {
  return objects.filter((o) => controllerOf(o)?.uid === owner.metadata.uid);
}

export function ownerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** Pods a controller would delete first: unscheduled, then not running, then not ready, then the newest. */
export function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod) => (p.spec.nodeName ? 0 : 4) + (p.status.phase === 'Pending' ? 2 : 0) + (isPodReady(p) ? 0 : 1);
  return rank(b) - rank(a) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp);
}

export function podFromTemplate(owner: KubeObject, spec: WorkloadSpec, extra: { name?: string; labels?: Record<string, string>; nodeName?: string }): Pod {
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

