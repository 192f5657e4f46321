// One simulated Kubernetes cluster: its object store, the Fargate webhook and schedulers, the workload controllers,
// and the operations the API server performs on it (create, update, patch results, delete).
import type { SimClock } from '../clock.js';
import type { Faults } from '../faults.js';
import { SIM_REGION } from '../credentials.js';
import { COMPUTE_TYPE_ANNOTATION, PodLifecycle, type PodTimings } from './pods.js';
import type { FargateProfileView } from './matching.js';
import { labelSelectorMatches } from './matching.js';
import { coreDnsDeployment, metricsServerDeployment } from './coredns.js';
import { nameSuffixes } from './names.js';
import { resourceType, type ResourceName } from './resources.js';
import { StatusError } from './status.js';
import { KubeStoreError, ObjectStore, rfc3339 } from './store.js';
import type { Deployment, KubeObject, Pod, WorkloadSpec } from './types.js';
import { applyDeploymentDefaults, assertPodSpecUnchanged, validateWorkload } from './validation.js';
import { syncAllWorkloads, type WorkloadContext } from './workloads.js';

export type { FargateProfileView } from './matching.js';

export interface KubeClusterOptions {
  name: string;
  clock: SimClock;
  faults: Faults;
  kubernetesVersion: string;
  /** ACTIVE profiles the admission webhook sees now (already past the webhook delay), any order. */
  admissionProfiles(): FargateProfileView[];
  /** True while an ACTIVE managed nodegroup exists: default-scheduler pods then land on EC2 nodes. */
  ec2NodesAvailable(): boolean;
  /** Region in node names; defaults to the simulator's region. */
  region?: string;
  /** Simulated seconds from scheduling to Ready; defaults: Fargate 45 s (fault fargate-start wins), EC2 5 s. */
  timings?: Partial<PodTimings>;
  /** EKS Auto Mode: the nodes default-scheduler pods land on are Auto Mode's (`eks.amazonaws.com/compute-type: auto`). */
  autoMode?: boolean;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Patch versions EKS currently runs for each minor version, for `/version` and node kubelet versions. */
const EKS_PATCH: Record<string, string> = { '1.28': '15', '1.29': '10', '1.30': '6', '1.31': '2', '1.32': '0', '1.33': '1' };

export class KubeCluster {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly region: string;
  readonly store: ObjectStore;
  /** As `/version` reports it, e.g. v1.31.2-eks-7f9249a. */
  readonly gitVersion: string;
  private readonly options: KubeClusterOptions;
  private readonly pods: PodLifecycle;
  private readonly nameSuffix: () => string;
  /** Dry runs draw their names from their own sequence, so a probe does not change the names real objects get. */
  private readonly dryRunNameSuffix: () => string;
  private readonly syncTimers = new Map<number, NodeJS.Timeout>();
  private syncing = false;
  private dirty = false;
  private stopped = false;

  constructor(options: KubeClusterOptions) {
    this.options = options;
    this.name = options.name;
    this.kubernetesVersion = options.kubernetesVersion;
    this.region = options.region ?? SIM_REGION;
    this.gitVersion = `v${options.kubernetesVersion}.${EKS_PATCH[options.kubernetesVersion] ?? '0'}-eks-7f9249a`;
    this.store = new ObjectStore(options.clock);
    this.nameSuffix = nameSuffixes(`${options.name}/${options.clock.now()}`);
    this.dryRunNameSuffix = nameSuffixes(`${options.name}/dry-run/${options.clock.now()}`);
    this.pods = new PodLifecycle({
      store: this.store,
      clock: options.clock,
      faults: options.faults,
      region: this.region,
      kubeletVersion: this.gitVersion,
      timings: { fargatePodStartSeconds: 45, ec2PodStartSeconds: 5, ...options.timings },
      admissionProfiles: () => options.admissionProfiles(),
      ec2NodesAvailable: () => options.ec2NodesAvailable(),
      nodeKind: options.autoMode ? 'auto' : 'ec2',
      nameSuffix: this.nameSuffix,
      changed: () => this.sync(),
    });
    for (const name of DEFAULT_NAMESPACES) {
      this.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: namespaceMeta(name), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, this.nameSuffix);
    }
  }

  /** Deployment coredns in kube-system, 2 replicas; its pods are admitted now. */
  installCoreDns(): Deployment {
    const existing = this.store.get<Deployment>('deployments', 'kube-system', 'coredns');
    if (existing) return existing;
    return this.create('deployments', 'kube-system', coreDnsDeployment(this.kubernetesVersion, this.region)) as Deployment;
  }

