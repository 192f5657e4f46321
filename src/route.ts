// Which words of a command line are ours and which are eksctl's. Nothing but plain code: the bin decides with it
// before it loads commander, so a pass-through loads nothing it does not use.

/** Command words safe-eksctl answers itself; anything else is eksctl's. */
const OWN_COMMANDS = new Set(['create', 'plan', 'check', 'heal', 'demo', 'sim', 'get-token', 'help']);
/** `create X` forms that are ours; every other `create` (nodegroup, iamserviceaccount, …) goes to eksctl. */
const OWN_CREATE_TARGETS = new Set(['cluster', 'fargateprofile']);

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
