// The simulated AWS account: clusters with their Fargate profiles, nodegroups and addons, each moving through the
// statuses EKS reports on simulated time. Every cluster owns a KubeCluster; the world tells it which profiles the
// Fargate admission webhook sees and whether EC2 nodes exist, and nudges it whenever either changes.
//
// The rules that matter to safe-eksctl (../shared/design/eks-facts.md):
// - only one Fargate profile per cluster may be CREATING or DELETING at a time (ResourceInUseException);
// - a profile turns ACTIVE after `fargateProfileSeconds`, and the webhook sees it only `webhookDelaySeconds` later;
// - `profile-create-failed=NAME` ends that profile in CREATE_FAILED with a health issue.
import { randomUUID } from 'node:crypto';
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
import { inUse, invalidParameter, invalidRequest, notFound } from './eks/errors.js';
import type { Faults } from './faults.js';
import type { FargateProfileView, KubeClusterOptions } from './kube/cluster.js';
import { addonVersion, wantsFargateCoreDns } from './world/addons.js';
import { clusterFromRequest, tokenIdOf } from './world/clusters.js';
import { startEndpointUpdate } from './world/updates.js';
import { resolveTimings, type SimTimings } from './world/timings.js';

export { DEFAULT_TIMINGS, type SimTimings } from './world/timings.js';

/** What the world hands to each cluster's Kubernetes side. */
export type KubeClusterSpec = KubeClusterOptions;
export type { FargateProfileView };

/** The part of a KubeCluster the world drives. */
export interface KubeClusterHandle {
  /** The CoreDNS EKS installs itself (bootstrapSelfManagedAddons) or through the coredns addon. */
  installCoreDns(): void;
  /** The workload of another managed addon (metrics-server); addons without pods of interest are ignored. */
  installAddon?(name: string): void;
  reconcile(): void;
  /** The managed addon's `computeType: Fargate`: CoreDNS's template loses its `compute-type` annotation. */
  setCoreDnsComputeTypeFargate?(): void;
  /** Stops the cluster's own timers (pod starts, rollouts). */
  stop?(): void;
}

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

interface ClusterState<K extends KubeClusterHandle = KubeClusterHandle> {
  cluster: Cluster;
  kube: K;
  profiles: Map<string, ProfileState>;
  nodegroups: Map<string, Nodegroup>;
  addons: Map<string, AddonState>;
  updates: Map<string, Update>;
  /** EKS installs its own CoreDNS when the control plane is up (CreateCluster's bootstrapSelfManagedAddons). */
  selfManagedAddons: boolean;
  /** Auto Mode: its nodes are up `autoModeNodeSeconds` after the control plane. */
  autoMode: boolean;
  autoModeNodesReady: boolean;
}

interface ProfileState {
  profile: FargateProfile;
  /** Set by a timer `webhookDelaySeconds` after ACTIVE, never by comparing clocks (timers may fire a hair early). */
  seenByWebhook: boolean;
  /** Simulated epoch ms at which the webhook began to see it, for the benchmarks' heal latency. */
  seenByWebhookAt?: number;
}

