// Which words of a command line are ours and which are eksctl's. Nothing but plain code: the bin decides with it
// before it loads commander, so a pass-through loads nothing it does not use.
import { createCommandOf } from './commands/create-argv.js';
import { eksctlFlagsOf } from './core/eksctl-flags.js';
import { flagTable, readArgs } from './core/pflag.js';

/** Command words safe-eksctl answers itself; anything else is eksctl's. */
const OWN_COMMANDS = new Set(['create', 'plan', 'check', 'heal', 'demo', 'sim', 'get-token', 'help']);
/** eksctl's persistent root flags (cmd/eksctl/main.go), which may stand before the command word. */
const ROOT_FLAGS = new Set(['help', 'verbose', 'color', 'dumpLogs']);

/** Where the words of the command line lead: to one of our commands, or straight to eksctl. */
export function routeOf(argv: readonly string[]): 'own' | 'eksctl' {
  const first = commandWord(argv);
  if (first === undefined) return 'own';
  if (!OWN_COMMANDS.has(first)) return 'eksctl';
  if (first !== 'create') return 'own';
  // `create cluster`, `create fargateprofile` and `create -f FILE` are ours; `create nodegroup …` is eksctl's.
  return createCommandOf(argv) ? 'own' : 'eksctl';
}

/** The first word that is not a flag or a flag's value: eksctl's root flags (`-v 4`) and our `--eksctl PATH` may come first. */
export function commandWord(argv: readonly string[]): string | undefined {
  const specs = [...eksctlFlagsOf('cluster').filter((f) => ROOT_FLAGS.has(f.long)), { long: 'eksctl', takesValue: true }];
  const words = readArgs(argv, flagTable(specs)).filter((t) => t.kind === 'argument' || t.kind === 'end');
  const first = words[0];
  return first?.kind === 'argument' ? first.value : undefined;
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
