// Reads eksctl's own flag definitions for `create cluster` and `create fargateprofile` out of its Go source (the git
// mirror of eksctl-io/eksctl), so the table in src/core/eksctl-flags.ts is checked against the source and not
// against our reading of it. Nothing of eksctl is copied into the repository: this reads the mirror when the test
// runs, and test/fixtures/eksctl-0.230.0-flags.txt holds only the resulting names.
//
// Which functions define the flags of each command is spelled out below, from cmd/eksctl/main.go and
// pkg/ctl/create/{cluster,fargate}.go; `expectCalls` checks that each command's function really calls the helpers
// listed after it, so a helper added or dropped in another eksctl version shows up as a failure, not a silent gap.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const EKSCTL_MIRROR = '/work/.mirror/eksctl-io+eksctl/repo';
export const EKSCTL_TAG = 'v0.230.0';

export interface SourceFlag {
  command: 'cluster' | 'fargateprofile';
  long: string;
  short: string | undefined;
  takesValue: boolean;
}

interface FunctionRef {
  file: string;
  name: string;
  /** Drop the body of `if <condition> {…}` blocks: the caller passes false for it. */
  without?: string;
}

const ROOT_FLAGS: FunctionRef = { file: 'cmd/eksctl/main.go', name: 'main' };
const AWS_FLAGS = { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddCommonFlagsForAWS' };

const COMMANDS: Record<SourceFlag['command'], { entry: FunctionRef; expectCalls: string[]; helpers: FunctionRef[] }> = {
  cluster: {
    entry: { file: 'pkg/ctl/create/cluster.go', name: 'createClusterCmdWithRunFunc' },
    expectCalls: [
      'AddStringToStringVarPFlag', 'AddRegionFlag', 'AddVersionFlag', 'AddConfigFileFlag', 'AddTimeoutFlag',
      'AddCommonCreateNodeGroupFlags', 'AddCommonCreateNodeGroupAddonsFlags', 'AddInstanceSelectorOptions',
      'AddCommonFlagsForAWS(cmd, &cmd.ProviderConfig, true)', 'AddCommonFlagsForKubeconfig',
    ],
    helpers: [
      ROOT_FLAGS,
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddRegionFlag' },
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddVersionFlag' },
      { file: 'pkg/ctl/cmdutils/configfile.go', name: 'AddConfigFileFlag' },
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddTimeoutFlagWithValue' },
      { file: 'pkg/ctl/cmdutils/nodegroup_flags.go', name: 'AddCommonCreateNodeGroupFlags' },
      { file: 'pkg/ctl/cmdutils/nodegroup_flags.go', name: 'AddCommonCreateNodeGroupAddonsFlags' },
      { file: 'pkg/ctl/cmdutils/nodegroup_flags.go', name: 'addCommonCreateNodeGroupIAMAddonsFlags' },
      { file: 'pkg/ctl/cmdutils/nodegroup_flags.go', name: 'AddInstanceSelectorOptions' },
      AWS_FLAGS,
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddCommonFlagsForKubeconfig' },
    ],
  },
  fargateprofile: {
    entry: { file: 'pkg/ctl/create/fargate.go', name: 'configureCreateFargateProfileCmd' },
    expectCalls: [
      'AddFlagsForFargateProfileCreation', 'AddClusterFlag', 'AddRegionFlag', 'AddConfigFileFlag', 'AddTimeoutFlag',
      'AddCommonFlagsForAWS(cmd, &cmd.ProviderConfig, false)',
    ],
    helpers: [
      ROOT_FLAGS,
      { file: 'pkg/ctl/cmdutils/fargate.go', name: 'AddFlagsForFargateProfileCreation' },
      { file: 'pkg/ctl/cmdutils/fargate.go', name: 'addFargateProfileName' },
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddClusterFlag' },
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddRegionFlag' },
      { file: 'pkg/ctl/cmdutils/configfile.go', name: 'AddConfigFileFlag' },
      { file: 'pkg/ctl/cmdutils/cmdutils.go', name: 'AddTimeoutFlagWithValue' },
      { ...AWS_FLAGS, without: 'addCfnOptions' },
    ],
  },
};

export function mirrorAvailable(): boolean {
  if (!existsSync(EKSCTL_MIRROR)) return false;
  return spawnSync('git', ['-C', EKSCTL_MIRROR, 'rev-parse', '--verify', '--quiet', `${EKSCTL_TAG}^{commit}`], { stdio: 'ignore' }).status === 0;
}

const files = new Map<string, string>();
function source(file: string): string {
  let text = files.get(file);
  if (text === undefined) {
    const shown = spawnSync('git', ['-C', EKSCTL_MIRROR, 'show', `${EKSCTL_TAG}:${file}`], { encoding: 'utf8' });
    if (shown.status !== 0) throw new Error(`git show ${EKSCTL_TAG}:${file}: ${shown.stderr}`);
    text = shown.stdout;
    files.set(file, text);
  }
  return text;
}

/** The text of a top-level Go function, from its `func` line to the closing brace at column 0. */
function functionBody({ file, name, without }: FunctionRef): string {
  const text = source(file);
  const start = text.search(new RegExp(`^func ${name}\\(`, 'm'));
  if (start === -1) throw new Error(`${file}: no func ${name}`);
  const end = text.indexOf('\n}\n', start);
  let body = text.slice(start, end === -1 ? undefined : end);
  if (without) body = body.replace(new RegExp(`if ${without} \\{[\\s\\S]*?\\n\\t\\}`), '');
  return body;
}

/** `name = "value"` constants of a file, for flags named by a constant (pkg/ctl/cmdutils/fargate.go). */
function constants(file: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of source(file).matchAll(/^\s*(\w+)\s*=\s*"([^"]*)"/gm)) found.set(m[1]!, m[2]!);
  return found;
}

