// The fake eksctl's command line, parsed the way eksctl's cobra/pflag setup treats it. Exit codes as eksctl's:
// 0 on success, 1 on any error (printed as `Error: …` on stderr), or the code an `eksctl-exit` fault asks for.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { stringify } from 'yaml';
import type { Io } from '../../io.js';
import { parseClusterConfig, type ClusterConfig } from './config.js';
import { EksctlError } from './errors.js';
import { simSleep } from './context.js';
import type { ClusterRun } from './create-cluster.js';
import { parseGoDuration } from './duration.js';
import { createLogger } from './log.js';
import { readSettings } from './settings.js';

/** pflag names `create cluster` refuses next to -f (eksctl's cmdutils/configfile.go), in the order it checks them. */
const CREATE_CLUSTER_FLAGS_REJECTED_WITH_CONFIG = [
  'asg-access', 'enable-auto-mode', 'enable-node-repair', 'enable-ssm', 'external-dns-access', 'fargate',
  'full-ecr-access', 'instance-name', 'instance-prefix', 'instance-types', 'managed', 'max-pods-per-node', 'name',
  'node-ami', 'node-ami-family', 'node-labels', 'node-private-networking', 'node-security-groups', 'node-type',
  'node-volume-size', 'node-volume-type', 'node-zones', 'nodes', 'nodes-max', 'nodes-min', 'region', 'spot',
  'ssh-access', 'ssh-public-key', 'tags', 'version', 'vpc-cidr', 'vpc-from-kops-cluster', 'vpc-nat-mode',
  'vpc-private-subnets', 'vpc-public-subnets', 'zones',
];
const VALUE_FLAGS = new Set([
  'name', 'region', 'version', 'tags', 'zones', 'instance-types', 'instance-name', 'instance-prefix', 'max-pods-per-node',
  'node-ami', 'node-ami-family', 'node-labels', 'node-security-groups', 'node-type', 'node-volume-size',
  'node-volume-type', 'node-zones', 'nodes', 'nodes-max', 'nodes-min', 'ssh-public-key', 'vpc-cidr',
  'vpc-from-kops-cluster', 'vpc-nat-mode', 'vpc-private-subnets', 'vpc-public-subnets',
]);
const SHORT_FLAGS: Record<string, string> = {
  name: '-n', region: '-r', nodes: '-N', 'nodes-min': '-m', 'nodes-max': '-M', 'node-type': '-t', 'node-private-networking': '-P',
};

type Options = Record<string, unknown>;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const fail = (error: unknown) => {
    io.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = error instanceof EksctlError ? error.exitCode : 1;
  };
  const program = buildProgram(io, (promise) => promise.catch(fail));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return 0;
      io.stderr.write(`Error: ${cobraWording(error)}\n`);
      return 1;
    }
    fail(error);
  }
  return exitCode;
}

