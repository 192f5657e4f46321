// `eksctl create cluster` without -f: the ClusterConfig eksctl v0.230.0 builds from its flags, and the defaults
// `--dry-run` prints with a config. Each rule names where eksctl has it:
//   pkg/ctl/cmdutils/configfile.go  NewCreateClusterLoader.validateWithoutConfigFile: the name (flag or argument,
//                                   generated when neither), Auto Mode, one initial nodegroup unless --without-nodegroup,
//                                   --fargate = profile fp-default for `default` and `kube-system` and no nodegroup
//                                   unless --managed was given, managed-only flags
//   pkg/apis/eksctl.io/v1alpha5/defaults.go  SetDefaultFargateProfile, SetClusterConfigDefaults,
//                                   setNodeGroupBaseDefaults, SetManagedNodeGroupDefaults
//   pkg/apis/eksctl.io/v1alpha5/validation.go  min/max/desired of a managed nodegroup
//   pkg/utils/names/names.go         ForCluster (`<adjective>-<noun>-<unix seconds>`), ForNodeGroup (`ng-` + 8 hex)
//   pkg/eks/api.go                   the region: the flag, else the AWS SDK's (AWS_REGION, AWS_DEFAULT_REGION)
//   pkg/printers/yaml.go             the dry-run's YAML: sigs.k8s.io/yaml, so keys come sorted
// Not simulated: real eksctl's dry-run also resolves the Kubernetes version and availability zones with AWS calls
// (DescribeClusterVersions, EC2); the simulator has neither, so `availabilityZones` appears only from --zones.
import { stringify } from 'yaml';
import type { CommandLine } from './command-line.js';
import { EksctlError } from './errors.js';
import { DEFAULT_KUBERNETES_VERSION } from './settings.js';

type Doc = Record<string, unknown>;

/** pkg/ctl/cmdutils/configfile.go, commonNGFlagsIncompatibleWithConfigFile: also refused with --enable-auto-mode. */
export const NODEGROUP_FLAGS = [
  'managed', 'spot', 'enable-node-repair', 'instance-types', 'nodes', 'nodes-min', 'nodes-max', 'node-type',
  'node-volume-size', 'node-volume-type', 'max-pods-per-node', 'node-ami', 'node-ami-family', 'ssh-access',
  'ssh-public-key', 'enable-ssm', 'node-private-networking', 'node-security-groups', 'node-labels', 'node-zones',
  'asg-access', 'external-dns-access', 'full-ecr-access', 'instance-name', 'instance-prefix',
];

/** configfile.go, validateManagedNGFlags. */
const MANAGED_ONLY_FLAGS = [
  'spot', 'enable-node-repair', 'instance-types', 'node-repair-max-unhealthy-percentage', 'node-repair-max-unhealthy-count',
  'node-repair-max-parallel-percentage', 'node-repair-max-parallel-count',
];

const ADJECTIVES = ['attractive', 'beautiful', 'exciting', 'floral', 'hilarious', 'ridiculous', 'scrumptious', 'wonderful'];
const NOUNS = ['badger', 'creature', 'mongoose', 'painting', 'sculpture', 'unicorn', 'wardrobe', 'wolf'];
const pick = (list: readonly string[]) => list[Math.floor(Math.random() * list.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

export const generatedClusterName = () => `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Date.now() / 1000)}`;
export const generatedProfileName = () => `fp-${hex(8)}`;

/** pflag's StringToString (`k1=v1,k2=v2`), for --tags, --node-labels, --labels. */
export function keyValues(text: string | undefined, flag: string): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  const pairs = text.split(',').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) throw new EksctlError(`invalid argument "${text}" for "${flag}" flag: ${pair} must be formatted as key=value`);
    return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
  });
  return Object.fromEntries(pairs);
}

export function regionOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const region = flag || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new EksctlError('AWS Region must be set, please set the AWS Region in AWS config file or as environment variable');
  return region;
}

export function clusterDocumentFromFlags(line: CommandLine, env: NodeJS.ProcessEnv): Doc {
  const flagName = line.text('name');
  const arg = line.args[0];
  if (flagName && arg) throw new EksctlError(`--name=${flagName} and argument ${arg} cannot be used at the same time`);
  const name = flagName || arg || generatedClusterName();
  let withoutNodegroup = line.on('without-nodegroup', false);
  const doc: Doc = {
    apiVersion: 'eksctl.io/v1alpha5',
    kind: 'ClusterConfig',
    metadata: {
      name,
      region: regionOf(line.text('region'), env),
      version: line.text('version') ?? DEFAULT_KUBERNETES_VERSION,
      ...(line.changed('tags') ? { tags: keyValues(line.text('tags'), '--tags') } : {}),
    },
    iam: { withOIDC: line.on('with-oidc', false) },
    vpc: {
      cidr: line.text('vpc-cidr') ?? '192.168.0.0/16',
      nat: { gateway: line.text('vpc-nat-mode') ?? 'Single' },
      clusterEndpoints: { privateAccess: false, publicAccess: true },
    },
    ...(line.changed('zones') ? { availabilityZones: line.text('zones')!.split(',') } : {}),
  };
  if (line.on('enable-auto-mode', false)) {
    const incompatible = NODEGROUP_FLAGS.find((f) => line.changed(f)) ?? (line.on('fargate', false) ? 'fargate' : undefined);
    if (incompatible) throw new EksctlError(`cannot use --${incompatible} when Auto Mode is enabled`);
    if (withoutNodegroup) throw new EksctlError('--without-nodegroup is the default behavior when Auto Mode is enabled');
    withoutNodegroup = true;
    doc.autoModeConfig = { enabled: true };
  }
  const managed = line.on('managed', true);
  const managedOnly = MANAGED_ONLY_FLAGS.find((f) => line.changed(f));
  if (!managed && managedOnly) throw new EksctlError(`--${managedOnly} is only valid with managed nodegroups (--managed)`);
  if (!withoutNodegroup) doc[managed ? 'managedNodeGroups' : 'nodeGroups'] = [nodegroupFromFlags(line)];
  if (line.on('fargate', false)) {
    doc.fargateProfiles = [{ name: 'fp-default', selectors: [{ namespace: 'default' }, { namespace: 'kube-system' }] }];
    // "A Fargate-only cluster should have no nodegroups if the `managed` flag wasn't explicitly provided."
    if (!line.changed('managed')) {
      delete doc.managedNodeGroups;
      delete doc.nodeGroups;
    }
  }
  return doc;
}