/** Splits a call's argument list at top-level commas. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let escaped = false;
  let current = '';
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === '\\' && quote === '"') escaped = !escaped;
      else if (ch === quote && !escaped) quote = undefined;
      else escaped = false;
      continue;
    }
    if (ch === '"' || ch === '`') quote = ch;
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    if (ch === ')' || ch === '}' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') args.push(current.trim());
  return args;
}

/** The argument text of the call that starts at `open` (the index of its opening parenthesis). */
function callArgs(text: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === '`') quote = ch;
    if (ch === '(') depth++;
    if (ch === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced call');
}

// pflag's FlagSet methods (and eksctl's one wrapper around StringToStringVarP): Var* take a pointer first; *P take a
// shorthand after the name. Bools get a NoOptDefVal, so they take no value.
const FLAG_CALL = /(?:\bfs|PersistentFlags\(\))\.(Bool|String|Int|Duration|StringSlice|IPNet|StringToString)(Var)?(P)?\(|\bAddStringToStringVarPFlag\(/g;

function flagsIn(ref: FunctionRef): Omit<SourceFlag, 'command'>[] {
  const body = functionBody(ref);
  const named = constants(ref.file);
  const unquote = (arg: string) => {
    if (arg.startsWith('"')) return JSON.parse(arg) as string;
    const value = named.get(arg);
    if (value === undefined) throw new Error(`${ref.file} ${ref.name}: cannot resolve flag name ${arg}`);
    return value;
  };
  const flags: Omit<SourceFlag, 'command'>[] = [];
  for (const m of body.matchAll(FLAG_CALL)) {
    const args = splitArgs(callArgs(body, m.index + m[0].length - 1));
    const wrapper = m[1] === undefined;
    const type = wrapper ? 'StringToString' : m[1]!;
    const pointerFirst = wrapper || m[2] !== undefined;
    const hasShort = wrapper || m[3] !== undefined;
    const rest = wrapper ? args.slice(2) : pointerFirst ? args.slice(1) : args;
    const long = unquote(rest[0]!);
    const short = hasShort ? unquote(rest[1]!) : '';
    flags.push({ long, short: short === '' ? undefined : short, takesValue: type !== 'Bool' });
  }
  return flags;
}

/** Every flag eksctl v0.230.0 defines for the two commands, read from the mirror, sorted. */
export function flagsFromSource(): SourceFlag[] {
  const all: SourceFlag[] = [];
  for (const [command, { entry, expectCalls, helpers }] of Object.entries(COMMANDS) as [SourceFlag['command'], (typeof COMMANDS)['cluster']][]) {
    const body = functionBody(entry);
    const missing = expectCalls.filter((call) => !body.includes(call));
    if (missing.length > 0) throw new Error(`${entry.file} ${entry.name} no longer calls ${missing.join(', ')}`);
    for (const ref of [entry, ...helpers]) for (const flag of flagsIn(ref)) all.push({ command, ...flag });
  }
  return sortFlags(all);
}

export function sortFlags<T extends SourceFlag>(flags: T[]): T[] {
  return [...flags].sort((a, b) => a.command.localeCompare(b.command) || a.long.localeCompare(b.long));
}

/** One line per flag: `cluster --node-type -t value`, `fargateprofile --help -h bool`. */
export function flagLines(flags: readonly SourceFlag[]): string[] {
  return sortFlags([...flags]).map((f) => `${f.command} --${f.long}${f.short ? ` -${f.short}` : ''} ${f.takesValue ? 'value' : 'bool'}`);
}
