// One `safe-eksctl create` against a simulator with faults, in this process on virtual time (./in-process.ts runCli),
// with what the reliability suites assert on collected in one result: the run's output and report, what the
// simulator saw (requests, refused tokens, CoreDNS from its side), and whether anything of the run (the simulated
// eksctl above all) still called the APIs after `create` returned. Each run has a simulator of its own: one run at a
// time per process, since virtual time moves only when all the work of the process waits on the clock.
import { join } from 'node:path';
import type { ClusterDeps } from '../../src/session.js';
import type { Simulator, SimTimings } from '../../src/sim/index.js';
import { EXAMPLES } from './bin.js';
import { runCli, startVirtualSimulator, type CliRun } from './in-process.js';
import { corednsInSim, FAST_TIMINGS, type CoreDnsInSim } from './scenario.js';

// The same timings, CoreDNS reading and secret scan as the spawned scenarios.
export { expectNoSecrets, FAST_TIMINGS, type CoreDnsInSim } from './scenario.js';

export interface FaultRunOptions {
  /** Simulator fault specs: `eks-throttle=0.3`, `profile-create-failed=fp-default`, … */
  faults?: string[];
  /** Version the simulated eksctl reports and follows. Default 0.230.0. */
  eksctlVersion?: string;
  /** Simulated timings; the simulator's defaults (the real thing's) unless given: virtual time costs nothing. */
  timings?: Partial<SimTimings>;
  /** An example's file name. Default bug-report.yaml. */
  config?: string;
  /** More arguments after `create -f FILE`. */
  args?: string[];
  /** 'json' adds `--output json` (the report). Default 'json'. */
  output?: 'json' | 'text';
  /** More environment over the simulator's. */
  env?: Record<string, string>;
  /** What the product is handed over the simulator's (./in-process.ts simDeps): credentials with a session token, say. */
  deps?: Partial<ClusterDeps>;
}

/** The command's exit code, output and JSON report (CliRun), and what the simulator saw of it. */
export interface FaultRun extends CliRun {
  /** EKS/STS requests the simulator received per operation. */
  requestCounts: Record<string, number>;
  /** Kubernetes requests the simulator refused with 401 (a token too old). */
  kubeUnauthorized: number;
  /**
   * API requests made during a simulated hour after `create` returned: a simulated eksctl left running would still be
   * polling (it waits up to its --timeout, 25 minutes by default). Should be {}.
   */
  callsAfterExit: Record<string, number>;
  /** CoreDNS as the simulator holds it when the run ended; undefined before the cluster exists. */
  corednsInSim: CoreDnsInSim | undefined;
}

/**
 * Simulated timings that keep every ordering of the defaults (eksctl's 30 s sleep after the profiles still outlasts
 * the webhook's 10 s; Fargate pods still start far slower than EC2 pods) with fewer polls: a run costs its requests.
 */
/** An hour of simulated time after the run, to catch anything of it still running. */
const AFTER_EXIT_MS = 60 * 60_000;

export async function runFaultCase(options: FaultRunOptions = {}): Promise<FaultRun> {
  const sim = await startVirtualSimulator({ faults: options.faults ?? [], eksctlVersion: options.eksctlVersion ?? '0.230.0', timings: options.timings ?? {} });
  try {
    const output = options.output ?? 'json';
    const argv = ['create', '-f', join(EXAMPLES, options.config ?? 'bug-report.yaml'), ...(output === 'json' ? ['--output', 'json'] : []), ...(options.args ?? [])];
    const run = await runCli(sim, argv, { ...(options.env ? { env: options.env } : {}), ...(options.deps ? { deps: options.deps } : {}) });
    const requestCounts = { ...sim.requestCounts };
    const corednsAtExit = corednsInSim(sim);
    const before = apiCalls(sim);
    await sim.clock.track(() => sim.clock.sleep(AFTER_EXIT_MS));
    return {
      ...run,
      requestCounts,
      kubeUnauthorized: sim.kubeUnauthorizedCount(),
      callsAfterExit: newCalls(before, apiCalls(sim)),
      corednsInSim: corednsAtExit,
    };
  } finally {
    await sim.close();
  }
}

function apiCalls(sim: Simulator): Record<string, number> {
  return { ...sim.requestCounts, ...Object.fromEntries(Object.entries(sim.kubeRequestsByMethod()).map(([method, n]) => [`kube ${method}`, n])) };
}

function newCalls(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).filter(([key, n]) => n !== (before[key] ?? 0)).map(([key, n]) => [key, n - (before[key] ?? 0)]));
}
