// Every flag eksctl v0.230.0 defines for `create cluster` and `create fargateprofile`, from its source: the name, the
// shorthand, and whether it takes a value (`name=`) or is a bool. With it safe-eksctl knows which words of a command
// line are eksctl's flag values, so it can take out its own few options and hand every other word to eksctl
// unchanged, in order. test/core/eksctl-flags.test.ts checks it against test/fixtures/eksctl-0.230.0-flags.txt, and
// that list against eksctl's source whenever the eksctl mirror is on the machine.
import { flagTable, parseGoBool, readArgs, type ArgToken, type FlagSpec } from './pflag.js';

export type EksctlCommand = 'cluster' | 'fargateprofile';

export interface EksctlFlag extends FlagSpec {
  commands: readonly EksctlCommand[];
}

function group(commands: readonly EksctlCommand[], entries: readonly string[]): EksctlFlag[] {
  return entries.map((entry) => {
    const takesValue = entry.endsWith('=');
    const [long, short] = (takesValue ? entry.slice(0, -1) : entry).split('/');
    return { long: long!, short, takesValue, commands };
  });
}

const BOTH: readonly EksctlCommand[] = ['cluster', 'fargateprofile'];
const CLUSTER: readonly EksctlCommand[] = ['cluster'];
const FARGATE: readonly EksctlCommand[] = ['fargateprofile'];

export const EKSCTL_FLAGS: readonly EksctlFlag[] = [
  // cmd/eksctl/main.go: the root command's persistent flags, inherited by every command.
  ...group(BOTH, ['help/h', 'verbose/v=', 'color/C=', 'dumpLogs/d']),
  // pkg/ctl/cmdutils: AddRegionFlag, AddConfigFileFlag (configfile.go), AddTimeoutFlag, and AddCommonFlagsForAWS's
  // --profile, for both commands.
  ...group(BOTH, ['region/r=', 'config-file/f=', 'timeout=', 'profile/p=']),
  // pkg/ctl/create/cluster.go, createClusterCmdWithRunFunc: General, Initial nodegroup, VPC networking, Auto Mode.
  ...group(CLUSTER, [
    'name/n=', 'tags=', 'with-oidc', 'zones=', 'support-type=', 'version=', 'install-vpc-controllers', 'fargate',
    'dry-run', 'nodegroup-name=', 'without-nodegroup', 'vpc-cidr=', 'vpc-private-subnets=', 'vpc-public-subnets=',
    'vpc-from-kops-cluster=', 'vpc-nat-mode=', 'enable-auto-mode', 'write-kubeconfig',
  ]),
  // pkg/ctl/cmdutils/nodegroup_flags.go, AddCommonCreateNodeGroupFlags.
  ...group(CLUSTER, [
    'node-type/t=', 'nodes/N=', 'nodes-min/m=', 'nodes-max/M=', 'node-volume-size=', 'node-volume-type=',
    'max-pods-per-node=', 'ssh-access', 'ssh-public-key=', 'enable-ssm', 'node-ami=', 'node-ami-family=',
    'node-private-networking/P', 'node-security-groups=', 'node-labels=', 'node-zones=', 'instance-prefix=',
    'instance-name=', 'disable-pod-imds', 'managed', 'spot', 'enable-node-repair', 'node-repair-max-unhealthy-percentage=',
    'node-repair-max-unhealthy-count=', 'node-repair-max-parallel-percentage=', 'node-repair-max-parallel-count=',
    'instance-types=',
  ]),
  // nodegroup_flags.go, AddCommonCreateNodeGroupAddonsFlags and addCommonCreateNodeGroupIAMAddonsFlags.
  ...group(CLUSTER, [
    'asg-access', 'external-dns-access', 'full-ecr-access', 'appmesh-access', 'appmesh-preview-access',
    'alb-ingress-access', 'install-neuron-plugin', 'install-nvidia-plugin', 'nodegroup-parallelism=',
  ]),
  // nodegroup_flags.go, AddInstanceSelectorOptions.
  ...group(CLUSTER, [
    'instance-selector-vcpus=', 'instance-selector-memory=', 'instance-selector-cpu-architecture=',
    'instance-selector-gpus=', 'instance-selector-neuron-devices=',
  ]),
  // cmdutils.go: AddCommonFlagsForAWS's CloudFormation flags (create cluster passes addCfnOptions=true) and
  // AddCommonFlagsForKubeconfig.
  ...group(CLUSTER, ['cfn-role-arn=', 'cfn-disable-rollback', 'kubeconfig=', 'authenticator-role-arn=', 'set-kubeconfig-context', 'auto-kubeconfig']),
  // pkg/ctl/create/fargate.go, configureCreateFargateProfileCmd: AddFlagsForFargateProfileCreation
  // (pkg/ctl/cmdutils/fargate.go) and AddClusterFlag (cmdutils.go).
  ...group(FARGATE, ['name=', 'namespace=', 'labels/l=', 'tags/t=', 'cluster/c=']),
];

