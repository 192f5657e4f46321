// The fake eksctl reads ClusterConfig itself, independent of the product's schema, with eksctl's own strictness:
// unknown fields are rejected, as eksctl's strict YAML decoding does, and the messages use eksctl's wording.
import { parseDocument } from 'yaml';
import { EksctlError } from './errors.js';
import type { FargateSelector } from './selectors.js';

export interface FargateProfileConfig {
  name: string;
  selectors: FargateSelector[];
  podExecutionRoleARN?: string;
  subnets?: string[];
  tags?: Record<string, string>;
}

export interface ManagedNodeGroupConfig {
  name: string;
  instanceTypes: string[];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  labels?: Record<string, string>;
  tags?: Record<string, string>;
  iamRoleARN?: string;
}

export interface AddonConfig {
  name: string;
  version?: string;
  configurationValues?: string;
  resolveConflicts?: string;
}

export interface ClusterConfig {
  name: string;
  region: string;
  version?: string;
  tags?: Record<string, string>;
  fargateProfiles: FargateProfileConfig[];
  managedNodeGroups: ManagedNodeGroupConfig[];
  /** Self-managed nodegroups: eksctl builds them with CloudFormation, which the simulator has not got. */
  selfManagedNodeGroupNames: string[];
  addons: AddonConfig[];
  disableDefaultAddons: boolean;
  /** autoModeConfig: EKS Auto Mode (computeConfig), with its node pools (eksctl's default: general-purpose, system). */
  autoMode?: { nodePools: string[]; nodeRoleARN?: string };
  /** vpc.clusterEndpoints as written (eksctl defaults: public true, private false). */
  clusterEndpoints: { publicAccess?: boolean; privateAccess?: boolean };
  /** privateCluster.enabled: created with both endpoints, public access turned off at the end. */
  privateCluster: boolean;
  /** outpost: a local cluster on Outposts. */
  outpost?: { controlPlaneOutpostARN: string; controlPlaneInstanceType?: string };
  /** remoteNetworkConfig, passed to CreateCluster as it is (hybrid nodes). */
  remoteNetworkConfig?: Record<string, unknown>;
  /** What eksctl's create-time checks look at besides the above. */
  karpenter: boolean;
  gitops: boolean;
  iamServiceAccounts: number;
  podIdentityAssociations: number;
  serviceRoleARN?: string;
  fargatePodExecutionRoleARN?: string;
  subnetIds: string[];
  /** The document as read, for `--dry-run`. */
  document: Record<string, unknown>;
}

/** ClusterConfig's JSON fields in eksctl v0.230.0 (pkg/apis/eksctl.io/v1alpha5/types.go, TypeMeta first). */
export const CLUSTER_CONFIG_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'upgradePolicy', 'kubernetesNetworkConfig', 'autoModeConfig', 'remoteNetworkConfig',
  'iam', 'iamIdentityMappings', 'identityProviders', 'accessConfig', 'vpc', 'addons', 'addonsConfig', 'privateCluster',
  'nodeGroups', 'managedNodeGroups', 'fargateProfiles', 'availabilityZones', 'localZones', 'cloudWatch',
  'secretsEncryption', 'gitops', 'karpenter', 'outpost', 'controlPlaneScalingConfig', 'zonalShiftConfig',
  'kubeAPIServerConfig', 'kubeSchedulerConfig', 'kubeControllerManagerConfig', 'capabilities',
];
const METADATA_FIELDS = ['name', 'region', 'version', 'forceUpdateVersion', 'rollbackConfig', 'tags', 'annotations'];
const FARGATE_PROFILE_FIELDS = ['name', 'podExecutionRoleARN', 'selectors', 'subnets', 'tags', 'status'];
const SELECTOR_FIELDS = ['namespace', 'labels'];
const RESERVED_PROFILE_PREFIX = 'eks-';

type Obj = Record<string, unknown>;

