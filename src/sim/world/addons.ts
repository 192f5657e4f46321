// The managed addons the simulated EKS knows, and the one configuration value that matters here: CoreDNS's
// `computeType: Fargate`, which removes the `eks.amazonaws.com/compute-type: ec2` annotation (eks-facts.md). An
// addon is CREATING for `addonSeconds`, then ACTIVE once its cluster is; its workload appears with the control plane.
import { randomUUID } from 'node:crypto';
import type { Addon, CreateAddonRequest } from '@aws-sdk/client-eks';
import { parse as parseYaml } from 'yaml';
import { inUse, invalidParameter, invalidRequest } from '../eks/errors.js';
import type { AddonState, ClusterState, WorldContext } from './state.js';

const FIXED_VERSIONS: Record<string, string> = {
  coredns: 'v1.11.4-eksbuild.2',
  'vpc-cni': 'v1.19.2-eksbuild.1',
  'eks-pod-identity-agent': 'v1.3.4-eksbuild.1',
  'aws-ebs-csi-driver': 'v1.38.1-eksbuild.2',
  'aws-efs-csi-driver': 'v2.1.4-eksbuild.1',
  'metrics-server': 'v0.7.2-eksbuild.1',
  'snapshot-controller': 'v8.1.0-eksbuild.2',
  'amazon-cloudwatch-observability': 'v3.0.0-eksbuild.1',
};

/** The version EKS installs, or undefined for an addon it does not offer. */
export function addonVersion(name: string, requested: string | undefined, kubernetesVersion: string): string | undefined {
  const known = name === 'kube-proxy' ? `v${kubernetesVersion}.0-eksbuild.1` : FIXED_VERSIONS[name];
  if (known === undefined) return undefined;
  return requested ?? known;
}

/** True for the coredns addon configured with `computeType: Fargate`; bad configuration values are refused. */
export function wantsFargateCoreDns(name: string, configurationValues: string | undefined, clusterName: string): boolean {
  if (configurationValues === undefined || configurationValues.trim() === '') return false;
  let values: unknown;
  try {
    // EKS takes JSON or YAML here.
    values = parseYaml(configurationValues);
  } catch (error) {
    throw invalidParameter(`configurationValues is not valid JSON or YAML: ${(error as Error).message}`, {
      clusterName,
      addonName: name,
    });
  }
  if (values === null || typeof values !== 'object') {
    throw invalidParameter('configurationValues must be an object', { clusterName, addonName: name });
  }
  if (name !== 'coredns') return false;
  const computeType = (values as Record<string, unknown>)['computeType'];
  return typeof computeType === 'string' && computeType.toLowerCase() === 'fargate';
}

export function createAddon(ctx: WorldContext, state: ClusterState, request: CreateAddonRequest): Addon {
  const clusterName = request.clusterName!;
  const name = request.addonName!;
  if (state.cluster.status === 'DELETING') throw invalidRequest(`Cluster ${clusterName} is being deleted`, { clusterName });
  if (state.addons.has(name)) throw inUse(`Addon already exists.`, { clusterName, addonName: name });
  const version = addonVersion(name, request.addonVersion, state.cluster.version!);
  if (version === undefined) throw invalidParameter(`Addon ${name} specified is not supported`, { clusterName, addonName: name });
  const fargateCoreDns = wantsFargateCoreDns(name, request.configurationValues, clusterName);
  // The addon's workload appears at once on a running cluster; created earlier, when the control plane is up.
  if (state.cluster.status === 'ACTIVE') installAddonWorkload(state, name);
  const now = ctx.clock.date();
  const addon: Addon = {
    addonName: name,
    clusterName,
    status: 'CREATING',
    addonVersion: version,
    health: { issues: [] },
    addonArn: ctx.arn(`addon/${clusterName}/${name}/${randomUUID()}`),
    createdAt: now,
    modifiedAt: now,
    tags: request.tags ?? {},
    ...(request.serviceAccountRoleArn ? { serviceAccountRoleArn: request.serviceAccountRoleArn } : {}),
    ...(request.configurationValues ? { configurationValues: request.configurationValues } : {}),
  };
  const addonState: AddonState = { addon, installed: false };
  state.addons.set(name, addonState);
  if (fargateCoreDns && state.cluster.status === 'ACTIVE') state.kube.setCoreDnsComputeTypeFargate?.();
  ctx.after(ctx.timings.addonSeconds, () => {
    addonState.installed = true;
    addonReady(ctx, state, addonState);
  });
  return structuredClone(addon);
}

/** ACTIVE once both its own creation time has passed and its cluster is ACTIVE. */
export function addonReady(ctx: WorldContext, state: ClusterState, addonState: AddonState): void {
  if (!addonState.installed || state.cluster.status !== 'ACTIVE' || addonState.addon.status !== 'CREATING') return;
  addonState.addon.status = 'ACTIVE';
  addonState.addon.modifiedAt = ctx.clock.date();
}

export function installAddonWorkload(state: ClusterState, name: string): void {
  if (name === 'coredns') state.kube.installCoreDns();
  else state.kube.installAddon?.(name);
}
