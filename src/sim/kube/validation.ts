// What the API server checks and fills in on a write before storing it: a workload's selector and template,
// a Deployment's defaults, a pod's immutable spec.
import { labelSelectorMatches } from './matching.js';
import { StatusError } from './status.js';
import type { Deployment, KubeObject, Pod, WorkloadSpec } from './types.js';

export function validateWorkload(object: KubeObject & { spec: WorkloadSpec }, kind: string): void {
  const spec = object.spec;
  const where = `${kind}.apps "${object.metadata.name || object.metadata.generateName}" is invalid`;
  if (!spec || !spec.selector || (!spec.selector.matchLabels && !spec.selector.matchExpressions)) {
    throw new StatusError(422, 'Invalid', `${where}: spec.selector: Required value`);
  }
  if (!spec.template?.spec?.containers?.length) {
    throw new StatusError(422, 'Invalid', `${where}: spec.template.spec.containers: Required value`);
  }
  if (!labelSelectorMatches(spec.selector, spec.template.metadata?.labels ?? {})) {
    throw new StatusError(422, 'Invalid', `${where}: spec.template.metadata.labels: Invalid value: \`selector\` does not match template \`labels\``);
  }
}

export function applyDeploymentDefaults(d: Deployment): void {
  d.spec.replicas ??= 1;
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  d.spec.strategy ??= { type: 'RollingUpdate' };
  if ((d.spec.strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
    d.spec.strategy.type = 'RollingUpdate';
    d.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...d.spec.strategy.rollingUpdate };
  }
  d.spec.template.spec.schedulerName ??= 'default-scheduler';
  d.spec.template.spec.restartPolicy ??= 'Always';
  d.spec.template.spec.dnsPolicy ??= 'ClusterFirst';
}

/** Pod specs are immutable except container images (and a few fields nobody here changes). */
export function assertPodSpecUnchanged(current: Pod, next: Pod): void {
  const strip = (p: Pod) => JSON.stringify({ ...p.spec, containers: p.spec.containers.map((c) => ({ ...c, image: undefined })) });
  if (strip(current) !== strip(next)) {
    throw new StatusError(422, 'Invalid', `Pod "${current.metadata.name}" is invalid: spec: Forbidden: pod updates may not change fields other than \`spec.containers[*].image\`,\`spec.initContainers[*].image\`,\`spec.activeDeadlineSeconds\`,\`spec.tolerations\` (only additions to existing tolerations),\`spec.terminationGracePeriodSeconds\` (allow it to be set to 1 if it was previously negative)`);
  }
}
