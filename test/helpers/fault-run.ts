// One `safe-eksctl create` against a simulator with faults, in this process on virtual time (./in-process.ts runCli),
// with what the reliability suites assert on collected in one result: the run's output and report, what the
// simulator saw (requests, refused tokens, CoreDNS from its side), and whether anything of the run (the simulated
// eksctl above all) still called the APIs after `create` returned. Each run has a simulator of its own: one run at a
// time per process, since virtual time moves only when all the work of the process waits on the clock.
import { join } from 'node:path';
import type { RunReport } from '../../src/report.js';
import type { ClusterDeps } from '../../src/session.js';
import { SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import type { Simulator, SimTimings } from '../../src/sim/index.js';
import type { Deployment, Pod } from '../../src/sim/kube/types.js';
import { EXAMPLES } from './bin.js';
import { runCli, startVirtualSimulator } from './in-process.js';

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

export interface FaultRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: RunReport | undefined;
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

export interface CoreDnsInSim {
  /** Template changes since CoreDNS was installed: eksctl's own compute-type patch plus every restart. */
  templateChanges: number;
  /** eksctl's CoreDNS step ran: the template carries `eks.amazonaws.com/compute-type: fargate`. */
  patchedByEksctl: boolean;
  /** Template changes eksctl did not make: safe-eksctl's restarts and annotation removal. */
  changesByOthers: number;
  /** Pods Running and Ready on a Fargate node, admitted by fargate-scheduler, not terminating. */
  readyOnFargate: number;
}

/**
 * Simulated timings that keep every ordering of the defaults (eksctl's 30 s sleep after the profiles still outlasts
 * the webhook's 10 s; Fargate pods still start far slower than EC2 pods) with fewer polls: a run costs its requests.
 */
export const FAST_TIMINGS: Partial<SimTimings> = { controlPlaneSeconds: 30, fargateProfileSeconds: 30, nodegroupSeconds: 30, addonSeconds: 10 };

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

function corednsInSim(sim: Simulator): CoreDnsInSim | undefined {
  const [name] = sim.world.listClusters();
  const cluster = name === undefined ? undefined : sim.world.kubeCluster(name);
  const deployment = cluster?.get<Deployment>('deployments', 'kube-system', 'coredns');
  if (!cluster || !deployment) return undefined;
  const templateChanges = (deployment.metadata.generation ?? 1) - 1;
  const patchedByEksctl = deployment.spec.template.metadata?.annotations?.['eks.amazonaws.com/compute-type'] === 'fargate';
  const onFargate = (pod: Pod) => pod.spec.schedulerName === 'fargate-scheduler' && (pod.spec.nodeName ?? '').startsWith('fargate-');
  const ready = (pod: Pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const readyOnFargate = cluster
    .listPods('kube-system', { 'k8s-app': 'kube-dns' })
    .filter((pod) => !pod.metadata.deletionTimestamp && onFargate(pod) && ready(pod)).length;
  return { templateChanges, patchedByEksctl, changesByOthers: templateChanges - (patchedByEksctl ? 1 : 0), readyOnFargate };
}

/** Nothing a run printed may hold the simulator's secret key or an EKS bearer token. */
export function expectNoSecrets(run: Pick<FaultRun, 'stdout' | 'stderr'>): void {
  for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    if (text.includes(SIM_SECRET_ACCESS_KEY)) throw new Error(`${name} shows the secret access key`);
    if (text.includes('k8s-aws-v1.')) throw new Error(`${name} shows an EKS bearer token`);
  }
}