interface AddonState {
  addon: Addon;
  /** Its own creation time has passed; it turns ACTIVE once the cluster is ACTIVE too. */
  installed: boolean;
}

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

  constructor(options: WorldOptions<K>) {
    this.options = options;
    this.clock = options.clock;
    this.faults = options.faults;
    this.timings = resolveTimings(options.timings);
    this.region = options.region ?? SIM_REGION;
    this.accountId = options.accountId ?? SIM_ACCOUNT_ID;
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
    for (const timer of this.timers) clearTimeout(timer);
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
    this.after(this.timings.controlPlaneSeconds, () => this.controlPlaneReady(state));
    return structuredClone(cluster);
  }

  describeCluster(name: string): Cluster {
    return structuredClone(this.cluster(name).cluster);
  }

  listClusters(): string[] {
    return [...this.clusters.keys()];
  }

  /**
   * UpdateClusterConfig for endpoint access (what eksctl calls to turn a privateCluster's public endpoint off): the
   * cluster is UPDATING for `clusterUpdateSeconds`, then has the new access. DescribeUpdate follows it.
   */
  updateClusterConfig(request: UpdateClusterConfigRequest): Update {
    const state = this.activeCluster(request.name!);
    return startEndpointUpdate(state.cluster, state.updates, request, {
      now: this.clock.date(),
      after: (apply) => this.after(this.timings.clusterUpdateSeconds, apply),
    });
  }

  describeUpdate(clusterName: string, id: string): Update {
    const update = this.cluster(clusterName).updates.get(id);
    if (!update) throw notFound(`No update found for ID: ${id}`, { clusterName });
    return structuredClone(update);
  }

  /** DELETING, then gone with everything in it (EKS would insist on deleting nodegroups first; eksctl does that). */
  deleteCluster(name: string): Cluster {
    const state = this.cluster(name);
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
    const clusterName = request.clusterName!;
    const name = request.fargateProfileName!;
    const state = this.activeCluster(clusterName);
    if (state.profiles.has(name)) {
      throw inUse(`A Fargate Profile already exists with this name in this cluster.`, { clusterName, fargateProfileName: name });
    }
    this.refuseWhileProfileBusy(state, 'create', name);
    const profile: FargateProfile = {
      fargateProfileName: name,
      fargateProfileArn: this.arn(`fargateprofile/${clusterName}/${name}/${randomUUID()}`),
      clusterName,
      createdAt: this.clock.date(),
      podExecutionRoleArn: request.podExecutionRoleArn,
      subnets: request.subnets ?? [],
      selectors: structuredClone(request.selectors ?? []),
      status: 'CREATING',
      tags: request.tags ?? {},
      health: { issues: [] },
    };
    const profileState: ProfileState = { profile, seenByWebhook: false };
    state.profiles.set(name, profileState);
    this.after(this.timings.fargateProfileSeconds, () => this.profileCreated(state, profileState));
    return structuredClone(profile);
  }

  /**
   * Ends a CREATING profile's creation now, exactly as its timer would (ACTIVE, or CREATE_FAILED under the fault
   * profile-create-failed), so a test can put that moment after something it waits for instead of racing a timer.
   */
  endProfileCreation(clusterName: string, name: string): void {
    this.profileCreated(this.cluster(clusterName), this.profile(clusterName, name));
  }

  describeFargateProfile(clusterName: string, name: string): FargateProfile {
    return structuredClone(this.profile(clusterName, name).profile);
  }

  listFargateProfiles(clusterName: string): string[] {
    return [...this.cluster(clusterName).profiles.keys()];
  }

  deleteFargateProfile(clusterName: string, name: string): FargateProfile {
    const state = this.cluster(clusterName);
    const profileState = this.profile(clusterName, name);
    this.refuseWhileProfileBusy(state, 'delete', name);
    profileState.profile.status = 'DELETING';
    profileState.seenByWebhook = false;
    this.notify(state);
    this.after(this.timings.fargateProfileDeleteSeconds, () => {
      if (state.profiles.get(name) === profileState) state.profiles.delete(name);
      this.notify(state);
    });
    return structuredClone(profileState.profile);
  }

  // ── nodegroups ────────────────────────────────────────────────────────────────────────────────────────────────

  createNodegroup(request: CreateNodegroupRequest): Nodegroup {
    const clusterName = request.clusterName!;
    const name = request.nodegroupName!;
    const state = this.activeCluster(clusterName);
    if (state.nodegroups.has(name)) {
      throw inUse(`NodeGroup already exists with name ${name} and cluster name ${clusterName}`, { clusterName, nodegroupName: name });
    }
    const now = this.clock.date();
    const version = request.version ?? state.cluster.version;
    const nodegroup: Nodegroup = {
      nodegroupName: name,
      nodegroupArn: this.arn(`nodegroup/${clusterName}/${name}/${randomUUID()}`),
      clusterName,
      version,
      releaseVersion: request.releaseVersion ?? `${version}.0-20250101`,
      createdAt: now,
      modifiedAt: now,
      status: 'CREATING',
      capacityType: request.capacityType ?? 'ON_DEMAND',
      scalingConfig: request.scalingConfig ?? { minSize: 1, maxSize: 2, desiredSize: 2 },
      instanceTypes: request.instanceTypes ?? ['t3.medium'],
      subnets: request.subnets ?? [],
      amiType: request.amiType ?? 'AL2023_x86_64_STANDARD',
      nodeRole: request.nodeRole,
      labels: request.labels ?? {},
      taints: request.taints ?? [],
      diskSize: request.diskSize ?? 20,
      health: { issues: [] },
      tags: request.tags ?? {},
    };
    state.nodegroups.set(name, nodegroup);
    this.after(this.timings.nodegroupSeconds, () => {
      nodegroup.status = 'ACTIVE';
      nodegroup.modifiedAt = this.clock.date();
      this.notify(state);
    });
    return structuredClone(nodegroup);
  }

  describeNodegroup(clusterName: string, name: string): Nodegroup {
    const nodegroup = this.cluster(clusterName).nodegroups.get(name);
    if (!nodegroup) throw notFound(`No node group found for name: ${name}.`, { clusterName, nodegroupName: name });
    return structuredClone(nodegroup);
  }

  listNodegroups(clusterName: string): string[] {
    return [...this.cluster(clusterName).nodegroups.keys()];
  }

  // ── addons ────────────────────────────────────────────────────────────────────────────────────────────────────

  createAddon(request: CreateAddonRequest): Addon {
    const clusterName = request.clusterName!;
    const name = request.addonName!;
    const state = this.cluster(clusterName);
    if (state.cluster.status === 'DELETING') throw invalidRequest(`Cluster ${clusterName} is being deleted`, { clusterName });
    if (state.addons.has(name)) throw inUse(`Addon already exists.`, { clusterName, addonName: name });
    const version = addonVersion(name, request.addonVersion, state.cluster.version!);
    if (version === undefined) throw invalidParameter(`Addon ${name} specified is not supported`, { clusterName, addonName: name });
    const fargateCoreDns = wantsFargateCoreDns(name, request.configurationValues, clusterName);
    // The addon's workload appears at once on a running cluster; created earlier, when the control plane is up.
    if (state.cluster.status === 'ACTIVE') this.installAddonWorkload(state, name);
    const now = this.clock.date();
    const addon: Addon = {
      addonName: name,
      clusterName,
      status: 'CREATING',
      addonVersion: version,
      health: { issues: [] },
      addonArn: this.arn(`addon/${clusterName}/${name}/${randomUUID()}`),
      createdAt: now,
      modifiedAt: now,
      tags: request.tags ?? {},
      ...(request.serviceAccountRoleArn ? { serviceAccountRoleArn: request.serviceAccountRoleArn } : {}),
      ...(request.configurationValues ? { configurationValues: request.configurationValues } : {}),
    };
    const addonState: AddonState = { addon, installed: false };
    state.addons.set(name, addonState);
    if (fargateCoreDns && state.cluster.status === 'ACTIVE') this.removeCoreDnsComputeType(state);
    this.after(this.timings.addonSeconds, () => {
      addonState.installed = true;
      this.addonReady(state, addonState);
    });
    return structuredClone(addon);
  }

  describeAddon(clusterName: string, name: string): Addon {
    const addonState = this.cluster(clusterName).addons.get(name);
    if (!addonState) throw notFound(`No addon: ${name} found in cluster: ${clusterName}`, { clusterName, addonName: name });
    return structuredClone(addonState.addon);
  }

  listAddons(clusterName: string): string[] {
    return [...this.cluster(clusterName).addons.keys()];
  }

  // ── what the Kubernetes side asks ─────────────────────────────────────────────────────────────────────────────

  /** ACTIVE profiles the webhook already sees, by name as the webhook orders them. */
  admissionProfiles(clusterName: string): FargateProfileView[] {
    const state = this.clusters.get(clusterName);
    if (!state) return [];
    return [...state.profiles.values()]
      .filter((p) => p.profile.status === 'ACTIVE' && p.seenByWebhook)
      .map((p) => ({
        name: p.profile.fargateProfileName!,
        selectors: (p.profile.selectors ?? []).map((s) => ({
          namespace: s.namespace ?? '',
          ...(s.labels && Object.keys(s.labels).length > 0 ? { labels: { ...s.labels } } : {}),
        })),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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

  private controlPlaneReady(state: ClusterState): void {
    if (state.cluster.status !== 'CREATING') return;
    state.cluster.status = 'ACTIVE';
    state.cluster.endpoint = this.options.kubeEndpoint;
    state.cluster.certificateAuthority = { data: Buffer.from(this.options.caPem, 'utf8').toString('base64') };
    // Without self-managed addons (eksctl's choice) only the addons created so far bring their workloads.
    if (state.selfManagedAddons || state.addons.has('coredns')) state.kube.installCoreDns();
    for (const name of state.addons.keys()) if (name !== 'coredns') this.installAddonWorkload(state, name);
    if (state.autoMode) {
      this.after(this.timings.autoModeNodeSeconds, () => {
        state.autoModeNodesReady = true;
        this.notify(state);
      });
    }
    const coreDns = state.addons.get('coredns');
    if (coreDns && wantsFargateCoreDns('coredns', coreDns.addon.configurationValues, state.cluster.name!)) {
      this.removeCoreDnsComputeType(state);
    }
    for (const addonState of state.addons.values()) this.addonReady(state, addonState);
  }

  private addonReady(state: ClusterState, addonState: AddonState): void {
    if (!addonState.installed || state.cluster.status !== 'ACTIVE' || addonState.addon.status !== 'CREATING') return;
    addonState.addon.status = 'ACTIVE';
    addonState.addon.modifiedAt = this.clock.date();
  }

  private installAddonWorkload(state: ClusterState, name: string): void {
    if (name === 'coredns') state.kube.installCoreDns();
    else state.kube.installAddon?.(name);
  }

  private removeCoreDnsComputeType(state: ClusterState): void {
    state.kube.setCoreDnsComputeTypeFargate?.();
  }

  private profileCreated(state: ClusterState, profileState: ProfileState): void {
    const profile = profileState.profile;
    if (profile.status !== 'CREATING') return;
    if (this.faults.profileCreateFailed.includes(profile.fargateProfileName!)) {
      profile.status = 'CREATE_FAILED';
      profile.health = {
        issues: [
          {
            code: 'PodExecutionRoleAlreadyInUse',
            message: `The pod execution role ${profile.podExecutionRoleArn ?? ''} is already in use by another cluster (simulated fault profile-create-failed).`,
            resourceIds: profile.podExecutionRoleArn ? [profile.podExecutionRoleArn] : [],
          },
        ],
      };
      this.notify(state);
      return;
    }
    profile.status = 'ACTIVE';
    this.notify(state);
    const delay = this.faults.webhookDelaySeconds ?? this.timings.webhookDelaySeconds;
    const becomeVisible = () => {
      if (profile.status !== 'ACTIVE') return;
      profileState.seenByWebhook = true;
      profileState.seenByWebhookAt = this.clock.now();
      this.notify(state);
    };
    if (delay === 0) becomeVisible();
    else this.after(delay, becomeVisible);
  }

  /** EKS runs one Fargate profile operation per cluster at a time. */
  private refuseWhileProfileBusy(state: ClusterState, verb: 'create' | 'delete', name: string): void {
    const clusterName = state.cluster.name!;
    for (const other of state.profiles.values()) {
      const status = other.profile.status;
      if (status !== 'CREATING' && status !== 'DELETING') continue;
      const otherName = other.profile.fargateProfileName!;
      throw inUse(
        `Cannot ${verb} Fargate Profile ${name} because cluster ${clusterName} currently has Fargate profile ${otherName} in status ${status}`,
        { clusterName, fargateProfileName: name },
      );
    }
  }

  private notify(state: ClusterState): void {
    if (this.clusters.get(state.cluster.name!) !== state) return;
    state.kube.reconcile();
  }

  // ── lookups ───────────────────────────────────────────────────────────────────────────────────────────────────

  private cluster(name: string): ClusterState {
    const state = this.clusters.get(name);
    if (!state) throw notFound(`No cluster found for name: ${name}.`, { clusterName: name });
    return state;
  }

  private activeCluster(name: string): ClusterState {
    const state = this.cluster(name);
    if (state.cluster.status !== 'ACTIVE') {
      throw invalidRequest(`Cluster '${name}' is not in ACTIVE status`, { clusterName: name });
    }
    return state;
  }

  private profile(clusterName: string, name: string): ProfileState {
    const profileState = this.cluster(clusterName).profiles.get(name);
    if (!profileState) {
      throw notFound(`No Fargate Profile found with name: ${name}.`, { clusterName, fargateProfileName: name });
    }
    return profileState;
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
