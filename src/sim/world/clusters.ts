// What CreateCluster makes of a request, and what happens when its control plane is up, in the members of the API
// model's Cluster (@aws-sdk/client-eks): the kinds of cluster that decide CoreDNS's fate are modelled, the rest is echoed back.
//   - computeConfig.enabled: EKS Auto Mode. DescribeCluster shows computeConfig; pods no Fargate profile captures run
//     on Auto Mode nodes; no networking addon is installed unless one is created.
//   - bootstrapSelfManagedAddons (default true in the API): EKS installs its own CoreDNS, kube-proxy and vpc-cni.
//     eksctl always sends false (pkg/cfn/builder/cluster.go), so there only the coredns addon brings CoreDNS.
//   - outpostConfig: a local cluster on Outposts. It gets an `id`, which its tokens are signed for, and its API server
//     is private only (EKS user guide, "Local clusters for Amazon EKS on AWS Outposts").
//   - resourcesVpcConfig.endpointPublicAccess false: the API server answers only inside the VPC.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Cluster, CreateClusterRequest } from '@aws-sdk/client-eks';
import { addonReady, installAddonWorkload, wantsFargateCoreDns } from './addons.js';
import type { ClusterState, WorldContext } from './state.js';

export interface ClusterShape {
  cluster: Cluster;
  /** CreateCluster's bootstrapSelfManagedAddons: EKS installs CoreDNS itself when the control plane is up. */
  selfManagedAddons: boolean;
  /** computeConfig.enabled: EKS Auto Mode. */
  autoMode: boolean;
}

export function clusterFromRequest(request: CreateClusterRequest, { arn, region, now }: { arn: string; region: string; now: Date }): ClusterShape {
  const vpc = request.resourcesVpcConfig ?? {};
  const outposts = request.outpostConfig !== undefined;
  const autoMode = request.computeConfig?.enabled === true;
  const cluster: Cluster = {
    name: request.name!,
    arn,
    createdAt: now,
    version: request.version,
    roleArn: request.roleArn,
    resourcesVpcConfig: {
      subnetIds: vpc.subnetIds ?? [],
      securityGroupIds: vpc.securityGroupIds ?? [],
      clusterSecurityGroupId: `sg-${hex(17)}`,
      vpcId: `vpc-${hex(17)}`,
      endpointPublicAccess: outposts ? false : (vpc.endpointPublicAccess ?? true),
      endpointPrivateAccess: outposts ? true : (vpc.endpointPrivateAccess ?? false),
      publicAccessCidrs: vpc.publicAccessCidrs ?? ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: {
      serviceIpv4Cidr: request.kubernetesNetworkConfig?.serviceIpv4Cidr ?? '10.100.0.0/16',
      ipFamily: request.kubernetesNetworkConfig?.ipFamily ?? 'ipv4',
      ...(autoMode ? { elasticLoadBalancing: { enabled: request.kubernetesNetworkConfig?.elasticLoadBalancing?.enabled ?? true } } : {}),
    },
    logging: request.logging ?? { clusterLogging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }] },
    identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/${hex(32).toUpperCase()}` } },
    status: 'CREATING',
    platformVersion: 'eks.1',
    tags: request.tags ?? {},
    health: { issues: [] },
    accessConfig: { authenticationMode: request.accessConfig?.authenticationMode ?? 'API_AND_CONFIG_MAP' },
    ...(request.computeConfig
      ? {
          computeConfig: {
            enabled: autoMode,
            nodePools: request.computeConfig.nodePools ?? [],
            ...(request.computeConfig.nodeRoleArn ? { nodeRoleArn: request.computeConfig.nodeRoleArn } : {}),
          },
          storageConfig: { blockStorage: { enabled: request.storageConfig?.blockStorage?.enabled ?? autoMode } },
        }
      : {}),
    ...(request.remoteNetworkConfig ? { remoteNetworkConfig: structuredClone(request.remoteNetworkConfig) } : {}),
    ...(outposts
      ? {
          id: randomUUID(),
          outpostConfig: {
            outpostArns: request.outpostConfig!.outpostArns ?? [],
            controlPlaneInstanceType: request.outpostConfig!.controlPlaneInstanceType ?? 'm5d.large',
            ...(request.outpostConfig!.controlPlanePlacement ? { controlPlanePlacement: request.outpostConfig!.controlPlanePlacement } : {}),
          },
        }
      : {}),
  };
  return { cluster, selfManagedAddons: request.bootstrapSelfManagedAddons ?? true, autoMode };
}

/**
 * The control plane is up: the API server answers, the addons created so far bring their workloads (EKS's own CoreDNS
 * too unless CreateCluster said bootstrapSelfManagedAddons false, as eksctl does), Auto Mode's nodes follow.
 */
export function controlPlaneReady(ctx: WorldContext, state: ClusterState, { kubeEndpoint, caPem }: { kubeEndpoint: string; caPem: string }): void {
  if (state.cluster.status !== 'CREATING') return;
  state.cluster.status = 'ACTIVE';
  state.cluster.endpoint = kubeEndpoint;
  state.cluster.certificateAuthority = { data: Buffer.from(caPem, 'utf8').toString('base64') };
  // Without self-managed addons (eksctl's choice) only the addons created so far bring their workloads.
  if (state.selfManagedAddons || state.addons.has('coredns')) state.kube.installCoreDns();
  for (const name of state.addons.keys()) if (name !== 'coredns') installAddonWorkload(state, name);
  if (state.autoMode) {
    ctx.after(ctx.timings.autoModeNodeSeconds, () => {
      state.autoModeNodesReady = true;
      ctx.notify(state);
    });
  }
  const coreDns = state.addons.get('coredns');
  if (coreDns && wantsFargateCoreDns('coredns', coreDns.addon.configurationValues, state.cluster.name!)) {
    state.kube.setCoreDnsComputeTypeFargate?.();
  }
  for (const addonState of state.addons.values()) addonReady(ctx, state, addonState);
}

/** The name a token's x-k8s-aws-id carries for this cluster: its ID on Outposts, else its name. */
export function tokenIdOf(cluster: Cluster): string {
  return cluster.id ?? cluster.name!;
}

export function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}
