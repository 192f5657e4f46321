// What the world keeps per cluster, and what its parts (profiles, nodegroups, addons) need from it.
import type { Addon, Cluster, FargateProfile, Nodegroup, Update } from '@aws-sdk/client-eks';
import type { SimClock } from '../clock.js';
import type { Faults } from '../faults.js';
import type { SimTimings } from './timings.js';

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

export interface ClusterState<K extends KubeClusterHandle = KubeClusterHandle> {
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

export interface ProfileState {
  profile: FargateProfile;
  /** Set by a timer `webhookDelaySeconds` after ACTIVE, never by comparing clocks (timers may fire a hair early). */
  seenByWebhook: boolean;
  /** Simulated epoch ms at which the webhook began to see it, for the benchmarks' heal latency. */
  seenByWebhookAt?: number;
}

export interface AddonState {
  addon: Addon;
  /** Its own creation time has passed; it turns ACTIVE once the cluster is ACTIVE too. */
  installed: boolean;
}

/** The world's services its parts use: time, faults, lifecycle timers, telling a cluster's Kubernetes side. */
export interface WorldContext {
  clock: SimClock;
  faults: Faults;
  timings: SimTimings;
  /** Runs `fn` after `seconds` simulated seconds, unless the world closed meanwhile. */
  after(seconds: number, fn: () => void): void;
  /** The cluster's Kubernetes side looks again at profiles and nodes (if the cluster still exists). */
  notify(state: ClusterState): void;
  arn(resource: string): string;
}
