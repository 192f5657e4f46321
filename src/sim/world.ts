// The simulated AWS account: clusters with their Fargate profiles (world/profiles.ts), nodegroups (world/nodegroups.ts)
// and addons (world/addons.ts), each moving through the statuses EKS reports on simulated time. Every cluster owns a
// KubeCluster; the world tells it which profiles the Fargate admission webhook sees and whether EC2 nodes exist, and
// nudges it whenever either changes.
import type {
  Addon,
  Cluster,
  CreateAddonRequest,
  CreateClusterRequest,
  CreateFargateProfileRequest,
  CreateNodegroupRequest,
  FargateProfile,
  Nodegroup,
  Update,
  UpdateClusterConfigRequest,
} from '@aws-sdk/client-eks';
import type { SimClock } from './clock.js';
import { SIM_ACCOUNT_ID, SIM_REGION } from './credentials.js';
import { inUse, invalidParameter, notFound } from './eks/errors.js';
import type { Faults } from './faults.js';
import type { FargateProfileView, KubeClusterOptions } from './kube/cluster.js';
import { createAddon } from './world/addons.js';
import { clusterFromRequest, controlPlaneReady, tokenIdOf } from './world/clusters.js';
import { activeClusterNamed, clusterNamed, profileNamed } from './world/lookups.js';
import { createNodegroup } from './world/nodegroups.js';
import { admissionProfiles, createProfile, deleteProfile, profileCreated } from './world/profiles.js';
import type { ClusterState, KubeClusterHandle, WorldContext } from './world/state.js';
import { startEndpointUpdate } from './world/updates.js';
import { resolveTimings, type SimTimings } from './world/timings.js';

export { DEFAULT_TIMINGS, type SimTimings } from './world/timings.js';
export type { KubeClusterHandle } from './world/state.js';

/** What the world hands to each cluster's Kubernetes side. */
export type KubeClusterSpec = KubeClusterOptions;
export type { FargateProfileView };

export interface WorldOptions<K extends KubeClusterHandle = KubeClusterHandle> {
  clock: SimClock;
  faults: Faults;
  /** The Kubernetes API every cluster's DescribeCluster `endpoint` points at. */
  kubeEndpoint: string;
  /** Its CA certificate, PEM; DescribeCluster carries it base64-encoded. */
  caPem: string;
  createKubeCluster(spec: KubeClusterSpec): K;
  timings?: Partial<SimTimings>;
  region?: string;
  accountId?: string;
  /** Where a failure inside a lifecycle timer goes (it has no caller to throw to). Default: console.error. */
  onError?(error: unknown): void;
}

export const DEFAULT_KUBERNETES_VERSION = '1.33';
const SUPPORTED_VERSION = /^1\.(2[3-9]|3[0-4])$/;

export class World<K extends KubeClusterHandle = KubeClusterHandle> {
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly timings: SimTimings;
  readonly region: string;
  readonly accountId: string;
  private readonly options: WorldOptions<K>;
  private readonly clusters = new Map<string, ClusterState<K>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** What the world's parts (profiles, nodegroups, addons) use of it. */
  private readonly context: WorldContext;

  constructor(options: WorldOptions<K>) {
    this.options = options;
    this.clock = options.clock;
    this.faults = options.faults;
    this.timings = resolveTimings(options.timings);
    this.region = options.region ?? SIM_REGION;
    this.accountId = options.accountId ?? SIM_ACCOUNT_ID;
    this.context = {
      clock: this.clock,
      faults: this.faults,
      timings: this.timings,
      after: (seconds, fn) => this.after(seconds, fn),
      notify: (state) => this.notify(state),
      arn: (resource) => this.arn(resource),
    };
  }

  /** The KubeCluster of a cluster that exists (any status), for the Kubernetes server's token lookup. */
  kubeCluster(name: string): K | undefined {
    return this.clusters.get(name)?.kube;
  }

  /** What tokens name each cluster by (x-k8s-aws-id): the cluster ID on Outposts, the name elsewhere. */
  tokenIds(): string[] {
    return [...this.clusters.values()].map((state) => tokenIdOf(state.cluster));
  }

