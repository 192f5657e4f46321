// What kind of cluster a config makes, in the terms that decide CoreDNS's fate: which addons eksctl creates, where pods
// can run, and whether the API server can be reached from outside the VPC once eksctl is done. Pure; read from
// eksctl v0.230.0 (pkg/apis/eksctl.io/v1alpha5/known_addons.go, pkg/actions/addon/tasks.go CreateAddonTasks,
// pkg/ctl/create/cluster.go, pkg/ctl/cmdutils/configfile.go).
import type { ClusterConfig } from './config.js';
import { eksctlAtLeast, isKnownVersion } from './version.js';

export const COREDNS_ADDON = 'coredns';
export const METRICS_SERVER_ADDON = 'metrics-server';
/** Default addons that Auto Mode does not get (IsDefault without IsDefaultAutoMode in known_addons.go). */
const NETWORKING_DEFAULTS = ['vpc-cni', 'kube-proxy', COREDNS_ADDON];
/** eksctl made metrics-server a default addon in 0.201.0, and creates it after the nodegroups since 0.216.0. */
const METRICS_SERVER_DEFAULT_SINCE = '0.201.0';
const METRICS_SERVER_LAST_SINCE = '0.216.0';
/** metrics-server is a default everywhere but these regions (known_addons.go ExcludedRegions). */
const METRICS_SERVER_EXCLUDED_REGIONS = new Set([
  'cn-northwest-1', 'cn-north-1', 'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1', 'us-gov-west-1', 'us-gov-east-1',
  'us-isof-east-1', 'us-isof-south-1', 'eu-isoe-west-1',
]);

/** Where the API server answers once eksctl is done. */
export type EndpointAccess =
  /** Public (the default), reachable from anywhere publicAccessCidrs allows. */
  | 'public'
  /** Private only from the start: vpc.clusterEndpoints.publicAccess false, or a control plane on Outposts. */
  | 'private'
  /** privateCluster.enabled: public while eksctl creates the cluster, private once it is done. */
  | 'private-after-create';

export interface ClusterKind {
  /** autoModeConfig.enabled: EKS runs DNS itself; pods no Fargate profile captures run on Auto Mode nodes. */
  autoMode: boolean;
  /** Auto Mode with node pools (the default); `nodePools: []` launches no node until one is added. */
  autoModeNodes: boolean;
  /** addonsConfig.disableDefaultAddons: only the addons listed under `addons` are created. */
  defaultAddonsDisabled: boolean;
  /** eksctl creates the coredns addon: a new cluster has no other CoreDNS (eksctl sets BootstrapSelfManagedAddons false). */
  coreDnsAddon: boolean;
  /** eksctl creates metrics-server, without waiting for it. */
  metricsServerAddon: boolean;
  /** eksctl <0.216.0 creates metrics-server with the other addons, before any Fargate profile exists. */
  metricsServerBeforeProfiles: boolean;
  /** Nodegroups eksctl creates with the cluster (none with --without-nodegroup). */
  nodegroups: number;
  /** remoteNetworkConfig: hybrid nodes join later from outside AWS; eksctl creates none. */
  hybridNodes: boolean;
  /** karpenter: eksctl installs it last; it launches nodes once it runs itself. */
  karpenter: boolean;
  endpoint: EndpointAccess;
  /** outpost.controlPlaneOutpostARN: a local cluster, whose tokens are signed for its ID. */
  outposts: boolean;
}

export interface KindOptions {
  /** eksctl's --without-nodegroup: the config's nodegroups are not created. */
  withoutNodegroup?: boolean;
  /** The eksctl that runs; unknown means a current one (its addons are the defaults an upgrade brings). */
  eksctlVersion?: string | undefined;
}

export function clusterKind(config: ClusterConfig, { withoutNodegroup = false, eksctlVersion }: KindOptions = {}): ClusterKind {
  const autoMode = config.autoModeConfig?.enabled === true;
  const defaultAddonsDisabled = config.addonsConfig?.disableDefaultAddons === true;
  const listed = (name: string) => (config.addons ?? []).some((addon) => addon.name.toLowerCase() === name);
  // CreateAddonTasks: the defaults join the listed addons unless disabled; Auto Mode drops the networking ones.
  const byDefault = (name: string) => !defaultAddonsDisabled && (!autoMode || !NETWORKING_DEFAULTS.includes(name));
  const outposts = Boolean(config.outpost?.controlPlaneOutpostARN);
  const nodegroups = withoutNodegroup ? 0 : (config.managedNodeGroups?.length ?? 0) + (config.nodeGroups?.length ?? 0);
  const nodePools = (config.autoModeConfig as { nodePools?: unknown } | null | undefined)?.nodePools;
  return {
    autoMode,
    autoModeNodes: autoMode && !(Array.isArray(nodePools) && nodePools.length === 0),
    defaultAddonsDisabled,
    coreDnsAddon: listed(COREDNS_ADDON) || byDefault(COREDNS_ADDON),
    metricsServerAddon:
      listed(METRICS_SERVER_ADDON) ||
      (byDefault(METRICS_SERVER_ADDON) &&
        !METRICS_SERVER_EXCLUDED_REGIONS.has(config.metadata.region) &&
        (!isKnownVersion(eksctlVersion) || eksctlAtLeast(eksctlVersion, METRICS_SERVER_DEFAULT_SINCE))),
    metricsServerBeforeProfiles: isKnownVersion(eksctlVersion) && !eksctlAtLeast(eksctlVersion, METRICS_SERVER_LAST_SINCE),
    nodegroups,
    hybridNodes: config.remoteNetworkConfig != null,
    karpenter: config.karpenter != null,
    endpoint: outposts
      ? 'private'
      : config.privateCluster?.enabled === true
        ? 'private-after-create'
        : config.vpc?.clusterEndpoints?.publicAccess === false
          ? 'private'
          : 'public',
    outposts,
  };
}
