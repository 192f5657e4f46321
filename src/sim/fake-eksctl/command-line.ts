// The simulated eksctl reads `create cluster` and `create fargateprofile` as eksctl v0.230.0 does: its flag table
// (src/core/eksctl-flags.ts, checked against eksctl's source), pflag's rules (src/core/pflag.ts) and pflag's error
// messages (spf13/pflag flag.go: failf in parseLongArg / parseSingleShortArg, and the "invalid argument" of Set).
// cobra prints them as `Error: …` and eksctl exits 1 (cmd/eksctl/main.go).
import { eksctlFlagsOf, type EksctlCommand, type EksctlFlag } from '../../core/eksctl-flags.js';
import { flagTable, parseGoBool, readArgs, type ArgToken } from '../../core/pflag.js';
import { parseGoDuration } from './duration.js';
import { EksctlError } from './errors.js';

/** Flags pflag defines with IntVar/IntP (pkg/ctl/cmdutils/nodegroup_flags.go, cmd/eksctl/main.go): values must be ints. */
const INT_FLAGS = new Set([
  'verbose', 'nodes', 'nodes-min', 'nodes-max', 'node-volume-size', 'max-pods-per-node', 'nodegroup-parallelism',
  'instance-selector-vcpus', 'instance-selector-gpus', 'instance-selector-neuron-devices',
  'node-repair-max-unhealthy-percentage', 'node-repair-max-unhealthy-count', 'node-repair-max-parallel-percentage',
  'node-repair-max-parallel-count',
]);

export interface CommandLine {
  /** The words that are not flags: cobra's args (a cluster or profile name). */
  args: string[];
  /** pflag's `Changed`: the flag was given. */
  changed(long: string): boolean;
  /** The last value given, or undefined. */
  text(long: string): string | undefined;
  /** A bool flag's value, or `fallback` when it was not given. */
  on(long: string, fallback: boolean): boolean;
  int(long: string): number | undefined;
}

const flagName = (spec: EksctlFlag) => (spec.short ? `-${spec.short}, --${spec.long}` : `--${spec.long}`);

export function readCommandLine(command: EksctlCommand, words: readonly string[]): CommandLine {
  const tokens = readArgs(words, flagTable(eksctlFlagsOf(command)));
  const values = new Map<string, string>();
  const args: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'argument') args.push(token.value);
    if (token.kind !== 'flag') continue;
    const spec = known(token);
    const value = token.value ?? (spec.takesValue ? missing(token) : 'true');
    checkValue(spec, value);
    values.set(spec.long, value);
  }
  return {
    args,
    changed: (long) => values.has(long),
    text: (long) => values.get(long),
    on: (long, fallback) => (values.has(long) ? parseGoBool(values.get(long)!)! : fallback),
    int: (long) => (values.has(long) ? Number(values.get(long)) : undefined),
  };
}

function known(token: Extract<ArgToken<EksctlFlag>, { kind: 'flag' }>): EksctlFlag {
  if (token.spec) return token.spec;
  if (token.written.startsWith('--')) {
    if (token.written.length === 2 || /^---|^--=/.test(token.written)) throw new EksctlError(`bad flag syntax: ${token.written}`);
    throw new EksctlError(`unknown flag: ${token.written}`);
  }
  throw new EksctlError(`unknown shorthand flag: '${token.written[1]}' in ${token.written}`);
}

function missing(token: Extract<ArgToken<EksctlFlag>, { kind: 'flag' }>): never {
  const short = !token.written.startsWith('--');
  throw new EksctlError(short ? `flag needs an argument: '${token.written[1]}' in ${token.written}` : `flag needs an argument: ${token.written}`);
}

function checkValue(spec: EksctlFlag, value: string): void {
  const invalid = (why: string) => new EksctlError(`invalid argument "${value}" for "${flagName(spec)}" flag: ${why}`);
  if (!spec.takesValue && parseGoBool(value) === undefined) throw invalid(`strconv.ParseBool: parsing "${value}": invalid syntax`);
  if (INT_FLAGS.has(spec.long) && !/^[+-]?\d+$/.test(value)) throw invalid(`strconv.ParseInt: parsing "${value}": invalid syntax`);
  if (spec.long === 'timeout') parseGoDuration(value);
}
