// `eksctl create cluster` and `eksctl create fargateprofile`, both forms (-f FILE, or flags), read and judged as
// eksctl v0.230.0 does before it creates anything:
//   pkg/ctl/create/cluster.go        the command; --dry-run prints the ClusterConfig (cmdutils.PrintDryRunConfig) to
//                                    stdout and creates nothing; --kubeconfig with --auto-kubeconfig is refused
//   pkg/ctl/create/fargate.go        the command
//   pkg/ctl/cmdutils/configfile.go   with -f: the flags refused next to it, the name argument refused; without -f:
//                                    --install-vpc-controllers refused; --dry-run refuses what a ClusterConfig
//                                    cannot hold (validateDryRun, commonCreateFlagsIncompatibleWithDryRun)
//   pkg/ctl/cmdutils/fargate.go      create fargateprofile: --name/--namespace/--labels refused with -f; without -f
//                                    --cluster is required, --name or the argument (not both), the namespace required
//   pkg/fargate/create.go            CreateOptions.Validate and ToFargateProfile (a generated `fp-` name)
//   pkg/ctl/cmdutils/cmdutils.go     GetNameArg: one name argument at most
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { stringify } from 'yaml';
import { FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG, FLAGS_DRY_RUN_REFUSES, type EksctlCommand } from '../../core/eksctl-flags.js';
import type { Io } from '../../io.js';
import { clusterDocumentFromFlags, dryRunYaml, generatedProfileName, keyValues, regionOf, withoutNodegroups } from './cluster-from-flags.js';
import { readCommandLine, type CommandLine } from './command-line.js';
import { parseClusterConfig, type ClusterConfig } from './config.js';
import { clockFor, type ClusterRun, type FakeEksctlOptions } from './context.js';
import { parseGoDuration } from './duration.js';
import { EksctlError } from './errors.js';
import { createLogger } from './log.js';
import { readSettings } from './settings.js';

/** configfile.go: defaultFlagsIncompatibleWithConfigFile, clusterFlagsIncompatibleWithConfigFile and
 * commonNGFlagsIncompatibleWithConfigFile, as sets.List sorts them (the order eksctl looks for them in). */
const CREATE_CLUSTER_FLAGS_REJECTED_WITH_CONFIG = [
  'asg-access', 'cluster', 'enable-auto-mode', 'enable-node-repair', 'enable-ssm', 'external-dns-access', 'fargate',
  'full-ecr-access', 'instance-name', 'instance-prefix', 'instance-types', 'managed', 'max-pods-per-node', 'name',
  'namepace', 'node-ami', 'node-ami-family', 'node-labels', 'node-private-networking', 'node-security-groups',
  'node-type', 'node-volume-size', 'node-volume-type', 'node-zones', 'nodes', 'nodes-max', 'nodes-min', 'region',
  'spot', 'ssh-access', 'ssh-public-key', 'support-type', 'tags', 'version', 'vpc-cidr', 'vpc-from-kops-cluster',
  'vpc-nat-mode', 'vpc-private-subnets', 'vpc-public-subnets', 'zones',
];

export async function loadConfig(io: Io, file: string): Promise<ClusterConfig> {
  let source: string;
  try {
    source = file === '-' ? await text(io.stdin) : readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new EksctlError(`reading config file "${file}": ${(error as Error).message}`);
  }
  return parseClusterConfig(source, file);
}

/** The AWS SDK and the command modules load only for commands that talk to AWS, so `version` and usage errors stay fast. */
export async function runContext(
  io: Io,
  options: { verbose?: string | undefined; profile?: string | undefined },
  region: string,
  embedding: FakeEksctlOptions,
): Promise<ClusterRun> {
  const { createEksClient } = await import('./eks.js');
  const settings = readSettings(io.env);
  const clock = clockFor(settings, embedding);
  const verbosity = Number(options.verbose ?? '3');
  // eksctl stamps its lines with the time of day; run in a test's process, with the time of the test's clock.
  const log = createLogger(io.stdout, Number.isFinite(verbosity) ? verbosity : 3, embedding.clock ? () => clock.date() : undefined);
  return {
    log,
    settings,
    env: io.env,
    cwd: io.cwd,
    clock,
    sleep: (simMs, signal) => clock.sleep(simMs, signal),
    ...(embedding.signal ? { signal: embedding.signal } : {}),
    eks: createEksClient({ region, env: io.env, clock, ...(options.profile ? { profile: options.profile } : {}) }),
  };
}

export async function withClient(ctx: ClusterRun, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    ctx.eks.destroy();
  }
}

function commandLine(command: EksctlCommand, words: readonly string[], io: Io): CommandLine | undefined {
  const line = readCommandLine(command, words);
  if (line.on('help', false)) {
    io.stdout.write(`Create a ${command === 'cluster' ? 'cluster' : 'Fargate profile'} (the simulated eksctl ${readSettings(io.env).eksctlVersion})\n\nUsage: eksctl create ${command} [flags]\n`);
    return undefined;
  }
  if (line.args.length > 1) throw new EksctlError('only one argument is allowed to be used as a name');
  return line;
}

