// The object store of one cluster: what etcd and the API server's storage layer do for the simulator. It stamps
// uid, resourceVersion and creationTimestamp, hands out copies (so nobody mutates stored objects by accident) and
// tells watchers about every change, with a short history so a watch can resume from a list's resourceVersion.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SimClock } from '../clock.js';
import { apiVersionOf, resourceType, type ResourceName } from './resources.js';
import type { KubeObject } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchEventType;
  resource: ResourceName;
  object: KubeObject;
  resourceVersion: number;
}
export type WatchListener = (event: WatchEvent) => void;

const HISTORY_LIMIT = 2000;

export class KubeStoreError extends Error {
  constructor(
    message: string,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict',
  ) {
    super(message);
  }
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ObjectStore {
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly listeners = new Set<WatchListener>();
  private readonly history: WatchEvent[] = [];
  private revision = 1;

  constructor(private readonly clock: SimClock) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let map = this.objects.get(resource);
    if (!map) this.objects.set(resource, (map = new Map()));
    return map;
  }

  get<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    const found = this.bucket(resource).get(key(namespace, name));
    return found ? (structuredClone(found) as T) : undefined;
  }

  list<T extends KubeObject>(resource: ResourceName, namespace?: string): T[] {
    const all = [...this.bucket(resource).values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    return all.map((o) => structuredClone(o) as T);
  }

  /** Stores a new object; `metadata.name` or `metadata.generateName` must be set. */
  create<T extends KubeObject>(resource: ResourceName, object: T, randomSuffix: () => string): T {
    const created = this.stamp(resource, object, randomSuffix);
    created.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(key(created.metadata.namespace, created.metadata.name), created);
    this.emit('ADDED', resource, created);
    return structuredClone(created);
  }

  /**
   * A create with dryRun=All: what `create` would store (name generated, uid and creationTimestamp set, a name taken is
   * still AlreadyExists) without storing it, so no resourceVersion, no watch event (the API server's
   * DryRunnableStorage.Create, k8s.io/apiserver registry/generic/registry/dryrun.go).
   */
  dryRunCreate<T extends KubeObject>(resource: ResourceName, object: T, randomSuffix: () => string): T {
    const created = this.stamp(resource, object, randomSuffix);
    created.metadata.resourceVersion = '';
    return created;
  }

  private stamp<T extends KubeObject>(resource: ResourceName, object: T, randomSuffix: () => string): T {
    const type = resourceType(resource)!;
    const created = structuredClone(object);
    const meta = created.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!type.namespaced) delete meta.namespace;
    if (this.bucket(resource).has(key(meta.namespace, meta.name))) {
      throw new KubeStoreError(`${type.resource}${type.group ? '.' + type.group : ''} "${meta.name}" already exists`, 'AlreadyExists');
    }
    created.apiVersion = apiVersionOf(type);
    created.kind = type.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.clock.now());
    if (type.hasGeneration) meta.generation = 1;
    return created;
  }

  /** Replaces a stored object. A stale `metadata.resourceVersion` is a conflict, as with a real update. */
  update<T extends KubeObject>(resource: ResourceName, object: T): T {
    const map = this.bucket(resource);
    const k = key(object.metadata.namespace, object.metadata.name);
    const current = map.get(k);
    const type = resourceType(resource)!;
    if (!current) throw new KubeStoreError(`${type.resource}${type.group ? '.' + type.group : ''} "${object.metadata.name}" not found`, 'NotFound');
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new KubeStoreError(
        `Operation cannot be fulfilled on ${type.resource}${type.group ? '.' + type.group : ''} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        'Conflict',
      );
    }
    const next = structuredClone(object);
    next.apiVersion = current.apiVersion;
    next.kind = current.kind;
    next.metadata.uid = current.metadata.uid;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (type.namespaced) next.metadata.namespace = current.metadata.namespace;
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (isDeepStrictEqual(next, current)) return structuredClone(current) as T;
    next.metadata.resourceVersion = String(++this.revision);
    map.set(k, next);
    this.emit('MODIFIED', resource, next);
    return structuredClone(next);
  }

  delete<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    const map = this.bucket(resource);
    const k = key(namespace, name);
    const current = map.get(k);
    if (!current) return undefined;
    map.delete(k);
    const gone = structuredClone(current);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit('DELETED', resource, gone);
    return structuredClone(gone) as T;
  }

  watch(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The oldest resourceVersion a watch can still resume from; older ones are gone (410 Expired). */
  oldestResumable(): number {
    return this.history.length < HISTORY_LIMIT ? 0 : (this.history[0]?.resourceVersion ?? 1) - 1;
  }

  /** Changes after `resourceVersion` still in the history, oldest first. */
  changesSince(resourceVersion: number): WatchEvent[] {
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  private emit(type: WatchEventType, resource: ResourceName, object: KubeObject): void {
    const event: WatchEvent = { type, resource, object: structuredClone(object), resourceVersion: this.revision };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const listener of [...this.listeners]) listener(event);
  }
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