export function parseClusterConfig(text: string, file: string): ClusterConfig {
  const fail = (why: string) => new EksctlError(`loading config file "${file}": ${why}`);
  // go-yaml (sigs.k8s.io/yaml, pkg/ctl/cmdutils/configfile.go's reader) honours merge keys: `<<: *anchor`.
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) throw fail(`error converting YAML to JSON: ${doc.errors[0]!.message}`);
  const root = doc.toJS() as unknown;
  if (!isObject(root)) throw fail("couldn't get version/kind; json parse error: expected an object");
  const unknown = (fields: string[], value: Obj) => {
    const extra = Object.keys(value).find((key) => !fields.includes(key));
    if (extra !== undefined) throw fail(`error unmarshaling JSON: while decoding JSON: json: unknown field "${extra}"`);
  };
  if (root.kind !== 'ClusterConfig' || root.apiVersion !== 'eksctl.io/v1alpha5') {
    throw fail(`no kind "${String(root.kind)}" is registered for version "${String(root.apiVersion)}"`);
  }
  unknown(CLUSTER_CONFIG_FIELDS, root);

  const metadata = root.metadata;
  if (!isObject(metadata)) throw new EksctlError('metadata must be set');
  unknown(METADATA_FIELDS, metadata);
  const name = stringOf(metadata.name);
  if (!name) throw new EksctlError('metadata.name must be set');
  const region = stringOf(metadata.region);
  if (!region) throw new EksctlError('metadata.region must be set');

  const fargateProfiles = arrayOf(root.fargateProfiles).map((raw) => {
    const profile = isObject(raw) ? raw : {};
    unknown(FARGATE_PROFILE_FIELDS, profile);
    for (const selector of arrayOf(profile.selectors)) if (isObject(selector)) unknown(SELECTOR_FIELDS, selector);
    return readProfile(profile);
  });
  const iam = isObject(root.iam) ? root.iam : {};
  const addonsConfig = isObject(root.addonsConfig) ? root.addonsConfig : {};
  const autoMode = isObject(root.autoModeConfig) && root.autoModeConfig.enabled === true ? root.autoModeConfig : undefined;
  const vpc = isObject(root.vpc) ? root.vpc : {};
  const endpoints = isObject(vpc.clusterEndpoints) ? vpc.clusterEndpoints : {};
  const outpost = isObject(root.outpost) ? root.outpost : {};
  const config: ClusterConfig = {
    name,
    region,
    version: metadata.version === undefined ? undefined : String(metadata.version),
    tags: stringMap(metadata.tags),
    fargateProfiles,
    managedNodeGroups: arrayOf(root.managedNodeGroups).map((raw, i) => readManagedNodeGroup(isObject(raw) ? raw : {}, i)),
    selfManagedNodeGroupNames: arrayOf(root.nodeGroups).map((raw) => stringOf(isObject(raw) ? raw.name : undefined) ?? ''),
    addons: arrayOf(root.addons).map((raw) => readAddon(isObject(raw) ? raw : {})),
    disableDefaultAddons: addonsConfig.disableDefaultAddons === true,
    ...(autoMode
      ? {
          autoMode: {
            // pkg/apis/eksctl.io/v1alpha5/defaults.go: absent node pools are general-purpose and system.
            nodePools: Array.isArray(autoMode.nodePools) ? autoMode.nodePools.map(String) : ['general-purpose', 'system'],
            ...(stringOf(autoMode.nodeRoleARN) ? { nodeRoleARN: stringOf(autoMode.nodeRoleARN) } : {}),
          },
        }
      : {}),
    clusterEndpoints: {
      ...(typeof endpoints.publicAccess === 'boolean' ? { publicAccess: endpoints.publicAccess } : {}),
      ...(typeof endpoints.privateAccess === 'boolean' ? { privateAccess: endpoints.privateAccess } : {}),
    },
    privateCluster: isObject(root.privateCluster) && root.privateCluster.enabled === true,
    ...(stringOf(outpost.controlPlaneOutpostARN)
      ? { outpost: { controlPlaneOutpostARN: stringOf(outpost.controlPlaneOutpostARN)!, controlPlaneInstanceType: stringOf(outpost.controlPlaneInstanceType) } }
      : {}),
    ...(isObject(root.remoteNetworkConfig) ? { remoteNetworkConfig: root.remoteNetworkConfig } : {}),
    karpenter: root.karpenter != null,
    gitops: isObject(root.gitops) && root.gitops.flux != null,
    iamServiceAccounts: arrayOf(iam.serviceAccounts).length,
    podIdentityAssociations: arrayOf(iam.podIdentityAssociations).length,
    serviceRoleARN: stringOf(iam.serviceRoleARN),
    fargatePodExecutionRoleARN: stringOf(iam.fargatePodExecutionRoleARN),
    subnetIds: subnetIdsOf(root.vpc),
    document: root,
  };
  return config;
}

