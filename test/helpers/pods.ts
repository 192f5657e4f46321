// Pods as the Kubernetes adapter reads them, for the pure and the task tests of stranded workloads.
import type { PodInfo } from '../../src/core/pods.js';

/** A Pending default-scheduler pod that no node was found for, owned by nothing; `extra` overrides any field. */
export function unscheduledPod(name: string, extra: Partial<PodInfo> = {}): PodInfo {
  return {
    namespace: 'apps',
    name,
    labels: {},
    annotations: {},
    schedulerName: 'default-scheduler',
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' }],
    creationTimestamp: 0,
    ownerReferences: [],
    ...extra,
  };
}
