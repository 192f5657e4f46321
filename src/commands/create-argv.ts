// `safe-eksctl create cluster …` and `create fargateprofile …` take eksctl's own command line: safe-eksctl's few
// options are taken out, every other word goes to eksctl unchanged and in the user's order. Which words are flag
// values is known from eksctl's flag table (core/eksctl-flags.ts) and pflag's rules (core/pflag.ts); commander
// cannot read an eksctl command line (`--fargate` is a bool that never takes the next word, `-v 4` is a number).
import { eksctlFlagsOf, type EksctlCommand, type EksctlFlag } from '../core/eksctl-flags.js';
import { flagTable, parseGoBool, readArgs, type ArgToken, type FlagSpec } from '../core/pflag.js';
import { OPTION_DEFAULTS } from '../core/defaults.js';
import { UsageError } from '../errors.js';

export interface OwnOption extends FlagSpec {
  /** The key in the options record the command modules read (commander's camel case). */
  key: string;
  /** For help: `<seconds>`. */
  placeholder?: string;
  description: string;
  default?: string;
  commands: readonly EksctlCommand[];
  choices?: readonly string[];
}

const BOTH: readonly EksctlCommand[] = ['cluster', 'fargateprofile'];
const CLUSTER: readonly EksctlCommand[] = ['cluster'];

/** safe-eksctl's own options of the two commands. None of these names is eksctl's (test/core/eksctl-flags.test.ts). */
export const OWN_CREATE_OPTIONS: readonly OwnOption[] = [
  { long: 'eksctl', takesValue: true, key: 'eksctl', placeholder: '<path>', description: 'eksctl binary (default: $SAFE_EKSCTL_EKSCTL, then eksctl on PATH)', commands: BOTH },
  { long: 'poll-interval', takesValue: true, key: 'pollInterval', placeholder: '<seconds>', description: 'longest pause between DescribeFargateProfile calls', default: OPTION_DEFAULTS.pollInterval, commands: BOTH },
  { long: 'fargate-timeout', takesValue: true, key: 'fargateTimeout', placeholder: '<duration>', description: 'give up waiting for Fargate profiles after this long (exit 3)', default: OPTION_DEFAULTS.fargateTimeout, commands: BOTH },
  { long: 'coredns-timeout', takesValue: true, key: 'corednsTimeout', placeholder: '<duration>', description: 'give up waiting for CoreDNS to be Ready after this long (exit 4)', default: OPTION_DEFAULTS.corednsTimeout, commands: BOTH },
  { long: 'workloads', takesValue: false, key: 'workloads', description: 'also restart other workloads a Fargate profile stranded in Pending', commands: BOTH },
  { long: 'workloads-timeout', takesValue: true, key: 'workloadsTimeout', placeholder: '<duration>', description: 'with --workloads: give up waiting for the restarted workloads after this long', default: OPTION_DEFAULTS.workloadsTimeout, commands: BOTH },
  { long: 'delete-stranded-pods', takesValue: false, key: 'deleteStrandedPods', description: 'with --workloads: delete bare pods and orphan ReplicaSet pods that are stranded', commands: BOTH },
  { long: 'context', takesValue: true, key: 'context', placeholder: '<name>', description: 'reach Kubernetes through this context of the kubeconfig eksctl writes (its --kubeconfig)', commands: CLUSTER },
  { long: 'context', takesValue: true, key: 'context', placeholder: '<name>', description: 'kubeconfig context to use', commands: ['fargateprofile'] },
  { long: 'kubeconfig', takesValue: true, key: 'kubeconfig', placeholder: '<path>', description: 'reach Kubernetes through this kubeconfig instead of DescribeCluster', commands: ['fargateprofile'] },
  { long: 'more-lines', takesValue: false, key: 'moreLines', description: 'on a terminal, the last 20 eksctl lines instead of 5, kept when done (CI and pipes show every line)', commands: BOTH },
  { long: 'output', short: 'o', takesValue: true, key: 'output', placeholder: '<format>', description: 'text, or json: one JSON report on stdout', default: OPTION_DEFAULTS.output, choices: ['text', 'json'], commands: BOTH },
  { long: 'log-file', takesValue: true, key: 'logFile', placeholder: '<file>', description: 'write every eksctl line to this file', commands: BOTH },
  { long: 'force', takesValue: false, key: 'force', description: 'run even when the plan says CoreDNS can never run', commands: CLUSTER },
  { long: 'no-heal', takesValue: false, key: 'heal', description: 'stop after waiting for the Fargate profiles', commands: CLUSTER },
  { long: 'eksctl-verbosity', takesValue: true, key: 'eksctlVerbosity', placeholder: '<level>', description: "eksctl's --verbose (0-5), handed to eksctl as --verbose", commands: CLUSTER },
];

type Spec = (EksctlFlag & { own?: undefined }) | (OwnOption & { own: true });

/** A `create` command line taken apart: ours, and eksctl's in the user's order. */
export interface CreateArgv {
  command: EksctlCommand;
  /** safe-eksctl's own options, keyed as commander would key them. */
  own: Record<string, unknown>;
  /** What eksctl gets after `create <command>`: every other word, unchanged and in order. */
  eksctlArgs: string[];
}