export function eksctlFlagsOf(command: EksctlCommand): EksctlFlag[] {
  return EKSCTL_FLAGS.filter((flag) => flag.commands.includes(command));
}

/**
 * `create cluster` flags that change nothing eksctl creates, so a `-f` command line holding only these is planned
 * from the file alone. With -f, eksctl reads the cluster from the file and refuses the flags that would describe it
 * (pkg/ctl/cmdutils/configfile.go, NewCreateClusterLoader); what remains are these: logging, AWS access, CloudFormation,
 * the kubeconfig it writes, device plugins, and how many nodegroups it builds at once. Any other flag (or one this
 * table does not know, from a newer eksctl) is resolved by asking eksctl itself (`--dry-run`).
 */
export const CREATE_CLUSTER_FLAGS_THAT_CHANGE_NOTHING: ReadonlySet<string> = new Set([
  'help', 'verbose', 'color', 'dumpLogs', 'config-file', 'timeout', 'profile', 'cfn-role-arn', 'cfn-disable-rollback',
  'kubeconfig', 'authenticator-role-arn', 'set-kubeconfig-context', 'auto-kubeconfig', 'write-kubeconfig',
  'install-neuron-plugin', 'install-nvidia-plugin', 'install-vpc-controllers', 'nodegroup-parallelism',
]);

/**
 * Flags `create cluster --dry-run` refuses ("cannot use --profile with --dry-run as this option cannot be represented
 * in ClusterConfig"), in the order eksctl looks for them: configfile.go's validateDryRun and
 * commonCreateFlagsIncompatibleWithDryRun. None of them changes the ClusterConfig, so they are left out of the dry-run
 * that tells safe-eksctl what eksctl will create; --profile becomes AWS_PROFILE, as eksctl's message advises.
 */
export const FLAGS_DRY_RUN_REFUSES: readonly string[] = [
  'authenticator-role-arn', 'auto-kubeconfig', 'install-vpc-controllers', 'kubeconfig', 'set-kubeconfig-context',
  'write-kubeconfig', 'cfn-disable-rollback', 'cfn-role-arn', 'install-neuron-plugin', 'install-nvidia-plugin',
  'profile', 'timeout',
];

/**
 * `create fargateprofile` flags eksctl refuses next to -f ("cannot use --name when --config-file/-f is set"), in the
 * order it looks for them: defaultFlagsIncompatibleWithConfigFile (configfile.go) and
 * fargateProfileFlagsIncompatibleWithConfigFile (fargate.go), sorted as sets.List sorts them, limited to the flags
 * the command defines.
 */
export const FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG: readonly string[] = ['cluster', 'labels', 'name', 'namespace', 'region'];

/** The tokens of eksctl's words for one command, to read what eksctl will make of them. */
export function eksctlTokens(command: EksctlCommand, eksctlArgs: readonly string[]): ArgToken<EksctlFlag>[] {
  return readArgs(eksctlArgs, flagTable(eksctlFlagsOf(command)));
}

/** The value of eksctl's flag as eksctl takes it: the last one given wins. */
export function flagValue(tokens: readonly ArgToken<EksctlFlag>[], long: string): string | undefined {
  let value: string | undefined;
  for (const t of tokens) if (t.kind === 'flag' && t.spec?.long === long) value = t.value;
  return value;
}

/** A bool flag of eksctl's: `--dry-run` is true, `--dry-run=false` false, absent undefined. */
export function flagOn(tokens: readonly ArgToken<EksctlFlag>[], long: string): boolean | undefined {
  let on: boolean | undefined;
  for (const t of tokens) if (t.kind === 'flag' && t.spec?.long === long) on = t.value === undefined ? true : (parseGoBool(t.value) ?? true);
  return on;
}
