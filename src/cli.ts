// Commander wiring only. Command modules are imported lazily so that --help, --version and pass-through never load
// the AWS SDK or the Kubernetes client.
import { Command, CommanderError, Option } from 'commander';
import { ownOptionsHelp, splitCreateArgv } from './commands/create-argv.js';
import { DEMO_DEFAULTS, OPTION_DEFAULTS, SIM_DEFAULTS } from './core/defaults.js';
import { eksctlTokens, flagOn } from './core/eksctl-flags.js';
import { ExitCode, reportFailure, SafeEksctlError } from './errors.js';
import { defaultIo, type Io } from './io.js';
import { packageVersion } from './package-files.js';
import type { ClusterDeps } from './session.js';
import { commandWord, routeOf, splitEksctlFlag } from './route.js';
// The fault list of `demo --help` and `sim --help`: the simulator's fault table, which imports nothing heavy.
import { faultHelpItems } from './sim/fault-help.js';

const outputOption = () =>
  new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default(OPTION_DEFAULTS.output);
const eksctlOption = () =>
  new Option('--eksctl <path>', 'eksctl binary (default: $SAFE_EKSCTL_EKSCTL, then eksctl on PATH)');
const collect = (value: string, previous: string[]) => [...previous, value];

/** The simulator's faults under `demo --help` and `sim --help`, laid out as commander lays out options. */
function faultsHelp(command: Command): string {
  const help = command.createHelp();
  help.prepareContext({ helpWidth: command.configureOutput().getOutHelpWidth?.() ?? 80 });
  const items = faultHelpItems();
  const width = Math.max(...items.map(([usage]) => usage.length));
  return `\nFaults (--fault, repeatable; durations are simulated seconds):\n${items.map(([usage, text]) => help.formatItem(usage, width, text, help)).join('\n')}\n`;
}

/** Options shared by every command that waits for profiles and heals CoreDNS. */
function addHealOptions(cmd: Command): Command {
  return cmd
    .option('--poll-interval <seconds>', 'longest pause between DescribeFargateProfile calls', OPTION_DEFAULTS.pollInterval)
    .option('--fargate-timeout <duration>', 'give up waiting for Fargate profiles after this long', OPTION_DEFAULTS.fargateTimeout)
    .option('--coredns-timeout <duration>', 'give up waiting for CoreDNS to be Ready after this long', OPTION_DEFAULTS.corednsTimeout)
    .option('--workloads', 'also restart other workloads a Fargate profile stranded in Pending')
    .option('--workloads-timeout <duration>', 'with --workloads: give up waiting for the restarted workloads after this long', OPTION_DEFAULTS.workloadsTimeout)
    .option('--delete-stranded-pods', 'with --workloads: delete bare pods and orphan ReplicaSet pods that are stranded')
    .option('--kubeconfig <path>', 'reach Kubernetes through this kubeconfig instead of DescribeCluster')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--more-lines', 'on a terminal, the last 20 eksctl lines instead of 5, kept when done (CI shows every line anyway)')
    .addOption(new Option('--verbose', 'the old spelling of --more-lines').hideHelp())
    .addOption(outputOption());
}

/** A command module: its options as commander read them, where it writes, and what tests swap in (the simulator's). */
type CommandModule = { run: (options: Record<string, unknown>, io: Io, deps?: ClusterDeps) => Promise<number> };

