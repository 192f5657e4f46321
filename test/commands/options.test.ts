// Each default is written once (src/core/defaults.ts): what --help says a flag defaults to is what the command gets
// when the flag is left out, for every command whose options have defaults.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { parseCheckOptions } from '../../src/commands/check.js';
import { OWN_CREATE_OPTIONS } from '../../src/commands/create-argv.js';
import { parseCreateFargateProfileOptions } from '../../src/commands/create-fargateprofile.js';
import { parseCreateOptions } from '../../src/commands/create.js';
import { parseHealOptions } from '../../src/commands/heal.js';
import { parseOptions } from '../../src/commands/options.js';
import { demoOptionsSchema } from '../../src/commands/sim-options.js';
import { simSettings } from '../../src/commands/sim.js';
import { captureIo } from '../helpers/io.js';

type Parse = (options: Record<string, unknown>) => unknown;

/** The options of a commander command that --help shows with a default, keyed as the command module gets them. */
function helpDefaults(command: string): [string, unknown][] {
  const program = buildProgram(captureIo(), () => {});
  const sub = program.commands.find((c) => c.name() === command)!;
  return sub.options.filter((o) => o.defaultValue !== undefined && !Array.isArray(o.defaultValue) && typeof o.defaultValue !== 'boolean').map((o) => [o.attributeName(), o.defaultValue]);
}

const commands: [string, Parse, Record<string, unknown>][] = [
  ['heal', parseHealOptions, { cluster: 'demo' }],
  ['check', parseCheckOptions, { cluster: 'demo' }],
  ['demo', (options) => parseOptions(demoOptionsSchema, options), {}],
  ['sim', simSettings, {}],
];

describe('option defaults', () => {
  for (const [command, parse, required] of commands) {
    it(`${command}: each default --help shows is the one applied without the flag`, () => {
      const defaults = helpDefaults(command);
      expect(defaults.length).toBeGreaterThan(0);
      for (const [key, value] of defaults) expect({ key, options: parse({ ...required, [key]: value }) }).toEqual({ key, options: parse(required) });
    });
  }

  for (const [command, parse] of [['cluster', parseCreateOptions], ['fargateprofile', parseCreateFargateProfileOptions]] as const) {
    it(`create ${command}: each default its own options' help shows is the one applied without the flag`, () => {
      const defaults = OWN_CREATE_OPTIONS.filter((o) => o.commands.includes(command) && o.default !== undefined);
      expect(defaults.length).toBeGreaterThan(0);
      for (const { key, default: value } of defaults) expect({ key, options: parse({ [key]: value }) }).toEqual({ key, options: parse({}) });
    });
  }
});
