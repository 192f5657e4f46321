// The command line run in the test's own process against a simulator on virtual time: the same argv the bin takes,
// through the same commander wiring (src/cli.ts main), with the simulator's clock, endpoints and credentials and the
// simulated eksctl in process too (inProcessEksctl). Nothing is spawned and no real time is waited for, so a run takes
// as long as its work and its events come in the same order on a loaded machine as on an idle one. What needs a
// process of its own (exit codes of the bin, signals, pipes, pass-through to eksctl) spawns the bin (./bin.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { RunReport } from '../../src/report.js';
import type { ClusterDeps } from '../../src/session.js';
import { inProcessEksctl } from '../../src/sim/fake-eksctl/in-process.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { simClock, simCredentials, withEnv } from './sim.js';
import { nodeOnlyPath } from './bin.js';
import { captureIo } from './io.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when the run printed a JSON report (`--output json`). */
  report: RunReport | undefined;
}

/** A simulator on virtual time (auto-advance), for runCli. The test closes it (`sim.close()`). */
export function startVirtualSimulator(options: Omit<SimulatorOptions, 'virtualTime' | 'timeScale'> = {}): Promise<Simulator> {
  return startSimulator({ ...options, virtualTime: true });
}

/** What the product swaps in to run against `sim` in this process. */
export function simDeps(sim: Simulator): ClusterDeps {
  return {
    clock: simClock(sim),
    credentials: simCredentials,
    eksEndpoint: sim.eksEndpoint,
    stsEndpoint: sim.eksEndpoint,
    eksctlRunner: inProcessEksctl(sim.clock),
    awsCall: (call) => sim.clock.track(call),
    // The clock stands still during a call: a real-time backoff between its attempts would only cost real seconds.
    awsRetryDelayMs: () => 0,
  };
}

export interface CliRunOptions {
  /** More environment over the simulator's (and a scratch HOME, KUBECONFIG and AWS config). */
  env?: Record<string, string | undefined>;
  /** The command's whole environment instead (a test that takes a variable away, AWS_REGION say). */
  wholeEnv?: Record<string, string>;
  /** The command's stdin (`-f -`). */
  stdin?: string;
  /** The working directory; default a scratch directory, removed afterwards. */
  cwd?: string;
  /** Swapped in over simDeps(sim): other credentials (a session token), a runner that watches the simulated eksctl, say. */
  deps?: Partial<ClusterDeps>;
}

/**
 * `safe-eksctl ARGV` in this process against `sim` (on virtual time: startVirtualSimulator). The environment the
 * command reads is the simulator's plus `env`; the same values are in process.env for the run, because the SDK
 * resolves a region and an AWS profile from there. `--eksctl` need not be given: $SAFE_EKSCTL_EKSCTL names the
 * simulated eksctl, which runs in process.
 */
export async function runCli(sim: Simulator, argv: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'safe-eksctl-in-process-'));
  try {
    const env: Record<string, string | undefined> = options.wholeEnv ?? {
      PATH: nodeOnlyPath(),
      HOME: scratch,
      KUBECONFIG: join(scratch, 'kubeconfig'),
      AWS_CONFIG_FILE: join(scratch, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'aws-credentials'),
      SAFE_EKSCTL_EKSCTL: sim.eksctl,
      ...sim.env,
      ...options.env,
    };
    const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const io = captureIo({ cwd: options.cwd ?? scratch, stdin: options.stdin ?? '', env: defined });
    const exitCode = await withEnv(awsEnv(env), () => sim.clock.track(() => main(argv, io, { ...simDeps(sim), ...options.deps })));
    const stdout = io.out();
    return { exitCode, stdout, stderr: io.err(), report: jsonReport(stdout) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The part of the environment the SDK reads from process.env rather than from the command's io. */
function awsEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const keys = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HOME'];
  return Object.fromEntries(keys.map((key) => [key, env[key]]));
}

function jsonReport(stdout: string): RunReport | undefined {
  if (!stdout.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(stdout) as RunReport;
  } catch {
    return undefined;
  }
}
