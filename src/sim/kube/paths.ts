// What a request's URL names: the resource, its namespace, name and subresource, and the label and field selectors
// of a list, with the field selectors the real API server accepts per resource.
import { fieldValue, parseFieldSelector, parseLabelSelector, requirementsMatch, SelectorSyntaxError, type FieldRequirement, type Requirement } from './matching.js';
import { resourceType, type ResourceType } from './resources.js';
import { StatusError } from './status.js';
import type { KubeObject } from './types.js';

/** Field selectors the real API server accepts per resource (others are a 400). */
const SELECTABLE_FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
};

export interface ResourcePath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'scale';
}

export function parseResourcePath(path: string): ResourcePath | undefined {
  const m = path.match(/^\/(?:api\/v1|apis\/(apps)\/v1)\/(.+)$/);
  if (!m) return undefined;
  const group = (m[1] ?? '') as '' | 'apps';
  const segs = m[2]!.split('/').map(decodeURIComponent);
  let namespace: string | undefined;
  let rest = segs;
  if (segs[0] === 'namespaces' && segs.length >= 3 && resourceType(segs[2]!)?.namespaced) {
    namespace = segs[1];
    rest = segs.slice(2);
  }
  const [resource, name, subresource, extra] = rest;
  const type = resourceType(resource ?? '');
  if (!type || type.group !== group || extra !== undefined) return undefined;
  if (subresource !== undefined && subresource !== 'status' && !(subresource === 'scale' && ['deployments', 'replicasets', 'statefulsets'].includes(type.resource))) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  return { type, namespace, name, subresource: subresource as ResourcePath['subresource'] };
}

export function selectorFilter(type: ResourceType, params: URLSearchParams): (o: KubeObject) => boolean {
  let labels: Requirement[] = [];
  let fields: FieldRequirement[] = [];
  try {
    labels = parseLabelSelector(params.get('labelSelector') ?? '');
    fields = parseFieldSelector(params.get('fieldSelector') ?? '');
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new StatusError(400, 'BadRequest', error.message);
    throw error;
  }
  const allowed = ['metadata.name', 'metadata.namespace', ...(SELECTABLE_FIELDS[type.resource] ?? [])];
  for (const f of fields) {
    if (!allowed.includes(f.field)) throw new StatusError(400, 'BadRequest', `field label not supported: ${f.field}`);
  }
  return (o) =>
    requirementsMatch(labels, o.metadata.labels ?? {}) &&
    fields.every((f) => {
      const value = f.field === 'source' ? fieldValue(o, 'source.component') : fieldValue(o, f.field);
      return f.op === '=' ? value === f.value : value !== f.value;
    });
}

/** Lists come sorted by namespace, then name, as etcd's keys sort. */
export function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}
