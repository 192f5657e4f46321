// The eksctl flag table against eksctl's own source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
