// The options of the two commands that start the simulator, `sim` and `demo`, read by one zod schema each, with the
// defaults of core/defaults.ts. Apart from ./options.ts because it reads faults with the simulator's own parser, which
// the commands that never start the simulator must not load.
import { z } from 'zod';
import { DEMO_DEFAULTS, SIM_DEFAULTS } from '../core/defaults.js';
import { UsageError } from '../errors.js';
import { parseFaults, type Faults } from '../sim/faults.js';
import { createOptionsShape, flagText, toCreateOptions } from './options.js';

export interface SimSettings {
  timeScale: number;
  faults: Faults;
  eksctlVersion: string;
  port: number;
}

const issue = (ctx: z.RefinementCtx, message: string): never => {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
};

const fault = z
  .array(z.coerce.string())
  .default([])
  .transform((specs, ctx) => {
    try {
      return parseFaults(specs);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return issue(ctx, error.message);
    }
  });

const timeScale = (fallback: string) =>
  flagText()
    .transform((text, ctx) => {
      const scale = Number(text);
      return scale > 0 && Number.isFinite(scale) ? scale : issue(ctx, `--time-scale ${text}: must be a positive number of real seconds per simulated second`);
    })
    .prefault(fallback);

const eksctlVersion = (fallback: string) =>
  flagText()
    .transform((text, ctx) => {
      const version = text.replace(/^v/, '');
      return /^\d+\.\d+\.\d+$/.test(version) ? version : issue(ctx, `--eksctl-version ${text}: must look like 0.230.0`);
    })
    .prefault(fallback);

const port = flagText()
  .transform((text, ctx) => (/^\d+$/.test(text) && Number(text) <= 65535 ? Number(text) : issue(ctx, `--port ${text}: must be a port number 0–65535`)))
  .prefault(SIM_DEFAULTS.port);

export const simOptionsSchema = z
  .object({ fault, timeScale: timeScale(SIM_DEFAULTS.timeScale), port, eksctlVersion: eksctlVersion(SIM_DEFAULTS.eksctlVersion) })
  .transform(({ fault: faults, ...rest }): SimSettings => ({ ...rest, faults }));

/** `demo` is create against the simulator: the simulator's options, and create's (no eksctl words but the config). */
export const demoOptionsSchema = z
  .object({ fault, timeScale: timeScale(DEMO_DEFAULTS.timeScale), eksctlVersion: eksctlVersion(DEMO_DEFAULTS.eksctlVersion), ...createOptionsShape })
  .transform(({ fault: faults, timeScale: scale, eksctlVersion: version, configFile, ...create }, ctx) => ({
    simulator: { faults, timeScale: scale, eksctlVersion: version },
    /** The ClusterConfig to demo; without it, the bug report example. */
    configFile,
    /** Without eksctl words: the demo hands eksctl `-f` and the config, nothing else. */
    create: toCreateOptions({ ...create, configFile: undefined, eksctlArgs: [] }, ctx),
  }));
