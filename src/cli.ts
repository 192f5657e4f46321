// Commander wiring only. Command modules are imported lazily so that --help, --version and pass-through never load
// the AWS SDK or the Kubernetes client.
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode, SafeEksctlError } from './errors.js';
import { defaultIo, type Io } from './io.js';

/** Command words safe-eksctl answers itself; anything else is eksctl's. */
const OWN_COMMANDS = new Set(['create', 'plan', 'check', 'heal', 'demo', 'sim', 'get-token', 'help']);
/** `create X` forms that are ours; every other `create` (nodegroup, iamserviceaccount, …) goes to eksctl. */
const OWN_CREATE_TARGETS = new Set(['cluster', 'fargateprofile']);

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the words of the command line lead: to one of our commands, or straight to eksctl. */
export function routeOf(argv: readonly string[]): 'own' | 'eksctl' {
  const words = commandWords(argv);
  const first = words[0];
  if (first === undefined) return 'own';
  if (!OWN_COMMANDS.has(first)) return 'eksctl';
  if (first !== 'create') return 'own';
  const target = words[1];
  // `create -f FILE` is ours; `create nodegroup …` is not.
  if (target === undefined) return 'own';
  if (OWN_CREATE_TARGETS.has(target)) return 'own';
  return 'eksctl';
}

/** The positional words before `--`, skipping our global `--eksctl PATH`; option values are not words. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--eksctl') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) {
      // Once the command word is known, later flags may take values (`create -f FILE`): stop at the second word.
      if (words.length > 0) return words;
      continue;
    }
    words.push(arg);
    if (words.length === 2) break;
  }
  return words;
}

/** Pulls our own `--eksctl PATH` out of an argv bound for eksctl, which has no such flag. */
export function splitEksctlFlag(argv: readonly string[]): { eksctl: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let eksctl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--eksctl') {
      eksctl = argv[++i];
      continue;
    }
    if (arg.startsWith('--eksctl=')) {
      eksctl = arg.slice('--eksctl='.length);
      continue;
    }
    rest.push(arg);
  }
  return { eksctl, rest };
}

const outputOption = () =>
  new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');
const eksctlOption = () =>
  new Option('--eksctl <path>', 'eksctl binary (default: $SAFE_EKSCTL_EKSCTL, then eksctl on PATH)');
const collect = (value: string, previous: string[]) => [...previous, value];