  /** The workload of another managed addon: metrics-server's Deployment; other addons run nothing the heal looks at. */
  installAddon(name: string): void {
    if (name !== 'metrics-server' || this.store.get<Deployment>('deployments', 'kube-system', 'metrics-server')) return;
    this.create('deployments', 'kube-system', metricsServerDeployment(this.region));
  }

  /**
   * What the coredns addon does with configurationValues `{"computeType":"Fargate"}`: the template loses its
   * `eks.amazonaws.com/compute-type` annotation, which starts a rollout. True when the template changed.
   */
  setCoreDnsComputeTypeFargate(): boolean {
    const d = this.store.get<Deployment>('deployments', 'kube-system', 'coredns');
    const annotations = d?.spec.template.metadata?.annotations;
    if (!d || !annotations || !(COMPUTE_TYPE_ANNOTATION in annotations)) return false;
    const next = structuredClone(d);
    delete next.spec.template.metadata!.annotations![COMPUTE_TYPE_ANNOTATION];
    this.update('deployments', next);
    return true;
  }

  /** Called by the world when nodegroups turn ACTIVE, so Pending default-scheduler pods get scheduled. */
  reconcile(): void {
    if (this.stopped) return;
    this.pods.reconcile();
    this.sync();
  }

  /** Clears every timer; the cluster changes no more on its own. */
  stop(): void {
    this.stopped = true;
    this.pods.stop();
    for (const t of this.syncTimers.values()) this.options.clock.clearTimeout(t);
    this.syncTimers.clear();
  }