export function buildProgram(io: Io, setExitCode: (code: number) => void, deps: ClusterDeps = {}): Command {
  const program = new Command('safe-eksctl');
  // Every action gets its own options merged with the global ones (`safe-eksctl --eksctl X plan …`).
  const run =
    (load: () => Promise<CommandModule>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      // The command's own values win over an ancestor's defaults.
      const options: Record<string, unknown> = { ...command.optsWithGlobals(), ...command.opts() };
      setExitCode(await (await load()).run(options, io, deps));
    };

  program
    .description(
      'Creates EKS clusters with eksctl, waits for every Fargate profile and heals a CoreDNS left Pending.\n' +
        'Any command that is not listed below is passed to eksctl unchanged.',
    )
    .version(packageVersion(), '-V, --version')
    .addOption(eksctlOption())
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    // Options after a command word are that command's: every command that needs --eksctl declares it itself.
    .enablePositionalOptions();

  // Only listed here: `create` command lines are eksctl's and are read in runCreate, not by commander.
  program
    .command('create')
    .description('eksctl create cluster (or create fargateprofile) with any eksctl options, then make sure CoreDNS comes up (safe-eksctl create cluster --help)');

  program
    .command('plan')
    .description('explain what create would do with a config, without touching AWS')
    .requiredOption('-f, --config-file <file>', 'eksctl ClusterConfig file, or - for stdin')
    .option('--eksctl-version <version>', 'judge for this eksctl version instead of asking the eksctl binary')
    .addOption(eksctlOption())
    .addOption(outputOption())
    .action(run(() => import('./commands/plan.js')));

  program
    .command('check')
    .description('read-only health gate: every Fargate profile ACTIVE and CoreDNS Ready (exit 0), else exit 1')
    .requiredOption('--cluster <name>', 'cluster name')
    .option('--region <region>', 'AWS region (default: $AWS_REGION, then the profile region)')
    .option('-p, --profile <name>', 'AWS profile')
    .option('--kubeconfig <path>', 'reach Kubernetes through this kubeconfig instead of DescribeCluster')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--check-timeout <duration>', 'fail (exit 1) when the check has not finished after this long', OPTION_DEFAULTS.checkTimeout)
    .addOption(outputOption())
    .action(run(() => import('./commands/check.js')));

  addHealOptions(
    program
      .command('heal')
      .description('wait for the Fargate profiles of an existing cluster and heal CoreDNS if it is stuck')
      .requiredOption('--cluster <name>', 'cluster name')
      .option('--region <region>', 'AWS region (default: $AWS_REGION, then the profile region)')
      .option('-p, --profile <name>', 'AWS profile'),
  ).action(run(() => import('./commands/heal.js')));

  program
    .command('demo')
    .description('reproduce the CoreDNS race against a local simulator and heal it (no AWS account needed)')
    .option('-f, --config-file <file>', 'ClusterConfig to demo (default: the bug report example)')
    .option('--eksctl-version <version>', 'version of the simulated eksctl', DEMO_DEFAULTS.eksctlVersion)
    .option('--time-scale <factor>', 'real seconds per simulated second', DEMO_DEFAULTS.timeScale)
    .option('--fault <spec>', 'inject a simulator fault (repeatable, listed below), e.g. eks-throttle=0.3', collect, [])
    .addHelpText('after', ({ command }) => faultsHelp(command))
    .option('--no-heal', 'stop after waiting for the Fargate profiles')
    // create's waits, on the simulated clock: the same defaults mean the same thing as against AWS.
    .option('--poll-interval <seconds>', 'longest pause between DescribeFargateProfile calls (simulated)', OPTION_DEFAULTS.pollInterval)
    .option('--fargate-timeout <duration>', 'give up waiting for Fargate profiles after this long (simulated)', OPTION_DEFAULTS.fargateTimeout)
    .option('--coredns-timeout <duration>', 'give up waiting for CoreDNS to be Ready after this long (simulated)', OPTION_DEFAULTS.corednsTimeout)
    .option('--log-file <file>', 'write every line of the simulated eksctl to this file')
    .option('--more-lines', 'on a terminal, the last 20 eksctl lines instead of 5, kept when done')
    .addOption(new Option('--verbose', 'the old spelling of --more-lines').hideHelp())
    .addOption(outputOption())
    .action(run(() => import('./commands/demo.js')));

  program
    .command('sim')
    .description('run the local EKS + Kubernetes simulator in the foreground; prints one JSON line when ready')
    .option('--eksctl-version <version>', 'version of the simulated eksctl', SIM_DEFAULTS.eksctlVersion)
    .option('--time-scale <factor>', 'real seconds per simulated second', SIM_DEFAULTS.timeScale)
    .option('--fault <spec>', 'inject a simulator fault (repeatable, listed below), e.g. eks-throttle=0.3', collect, [])
    .addHelpText('after', ({ command }) => faultsHelp(command))
    .option('--port <port>', 'EKS API port (the Kubernetes API takes the next free one)', SIM_DEFAULTS.port)
    .action(run(() => import('./commands/sim.js')));

  program
    .command('get-token')
    .description('print an EKS ExecCredential, like aws eks get-token')
    .option('--cluster-name <name>', 'cluster name')
    .option('--cluster-id <id>', 'cluster ID of a local cluster on Outposts (its tokens are signed for the ID)')
    .option('--region <region>', 'AWS region (default: $AWS_REGION, then the profile region)')
    .option('--role-arn <arn>', 'assume this role first')
    .option('-p, --profile <name>', 'AWS profile')
    .action(run(() => import('./commands/get-token.js')));

  pointErrorsAtHelp(program);
  return program;
}

