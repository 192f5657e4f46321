// A command line read the way eksctl reads it: cobra hands every command's words to spf13/pflag, whose rules differ
// from commander's and from util.parseArgs' (no JS library follows them), and safe-eksctl must know exactly which
// words are flag values to take its own options out and hand every other word to eksctl unchanged. The rules are
// pflag's flag.go (parseArgs, parseLongArg, parseSingleShortArg), as vendored by eksctl v0.230.0:
//   --name=value and --name value; a flag that takes no value (a bool) is `--flag` or `--flag=false`, never followed
//   by a separate word; -abc is a cluster of shorthands, where the first that takes a value takes the rest of the word
//   (-v4, -v=4) or else the next word; `--` ends the flags; `-` alone is an argument.

export interface FlagSpec {
  /** The long name, without dashes. */
  long: string;
  /** The one-letter shorthand, if any. */
  short?: string | undefined;
  /** False for flags pflag gives a NoOptDefVal (bools): they never take the next word. */
  takesValue: boolean;
}

export type ArgToken<S extends FlagSpec = FlagSpec> =
  | {
      kind: 'flag';
      /** Undefined for a flag the table does not know: it is kept, but whether it takes a value cannot be known. */
      spec: S | undefined;
      /** As written: `--name`, `-n` (a shorthand inside a cluster is written `-n` too). */
      written: string;
      value: string | undefined;
      /** The words this flag spans, [first, last]; a cluster's shorthands share their word. */
      words: [number, number];
      /** The flag sits in a cluster of shorthands with others (`-Pt`). */
      inCluster: boolean;
    }
  | { kind: 'argument'; value: string; word: number }
  | { kind: 'end'; word: number };

export interface FlagTable<S extends FlagSpec> {
  byLong: Map<string, S>;
  byShort: Map<string, S>;
}

export function flagTable<S extends FlagSpec>(specs: readonly S[]): FlagTable<S> {
  const byLong = new Map<string, S>();
  const byShort = new Map<string, S>();
  for (const spec of specs) {
    byLong.set(spec.long, spec);
    if (spec.short) byShort.set(spec.short, spec);
  }
  return { byLong, byShort };
}

/**
 * Every word as pflag sees it. pflag stops at an unknown flag with an error; this goes on (treating the unknown flag
 * as taking no value) so that the caller can still hand everything to eksctl and let eksctl say what is wrong. A flag
 * whose value is missing at the end of the line gets `value: undefined`, which pflag refuses too.
 */
export function readArgs<S extends FlagSpec>(words: readonly string[], table: FlagTable<S>): ArgToken<S>[] {
  const tokens: ArgToken<S>[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.length < 2 || !word.startsWith('-')) {
      tokens.push({ kind: 'argument', value: word, word: i });
    } else if (word === '--') {
      tokens.push({ kind: 'end', word: i });
      for (let j = i + 1; j < words.length; j++) tokens.push({ kind: 'argument', value: words[j]!, word: j });
      break;
    } else if (word.startsWith('--')) {
      i = readLong(words, i, table, tokens);
    } else {
      i = readShorts(words, i, table, tokens);
    }
  }
  return tokens;
}

function readLong<S extends FlagSpec>(words: readonly string[], i: number, table: FlagTable<S>, tokens: ArgToken<S>[]): number {
  const body = words[i]!.slice(2);
  const eq = body.indexOf('=');
  const name = eq === -1 ? body : body.slice(0, eq);
  const spec = table.byLong.get(name);
  const written = `--${name}`;
  if (eq !== -1) {
    tokens.push({ kind: 'flag', spec, written, value: body.slice(eq + 1), words: [i, i], inCluster: false });
    return i;
  }
  if (spec?.takesValue) {
    const value = words[i + 1];
    tokens.push({ kind: 'flag', spec, written, value, words: [i, value === undefined ? i : i + 1], inCluster: false });
    return value === undefined ? i : i + 1;
  }
  tokens.push({ kind: 'flag', spec, written, value: undefined, words: [i, i], inCluster: false });
  return i;
}

function readShorts<S extends FlagSpec>(words: readonly string[], i: number, table: FlagTable<S>, tokens: ArgToken<S>[]): number {
  const first = tokens.length;
  const end = readShortsOf(words, i, table, tokens);
  if (tokens.length - first > 1) for (const token of tokens.slice(first)) if (token.kind === 'flag') token.inCluster = true;
  return end;
}

function readShortsOf<S extends FlagSpec>(words: readonly string[], i: number, table: FlagTable<S>, tokens: ArgToken<S>[]): number {
  let rest = words[i]!.slice(1);
  while (rest.length > 0) {
    const letter = rest[0]!;
    const spec = table.byShort.get(letter);
    const written = `-${letter}`;
    if (spec === undefined) {
      // pflag gives up on the word here; whatever follows cannot be read without knowing this flag.
      tokens.push({ kind: 'flag', spec, written: `-${rest}`, value: undefined, words: [i, i], inCluster: false });
      return i;
    }
    if (rest.length > 2 && rest[1] === '=') {
      tokens.push({ kind: 'flag', spec, written, value: rest.slice(2), words: [i, i], inCluster: false });
      return i;
    }
    if (!spec.takesValue) {
      tokens.push({ kind: 'flag', spec, written, value: undefined, words: [i, i], inCluster: false });
      rest = rest.slice(1);
      continue;
    }
    if (rest.length > 1) {
      tokens.push({ kind: 'flag', spec, written, value: rest.slice(1), words: [i, i], inCluster: false });
      return i;
    }
    const value = words[i + 1];
    tokens.push({ kind: 'flag', spec, written, value, words: [i, value === undefined ? i : i + 1], inCluster: false });
    return value === undefined ? i : i + 1;
  }
  return i;
}

/** Go's strconv.ParseBool, which pflag's bool flags use: undefined when the text is not a bool. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}
