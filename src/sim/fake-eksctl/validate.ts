// The checks `eksctl create cluster -f` makes before it creates anything (eksctl v0.230.0,
// pkg/ctl/cmdutils/configfile.go NewCreateClusterLoader and validateBareCluster, pkg/ctl/create/cluster.go), in
// eksctl's words. The Outposts API is not simulated, so the outpost itself is taken as given.
import type { ClusterConfig } from './config.js';
import { EksctlError } from './errors.js';

/** Default addons that are not Auto Mode's (known_addons.go: IsDefault without IsDefaultAutoMode). */
const DEFAULT_NON_AUTO_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns'];

export function validateForCreate(cfg: ClusterConfig): void {
  const nodegroups = cfg.managedNodeGroups.length + cfg.selfManagedNodeGroupNames.length;
  const hasEndpoints = cfg.clusterEndpoints.publicAccess !== undefined || cfg.clusterEndpoints.privateAccess !== undefined;
  if (cfg.privateCluster && hasEndpoints) {
    throw new EksctlError(
      'vpc.clusterEndpoints cannot be set for a fully-private cluster (privateCluster.enabled) as the endpoint access defaults to private-only',
    );
  }
  if (cfg.outpost) {
    if (cfg.managedNodeGroups.length > 0) throw new EksctlError('Managed Nodegroups are not supported on Outposts');
    const msg = 'the cluster defaults to private-endpoint-only access';
    if (cfg.clusterEndpoints.publicAccess === true) throw new EksctlError(`clusterEndpoints.publicAccess cannot be enabled for a cluster on Outposts; ${msg}`);
    if (cfg.clusterEndpoints.privateAccess === false) throw new EksctlError(`clusterEndpoints.privateAccess cannot be disabled for a cluster on Outposts; ${msg}`);
  }
  if (cfg.autoMode) {
    if (nodegroups > 0) {
      throw new EksctlError(
        'creation of managed or self-managed nodegroups is not supported during cluster creation when Auto Mode is enabled; ' +
          'please create them post cluster creation using `eksctl create nodegroup` after creating core networking addons in the cluster',
      );
    }
    if (cfg.fargateProfiles.length === 0 && !cfg.remoteNetworkConfig && cfg.addons.some((a) => DEFAULT_NON_AUTO_ADDONS.includes(a.name))) {
      throw new EksctlError(
        'core networking addons are not required on a cluster using Auto Mode; if you still wish to create them, use `eksctl create addon` post cluster creation',
      );
    }
  }
  // validateBareCluster: without vpc-cni (and without Auto Mode) nothing that needs pod networking may be created.
  if (cfg.disableDefaultAddons && !cfg.autoMode && !cfg.addons.some((a) => a.name === 'vpc-cni')) {
    if (nodegroups > 0 || cfg.fargateProfiles.length > 0 || cfg.karpenter || cfg.gitops || cfg.iamServiceAccounts > 0 || cfg.podIdentityAssociations > 0) {
      throw new EksctlError(
        'fields nodeGroups, managedNodeGroups, fargateProfiles, karpenter, gitops, iam.serviceAccounts, and iam.podIdentityAssociations ' +
          'are not supported during cluster creation in a cluster without VPC CNI if Auto Mode is disabled; please remove these fields ' +
          'and add them back after cluster creation is successful',
      );
    }
  }
  // pkg/ctl/create/cluster.go: nodegroups on Outposts need a VPC that reaches the API server, which eksctl's own has not.
  if (cfg.outpost && cfg.subnetIds.length === 0 && nodegroups > 0) {
    throw new EksctlError(
      'cannot create nodegroups on Outposts when the VPC is created by eksctl as it will not have connectivity to the API server; ' +
        'please rerun the command with `--without-nodegroup` and run `eksctl create nodegroup` after associating the VPC with a local gateway and ensuring connectivity to the API server',
    );
  }
}
