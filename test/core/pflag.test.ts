// pflag's rules, as eksctl's command line follows them (spf13/pflag flag.go): which words are flag values.
import { describe, expect, it } from 'vitest';
import { flagTable, parseGoBool, readArgs, type FlagSpec } from '../../src/core/pflag.js';

const SPECS: FlagSpec[] = [
  { long: 'name', short: 'n', takesValue: true },
  { long: 'verbose', short: 'v', takesValue: true },
  { long: 'fargate', takesValue: false },
  { long: 'node-private-networking', short: 'P', takesValue: false },
  { long: 'node-type', short: 't', takesValue: true },
  { long: 'dumpLogs', short: 'd', takesValue: false },
];
const table = flagTable(SPECS);

/** Each token as `flag=value`, `flag` (no value) or `arg:word`. */
const read = (...words: string[]) =>
  readArgs(words, table).map((t) => {
    if (t.kind === 'argument') return `arg:${t.value}`;
    if (t.kind === 'end') return '--';
    const name = t.spec?.long ?? `?${t.written}`;
    return t.value === undefined ? name : `${name}=${t.value}`;
  });

describe('readArgs (pflag)', () => {
  it.each([
    [['--name', 'x'], ['name=x']],
    [['--name=x'], ['name=x']],
    [['--name='], ['name=']],
    [['-n', 'x'], ['name=x']],
    [['-nx'], ['name=x']],
    [['-n=x'], ['name=x']],
    // A value is the next word whatever it looks like.
    [['--name', '--fargate'], ['name=--fargate']],
    [['-v', '4', 'cluster'], ['verbose=4', 'arg:cluster']],
    [['-v4'], ['verbose=4']],
    // A bool never takes the next word.
    [['--fargate', 'x'], ['fargate', 'arg:x']],
    [['--fargate=false'], ['fargate=false']],
    [['-d=false'], ['dumpLogs=false']],
    // A cluster of shorthands: bools first, then one that takes the rest of the word or the next word.
    [['-Pt', 'm5.large'], ['node-private-networking', 'node-type=m5.large']],
    [['-Ptm5.large'], ['node-private-networking', 'node-type=m5.large']],
    [['-dP'], ['dumpLogs', 'node-private-networking']],
    [['--', '--name', 'x'], ['--', 'arg:--name', 'arg:x']],
    [['-'], ['arg:-']],
    [['--name'], ['name']],
    [['--include', 'x'], ['?--include', 'arg:x']],
    [['-Px'], ['node-private-networking', '?-x']],
  ])('%j → %j', (words, tokens) => {
    expect(read(...words)).toEqual(tokens);
  });

  it('says which words each flag spans, and that a cluster shares its word', () => {
    const tokens = readArgs(['create', '-Pt', 'm5.large', '--name=x', '-v', '2'], table);
    expect(tokens.map((t) => (t.kind === 'flag' ? [t.written, t.words, t.inCluster] : [t.kind]))).toEqual([
      ['argument'],
      ['-P', [1, 1], true],
      ['-t', [1, 2], true],
      ['--name', [3, 3], false],
      ['-v', [4, 5], false],
    ]);
  });
});

describe('parseGoBool', () => {
  it.each([
    ['true', true], ['1', true], ['T', true], ['TRUE', true],
    ['false', false], ['0', false], ['f', false], ['False', false],
    ['yes', undefined], ['', undefined],
  ])('%j → %s', (text, value) => expect(parseGoBool(text)).toBe(value));
});