  /** The KubeCluster a token's x-k8s-aws-id names. */
  kubeClusterForToken(id: string): K | undefined {
    return [...this.clusters.values()].find((state) => tokenIdOf(state.cluster) === id)?.kube;
  }

  /**
   * Fault outside-vpc: this machine is outside every cluster's VPC, so the API server of a cluster whose endpoint is
   * private only takes no connection from it.
   */
  refusesConnection(tokenId: string): boolean {
    if (!this.faults.outsideVpc) return false;
    const state = [...this.clusters.values()].find((s) => tokenIdOf(s.cluster) === tokenId);
    return state?.cluster.resourcesVpcConfig?.endpointPublicAccess === false;
  }

  /** Stops every lifecycle timer, the clusters' too; the world keeps its state but nothing moves any more. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    for (const state of this.clusters.values()) state.kube.stop?.();
  }

  // ── clusters ──────────────────────────────────────────────────────────────────────────────────────────────────

  createCluster(request: CreateClusterRequest): Cluster {
    const name = request.name!;
    if (this.clusters.has(name)) throw inUse(`Cluster already exists with name: ${name}`, { clusterName: name });
    const version = request.version ?? DEFAULT_KUBERNETES_VERSION;
    if (!SUPPORTED_VERSION.test(version)) throw invalidParameter(`unsupported Kubernetes version ${version}`, { clusterName: name });
    const shape = clusterFromRequest({ ...request, version }, { arn: this.arn(`cluster/${name}`), region: this.region, now: this.clock.date() });
    const { cluster } = shape;
    const state: ClusterState<K> = {
      cluster,
      kube: this.options.createKubeCluster({
        name,
        clock: this.clock,
        faults: this.faults,
        kubernetesVersion: version,
        region: this.region,
        admissionProfiles: () => this.admissionProfiles(name),
        ec2NodesAvailable: () => this.ec2NodesAvailable(name),
        timings: { fargatePodStartSeconds: this.timings.fargatePodStartSeconds, ec2PodStartSeconds: this.timings.ec2PodStartSeconds },
        ...(shape.autoMode ? { autoMode: true } : {}),
      }),
      profiles: new Map(),
      nodegroups: new Map(),
      addons: new Map(),
      updates: new Map(),
      selfManagedAddons: shape.selfManagedAddons,
      autoMode: shape.autoMode,
      autoModeNodesReady: false,
    };
    this.clusters.set(name, state);
    this.after(this.timings.controlPlaneSeconds, () => controlPlaneReady(this.context, state, this.options));
    return structuredClone(cluster);
  }

  describeCluster(name: string): Cluster {
    return structuredClone(clusterNamed(this.clusters, name).cluster);
  }

  listClusters(): string[] {
    return [...this.clusters.keys()];
  }

  /**
   * UpdateClusterConfig for endpoint access (what eksctl calls to turn a privateCluster's public endpoint off): the
   * cluster is UPDATING for `clusterUpdateSeconds`, then has the new access. DescribeUpdate follows it.
   */
  updateClusterConfig(request: UpdateClusterConfigRequest): Update {
    const state = activeClusterNamed(this.clusters, request.name!);
    return startEndpointUpdate(state.cluster, state.updates, request, {
      now: this.clock.date(),
      after: (apply) => this.after(this.timings.clusterUpdateSeconds, apply),
    });
  }

  describeUpdate(clusterName: string, id: string): Update {
    const update = clusterNamed(this.clusters, clusterName).updates.get(id);
    if (!update) throw notFound(`No update found for ID: ${id}`, { clusterName });
    return structuredClone(update);
  }

  /** DELETING, then gone with everything in it (EKS would insist on deleting nodegroups first; eksctl does that). */
  deleteCluster(name: string): Cluster {
    const state = clusterNamed(this.clusters, name);
    if (state.cluster.status === 'DELETING') throw inUse(`Cluster ${name} is already being deleted`, { clusterName: name });
    state.cluster.status = 'DELETING';
    this.after(this.timings.clusterDeleteSeconds, () => {
      if (this.clusters.get(name) !== state) return;
      this.clusters.delete(name);
      state.kube.stop?.();
    });
    return structuredClone(state.cluster);
  }

  // ── Fargate profiles ──────────────────────────────────────────────────────────────────────────────────────────