function buildProgram(io: Io, guard: (work: Promise<void>) => Promise<void>): Command {
  const program = new Command('eksctl')
    .description('The official CLI for Amazon EKS (simulated)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => {} })
    .showHelpAfterError(false);

  program
    .command('version')
    .description('Output the version of eksctl')
    .option('-o, --output <format>', 'specifies the output format (valid option: json)')
    .action((options: Options) =>
      guard(
        (async () => {
          const version = readSettings(io.env).eksctlVersion;
          if (options.output === 'json') {
            const info = { Version: version, PreReleaseID: '', Metadata: { BuildDate: '', GitCommit: '' } };
            io.stdout.write(`${JSON.stringify(info)}\n`);
          } else {
            io.stdout.write(`${version}\n`);
          }
        })(),
      ),
    );

  const create = program.command('create').description('Create resource(s)');
  const createClusterCmd = common(create.command('cluster').argument('[name]').description('Create a cluster'));
  for (const flag of CREATE_CLUSTER_FLAGS_REJECTED_WITH_CONFIG) {
    if (flag === 'region') continue;
    const short = SHORT_FLAGS[flag] ? `${SHORT_FLAGS[flag]}, ` : '';
    createClusterCmd.option(`${short}--${flag} ${VALUE_FLAGS.has(flag) ? '<value>' : '[bool]'}`);
  }
  createClusterCmd
    .option('--kubeconfig <path>', 'path to write kubeconfig')
    .option('--write-kubeconfig [bool]', 'toggle writing of kubeconfig', 'true')
    .option('--set-kubeconfig-context [bool]', 'if true then current-context will be set in kubeconfig', 'true')
    .option('--auto-kubeconfig [bool]', 'save kubeconfig file by cluster name')
    .option('--without-nodegroup [bool]', 'if set, initial nodegroup will not be created')
    .option('--dry-run [bool]', 'dry-run mode that skips cluster creation and outputs a ClusterConfig')
    .action((name: string | undefined, options: Options, cmd: Command) =>
      guard(runCreateCluster(io, name, options, cmd)),
    );

  common(create.command('fargateprofile').description('Create a Fargate profile'))
    .option('-n, --name <name>', 'name of the Fargate profile')
    .option('--cluster <name>', 'EKS cluster name')
    .option('--namespace <namespace>', 'Kubernetes namespace of the pods to schedule onto Fargate')
    .option('-l, --labels <labels>', 'Kubernetes selector labels')
    .action((options: Options, cmd: Command) => guard(runCreateFargateProfile(io, options, cmd)));

  const get = program.command('get').description('Get resource(s)');
  common(get.command('cluster').aliases(['clusters', 'cl']).argument('[name]').description('Get cluster(s)'))
    .option('-n, --name <name>', 'EKS cluster name')
    .option('-o, --output <format>', 'specifies the output format (valid option: table, json, yaml)', 'table')
    .option('-A, --all-regions [bool]', 'List clusters across all supported regions')
    .action((name: string | undefined, options: Options, cmd: Command) => guard(runGetCluster(io, name, options, cmd)));

  const del = program.command('delete').description('Delete resource(s)');
  common(del.command('cluster').argument('[name]').description('Delete a cluster'))
    .option('-n, --name <name>', 'EKS cluster name')
    .option('-w, --wait [bool]', 'wait for deletion of all resources before exiting')
    .option('--force [bool]', 'Force deletion to continue when errors occur')
    .option('--disable-nodegroup-eviction [bool]', 'Force drain to use delete, even if eviction is supported')
    .action((name: string | undefined, options: Options, cmd: Command) => guard(runDeleteCluster(io, name, options, cmd)));

  return program;
}

/** Flags every eksctl command carries (persistent root flags and the AWS ones). */
function common(cmd: Command): Command {
  return cmd
    .option('-v, --verbose <level>', 'set log level, use 0 to silence, 4 for debugging', '3')
    .option('-C, --color <value>', 'toggle colorized logs (valid options: true, false, fabulous)', 'true')
    .option('-d, --dumpLogs [bool]', 'dump logs to disk on failure if set to true')
    .option('-p, --profile <name>', 'AWS credentials profile to use')
    .option('-r, --region <region>', 'AWS region')
    .option('-f, --config-file <file>', "load configuration from a file (or stdin if set to '-')")
    .option('--timeout <duration>', 'maximum waiting time for any long-running operation', '25m');
}

function isOn(value: unknown): boolean {
  return value === true || value === 'true';
}

function setOnCommandLine(cmd: Command, flag: string): boolean {
  const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return cmd.getOptionValueSource(key) === 'cli';
}

async function loadConfig(io: Io, file: string): Promise<ClusterConfig> {
  let source: string;
  try {
    source = file === '-' ? await text(io.stdin) : readFileSync(file, 'utf8');
  } catch (error) {
    throw new EksctlError(`reading config file "${file}": ${(error as Error).message}`);
  }
  return parseClusterConfig(source, file);
}

function rejectWithConfig(cmd: Command, flags: readonly string[], name: string | undefined): void {
  const flag = flags.find((f) => setOnCommandLine(cmd, f));
  if (flag !== undefined) throw new EksctlError(`cannot use --${flag} when --config-file/-f is set`);
  if (name !== undefined) throw new EksctlError('cannot use name argument when --config-file/-f is set');
}

/** The AWS SDK and the command modules load only for commands that talk to AWS, so `version` and usage errors stay fast. */
async function runContext(io: Io, options: Options, region: string): Promise<ClusterRun> {
  const { createEksClient } = await import('./eks.js');
  const settings = readSettings(io.env);
  const verbosity = Number(options.verbose);
  const log = createLogger(io.stdout, Number.isFinite(verbosity) ? verbosity : 3);
  const profile = typeof options.profile === 'string' ? options.profile : undefined;
  return {
    log,
    settings,
    env: io.env,
    sleep: simSleep(settings.timeScale),
    eks: createEksClient({ region, env: io.env, ...(profile ? { profile } : {}) }),
  };
}

async function withClient(ctx: ClusterRun, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    ctx.eks.destroy();
  }
}

