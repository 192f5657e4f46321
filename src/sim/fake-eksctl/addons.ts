// eksctl's addons at cluster creation (v0.230.0: pkg/apis/eksctl.io/v1alpha5/known_addons.go KnownAddons,
// pkg/actions/addon/tasks.go CreateAddonTasks): the defaults join the listed addons unless
// addonsConfig.disableDefaultAddons; Auto Mode keeps only its own defaults (metrics-server); the addons created
// "before the nodegroups" go right after the control plane, the rest after the nodegroups, without waiting.
import { CreateAddonCommand } from '@aws-sdk/client-eks';
import type { AddonConfig, ClusterConfig } from './config.js';
import type { ClusterRun } from './context.js';
import { describeAwsError } from './eks.js';
import { compareVersions } from './selectors.js';

const METRICS_SERVER = 'metrics-server';
const POD_IDENTITY_AGENT = 'eks-pod-identity-agent';
/** known_addons.go's ExcludedRegions of metrics-server. */
const METRICS_SERVER_EXCLUDED_REGIONS = [
  'cn-northwest-1', 'cn-north-1', 'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1', 'us-gov-west-1', 'us-gov-east-1',
  'us-isof-east-1', 'us-isof-south-1', 'eu-isoe-west-1',
];

interface KnownAddon {
  isDefault: boolean;
  createBeforeNodeGroup: boolean;
  isDefaultAutoMode: boolean;
  excludedRegions: readonly string[];
}

/** KnownAddons as the running eksctl version has them: metrics-server is a default from 0.201.0 and moved after the nodegroups in 0.216.0. */
function knownAddons(eksctlVersion: string): Record<string, KnownAddon> {
  const addon = (isDefault: boolean, createBeforeNodeGroup: boolean, isDefaultAutoMode = false, excludedRegions: readonly string[] = []) => ({
    isDefault,
    createBeforeNodeGroup,
    isDefaultAutoMode,
    excludedRegions,
  });
  return {
    'vpc-cni': addon(true, true),
    'kube-proxy': addon(true, true),
    coredns: addon(true, true),
    [POD_IDENTITY_AGENT]: addon(false, true),
    'aws-ebs-csi-driver': addon(false, false),
    'aws-efs-csi-driver': addon(false, false),
    [METRICS_SERVER]: addon(
      compareVersions(eksctlVersion, '0.201.0') >= 0,
      compareVersions(eksctlVersion, '0.216.0') < 0,
      true,
      METRICS_SERVER_EXCLUDED_REGIONS,
    ),
  };
}

export interface AddonPlan {
  /** Created right after the control plane stack, before the Fargate profiles and nodegroups. */
  beforeNodegroups: AddonConfig[];
  /** Created after the nodegroups (and the Fargate profiles, which come before them). */
  afterNodegroups: AddonConfig[];
  /** The defaults the config did not list, for eksctl's "default addons … were not specified" line. */
  implicit: string[];
}

export function planAddons(cfg: ClusterConfig, eksctlVersion: string): AddonPlan {
  const known = knownAddons(eksctlVersion);
  const listed = (name: string) => cfg.addons.some((a) => a.name.toLowerCase() === name);
  const implicit = cfg.disableDefaultAddons
    ? []
    : Object.entries(known)
        .filter(([name, info]) => info.isDefault && !info.excludedRegions.includes(cfg.region) && !listed(name))
        .filter(([, info]) => !cfg.autoMode || info.isDefaultAutoMode)
        .map(([name]) => name);
  const all = [...cfg.addons, ...implicit.map((name) => ({ name }))];
  // Within one task the pod identity agent goes first: other addons may need its IAM permissions.
  const ordered = [...all.filter((a) => a.name === POD_IDENTITY_AGENT), ...all.filter((a) => a.name !== POD_IDENTITY_AGENT)];
  return {
    beforeNodegroups: ordered.filter((a) => known[a.name]?.createBeforeNodeGroup === true),
    afterNodegroups: ordered.filter((a) => known[a.name]?.createBeforeNodeGroup !== true),
    implicit,
  };
}

export async function createAddons(ctx: ClusterRun, clusterName: string, addons: readonly AddonConfig[]): Promise<void> {
  for (const addon of addons) {
    ctx.log.info(`creating addon: ${addon.name}`);
    try {
      await ctx.eks.send(
        new CreateAddonCommand({
          clusterName,
          addonName: addon.name,
          ...(addon.version && addon.version !== 'latest' ? { addonVersion: addon.version } : {}),
          ...(addon.configurationValues ? { configurationValues: addon.configurationValues } : {}),
          ...(addon.resolveConflicts ? { resolveConflicts: addon.resolveConflicts as 'OVERWRITE' } : {}),
        }),
      );
    } catch (error) {
      throw new Error(`failed to create addon "${addon.name}": ${describeAwsError('CreateAddon', error)}`);
    }
    ctx.log.info(`successfully created addon: ${addon.name}`);
  }
}
