// Legacy discovery documents (/api, /apis, /api/v1, /apis/apps/v1) in the shapes kubectl and client-go read.
import type { KubeCluster } from './cluster.js';
import { RESOURCE_TYPES, type ResourceType } from './resources.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  };
}

export function apiGroup(name: string) {
  if (name !== 'apps') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } };
}

export function apiResourceList(group: '' | 'apps') {
  const resources: Record<string, unknown>[] = [];
  for (const type of RESOURCE_TYPES.filter((t) => t.group === group)) {
    resources.push(resourceEntry(type));
    if (type.hasStatus) resources.push({ name: `${type.resource}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'patch', 'update'] });
    if (type.resource === 'deployments' || type.resource === 'replicasets' || type.resource === 'statefulsets') {
      resources.push({ name: `${type.resource}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

function resourceEntry(type: ResourceType) {
  return {
    name: type.resource,
    singularName: type.singularName,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.resource === 'nodes' || type.resource === 'namespaces' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS,
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
  };
}

/** The discovery document at `path` (and `/version`), or undefined when the path is not one. */
export function discovery(cluster: KubeCluster, path: string, serverAddress: string): unknown {
  switch (path) {
    case '/version': {
      const [major, minor] = cluster.kubernetesVersion.split('.');
      return {
        major,
        minor: `${minor}+`,
        gitVersion: cluster.gitVersion,
        gitCommit: '7f9249a8a1b6c0e9d5f4e3b2c1a0f9e8d7c6b5a4',
        gitTreeState: 'clean',
        buildDate: '2025-05-14T20:40:05Z',
        goVersion: 'go1.23.8',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    }
    case '/api':
      return apiVersions(serverAddress);
    case '/apis':
      return apiGroupList();
    case '/api/v1':
      return apiResourceList('');
    case '/apis/apps':
      return apiGroup('apps');
    case '/apis/apps/v1':
      return apiResourceList('apps');
    default:
      return undefined;
  }
}
