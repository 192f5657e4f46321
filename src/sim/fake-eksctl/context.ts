// What every command of the fake eksctl works with: the logger, simulated sleeping, the settings and the fault gate.
import type { EKSClient } from '@aws-sdk/client-eks';
import type { EksctlPhase } from '../faults.js';
import { SimClock } from '../clock.js';
import { EksctlError } from './errors.js';
import type { Logger } from './log.js';
import type { FakeEksctlSettings } from './settings.js';

export interface RunContext {
  log: Logger;
  settings: FakeEksctlSettings;
  env: NodeJS.ProcessEnv;
  /** Sleeps simulated milliseconds (real = simulated × time scale). */
  sleep(simMs: number, signal?: AbortSignal): Promise<void>;
  /** Nothing aborts it in the CLI (eksctl has no signal handler); tests and embedders may. */
  signal?: AbortSignal;
}

/** A command that talks to EKS: the context and its SDK client. */
export interface ClusterRun extends RunContext {
  eks: EKSClient;
}

export function simSleep(timeScale: number): RunContext['sleep'] {
  const clock = new SimClock({ scale: timeScale });
  return (simMs, signal) => clock.sleep(simMs, signal);
}

/** The `eksctl-exit=CODE@PHASE` fault: eksctl fails as it enters that phase. */
export function enterPhase(ctx: RunContext, phase: EksctlPhase, failure: string): void {
  const fault = ctx.settings.faults.eksctlExit;
  if (!fault || fault.phase !== phase) return;
  ctx.log.critical(`simulated eksctl failure at the start of phase "${phase}" (fault eksctl-exit=${fault.code}@${phase})`);
  throw new EksctlError(failure, fault.code);
}
