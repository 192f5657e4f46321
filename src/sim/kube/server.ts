// The simulated Kubernetes API server: one HTTPS endpoint for every cluster, the bearer token naming the cluster.
// It speaks the wire format kubectl and @kubernetes/client-node expect: legacy discovery, lists with label and field
// selectors, Tables for `kubectl get`, watches as JSON lines, the three patch types, metav1.Status errors.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimClock } from '../clock.js';
import { seededRandom, type Faults } from '../faults.js';
import { parseDryRun, podCreateRefusal, webhookWaitMs, type Refusal } from './admission.js';
import { checkBearerToken } from './auth.js';
import { SIM_CA_CERT_PEM, SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from './certs.js';
import { KubeApiError, type KubeCluster } from './cluster.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { fieldValue, parseFieldSelector, parseLabelSelector, requirementsMatch, SelectorSyntaxError, type FieldRequirement, type Requirement } from './matching.js';
import { applyPatch, PatchError, patchTypeOf } from './patch.js';
import { resourceType, type ResourceName, type ResourceType } from './resources.js';
import type { WatchEvent } from './store.js';
import { asTable, wantsTable } from './tables.js';
import type { KubeObject, WorkloadSpec } from './types.js';

export interface KubeServerOptions {
  clock: SimClock;
  faults: Faults;
  lookupCluster(name: string): KubeCluster | undefined;
  /**
   * Every cluster name that exists. Needed to recover the cluster of a token signed with the simulator's key (the
   * name is only inside the signature). Without it such tokens cannot be matched and get 401.
   */
  clusterNames?(): string[];
  /** True for a cluster whose API server takes no connection from here (fault outside-vpc, private endpoint). */
  refusesConnection?(clusterName: string): boolean;
  port?: number;
  /** Seed of the kube-5xx fault's generator. */
  randomSeed?: number;
  /** Real clock for token ages; tests may pin it. */
  realNow?: () => number;
}

export interface KubeServer {
  url: string;
  caPem: string;
  /** Requests answered so far (any outcome), for tests that count calls. */
  requestCount(): number;
  /**
   * The same per HTTP method (GET, PATCH, DELETE, …): tests prove a command only read. A dry run, which changes
   * nothing, counts as `POST (dry run)`.
   */
  requestsByMethod(): Record<string, number>;
  /** Requests refused with 401 (a token expired, for another cluster, or forged): tests prove a refresh happened. */
  unauthorizedCount(): number;
  close(): Promise<void>;
}

/** Field selectors the real API server accepts per resource (others are a 400). */
const SELECTABLE_FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  replicasets: ['status.replicas'],
};

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export async function startKubeServer(options: KubeServerOptions): Promise<KubeServer> {
  const random = seededRandom(options.randomSeed ?? 7);
  let requests = 0;
  let unauthorized = 0;
  const byMethod: Record<string, number> = {};
  const server: Server = createServer({ key: SIM_SERVER_KEY_PEM, cert: SIM_SERVER_CERT_PEM }, (req, res) => {
    requests++;
    const method = `${req.method ?? 'GET'}${/[?&]dryRun=/.test(req.url ?? '') ? ' (dry run)' : ''}`;
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const auth = await checkBearerToken(req.headers.authorization, {
      clusterNames: () => options.clusterNames?.() ?? [],
      realNow: options.realNow ?? Date.now,
      scale: options.clock.scale,
      tokenTtlSeconds: options.faults.tokenTtlSeconds,
    });
    // The reason stays in the server: a real API server answers every failed authentication with a bare 401.
    if (auth.ok && options.refusesConnection?.(auth.clusterName)) {
      // No answer at all, as from an endpoint that resolves to addresses inside a VPC this machine cannot reach.
      req.socket.destroy();
      return;
    }
    const cluster = auth.ok ? options.lookupCluster(auth.clusterName) : undefined;
    if (!cluster) {
      unauthorized++;
      return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (options.faults.kube5xx > 0 && random() < options.faults.kube5xx) {
      return sendStatus(res, 500, 'InternalError', 'Internal error occurred: simulated fault kube-5xx');
    }
    try {
      await route(cluster, req, res, url);
    } catch (error) {
      if (error instanceof HttpError) return sendStatus(res, error.code, error.reason, error.message, error.details);
      if (error instanceof KubeApiError) return sendStatus(res, error.code, error.reason, error.message);
      throw error;
    }
  }

  async function route(cluster: KubeCluster, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      const doc = discovery(cluster, path, `127.0.0.1:${(server.address() as AddressInfo).port}`);
      if (doc) return sendJson(res, 200, doc);
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
    }
    const target = parseResourcePath(path);
    if (!target) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    const { type, namespace, name, subresource } = target;
    const resource = type.resource as ResourceName;
    if (method !== 'POST' && url.searchParams.has('dryRun')) {
      throw new HttpError(400, 'BadRequest', `dryRun is simulated for POST (create) only, not for ${method}`);
    }
    const notFound = () =>
      new HttpError(404, 'NotFound', `${type.resource}${type.group ? '.' + type.group : ''} "${name}" not found`, { name, group: type.group || undefined, kind: type.resource });

    switch (method) {
      case 'GET': {
        if (!name) {
          const filter = selectorFilter(type, url.searchParams);
          if (isTrue(url.searchParams.get('watch'))) return watch(cluster, resource, namespace, filter, url.searchParams, req, res);
          const items = cluster.list(resource, namespace).filter(filter).sort(byNamespaceAndName);
          const rv = cluster.store.resourceVersion;
          if (wantsTable(req.headers.accept)) return sendJson(res, 200, asTable(resource, items, options.clock.now(), rv, url.searchParams.get('includeObject')));
          return sendJson(res, 200, { kind: `${type.kind}List`, apiVersion: apiVersion(type), metadata: { resourceVersion: rv }, items });
        }
        const object = cluster.get(resource, namespace, name);
        if (!object) throw notFound();
        if (subresource === 'scale') return sendJson(res, 200, scaleOf(object));
        if (wantsTable(req.headers.accept) && !subresource) {
          return sendJson(res, 200, asTable(resource, [object], options.clock.now(), object.metadata.resourceVersion, url.searchParams.get('includeObject')));
        }
        return sendJson(res, 200, object);
      }
      case 'POST': {
        if (name) throw new HttpError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const body = asObject(await readJson(req));
        const createOptions = parseDryRun(url.searchParams);
        if ('code' in createOptions) throw refused(createOptions);
        if (resource === 'pods') {
          const refusal = podCreateRefusal(namespace ?? 'default', createOptions.dryRun, options.faults);
          if (refusal) throw refused(refusal);
          // The API server waits for the Fargate webhook's answer (at most its timeout) before it stores the pod.
          const wait = webhookWaitMs(options.faults);
          if (wait > 0) await options.clock.sleep(wait);
        }
        const created = cluster.create(resource, namespace, body as KubeObject, createOptions);
        return sendJson(res, 201, created);
      }
      case 'PUT': {
        if (!name) throw new HttpError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const body = asObject(await readJson(req)) as KubeObject;
        const current = cluster.get(resource, namespace, name);
        if (!current) throw notFound();
        if (subresource === 'scale') return sendJson(res, 200, scaleOf(setReplicas(cluster, resource, current, body)));
        if (body.metadata?.name && body.metadata.name !== name) {
          throw new HttpError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
        }
        const next = { ...body, metadata: { ...body.metadata, name, namespace: current.metadata.namespace } } as KubeObject;
        return sendJson(res, 200, cluster.update(resource, next, subresource === 'status' ? 'status' : undefined));
      }
      case 'PATCH': {
        if (!name) throw new HttpError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const patchType = patchTypeOf(req.headers['content-type']);
        if (!patchType) throw new HttpError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
        const patch = await readJson(req);
        const current = cluster.get(resource, namespace, name);
        if (!current) throw notFound();
        let patched: KubeObject;
        try {
          const base = subresource === 'scale' ? scaleOf(current) : current;
          patched = applyPatch(base as KubeObject, patchType, patch);
        } catch (error) {
          if (error instanceof PatchError) throw new HttpError(422, 'Invalid', error.message);
          throw error;
        }
        if (subresource === 'scale') return sendJson(res, 200, scaleOf(setReplicas(cluster, resource, current, patched)));
        const next = { ...patched, metadata: { ...patched.metadata, name, namespace: current.metadata.namespace } } as KubeObject;
        return sendJson(res, 200, cluster.update(resource, next, subresource === 'status' ? 'status' : undefined));
      }
      case 'DELETE': {
        if (!name) throw new HttpError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
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
        throw new HttpError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  function watch(
    cluster: KubeCluster,
    resource: ResourceName,
    namespace: string | undefined,
    filter: (o: KubeObject) => boolean,
    params: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    // Headers go out at once, as the real server sends them: client-go waits for them with an uncancellable context,
    // so a watch that stays quiet would otherwise keep `kubectl rollout status` from exiting after its last list.
    res.flushHeaders();
    const matches = (e: WatchEvent) => e.resource === resource && (namespace === undefined || e.object.metadata.namespace === namespace) && filter(e.object);
    const send = (type: string, object: KubeObject) => res.write(JSON.stringify({ type, object }) + '\n');
    const since = params.get('resourceVersion');
    if (!since || since === '0') {
      for (const object of cluster.list(resource, namespace).filter(filter).sort(byNamespaceAndName)) send('ADDED', object);
    } else if (Number(since) < cluster.store.oldestResumable()) {
      const message = `too old resource version: ${since} (${cluster.store.oldestResumable()})`;
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 } }) + '\n');
      return;
    } else {
      for (const e of cluster.store.changesSince(Number(since))) if (matches(e)) send(e.type, e.object);
    }
    const unwatch = cluster.store.watch((e) => {
      if (matches(e)) send(e.type, e.object);
    });
    const finish = () => {
      unwatch();
      clearTimeout(timer);
      if (!res.writableEnded) res.end();
    };
    const timeoutSeconds = Number(params.get('timeoutSeconds') ?? 1800);
    const timer = setTimeout(finish, Math.max(1, timeoutSeconds) * 1000);
    timer.unref();
    req.on('close', finish);
    watches.add(finish);
    res.on('close', () => watches.delete(finish));
  }

  const watches = new Set<() => void>();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: SIM_CA_CERT_PEM,
    requestCount: () => requests,
    requestsByMethod: () => ({ ...byMethod }),
    unauthorizedCount: () => unauthorized,
    close: () =>
      new Promise<void>((resolve) => {
        for (const finish of [...watches]) finish();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function discovery(cluster: KubeCluster, path: string, serverAddress: string): unknown {
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

interface ResourcePath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'scale';
}

function parseResourcePath(path: string): ResourcePath | undefined {
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

function selectorFilter(type: ResourceType, params: URLSearchParams): (o: KubeObject) => boolean {
  let labels: Requirement[] = [];
  let fields: FieldRequirement[] = [];
  try {
    labels = parseLabelSelector(params.get('labelSelector') ?? '');
    fields = parseFieldSelector(params.get('fieldSelector') ?? '');
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new HttpError(400, 'BadRequest', error.message);
    throw error;
  }
  const allowed = ['metadata.name', 'metadata.namespace', ...(SELECTABLE_FIELDS[type.resource] ?? [])];
  for (const f of fields) {
    if (!allowed.includes(f.field)) throw new HttpError(400, 'BadRequest', `field label not supported: ${f.field}`);
  }
  return (o) =>
    requirementsMatch(labels, o.metadata.labels ?? {}) &&
    fields.every((f) => {
      const value = f.field === 'source' ? fieldValue(o, 'source.component') : fieldValue(o, f.field);
      return f.op === '=' ? value === f.value : value !== f.value;
    });
}

function refused({ code, reason, message }: Refusal): HttpError {
  return new HttpError(code, reason, message);
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
    throw new HttpError(422, 'Invalid', `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0`);
  }
  return cluster.update(resource, { ...current, spec: { ...(current.spec as object), replicas } });
}

function apiVersion(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BadRequest', `the request body is not valid JSON`);
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object');
  const object = value as Record<string, unknown>;
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  return object;
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string, details?: Record<string, unknown>): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}