  get<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    return this.store.get<T>(resource, namespace, name);
  }

  list<T extends KubeObject>(resource: ResourceName, namespace?: string): T[] {
    return this.store.list<T>(resource, namespace);
  }

  /** Pods in a namespace, optionally only those with all these labels. */
  listPods(namespace?: string, labels?: Record<string, string>): Pod[] {
    return this.store.list<Pod>('pods', namespace).filter((p) => !labels || labelSelectorMatches({ matchLabels: labels }, p.metadata.labels ?? {}));
  }

  /**
   * Creates an object as a POST does: defaults, validation, admission (pods), then the controllers run. With `dryRun`
   * (`?dryRun=All`) every step up to storage runs and the object comes back as it would be stored, but nothing is
   * stored, scheduled or announced.
   */
  create(resource: ResourceName, namespace: string | undefined, input: KubeObject, { dryRun = false } = {}): KubeObject {
    const type = resourceType(resource)!;
    const object = structuredClone(input);
    object.metadata = { ...object.metadata } as KubeObject['metadata'];
    if (type.namespaced) {
      const ns = namespace ?? object.metadata.namespace ?? 'default';
      if (object.metadata.namespace && object.metadata.namespace !== ns) {
        throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      if (!this.store.get('namespaces', undefined, ns)) throw new StatusError(404, 'NotFound', `namespaces "${ns}" not found`);
      object.metadata.namespace = ns;
    }
    if (!object.metadata.name && !object.metadata.generateName) {
      throw new StatusError(422, 'Invalid', `${type.kind} in version "v1" cannot be handled as a ${type.kind}: name or generateName is required`);
    }
    if (['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(resource)) validateWorkload(object as KubeObject & { spec: WorkloadSpec }, type.kind);
    if (resource === 'deployments') applyDeploymentDefaults(object as Deployment);
    if (resource === 'namespaces') {
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name };
      object.spec = { finalizers: ['kubernetes'] };
      object.status = { phase: 'Active' };
    }
    if (dryRun) {
      return this.translate(() =>
        resource === 'pods'
          ? this.pods.dryRunCreate(object as Pod, this.dryRunNameSuffix)
          : this.store.dryRunCreate(resource, { ...object, status: object.status ?? {} }, this.dryRunNameSuffix),
      );
    }
    const created = this.translate(() =>
      resource === 'pods' ? this.pods.create(object as Pod) : this.store.create(resource, { ...object, status: object.status ?? {} }, this.nameSuffix),
    );
    this.sync();
    return this.store.get(resource, created.metadata.namespace, created.metadata.name) ?? created;
  }

  /**
   * Stores a changed object (a PUT or the result of a PATCH). The main resource keeps its status and the status
   * subresource keeps everything else, as the API server does; a spec change bumps metadata.generation.
   */
  update(resource: ResourceName, input: KubeObject, subresource?: 'status'): KubeObject {
    const type = resourceType(resource)!;
    const current = this.store.get(resource, input.metadata.namespace, input.metadata.name);
    if (!current) throw new StatusError(404, 'NotFound', `${type.resource}${type.group ? '.' + type.group : ''} "${input.metadata.name}" not found`);
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...current, status: input.status };
      if (input.metadata.resourceVersion) next.metadata = { ...next.metadata, resourceVersion: input.metadata.resourceVersion };
    } else {
      next = { ...input, metadata: { ...input.metadata } };
      if (type.hasStatus) next.status = current.status;
      if (resource === 'pods') assertPodSpecUnchanged(current as Pod, next as Pod);
      if (['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(resource)) {
        validateWorkload(next as KubeObject & { spec: WorkloadSpec }, type.kind);
        const currentSelector = (current.spec as WorkloadSpec).selector;
        if (JSON.stringify(currentSelector) !== JSON.stringify((next.spec as WorkloadSpec).selector) && resource !== 'replicasets') {
          throw new StatusError(422, 'Invalid', `${type.kind}.apps "${current.metadata.name}" is invalid: spec.selector: Invalid value: field is immutable`);
        }
      }
      if (type.hasGeneration) {
        const changed = JSON.stringify(current.spec) !== JSON.stringify(next.spec);
        next.metadata.generation = (current.metadata.generation ?? 1) + (changed ? 1 : 0);
      }
    }
    const stored = this.translate(() => this.store.update(resource, next));
    this.sync();
    return this.store.get(resource, stored.metadata.namespace, stored.metadata.name) ?? stored;
  }

  /** Deletes at once (no graceful termination); owned objects follow through garbage collection. */
  delete(resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const type = resourceType(resource)!;
    if (resource === 'namespaces' && DEFAULT_NAMESPACES.includes(name)) {
      throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    const gone = resource === 'pods' ? this.deletePod(namespace ?? 'default', name) : this.store.delete(resource, namespace, name);
    if (!gone) throw new StatusError(404, 'NotFound', `${type.resource}${type.group ? '.' + type.group : ''} "${name}" not found`);
    this.sync();
    return gone;
  }

  private deletePod(namespace: string, name: string): Pod | undefined {
    const gone = this.store.delete<Pod>('pods', namespace, name);
    if (gone) this.pods.podDeleted(gone);
    return gone;
  }

  /** Runs the controllers until they change nothing more; re-entrant calls just ask for another round. */
  private sync(): void {
    if (this.stopped) return;
    if (this.syncing) {
      this.dirty = true;
      return;
    }
    this.syncing = true;
    let changes = 0;
    const unwatch = this.store.watch(() => changes++);
    try {
      for (let round = 0; round < 100; round++) {
        this.dirty = false;
        changes = 0;
        syncAllWorkloads(this.workloadContext());
        if (!changes && !this.dirty) break;
      }
    } finally {
      unwatch();
      this.syncing = false;
    }
  }

  private workloadContext(): WorkloadContext {
    return {
      store: this.store,
      now: () => this.options.clock.now(),
      createPod: (pod) => this.pods.create(pod),
      deletePod: (namespace, name) => void this.deletePod(namespace, name),
      nameSuffix: this.nameSuffix,
      syncAt: (at) => this.syncAt(at),
    };
  }

  private syncAt(simEpochMs: number): void {
    const at = Math.ceil(simEpochMs / 1000) * 1000;
    if (this.syncTimers.has(at) || this.stopped) return;
    const timer = this.options.clock.setTimeout(() => {
      this.syncTimers.delete(at);
      this.sync();
    }, at - this.options.clock.now() + 1);
    this.syncTimers.set(at, timer);
  }

  private translate<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof KubeStoreError) {
        const code = error.reason === 'NotFound' ? 404 : 409;
        throw new StatusError(code, error.reason, error.message);
      }
      throw error;
    }
  }

  /** When the simulated clock says it is, for objects made outside the store. */
  now(): string {
    return rfc3339(this.options.clock.now());
  }
}

function namespaceMeta(name: string): KubeObject['metadata'] {
  return { name, uid: '', resourceVersion: '', creationTimestamp: '', labels: { 'kubernetes.io/metadata.name': name } };
}
