// The eksctl flag table against eksctl's own source, and safe-eksctl's own create options against that table: none
// of ours may take a name (long or short) eksctl gives to a flag of `create cluster` or `create fargateprofile`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWN_CREATE_OPTIONS } from '../../src/commands/create-argv.js';
import { EKSCTL_FLAGS, CREATE_CLUSTER_FLAGS_THAT_CHANGE_NOTHING, FLAGS_DRY_RUN_REFUSES, FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG } from '../../src/core/eksctl-flags.js';
import { ROOT } from '../helpers/bin.js';
import { EKSCTL_MIRROR, EKSCTL_TAG, flagLines, flagsFromSource, mirrorAvailable, type SourceFlag } from '../helpers/eksctl-source-flags.js';

const LIST = join(ROOT, 'test', 'fixtures', 'eksctl-0.230.0-flags.txt');
const listed = readFileSync(LIST, 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'));

const tableFlags: SourceFlag[] = EKSCTL_FLAGS.flatMap((f) => f.commands.map((command) => ({ command, long: f.long, short: f.short, takesValue: f.takesValue })));

describe('the eksctl flag table', () => {
  it('is the list taken from eksctl v0.230.0, flag for flag', () => {
    expect(flagLines(tableFlags)).toEqual(listed);
  });

  const haveMirror = mirrorAvailable();
  if (!haveMirror) console.warn(`skipping the comparison with eksctl's source: no ${EKSCTL_TAG} in ${EKSCTL_MIRROR}`);
  it.skipIf(!haveMirror)(`the list is what eksctl ${EKSCTL_TAG}'s source defines`, () => {
    expect(flagLines(flagsFromSource())).toEqual(listed);
  });

  it('names in its rule sets only flags that exist', () => {
    const cluster = new Set(tableFlags.filter((f) => f.command === 'cluster').map((f) => f.long));
    const fargate = new Set(tableFlags.filter((f) => f.command === 'fargateprofile').map((f) => f.long));
    expect([...CREATE_CLUSTER_FLAGS_THAT_CHANGE_NOTHING, ...FLAGS_DRY_RUN_REFUSES].filter((f) => !cluster.has(f))).toEqual([]);
    expect(FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG.filter((f) => !fargate.has(f))).toEqual([]);
  });
});

describe("safe-eksctl's own create options", () => {
  it.each(['cluster', 'fargateprofile'] as const)('take no long name and no shorthand of eksctl create %s', (command) => {
    const eksctl = tableFlags.filter((f) => f.command === command);
    const longs = new Set(eksctl.map((f) => f.long));
    const shorts = new Set(eksctl.flatMap((f) => (f.short ? [f.short] : [])));
    const own = OWN_CREATE_OPTIONS.filter((o) => o.commands.includes(command));
    expect(own.length).toBeGreaterThan(5);
    expect(own.filter((o) => longs.has(o.long)).map((o) => `--${o.long}`)).toEqual([]);
    expect(own.filter((o) => o.short && shorts.has(o.short)).map((o) => `-${o.short}`)).toEqual([]);
  });

  it('take none of the names safe-eksctl used to take from eksctl', () => {
    const own = OWN_CREATE_OPTIONS.map((o) => o.long);
    for (const name of ['verbose', 'kubeconfig', 'profile', 'timeout', 'color']) {
      expect(OWN_CREATE_OPTIONS.filter((o) => o.long === name && o.commands.includes('cluster'))).toEqual([]);
    }
    expect(own).toContain('more-lines');
    expect(OWN_CREATE_OPTIONS.flatMap((o) => (o.short ? [o.short] : []))).toEqual(['o']);
  });
});