/**
 * Bad input is one line (the house rule), so commander's errors name the help to read on that same line instead of
 * a second one. Each command points at its own help: `create --bogus` at `safe-eksctl create --help`.
 */
function pointErrorsAtHelp(command: Command): void {
  command.configureOutput({ outputError: (text, write) => write(usageLine(text, command)) });
  for (const sub of command.commands) pointErrorsAtHelp(sub);
}

/** Commander's message as one line; its "(Did you mean --force?)" comes on a line of its own, joined here. */
function usageLine(text: string, command: Command): string {
  const problem = text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  return `safe-eksctl: ${problem} (see ${commandPath(command)} --help)\n`;
}

/** `safe-eksctl create cluster`: the words that reach this command. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

/**
 * The whole command line. `deps` is empty from the bin; tests give the simulator's clock, endpoints, credentials and
 * an in-process eksctl, so that every command runs in their process on the simulator's virtual time.
 */
export async function main(argv: readonly string[], io: Io = defaultIo(), deps: ClusterDeps = {}): Promise<number> {
  try {
    if (routeOf(argv) === 'eksctl') {
      const { eksctl, rest } = splitEksctlFlag(argv);
      const { passThrough } = await import('./commands/pass-through.js');
      return await passThrough(rest, { eksctl }, io);
    }
    if (commandWord(argv) === 'create') return await runCreate(argv, io, deps);
    let exitCode: number = ExitCode.ok;
    const program = buildProgram(io, (code) => (exitCode = code), deps);
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * `create cluster …` / `create fargateprofile …`: eksctl's command line with safe-eksctl's few options taken out.
 * `--help` and `create cluster --dry-run` are eksctl's own: eksctl runs with the user's words, nothing is waited
 * for; after eksctl's help, safe-eksctl's own options follow on stderr.
 */
async function runCreate(argv: readonly string[], io: Io, deps: ClusterDeps): Promise<number> {
  const { command, own, eksctlArgs } = splitCreateArgv(argv);
  const tokens = eksctlTokens(command, eksctlArgs);
  const eksctl = typeof own['eksctl'] === 'string' ? own['eksctl'] : undefined;
  const eksctlArgv = ['create', command, ...eksctlArgs];
  if (flagOn(tokens, 'help')) return createHelp(command, eksctlArgv, eksctl, io);
  if (command === 'cluster' && flagOn(tokens, 'dry-run')) {
    const { passThrough } = await import('./commands/pass-through.js');
    return passThrough(eksctlArgv, { eksctl }, io);
  }
  const module = command === 'cluster' ? await import('./commands/create.js') : await import('./commands/create-fargateprofile.js');
  return module.run({ ...own, eksctlArgs }, io, deps);
}

async function createHelp(command: 'cluster' | 'fargateprofile', eksctlArgv: string[], eksctl: string | undefined, io: Io): Promise<number> {
  const { resolveEksctl } = await import('./adapters/eksctl.js');
  try {
    resolveEksctl(eksctl, io.env, io.cwd);
  } catch (error) {
    if (!(error instanceof SafeEksctlError)) throw error;
    // Without eksctl its options cannot be shown; ours still can.
    io.stdout.write(ownOptionsHelp(command));
    io.stderr.write(`safe-eksctl: ${error.message}: eksctl's own options of create ${command} are not listed\n`);
    return ExitCode.ok;
  }
  const { passThrough } = await import('./commands/pass-through.js');
  const code = await passThrough(eksctlArgv, { eksctl }, io);
  io.stderr.write(`\n${ownOptionsHelp(command)}`);
  return code;
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander's exitOverride; commander already printed any message.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  return reportFailure(error, io.stderr);
}