async function runCreateCluster(io: Io, name: string | undefined, options: Options, cmd: Command): Promise<void> {
  const file = options.configFile as string | undefined;
  if (file === undefined) throw new EksctlError('the simulated eksctl creates clusters from a config file only: use --config-file/-f');
  const cfg = await loadConfig(io, file);
  rejectWithConfig(cmd, CREATE_CLUSTER_FLAGS_REJECTED_WITH_CONFIG, name);
  const timeoutMs = parseGoDuration(String(options.timeout));
  if (options.kubeconfig !== undefined && isOn(options.autoKubeconfig)) {
    throw new EksctlError('--kubeconfig and --auto-kubeconfig cannot be used at the same time');
  }
  if (isOn(options.dryRun)) {
    io.stdout.write(stringify(cfg.document));
    return;
  }
  const ctx = await runContext(io, options, cfg.region);
  const { createCluster } = await import('./create-cluster.js');
  await withClient(ctx, () =>
    createCluster(ctx, cfg, {
      timeoutMs,
      withoutNodegroup: isOn(options.withoutNodegroup),
      kubeconfig: {
        write: isOn(options.writeKubeconfig),
        setContext: isOn(options.setKubeconfigContext),
        auto: isOn(options.autoKubeconfig),
        ...(typeof options.kubeconfig === 'string' ? { path: options.kubeconfig } : {}),
      },
      ...(typeof options.profile === 'string' ? { profile: options.profile } : {}),
    }),
  );
}

async function runCreateFargateProfile(io: Io, options: Options, cmd: Command): Promise<void> {
  const file = options.configFile as string | undefined;
  if (file === undefined) throw new EksctlError('the simulated eksctl creates Fargate profiles from a config file only: use --config-file/-f');
  const cfg = await loadConfig(io, file);
  rejectWithConfig(cmd, ['cluster', 'labels', 'namespace', 'region'], undefined);
  const timeoutMs = parseGoDuration(String(options.timeout));
  const ctx = await runContext(io, options, cfg.region);
  const only = typeof options.name === 'string' ? options.name : undefined;
  const { createFargateProfile } = await import('./other-commands.js');
  await withClient(ctx, () => createFargateProfile(ctx, cfg, timeoutMs, only));
}

/** The cluster a get/delete is about: from -f, or from --name / the argument and --region / the environment. */
async function clusterTarget(io: Io, nameArg: string | undefined, options: Options, cmd: Command) {
  if (options.configFile !== undefined) {
    const cfg = await loadConfig(io, String(options.configFile));
    rejectWithConfig(cmd, ['name', 'region'], nameArg);
    return { name: cfg.name, region: cfg.region };
  }
  const name = (options.name as string | undefined) ?? nameArg;
  const region = (options.region as string | undefined) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new EksctlError('--region must be set');
  return { name, region };
}

async function runGetCluster(io: Io, nameArg: string | undefined, options: Options, cmd: Command): Promise<void> {
  const { name, region } = await clusterTarget(io, nameArg, options, cmd);
  const output = String(options.output);
  if (!['table', 'json', 'yaml'].includes(output)) throw new EksctlError(`unknown output printer type: ${output}`);
  const ctx = await runContext(io, options, region);
  const { getClusters } = await import('./other-commands.js');
  await withClient(ctx, async () => {
    const printed = await getClusters(ctx, region, name, output === 'yaml' ? 'json' : output);
    io.stdout.write(output === 'yaml' ? stringify(JSON.parse(printed)) : printed);
  });
}

async function runDeleteCluster(io: Io, nameArg: string | undefined, options: Options, cmd: Command): Promise<void> {
  const { name, region } = await clusterTarget(io, nameArg, options, cmd);
  if (!name) throw new EksctlError('--name must be set');
  const timeoutMs = parseGoDuration(String(options.timeout));
  const ctx = await runContext(io, options, region);
  const { deleteCluster } = await import('./other-commands.js');
  await withClient(ctx, () => deleteCluster(ctx, name, region, timeoutMs, isOn(options.wait)));
}

/** Commander's messages in cobra's words, where eksctl users would recognise them. */
function cobraWording(error: CommanderError): string {
  const unknownOption = /unknown option '([^']+)'/.exec(error.message);
  if (unknownOption) {
    const flag = unknownOption[1]!;
    return flag.startsWith('--') ? `unknown flag: ${flag}` : `unknown shorthand flag: '${flag.slice(1)}' in ${flag}`;
  }
  const missing = /option '([^']+)' argument missing/.exec(error.message);
  if (missing) return `flag needs an argument: ${missing[1]!.split(/[ ,]+/).pop()}`;
  return error.message.replace(/^error: /, '');
}