/** Options shared by every command that waits for profiles and heals CoreDNS. */
function addHealOptions(cmd: Command): Command {
  return cmd
    .option('--poll-interval <seconds>', 'longest pause between DescribeFargateProfile calls', '5')
    .option('--fargate-timeout <duration>', 'give up waiting for Fargate profiles after this long', '20m')
    .option('--coredns-timeout <duration>', 'give up waiting for CoreDNS to be Ready after this long', '10m')
    .option('--workloads', 'also restart other workloads a Fargate profile stranded in Pending')
    .option('--workloads-timeout <duration>', 'with --workloads: give up waiting for the restarted workloads after this long', '20m')
    .option('--delete-stranded-pods', 'with --workloads: delete bare pods and orphan ReplicaSet pods that are stranded')
    .option('--kubeconfig <path>', 'reach Kubernetes through this kubeconfig instead of DescribeCluster')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--verbose', 'show every eksctl line and every API wait')
    .addOption(outputOption());
}

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('safe-eksctl');
  // Every action gets its own options merged with the global ones (`safe-eksctl --eksctl X plan …`), plus the
  // arguments after `--` as `eksctlArgs` where the command takes them.
  const run =
    (load: () => Promise<{ run: (options: Record<string, unknown>, io: Io) => Promise<number> }>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      // The command's own values win: optsWithGlobals lets an ancestor's defaults (create's --output text, …)
      // override what was given to `create fargateprofile`.
      const options: Record<string, unknown> = { ...command.optsWithGlobals(), ...command.opts() };
      if (command.registeredArguments.length > 0) options['eksctlArgs'] = args[0];
      setExitCode(await (await load()).run(options, io));
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
    // Without it on the program, commander hands `create` its words and options apart, and `create`'s -f swallows
    // the -f of `create cluster -f X`. Every command that needs --eksctl declares it itself.
    .enablePositionalOptions();

  const create = program
    .command('create')
    .description('create a cluster (or a Fargate profile) and make sure CoreDNS comes up')
    .enablePositionalOptions();
  const addCreateClusterOptions = (cmd: Command) =>
    addHealOptions(
      cmd
        .requiredOption('-f, --config-file <file>', 'eksctl ClusterConfig file, or - for stdin')
        .addOption(eksctlOption())
        .option('--force', 'run even when the plan says CoreDNS can never run')
        .option('--no-heal', 'stop after waiting for the Fargate profiles')
        .option('--log-file <file>', 'write every eksctl line to this file')
        .option('-p, --profile <name>', 'AWS profile (passed to eksctl)')
        .option('--timeout <duration>', 'eksctl --timeout')
        .option('-v, --eksctl-verbosity <level>', 'eksctl -v level (0-5)')
        .argument('[eksctlArgs...]', 'after --: more arguments for eksctl'),
    );
  // commander also enforces an ancestor's mandatory options, so `create cluster -f X` and `create fargateprofile -f X`
  // would fail on `create`'s own -f: `create` checks its -f itself, only when it is the command that runs.
  const runCreate = run(() => import('./commands/create.js'));
  addCreateClusterOptions(create).action(async (...args: unknown[]) => {
    if ((args.at(-1) as Command).opts()['configFile'] === undefined) {
      create.error("required option '-f, --config-file <file>' not specified", { code: 'commander.missingMandatoryOptionValue' });
    }
    await runCreate(...args);
  });
  const createFile = create.options.find((o) => o.long === '--config-file');
  if (createFile) createFile.mandatory = false;
  addCreateClusterOptions(create.command('cluster').description('same as create -f FILE')).action(
    run(() => import('./commands/create.js')),
  );
  addHealOptions(
    create
      .command('fargateprofile')
      .description('run eksctl create fargateprofile, wait for the new profiles, then heal')
      .requiredOption('-f, --config-file <file>', 'eksctl ClusterConfig file, or - for stdin')
      .option('--name <name>', 'only this profile of the config')
      .addOption(eksctlOption())
      .option('-p, --profile <name>', 'AWS profile (passed to eksctl)')
      .option('--log-file <file>', 'write every eksctl line to this file')
      .argument('[eksctlArgs...]', 'after --: more arguments for eksctl'),
  ).action(run(() => import('./commands/create-fargateprofile.js')));

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
    .option('--eksctl-version <version>', 'version of the simulated eksctl', '0.207.0')
    .option('--time-scale <factor>', 'real seconds per simulated second', '0.01')
    .option('--fault <spec>', 'inject a simulator fault (repeatable), e.g. eks-throttle=0.3', collect, [])
    .option('--no-heal', 'stop after waiting for the Fargate profiles')
    // create's waits, on the simulated clock: the same defaults mean the same thing as against AWS.
    .option('--poll-interval <seconds>', 'longest pause between DescribeFargateProfile calls (simulated)', '5')
    .option('--fargate-timeout <duration>', 'give up waiting for Fargate profiles after this long (simulated)', '20m')
    .option('--coredns-timeout <duration>', 'give up waiting for CoreDNS to be Ready after this long (simulated)', '10m')
    .option('--log-file <file>', 'write every line of the simulated eksctl to this file')
    .option('--verbose', 'show every eksctl line')
    .addOption(outputOption())
    .action(run(() => import('./commands/demo.js')));

  program
    .command('sim')
    .description('run the local EKS + Kubernetes simulator in the foreground; prints one JSON line when ready')
    .option('--eksctl-version <version>', 'version of the simulated eksctl', '0.230.0')
    .option('--time-scale <factor>', 'real seconds per simulated second', '1')
    .option('--fault <spec>', 'inject a simulator fault (repeatable), e.g. eks-throttle=0.3', collect, [])
    .option('--port <port>', 'EKS API port (the Kubernetes API takes the next free one)', '0')
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

export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  try {
    if (routeOf(argv) === 'eksctl') {
      const { eksctl, rest } = splitEksctlFlag(argv);
      const { passThrough } = await import('./commands/pass-through.js');
      return await passThrough(rest, { eksctl }, io);
    }
    let exitCode: number = ExitCode.ok;
    const program = buildProgram(io, (code) => (exitCode = code));
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

function reportError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander's exitOverride; commander already printed any message.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof SafeEksctlError) {
    io.stderr.write(`safe-eksctl: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`safe-eksctl: unexpected error: ${message}\n`);
  return ExitCode.unhealthy;
}
