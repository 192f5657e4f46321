// What every command of the fake eksctl works with: the logger, simulated sleeping, the settings and the fault gate.
import type { EKSClient } from '@aws-sdk/client-eks';
import type { EksctlPhase } from '../faults.js';
import { SimClock } from '../clock.js';
import { EksctlError } from './errors.js';
import type { Logger } from './log.js';
import { VIRTUAL_TIME_SCALE, type FakeEksctlSettings } from './settings.js';

/**
 * What a process that runs the fake eksctl in itself (a test, through ./in-process.ts) may hand it: the simulator's
 * clock, which it then sleeps on (the only way to keep virtual time), and a signal that stops it. The CLI gives
 * neither: it sleeps on scaled real time and, like eksctl, ends only when killed.
 */
export interface FakeEksctlOptions {
  clock?: SimClock;
  signal?: AbortSignal;
}

export interface RunContext {
  log: Logger;
  settings: FakeEksctlSettings;
  env: NodeJS.ProcessEnv;
  /** Where relative paths (-f, --kubeconfig) start. */
  cwd: string;
  clock: SimClock;
  /** Sleeps simulated milliseconds on `clock`. */
  sleep(simMs: number, signal?: AbortSignal): Promise<void>;
  /** Nothing aborts it in the CLI (eksctl has no signal handler); tests and embedders may. */
  signal?: AbortSignal;
}

/** A command that talks to EKS: the context and its SDK client. */
export interface ClusterRun extends RunContext {
  eks: EKSClient;
}

/** The clock handed in, or scaled real time at the simulator's time scale. */
export function clockFor(settings: FakeEksctlSettings, options: FakeEksctlOptions): SimClock {
  if (options.clock) return options.clock;
  if (settings.timeScale === undefined) {
    throw new EksctlError(
      `SAFE_EKSCTL_SIM_TIME_SCALE=${VIRTUAL_TIME_SCALE}: the simulator runs on virtual time, which only a simulated eksctl in its process can keep (src/sim/fake-eksctl/in-process.ts)`,
    );
  }
  return new SimClock({ scale: settings.timeScale });
}

/** The `eksctl-exit=CODE@PHASE` fault: eksctl fails as it enters that phase. */
export function enterPhase(ctx: RunContext, phase: EksctlPhase, failure: string): void {
  const fault = ctx.settings.faults.eksctlExit;
  if (!fault || fault.phase !== phase) return;
  ctx.log.critical(`simulated eksctl failure at the start of phase "${phase}" (fault eksctl-exit=${fault.code}@${phase})`);
  throw new EksctlError(failure, fault.code);
}