export const ownOptionsOf = (command: EksctlCommand) => OWN_CREATE_OPTIONS.filter((o) => o.commands.includes(command));

/**
 * The command of a `create …` line (`cluster` or `fargateprofile`), or undefined when it is neither: `create
 * nodegroup`, or `create` with no resource and no -f (eksctl prints its list of resources). `create -f FILE` is
 * safe-eksctl's short form of `create cluster -f FILE`.
 */
export function createCommandOf(argv: readonly string[]): { command: EksctlCommand; resourceWord: number | undefined } | undefined {
  // Flags before the resource word are read with the union of both tables; their arity agrees wherever names meet.
  const specs = [...OWN_CREATE_OPTIONS, ...eksctlFlagsOf('cluster'), ...eksctlFlagsOf('fargateprofile')];
  const tokens = readArgs(wordsBeforeEnd(argv), flagTable(specs));
  const words = tokens.filter((t) => t.kind === 'argument');
  const resource = words[1];
  if (resource?.value === 'cluster' || resource?.value === 'fargateprofile') return { command: resource.value, resourceWord: resource.word };
  if (resource !== undefined) return undefined;
  const hasConfig = tokens.some((t) => t.kind === 'flag' && t.spec?.long === 'config-file');
  return hasConfig ? { command: 'cluster', resourceWord: undefined } : undefined;
}

function wordsBeforeEnd(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

/**
 * Takes safe-eksctl's options out of `argv` (`create [cluster|fargateprofile] …`). Words after `--` are all eksctl's
 * (safe-eksctl's old way to pass eksctl flags) and the `--` itself is not handed on: to eksctl, `--` would make the
 * flags after it positional arguments, which no `create` command takes.
 */
export function splitCreateArgv(argv: readonly string[]): CreateArgv {
  const found = createCommandOf(argv);
  if (!found) throw new Error('not a create cluster / create fargateprofile command line');
  const { command, resourceWord } = found;
  const own: Record<string, unknown> = {};
  const ownSpecs = ownOptionsOf(command).map((o): Spec => ({ ...o, own: true }));
  const eksctlSpecs = eksctlFlagsOf(command).map((f): Spec => f);
  const end = argv.indexOf('--');
  const before = end === -1 ? argv : argv.slice(0, end);
  const after = end === -1 ? [] : argv.slice(end + 1);
  const kept: string[] = [];
  const tokens = readArgs(before, flagTable<Spec>([...ownSpecs, ...eksctlSpecs]));
  const pushed = new Set<number>();
  let createSeen = false;
  for (const token of tokens) {
    if (token.kind === 'argument') {
      // `create` and the resource word are the command, not eksctl's arguments.
      if (!createSeen && token.value === 'create') {
        createSeen = true;
        continue;
      }
      if (token.word === resourceWord) continue;
      kept.push(token.value);
      continue;
    }
    if (token.kind === 'end') continue;
    if (token.spec?.own) {
      takeOwn(token, token.spec, own, command, kept, before[token.words[0]]!);
      continue;
    }
    // A cluster of shorthands is one word for several tokens: it goes on once.
    for (let i = token.words[0]; i <= token.words[1]; i++) {
      if (pushed.has(i)) continue;
      pushed.add(i);
      kept.push(before[i]!);
    }
  }
  return { command, own, eksctlArgs: [...kept, ...after] };
}

function takeOwn(token: Extract<ArgToken, { kind: 'flag' }>, option: OwnOption, own: Record<string, unknown>, command: EksctlCommand, kept: string[], word: string): void {
  const name = `${option.short ? `-${option.short}, ` : ''}--${option.long}${option.placeholder ? ` ${option.placeholder}` : ''}`;
  const see = `(see safe-eksctl create ${command} --help)`;
  if (token.inCluster) throw new UsageError(`-${option.short}: write safe-eksctl's own -${option.short} as a word of its own, not inside ${word} ${see}`);
  if (!option.takesValue) {
    const on = token.value === undefined ? true : parseGoBool(token.value);
    if (on === undefined) throw new UsageError(`option '${name}' takes no value other than true or false, not '${token.value}' ${see}`);
    // `--no-heal` is the one negative: commander's `heal: false`.
    own[option.key] = option.long === 'no-heal' ? !on : on;
    return;
  }
  if (token.value === undefined) throw new UsageError(`option '${name}' argument missing ${see}`);
  if (option.choices && !option.choices.includes(token.value)) {
    throw new UsageError(`option '${name}' argument '${token.value}' is invalid. Allowed choices are ${option.choices.join(', ')}. ${see}`);
  }
  // Ours in name only: eksctl's own --verbose, where the user put it.
  if (option.key === 'eksctlVerbosity') kept.push('--verbose', token.value);
  own[option.key] = token.value;
}

/** The help safe-eksctl adds after eksctl's own: its options of this command. */
export function ownOptionsHelp(command: EksctlCommand): string {
  const rows = ownOptionsOf(command).map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.long}${o.placeholder ? ` ${o.placeholder}` : ''}`;
    return `  ${flag.padEnd(36)} ${o.description}${o.default ? ` (default ${o.default})` : ''}`;
  });
  return [
    `safe-eksctl's own options for create ${command} (every other option is eksctl's, handed to it unchanged):`,
    ...rows,
    '',
  ].join('\n');
}
