// The defaults of safe-eksctl's own options, written once. commander shows them in --help (src/cli.ts), create's
// option list in its own (commands/create-argv.ts), the option schemas apply them (commands/options.ts), and the waits
// fall back on them, in milliseconds, when a caller names no value. Pure, and free of packages: --help reads it.
import { parseDuration } from './duration.js';

/** As a user types them. */
export const OPTION_DEFAULTS = {
  /** Seconds. */
  pollInterval: '5',
  fargateTimeout: '20m',
  corednsTimeout: '10m',
  /** Longer than CoreDNS's: an OrderedReady StatefulSet replaces its pods one at a time, each a Fargate start. */
  workloadsTimeout: '20m',
  checkTimeout: '2m',
  output: 'text',
} as const;

/** `demo` replays the bug report: eksctl 0.207.0, fast enough to watch. */
export const DEMO_DEFAULTS = { eksctlVersion: '0.207.0', timeScale: '0.01' } as const;

/** `sim` serves today's eksctl in real time, on any free port. */
export const SIM_DEFAULTS = { eksctlVersion: '0.230.0', timeScale: '1', port: '0' } as const;

/** The same defaults in milliseconds. */
export const DEFAULT_MS = {
  pollInterval: Number(OPTION_DEFAULTS.pollInterval) * 1_000,
  fargateTimeout: parseDuration(OPTION_DEFAULTS.fargateTimeout, '--fargate-timeout'),
  corednsTimeout: parseDuration(OPTION_DEFAULTS.corednsTimeout, '--coredns-timeout'),
  workloadsTimeout: parseDuration(OPTION_DEFAULTS.workloadsTimeout, '--workloads-timeout'),
  checkTimeout: parseDuration(OPTION_DEFAULTS.checkTimeout, '--check-timeout'),
} as const;