  createFargateProfile(request: CreateFargateProfileRequest): FargateProfile {
    return createProfile(this.context, activeClusterNamed(this.clusters, request.clusterName!), request);
  }

  /**
   * Ends a CREATING profile's creation now, exactly as its timer would (ACTIVE, or CREATE_FAILED under the fault
   * profile-create-failed), so a test can put that moment after something it waits for instead of racing a timer.
   */
  endProfileCreation(clusterName: string, name: string): void {
    profileCreated(this.context, clusterNamed(this.clusters, clusterName), profileNamed(this.clusters, clusterName, name));
  }

  describeFargateProfile(clusterName: string, name: string): FargateProfile {
    return structuredClone(profileNamed(this.clusters, clusterName, name).profile);
  }

  listFargateProfiles(clusterName: string): string[] {
    return [...clusterNamed(this.clusters, clusterName).profiles.keys()];
  }

  deleteFargateProfile(clusterName: string, name: string): FargateProfile {
    const state = clusterNamed(this.clusters, clusterName);
    return deleteProfile(this.context, state, profileNamed(this.clusters, clusterName, name));
  }

  // ── nodegroups ────────────────────────────────────────────────────────────────────────────────────────────────

  createNodegroup(request: CreateNodegroupRequest): Nodegroup {
    return createNodegroup(this.context, activeClusterNamed(this.clusters, request.clusterName!), request);
  }

  describeNodegroup(clusterName: string, name: string): Nodegroup {
    const nodegroup = clusterNamed(this.clusters, clusterName).nodegroups.get(name);
    if (!nodegroup) throw notFound(`No node group found for name: ${name}.`, { clusterName, nodegroupName: name });
    return structuredClone(nodegroup);
  }

  listNodegroups(clusterName: string): string[] {
    return [...clusterNamed(this.clusters, clusterName).nodegroups.keys()];
  }

  // ── addons ────────────────────────────────────────────────────────────────────────────────────────────────────

  createAddon(request: CreateAddonRequest): Addon {
    return createAddon(this.context, clusterNamed(this.clusters, request.clusterName!), request);
  }

  describeAddon(clusterName: string, name: string): Addon {
    const addonState = clusterNamed(this.clusters, clusterName).addons.get(name);
    if (!addonState) throw notFound(`No addon: ${name} found in cluster: ${clusterName}`, { clusterName, addonName: name });
    return structuredClone(addonState.addon);
  }

  listAddons(clusterName: string): string[] {
    return [...clusterNamed(this.clusters, clusterName).addons.keys()];
  }

  // ── what the Kubernetes side asks ─────────────────────────────────────────────────────────────────────────────

  /** ACTIVE profiles the webhook already sees, by name as the webhook orders them. */
  admissionProfiles(clusterName: string): FargateProfileView[] {
    const state = this.clusters.get(clusterName);
    return state ? admissionProfiles(state) : [];
  }

  /** When the webhook began to see a profile (simulated epoch ms); undefined while it does not. Read-only, for benchmarks. */
  profileVisibleAt(clusterName: string, name: string): number | undefined {
    const profileState = this.clusters.get(clusterName)?.profiles.get(name);
    return profileState?.seenByWebhook ? profileState.seenByWebhookAt : undefined;
  }

  /** An ACTIVE nodegroup, or Auto Mode's nodes: default-scheduler pods have somewhere to run. */
  ec2NodesAvailable(clusterName: string): boolean {
    const state = this.clusters.get(clusterName);
    if (!state) return false;
    return state.autoModeNodesReady || [...state.nodegroups.values()].some((n) => n.status === 'ACTIVE');
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────────────────

  private notify(state: ClusterState): void {
    if (this.clusters.get(state.cluster.name!) !== state) return;
    state.kube.reconcile();
  }

  private arn(resource: string): string {
    return `arn:aws:eks:${this.region}:${this.accountId}:${resource}`;
  }

  private after(seconds: number, fn: () => void): void {
    if (this.closed) return;
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      try {
        fn();
      } catch (error) {
        (this.options.onError ?? console.error)(error);
      }
    }, seconds * 1000);
    this.timers.add(timer);
  }
}
