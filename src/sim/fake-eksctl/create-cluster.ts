// `eksctl create cluster -f FILE` in eksctl v0.230.0's order (pkg/ctl/create/cluster.go, pkg/eks/tasks.go): control
// plane, the addons created before the nodegroups (not waited), wait for ACTIVE, Fargate profiles one at a time, 30 s,
// the CoreDNS step when the selector rule holds, managed nodegroups in parallel, the other addons (metrics-server),
// kubeconfig, for a fully private cluster public access off, "ready".
import { resolve } from 'node:path';
import { CreateClusterCommand, DescribeClusterCommand, type CreateClusterCommandInput } from '@aws-sdk/client-eks';
import { createAddons, planAddons } from './addons.js';
import { pollEvery } from './backoff.js';
import type { ClusterConfig } from './config.js';
import { disablePublicAccess, endpointAccess, PRIVATE_ONLY_WARNING } from './endpoints.js';
import { EksctlError } from './errors.js';
import { enterPhase, type ClusterRun } from './context.js';
import { describeAwsError } from './eks.js';
import { CREATE_CLUSTER_FARGATE, createFargateAndCoreDns, loadKubeSide } from './fargate-step.js';
import { callerIdentity, type CallerIdentity } from './identity.js';
import { kubeconfigPath, writeKubeconfig } from './kubeconfig.js';
import { createManagedNodegroups, STACK_POLL_MS } from './nodegroups.js';
import { DEFAULT_KUBERNETES_VERSION } from './settings.js';
import { validateForCreate } from './validate.js';

// Kept importable from here: bench/simulator.js reads it from this module.
export { FARGATE_WEBHOOK_GRACE_MS } from './fargate-step.js';

export interface KubeconfigOptions {
  write: boolean;
  setContext: boolean;
  path?: string;
  auto: boolean;
}

export interface CreateClusterOptions {
  timeoutMs: number;
  kubeconfig: KubeconfigOptions;
  profile?: string;
}

export async function createCluster(ctx: ClusterRun, cfg: ClusterConfig, options: CreateClusterOptions): Promise<void> {
  const { log, eks } = ctx;
  const { name, region } = cfg;
  validateForCreate(cfg);
  const failed = `failed to create cluster "${name}"`;
  log.info(`eksctl version ${ctx.settings.eksctlVersion}`);
  log.info(`using region ${region}`);
  const access = endpointAccess(cfg);
  if (!access.endpointPublicAccess && !cfg.outpost) log.warning(PRIVATE_ONLY_WARNING);
  const identity = await callerIdentity(eks, region, ctx.env, log);
  log.info(`using Kubernetes version ${cfg.version ?? DEFAULT_KUBERNETES_VERSION}`);
  log.info(`creating ${clusterLogString(cfg)}`);
  log.info(`if you encounter any issues, check CloudFormation console or try 'eksctl utils describe-stacks --region=${region} --cluster=${name}'`);
  const addons = planAddons(cfg, ctx.settings.eksctlVersion);
  if (addons.implicit.length > 0) log.info(`default addons ${addons.implicit.join(', ')} were not specified, will install them as EKS addons`);
  const nodegroups = cfg.managedNodeGroups;
  log.info(taskTree(cfg, nodegroups.map((ng) => ng.name)));
  if (cfg.selfManagedNodeGroupNames.length > 0) {
    log.warning(`self-managed nodeGroups ${cfg.selfManagedNodeGroupNames.join(', ')} are not simulated and will not be created`);
  }

  try {
    enterPhase(ctx, 'control-plane', failed);
    await createControlPlane(ctx, cfg, identity);
    if (cfg.fargateProfiles.length > 0) loadKubeSide().catch(() => {});
    enterPhase(ctx, 'addons', failed);
    await createAddons(ctx, name, addons.beforeNodegroups);
    await waitForControlPlane(ctx, name, options.timeoutMs);
    // Each phase's fault fires even when the config gives the phase nothing to do, so a test can stop eksctl there.
    enterPhase(ctx, 'fargate', failed);
    if (cfg.fargateProfiles.length > 0) {
      await createFargateAndCoreDns(ctx, cfg, identity, options.timeoutMs, CREATE_CLUSTER_FARGATE);
    }
  } catch (error) {
    if (error instanceof EksctlError) throw error;
    log.warning("1 error(s) occurred and cluster hasn't been created properly, you may wish to check CloudFormation console");
    log.info(`to cleanup resources, run 'eksctl delete cluster --region=${region} --name=${name}'`);
    log.critical((error as Error).message);
    throw new EksctlError(failed);
  }

  enterPhase(ctx, 'nodegroups', failed);
  if (nodegroups.length > 0) {
    try {
      await createManagedNodegroups(
        {
          ...ctx,
          clusterName: name,
          subnetIds: subnetIds(cfg),
          defaultNodeRoleArn: `arn:aws:iam::${identity.account}:role/eksctl-${name}-nodegroup-NodeInstanceRole`,
          timeoutMs: options.timeoutMs,
        },
        nodegroups,
      );
    } catch (error) {
      log.info(`to cleanup resources, run 'eksctl delete cluster --region=${region} --name=${name}'`);
      for (const e of error instanceof AggregateError ? error.errors : [error]) log.critical((e as Error).message);
      throw new EksctlError(failed);
    }
  }

  const path = options.kubeconfig.write ? await saveKubeconfig(ctx, cfg, identity, options) : undefined;
  log.success(`all EKS cluster resources for "${name}" have been created`);
  if (nodegroups.length > 0) log.success(`created ${nodegroups.length} managed nodegroup(s) in cluster "${name}"`);
  try {
    await createAddons(ctx, name, addons.afterNodegroups);
  } catch (error) {
    log.warning('1 error(s) occurred while creating addons');
    log.critical((error as Error).message);
    throw new EksctlError('failed to create addons');
  }
  if (path) log.info(`kubectl command should work with "${path}", try 'kubectl get pods'`);
  if (cfg.privateCluster) {
    try {
      await disablePublicAccess(ctx, cfg, options.timeoutMs);
    } catch (error) {
      throw new EksctlError((error as Error).message);
    }
  }
  log.success(`EKS cluster "${name}" in "${region}" region is ready`);
}

