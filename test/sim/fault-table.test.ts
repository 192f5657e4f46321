// The fault table is the one definition of each fault: the parser, the printer and the README's list follow from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultMarkdown } from '../../src/sim/fault-help.js';
import { faultSpecs } from '../../src/sim/fault-specs.js';
import { FAULT_NAMES, FAULT_TABLE, noFaults, parseFaults } from '../../src/sim/faults.js';
import { ROOT } from '../helpers/bin.js';

/** Every fault with a value its kind takes, twice for the ones that repeat. */
const EVERY_FAULT = FAULT_NAMES.flatMap((name) => {
  const { example } = FAULT_TABLE[name].kind;
  const spec = example === undefined ? name : `${name}=${example}`;
  return Array.isArray(noFaults()[FAULT_TABLE[name].field]) ? [spec, spec] : [spec];
});

describe('the fault table', () => {
  it('prints back every fault the parser reads, so a child process gets exactly the simulator\'s faults', () => {
    const faults = parseFaults(EVERY_FAULT);
    expect(faultSpecs(faults)).toEqual(EVERY_FAULT);
    expect(parseFaults(faultSpecs(faults))).toEqual(faults);
    // Every field is set away from its default, so the round trip covers all of them.
    for (const [field, value] of Object.entries(noFaults())) expect(faults[field as keyof typeof faults], field).not.toEqual(value);
  });

  it('prints nothing for no faults', () => {
    expect(faultSpecs(noFaults())).toEqual([]);
    expect(faultSpecs(parseFaults([]))).toEqual([]);
  });

  it('is the README\'s list of faults', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const listed = /<!-- faults:[^\n]*-->\n([\s\S]*?)\n<!-- \/faults -->/.exec(readme)?.[1];
    expect(listed, 'README.md: the table between <!-- faults --> and <!-- /faults -->').toBe(faultMarkdown());
  });
});