function readProfile(profile: Obj): FargateProfileConfig {
  const name = stringOf(profile.name);
  if (!name) throw new EksctlError('invalid Fargate profile: empty name');
  if (name.startsWith(RESERVED_PROFILE_PREFIX)) {
    throw new EksctlError(`invalid Fargate profile "${name}": name should NOT start with "${RESERVED_PROFILE_PREFIX}"`);
  }
  const rawSelectors = arrayOf(profile.selectors);
  if (rawSelectors.length === 0) throw new EksctlError(`invalid Fargate profile "${name}": no profile selector`);
  const selectors = rawSelectors.map((raw, i) => {
    const selector = isObject(raw) ? raw : {};
    const namespace = stringOf(selector.namespace);
    if (!namespace) {
      throw new EksctlError(`invalid Fargate profile "${name}": invalid profile selector at index #${i}: empty namespace`);
    }
    const labels = stringMap(selector.labels);
    return labels && Object.keys(labels).length > 0 ? { namespace, labels } : { namespace };
  });
  return {
    name,
    selectors,
    podExecutionRoleARN: stringOf(profile.podExecutionRoleARN),
    subnets: arrayOf(profile.subnets).map(String),
    tags: stringMap(profile.tags),
  };
}

function readManagedNodeGroup(ng: Obj, index: number): ManagedNodeGroupConfig {
  const name = stringOf(ng.name);
  if (!name) throw new EksctlError(`managedNodeGroups[${index}].name must be set`);
  const desired = numberOf(ng.desiredCapacity);
  const min = numberOf(ng.minSize) ?? desired ?? 2;
  const max = numberOf(ng.maxSize) ?? Math.max(desired ?? 2, min);
  const instanceTypes = arrayOf(ng.instanceTypes).map(String);
  return {
    name,
    instanceTypes: instanceTypes.length > 0 ? instanceTypes : [stringOf(ng.instanceType) ?? 'm5.large'],
    minSize: min,
    maxSize: max,
    desiredCapacity: desired ?? min,
    labels: stringMap(ng.labels),
    tags: stringMap(ng.tags),
    iamRoleARN: isObject(ng.iam) ? stringOf(ng.iam.instanceRoleARN) : undefined,
  };
}

function readAddon(addon: Obj): AddonConfig {
  const name = stringOf(addon.name);
  if (!name) throw new EksctlError('addon name must be set');
  const values = addon.configurationValues;
  return {
    name,
    version: stringOf(addon.version),
    configurationValues: values === undefined ? undefined : typeof values === 'string' ? values : JSON.stringify(values),
    resolveConflicts: stringOf(addon.resolveConflicts),
  };
}

/** Subnet IDs from `vpc.subnets.{private,public}.<az>.id`, as eksctl passes them for an existing VPC. */
function subnetIdsOf(vpc: unknown): string[] {
  if (!isObject(vpc) || !isObject(vpc.subnets)) return [];
  const ids: string[] = [];
  for (const kind of ['private', 'public']) {
    const byZone = vpc.subnets[kind];
    if (!isObject(byZone)) continue;
    for (const subnet of Object.values(byZone)) {
      const id = isObject(subnet) ? stringOf(subnet.id) : undefined;
      if (id) ids.push(id);
    }
  }
  return ids;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
