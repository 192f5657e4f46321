// The resource part of the simulated API server: get, list and watch, create (dry runs and pod admission included),
// replace, the three patch types and delete, on the main resource and its status and scale subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimClock } from '../clock.js';
import type { Faults } from '../faults.js';
import { parseDryRun, podCreateRefusal, webhookWaitMs, type Refusal } from './admission.js';
import type { KubeCluster } from './cluster.js';
import { asObject, readJson, sendJson } from './http.js';
import { applyPatch, PatchError, patchTypeOf } from './patch.js';
import { byNamespaceAndName, parseResourcePath, selectorFilter } from './paths.js';
import type { ResourceName, ResourceType } from './resources.js';
import { StatusError } from './status.js';
import { asTable, wantsTable } from './tables.js';
import type { KubeObject, WorkloadSpec } from './types.js';
import { watch } from './watch.js';

export interface RestContext {
  clock: SimClock;
  faults: Faults;
  /** Every open watch's finish, for the server's close. */
  watches: Set<() => void>;
}

/** Answers a request for a resource at `path`; a path that names none is 404. */
export async function serveResource(ctx: RestContext, cluster: KubeCluster, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const target = parseResourcePath(path);
  if (!target) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  const { type, namespace, name, subresource } = target;
  const resource = type.resource as ResourceName;
  if (method !== 'POST' && url.searchParams.has('dryRun')) {
    throw new StatusError(400, 'BadRequest', `dryRun is simulated for POST (create) only, not for ${method}`);
  }
  const notFound = () =>
    new StatusError(404, 'NotFound', `${type.resource}${type.group ? '.' + type.group : ''} "${name}" not found`, { name, group: type.group || undefined, kind: type.resource });

  switch (method) {
    case 'GET': {
      if (!name) {
        const filter = selectorFilter(type, url.searchParams);
        if (isTrue(url.searchParams.get('watch'))) return watch(ctx.watches, cluster, resource, namespace, filter, url.searchParams, req, res);
        const items = cluster.list(resource, namespace).filter(filter).sort(byNamespaceAndName);
        const rv = cluster.store.resourceVersion;
        if (wantsTable(req.headers.accept)) return sendJson(res, 200, asTable(resource, items, ctx.clock.now(), rv, url.searchParams.get('includeObject')));
        return sendJson(res, 200, { kind: `${type.kind}List`, apiVersion: apiVersion(type), metadata: { resourceVersion: rv }, items });
      }
      const object = cluster.get(resource, namespace, name);
      if (!object) throw notFound();
      if (subresource === 'scale') return sendJson(res, 200, scaleOf(object));
      if (wantsTable(req.headers.accept) && !subresource) {
        return sendJson(res, 200, asTable(resource, [object], ctx.clock.now(), object.metadata.resourceVersion, url.searchParams.get('includeObject')));
      }
      return sendJson(res, 200, object);
    }
    case 'POST': {
      if (name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const body = asObject(await readJson(req));
      const createOptions = parseDryRun(url.searchParams);
      if ('code' in createOptions) throw refused(createOptions);
      if (resource === 'pods') {
        const refusal = podCreateRefusal(namespace ?? 'default', createOptions.dryRun, ctx.faults);
        if (refusal) throw refused(refusal);
        // The API server waits for the Fargate webhook's answer (at most its timeout) before it stores the pod.
        const wait = webhookWaitMs(ctx.faults);
        if (wait > 0) await ctx.clock.sleepInRequest(req, wait);
      }
      const created = cluster.create(resource, namespace, body as KubeObject, createOptions);
      return sendJson(res, 201, created);
    }
    case 'PUT': {
      if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const body = asObject(await readJson(req)) as KubeObject;
      const current = cluster.get(resource, namespace, name);
      if (!current) throw notFound();
      if (subresource === 'scale') return sendJson(res, 200, scaleOf(setReplicas(cluster, resource, current, body)));
      if (body.metadata?.name && body.metadata.name !== name) {
        throw new StatusError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
      }
      const next = { ...body, metadata: { ...body.metadata, name, namespace: current.metadata.namespace } } as KubeObject;
      return sendJson(res, 200, cluster.update(resource, next, subresource === 'status' ? 'status' : undefined));
    }
    case 'PATCH': {
      if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const patchType = patchTypeOf(req.headers['content-type']);
      if (!patchType) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
      const patch = await readJson(req);
      const current = cluster.get(resource, namespace, name);
      if (!current) throw notFound();
      let patched: KubeObject;
      try {
        const base = subresource === 'scale' ? scaleOf(current) : current;
        patched = applyPatch(base as KubeObject, patchType, patch);
      } catch (error) {
        if (error instanceof PatchError) throw new StatusError(422, 'Invalid', error.message);
        throw error;
      }
      if (subresource === 'scale') return sendJson(res, 200, scaleOf(setReplicas(cluster, resource, current, patched)));
      const next = { ...patched, metadata: { ...patched.metadata, name, namespace: current.metadata.namespace } } as KubeObject;
      return sendJson(res, 200, cluster.update(resource, next, subresource === 'status' ? 'status' : undefined));
    }
    case 'DELETE': {
      if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const gone = cluster.delete(resource, namespace, name);
      if (resource === 'pods') return sendJson(res, 200, gone);
      return sendJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: type.group || undefined, kind: type.resource, uid: gone.metadata.uid },
      });
    }
    default:
      throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
}

function refused({ code, reason, message }: Refusal): StatusError {
  return new StatusError(code, reason, message);
}

function scaleOf(object: KubeObject) {
  const spec = object.spec as WorkloadSpec;
  const status = (object.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

function setReplicas(cluster: KubeCluster, resource: ResourceName, current: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new StatusError(422, 'Invalid', `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0`);
  }
  return cluster.update(resource, { ...current, spec: { ...(current.spec as object), replicas } });
}

function apiVersion(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}
