// The fake eksctl's command line, parsed the way eksctl's cobra/pflag setup treats it. Exit codes as eksctl's:
// 0 on success, 1 on any error (printed as `Error: …` on stderr), or the code an `eksctl-exit` fault asks for.
// bin/fake-eksctl.js runs it as a process; ./in-process.ts runs it inside a test's process, on the test's clock.
import { Command, CommanderError } from 'commander';
import { stringify } from 'yaml';
import { eksctlFlagsOf, type EksctlCommand } from '../../core/eksctl-flags.js';
import { flagTable, readArgs } from '../../core/pflag.js';
import type { Io } from '../../io.js';
import type { FakeEksctlOptions } from './context.js';
import { loadConfig, runContext, runCreateCluster, runCreateFargateProfile, withClient } from './create-commands.js';
import { EksctlError } from './errors.js';
import { parseGoDuration } from './duration.js';
import { readSettings } from './settings.js';

type Options = Record<string, unknown>;

/** Runs one eksctl command line with `io` (its streams, environment and working directory) to its exit code. */
export async function main(argv: readonly string[], io: Io, embedding: FakeEksctlOptions = {}): Promise<number> {
  let exitCode = 0;
  const fail = (error: unknown) => {
    io.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = error instanceof EksctlError ? error.exitCode : 1;
  };
  const create = createCommand(argv);
  if (create) {
    await (create.command === 'cluster' ? runCreateCluster : runCreateFargateProfile)(io, create.words, embedding).catch(fail);
    return exitCode;
  }
  const program = buildProgram(io, (promise) => promise.catch(fail), embedding);
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

function buildProgram(io: Io, guard: (work: Promise<void>) => Promise<void>, embedding: FakeEksctlOptions): Command {
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

  // `create cluster` and `create fargateprofile` are read by ./create-commands.ts with eksctl's flag table.
  program.command('create').description('Create resource(s)');

  const get = program.command('get').description('Get resource(s)');
  common(get.command('cluster').aliases(['clusters', 'cl']).argument('[name]').description('Get cluster(s)'))
    .option('-n, --name <name>', 'EKS cluster name')
    .option('-o, --output <format>', 'specifies the output format (valid option: table, json, yaml)', 'table')
    .option('-A, --all-regions [bool]', 'List clusters across all supported regions')
    .action((name: string | undefined, options: Options, cmd: Command) => guard(runGetCluster(io, name, options, cmd, embedding)));

  const del = program.command('delete').description('Delete resource(s)');
  common(del.command('cluster').argument('[name]').description('Delete a cluster'))
    .option('-n, --name <name>', 'EKS cluster name')
    .option('-w, --wait [bool]', 'wait for deletion of all resources before exiting')
    .option('--force [bool]', 'Force deletion to continue when errors occur')
    .option('--disable-nodegroup-eviction [bool]', 'Force drain to use delete, even if eviction is supported')
    .action((name: string | undefined, options: Options, cmd: Command) => guard(runDeleteCluster(io, name, options, cmd, embedding)));

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

function rejectWithConfig(cmd: Command, flags: readonly string[], name: string | undefined): void {
  const flag = flags.find((f) => cmd.getOptionValueSource(f.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())) === 'cli');
  if (flag !== undefined) throw new EksctlError(`cannot use --${flag} when --config-file/-f is set`);
  if (name !== undefined) throw new EksctlError('cannot use name argument when --config-file/-f is set');
}

/**
 * `create cluster …` / `create fargateprofile …`, wherever eksctl's root flags stand (`-v 4 create cluster`): the
 * command and its words without the two command words.
 */
function createCommand(argv: readonly string[]): { command: EksctlCommand; words: string[] } | undefined {
  const tokens = readArgs(argv, flagTable(eksctlFlagsOf('cluster').filter((f) => ['help', 'verbose', 'color', 'dumpLogs'].includes(f.long))));
  const [verb, resource] = tokens.filter((t) => t.kind === 'argument');
  if (verb?.value !== 'create' || (resource?.value !== 'cluster' && resource?.value !== 'fargateprofile')) return undefined;
  return { command: resource.value, words: argv.filter((_, i) => i !== verb.word && i !== resource.word) };
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

async function runGetCluster(io: Io, nameArg: string | undefined, options: Options, cmd: Command, embedding: FakeEksctlOptions): Promise<void> {
  const { name, region } = await clusterTarget(io, nameArg, options, cmd);
  const output = String(options.output);
  if (!['table', 'json', 'yaml'].includes(output)) throw new EksctlError(`unknown output printer type: ${output}`);
  const ctx = await runContext(io, { verbose: String(options.verbose), ...(typeof options.profile === 'string' ? { profile: options.profile } : {}) }, region, embedding);
  const { getClusters } = await import('./other-commands.js');
  await withClient(ctx, async () => {
    const printed = await getClusters(ctx, region, name, output === 'yaml' ? 'json' : output);
    io.stdout.write(output === 'yaml' ? stringify(JSON.parse(printed)) : printed);
  });
}

async function runDeleteCluster(io: Io, nameArg: string | undefined, options: Options, cmd: Command, embedding: FakeEksctlOptions): Promise<void> {
  const { name, region } = await clusterTarget(io, nameArg, options, cmd);
  if (!name) throw new EksctlError('--name must be set');
  const timeoutMs = parseGoDuration(String(options.timeout));
  const ctx = await runContext(io, { verbose: String(options.verbose), ...(typeof options.profile === 'string' ? { profile: options.profile } : {}) }, region, embedding);
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