function refuseWithConfig(line: CommandLine, flags: readonly string[]): void {
  const flag = flags.find((f) => line.changed(f));
  if (flag !== undefined) throw new EksctlError(`cannot use --${flag} when --config-file/-f is set`);
  if (line.args[0] !== undefined) throw new EksctlError('cannot use name argument when --config-file/-f is set');
}

export async function runCreateCluster(io: Io, words: readonly string[], embedding: FakeEksctlOptions = {}): Promise<void> {
  const line = commandLine('cluster', words, io);
  if (!line) return;
  const file = line.text('config-file');
  let doc: Record<string, unknown>;
  if (file !== undefined) {
    const cfg = await loadConfig(io, file);
    refuseWithConfig(line, CREATE_CLUSTER_FLAGS_REJECTED_WITH_CONFIG);
    doc = line.on('without-nodegroup', false) ? withoutNodegroups(cfg.document) : cfg.document;
  } else {
    if (line.changed('install-vpc-controllers')) {
      throw new EksctlError('cannot use --install-vpc-controllers unless a config file is specified via --config-file/-f');
    }
    doc = clusterDocumentFromFlags(line, io.env);
  }
  if (line.on('dry-run', false)) {
    const refused = FLAGS_DRY_RUN_REFUSES.find((f) => line.changed(f));
    if (refused) {
      const advice = refused === 'profile' ? ': set the AWS_PROFILE environment variable instead' : '';
      throw new EksctlError(`cannot use --${refused} with --dry-run as this option cannot be represented in ClusterConfig${advice}`);
    }
    io.stdout.write(dryRunYaml(doc));
    return;
  }
  const timeoutMs = parseGoDuration(line.text('timeout') ?? '25m');
  if (line.changed('kubeconfig') && line.on('auto-kubeconfig', false)) {
    throw new EksctlError('--kubeconfig and --auto-kubeconfig cannot be used at the same time');
  }
  const cfg = parseClusterConfig(stringify(doc), file ?? 'the command line');
  const ctx = await runContext(io, { verbose: line.text('verbose'), profile: line.text('profile') }, cfg.region, embedding);
  const { createCluster } = await import('./create-cluster.js');
  const kubeconfig = line.text('kubeconfig');
  await withClient(ctx, () =>
    createCluster(ctx, cfg, {
      timeoutMs,
      kubeconfig: {
        write: line.on('write-kubeconfig', true),
        setContext: line.on('set-kubeconfig-context', true),
        auto: line.on('auto-kubeconfig', false),
        ...(kubeconfig !== undefined ? { path: kubeconfig } : {}),
      },
      ...(line.text('profile') ? { profile: line.text('profile')! } : {}),
    }),
  );
}

export async function runCreateFargateProfile(io: Io, words: readonly string[], embedding: FakeEksctlOptions = {}): Promise<void> {
  const line = commandLine('fargateprofile', words, io);
  if (!line) return;
  const file = line.text('config-file');
  let cfg: ClusterConfig;
  if (file !== undefined) {
    cfg = await loadConfig(io, file);
    refuseWithConfig(line, FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG);
  } else {
    cfg = profileFromFlags(line, io.env);
  }
  const timeoutMs = parseGoDuration(line.text('timeout') ?? '25m');
  const ctx = await runContext(io, { verbose: line.text('verbose'), profile: line.text('profile') }, cfg.region, embedding);
  const { createFargateProfile } = await import('./other-commands.js');
  await withClient(ctx, () => createFargateProfile(ctx, cfg, timeoutMs));
}

function profileFromFlags(line: CommandLine, env: NodeJS.ProcessEnv): ClusterConfig {
  const cluster = line.text('cluster');
  if (!cluster) throw new EksctlError('--cluster must be set');
  const flagName = line.text('name');
  const arg = line.args[0];
  if (flagName && arg) throw new EksctlError(`--name=${flagName} and argument ${arg} cannot be used at the same time`);
  const name = flagName || arg || '';
  if (name.startsWith('eks-')) throw new EksctlError('invalid Fargate profile: name should NOT start with "eks-"');
  const namespace = line.text('namespace');
  if (!namespace) throw new EksctlError('invalid Fargate profile: empty selector namespace');
  const labels = keyValues(line.text('labels'), '-l, --labels');
  const tags = keyValues(line.text('tags'), '-t, --tags');
  const doc = {
    apiVersion: 'eksctl.io/v1alpha5',
    kind: 'ClusterConfig',
    metadata: { name: cluster, region: regionOf(line.text('region'), env) },
    fargateProfiles: [{ name: name || generatedProfileName(), selectors: [{ namespace, ...(labels ? { labels } : {}) }], ...(tags ? { tags } : {}) }],
  };
  return parseClusterConfig(stringify(doc), 'the command line');
}