async function createControlPlane(ctx: ClusterRun, cfg: ClusterConfig, identity: CallerIdentity): Promise<void> {
  const stack = `eksctl-${cfg.name}-cluster`;
  ctx.log.info(`building cluster stack "${stack}"`);
  ctx.log.info(`deploying stack "${stack}"`);
  try {
    await ctx.eks.send(new CreateClusterCommand(clusterRequest(cfg, identity)));
  } catch (error) {
    throw new Error(`creating CloudFormation stack "${stack}": ${describeAwsError('CreateCluster', error)}`);
  }
}

/**
 * The control plane as eksctl's CloudFormation template makes it (pkg/cfn/builder/cluster.go): never EKS's own
 * self-managed addons; Auto Mode's compute, load balancing and block storage together; hybrid nodes' remote networks;
 * an Outposts control plane; the endpoint access of endpoints.ts.
 */
function clusterRequest(cfg: ClusterConfig, identity: CallerIdentity): CreateClusterCommandInput {
  const auto = cfg.autoMode;
  return {
    name: cfg.name,
    version: cfg.version ?? DEFAULT_KUBERNETES_VERSION,
    roleArn: cfg.serviceRoleARN ?? `arn:aws:iam::${identity.account}:role/eksctl-${cfg.name}-cluster-ServiceRole`,
    resourcesVpcConfig: { subnetIds: subnetIds(cfg), ...endpointAccess(cfg) },
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true },
    bootstrapSelfManagedAddons: false,
    tags: { 'alpha.eksctl.io/cluster-name': cfg.name, 'eksctl.cluster.k8s.io/v1alpha1/cluster-name': cfg.name, ...cfg.tags },
    ...(auto
      ? {
          computeConfig: {
            enabled: true,
            nodePools: auto.nodePools,
            ...(auto.nodePools.length > 0 ? { nodeRoleArn: auto.nodeRoleARN ?? `arn:aws:iam::${identity.account}:role/eksctl-${cfg.name}-cluster-AutoModeNodeRole` } : {}),
          },
          kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
          storageConfig: { blockStorage: { enabled: true } },
        }
      : {}),
    ...(cfg.remoteNetworkConfig ? { remoteNetworkConfig: cfg.remoteNetworkConfig as CreateClusterCommandInput['remoteNetworkConfig'] } : {}),
    ...(cfg.outpost
      ? { outpostConfig: { outpostArns: [cfg.outpost.controlPlaneOutpostARN], controlPlaneInstanceType: cfg.outpost.controlPlaneInstanceType ?? 'm5d.large' } }
      : {}),
  };
}