function nodegroupFromFlags(line: CommandLine): Doc {
  const name = line.text('nodegroup-name') || `ng-${hex(8)}`;
  const instanceTypes = line.text('instance-types');
  return {
    name,
    instanceType: line.text('node-type') || 'm5.large',
    ...(instanceTypes ? { instanceTypes: instanceTypes.split(',') } : {}),
    ...(line.changed('nodes') ? { desiredCapacity: line.int('nodes') } : {}),
    ...(line.changed('nodes-min') ? { minSize: line.int('nodes-min') } : {}),
    ...(line.changed('nodes-max') ? { maxSize: line.int('nodes-max') } : {}),
    ...(line.changed('node-labels') ? { labels: keyValues(line.text('node-labels'), '--node-labels') } : {}),
    ...(line.on('spot', false) ? { spot: true } : {}),
    privateNetworking: line.on('node-private-networking', false),
    volumeSize: line.int('node-volume-size') ?? 80,
    volumeType: line.text('node-volume-type') ?? 'gp3',
  };
}

/** eksctl's ExcludeAll nodegroup filter (configfile.go: ngFilter.SetExcludeAll(--without-nodegroup)). */
export function withoutNodegroups(doc: Doc): Doc {
  const { nodeGroups: _n, managedNodeGroups: _m, ...rest } = doc;
  return rest;
}

/** What `create cluster --dry-run` prints: the config with eksctl's defaults set, keys sorted. */
export function dryRunYaml(doc: Doc): string {
  return stringify(sorted(withDefaults(doc)));
}

function withDefaults(doc: Doc): Doc {
  const metadata = { ...(doc.metadata as Doc) };
  metadata.version ??= DEFAULT_KUBERNETES_VERSION;
  const clusterName = String(metadata.name);
  const iam = { vpcResourceControllerPolicy: true, withOIDC: false, ...(doc.iam as Doc | undefined) };
  return {
    ...doc,
    metadata,
    iam,
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', ...(doc.accessConfig as Doc | undefined) },
    addonsConfig: doc.addonsConfig ?? {},
    cloudWatch: doc.cloudWatch ?? { clusterLogging: {} },
    kubernetesNetworkConfig: { ipFamily: 'IPv4', ...(doc.kubernetesNetworkConfig as Doc | undefined) },
    privateCluster: { enabled: false, ...(doc.privateCluster as Doc | undefined) },
    vpc: {
      autoAllocateIPv6: false,
      cidr: '192.168.0.0/16',
      clusterEndpoints: { privateAccess: false, publicAccess: true },
      manageSharedNodeSecurityGroupRules: true,
      nat: { gateway: 'Single' },
      ...(doc.vpc as Doc | undefined),
    },
    ...(Array.isArray(doc.managedNodeGroups) ? { managedNodeGroups: doc.managedNodeGroups.map((ng) => managedDefaults(ng as Doc, clusterName)) } : {}),
  };
}

function managedDefaults(ng: Doc, clusterName: string): Doc {
  const given = ng;
  const name = String(given.name);
  const desired = given.desiredCapacity as number | undefined;
  const minSize = (given.minSize as number | undefined) ?? desired ?? 2;
  const maxSize = (given.maxSize as number | undefined) ?? desired ?? minSize;
  return {
    amiFamily: 'AmazonLinux2023',
    disableIMDSv1: true,
    disablePodIMDS: false,
    iam: { withAddonPolicies: {} },
    instanceSelector: {},
    privateNetworking: false,
    securityGroups: { withLocal: null, withShared: null },
    ssh: { allow: false },
    volumeIOPS: 3000,
    volumeSize: 80,
    volumeThroughput: 125,
    volumeType: 'gp3',
    ...given,
    instanceType: given.instanceType ?? (given.instanceTypes ? undefined : 'm5.large'),
    minSize,
    maxSize,
    desiredCapacity: desired ?? minSize,
    labels: { 'alpha.eksctl.io/cluster-name': clusterName, 'alpha.eksctl.io/nodegroup-name': name, ...(given.labels as Doc | undefined) },
    tags: { 'alpha.eksctl.io/nodegroup-name': name, 'alpha.eksctl.io/nodegroup-type': 'managed', ...(given.tags as Doc | undefined) },
  };
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Doc).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sorted(v)]));
}
