// Legacy discovery documents (/api, /apis, /api/v1, /apis/apps/v1) in the shapes kubectl and client-go read.
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