async function waitForControlPlane(ctx: ClusterRun, name: string, timeoutMs: number): Promise<void> {
  ctx.log.info('waiting for the control plane to become ready');
  const outcome = await pollEvery(
    async () => {
      let status: string | undefined;
      try {
        status = (await ctx.eks.send(new DescribeClusterCommand({ name }))).cluster?.status;
      } catch (error) {
        throw new Error(`waiting for the control plane: ${describeAwsError('DescribeCluster', error)}`);
      }
      if (status === 'FAILED') throw new Error(`waiter state transitioned to Failure: cluster "${name}" is FAILED`);
      if (status !== 'ACTIVE') ctx.log.info(`waiting for CloudFormation stack "eksctl-${name}-cluster"`);
      return status === 'ACTIVE';
    },
    { intervalMs: STACK_POLL_MS, timeoutMs, sleep: ctx.sleep, signal: ctx.signal },
  );
  if (outcome === 'timed-out') throw new Error(`timed out waiting for control plane "${name}" after ${timeoutMs / 1000}s`);
}

async function saveKubeconfig(ctx: ClusterRun, cfg: ClusterConfig, identity: CallerIdentity, options: CreateClusterOptions) {
  const path = kubeconfigPath({ kubeconfig: options.kubeconfig.path, autoKubeconfig: options.kubeconfig.auto, env: ctx.env }, cfg.name);
  try {
    const { cluster } = await ctx.eks.send(new DescribeClusterCommand({ name: cfg.name }));
    writeKubeconfig(
      resolve(ctx.cwd, path),
      {
        clusterName: cfg.name,
        // eksctl's ClusterConfig.ID(): an Outposts cluster's tokens name its ID (pkg/utils/kubeconfig/kubeconfig.go).
        ...(cluster?.id ? { clusterId: cluster.id } : {}),
        region: cfg.region,
        endpoint: cluster?.endpoint ?? '',
        caData: cluster?.certificateAuthority?.data ?? '',
        username: identity.username,
        ...(options.profile ? { profile: options.profile } : {}),
      },
      options.kubeconfig.setContext,
    );
  } catch (error) {
    ctx.log.warning(`unable to write kubeconfig ${path}, please retry with 'eksctl utils write-kubeconfig -n ${cfg.name}': ${(error as Error).message}`);
    return undefined;
  }
  ctx.log.success(`saved kubeconfig as "${path}"`);
  return path;
}

/** eksctl's ClusterConfig.LogString: `EKS cluster "x" in "r" region with Fargate profile and managed nodes`. */
export function clusterLogString(cfg: ClusterConfig): string {
  const extras: string[] = [];
  if (cfg.fargateProfiles.length > 0) extras.push('Fargate profile');
  if (cfg.managedNodeGroups.length > 0) extras.push('managed nodes');
  if (cfg.selfManagedNodeGroupNames.length > 0) extras.push('un-managed nodes');
  const suffix = extras.length > 0 ? ` with ${extras.join(' and ')}` : '';
  return `EKS cluster "${cfg.name}" in "${cfg.region}" region${suffix}`;
}

function taskTree(cfg: ClusterConfig, nodegroups: string[]): string {
  const sub = ['wait for control plane to become ready'];
  if (cfg.fargateProfiles.length > 0) sub.push('create fargate profiles');
  const top = [`create cluster control plane "${cfg.name}"`, `${sub.length} sequential sub-tasks: { ${sub.join(', ')}, }`];
  if (nodegroups.length > 0) top.push(`${nodegroups.length} parallel sub-tasks: { ${nodegroups.map((n) => `create managed nodegroup "${n}"`).join(', ')}, }`);
  return `\n${top.length} sequential tasks: { ${top.join(', \n    ')} \n}`;
}

/** eksctl would create a VPC; the simulator only needs IDs that look like subnets. */
function subnetIds(cfg: ClusterConfig): string[] {
  if (cfg.subnetIds.length > 0) return cfg.subnetIds;
  const hex = Buffer.from(cfg.name).toString('hex').padEnd(14, '0').slice(0, 14);
  return ['a', 'b', 'c'].map((zone, i) => `subnet-0${hex}${i}${zone}`.slice(0, 24));
}
