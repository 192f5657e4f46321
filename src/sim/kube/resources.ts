// The resource types the simulated API server serves, with the discovery facts kubectl needs to map a word like
// "deploy" to a URL.

export interface ResourceType {
  /** Plural, as in the URL. */
  resource: string;
  kind: string;
  singularName: string;
  group: '' | 'apps';
  version: 'v1';
  namespaced: boolean;
  shortNames?: string[];
  /** Resources with a separate status subresource; the main endpoint then leaves status alone. */
  hasStatus: boolean;
  /** Workloads whose spec changes bump metadata.generation. */
  hasGeneration: boolean;
  categories?: string[];
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { resource: 'namespaces', kind: 'Namespace', singularName: 'namespace', group: '', version: 'v1', namespaced: false, shortNames: ['ns'], hasStatus: true, hasGeneration: false },
  { resource: 'nodes', kind: 'Node', singularName: 'node', group: '', version: 'v1', namespaced: false, shortNames: ['no'], hasStatus: true, hasGeneration: false },
  { resource: 'pods', kind: 'Pod', singularName: 'pod', group: '', version: 'v1', namespaced: true, shortNames: ['po'], hasStatus: true, hasGeneration: false, categories: ['all'] },
  { resource: 'events', kind: 'Event', singularName: 'event', group: '', version: 'v1', namespaced: true, shortNames: ['ev'], hasStatus: false, hasGeneration: false },
  { resource: 'deployments', kind: 'Deployment', singularName: 'deployment', group: 'apps', version: 'v1', namespaced: true, shortNames: ['deploy'], hasStatus: true, hasGeneration: true, categories: ['all'] },
  { resource: 'replicasets', kind: 'ReplicaSet', singularName: 'replicaset', group: 'apps', version: 'v1', namespaced: true, shortNames: ['rs'], hasStatus: true, hasGeneration: true, categories: ['all'] },
  { resource: 'statefulsets', kind: 'StatefulSet', singularName: 'statefulset', group: 'apps', version: 'v1', namespaced: true, shortNames: ['sts'], hasStatus: true, hasGeneration: true, categories: ['all'] },
  { resource: 'daemonsets', kind: 'DaemonSet', singularName: 'daemonset', group: 'apps', version: 'v1', namespaced: true, shortNames: ['ds'], hasStatus: true, hasGeneration: true, categories: ['all'] },
];

export type ResourceName = 'namespaces' | 'nodes' | 'pods' | 'events' | 'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets';

export function resourceType(resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.resource === resource);
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}
