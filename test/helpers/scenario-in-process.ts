// The create harness's in-process half: one scenario of scenario.ts (the same config, faults, arguments and the same
// view of CoreDNS from the simulator's side) run as safe-eksctl's own argv in this process, against a simulator on
// virtual time, with the simulated eksctl in process too (helpers/in-process.ts runCli). Nothing is spawned and no
// real time is waited for, so no slot is taken: a run costs its work, and its events come in the timers' order on a
// loaded machine as on an idle one. What needs a process (signals, pipes, exit of the bin) stays with runScenario.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EksctlRunner } from '../../src/adapters/eksctl.js';
import { main } from '../../src/cli.js';
import type { RunReport } from '../../src/report.js';
import { inProcessEksctl } from '../../src/sim/fake-eksctl/in-process.js';
import type { Simulator, SimTimings } from '../../src/sim/index.js';
import type { Deployment } from '../../src/sim/kube/types.js';
import { nodeOnlyPath } from './bin.js';
import { captureIo } from './io.js';
import { runCli, startVirtualSimulator, type CliRun } from './in-process.js';
import { corednsInSim, resolveConfig, SCENARIO_ENV, scenarioPids, settleLeftovers, type CoreDnsInSim } from './scenario.js';

export interface InProcessScenarioOptions {
  /** An example's file name (`bug-report.yaml`), a path, or YAML text (contains a newline). Default bug-report.yaml. */
  config?: string;
  /** Version the simulated eksctl reports and follows. Default 0.230.0. */
  eksctlVersion?: string;
  /** Simulator fault specs: `eks-throttle=0.3`, `profile-create-failed=fp-default`, … */
  faults?: string[];
  /** Simulated timings; the simulator's defaults (the real thing's) unless given: virtual time costs nothing. */
  timings?: Partial<SimTimings>;
  /** The command words: ['create'] (default) or ['create', 'cluster'], which must be the same. */
  command?: string[];
  /** More arguments, after the ones the helper builds. */
  args?: string[];
  /** 'json' adds `--output json` and parses stdout into `report`. Default 'json'. */
  output?: 'json' | 'text';
  /** Pass the config as `-f -` on stdin instead of a file. */
  stdin?: boolean;
  /** More environment over the simulator's. */
  env?: Record<string, string>;
  /** Called with the working directory after the run, before it is removed (to read files the run wrote). */
  onEnd?: (dir: string) => void;
}

/** The command's exit code, output and JSON report (CliRun), and what the simulator saw of it. */
export interface InProcessScenario extends CliRun {
  /** EKS/STS requests the simulator received per operation. */
  requestCounts: Record<string, number>;
  /** Kubernetes requests the simulator refused with 401 (an expired token, say). */
  kubeUnauthorized: number;
  /** CoreDNS as the simulator holds it when the command returned; undefined before the cluster exists. */
  corednsInSim: CoreDnsInSim | undefined;
  /** Simulated ms at which a restart reached CoreDNS's template (a new restartedAt), in order. */
  restartsAt: number[];
  /** When the webhook began to see the profile that captured CoreDNS, in simulated ms; undefined if it never did. */
  webhookSawAt: number | undefined;
  /** Runs of the simulated eksctl that had not ended when the command returned (should be 0: eksctl stopped). */
  eksctlStillRunning: number;
  /** Simulated ms from the start of the command to its end. */
  simulatedMs: number;
}

/** `safe-eksctl create -f CONFIG …` in this process on virtual time; see the file's head. */
export async function runScenarioInProcess(options: InProcessScenarioOptions = {}): Promise<InProcessScenario> {
  const { config = 'bug-report.yaml', eksctlVersion = '0.230.0', faults = [], timings = {}, args = [], output = 'json' } = options;
  const sim = await startVirtualSimulator({ faults, eksctlVersion, timings });
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-scenario-'));
  const restarts = watchRestarts(sim);
  let running = 0;
  const runner = inProcessEksctl(sim.clock);
  const watchedRunner: EksctlRunner = async (runArgs, io) => {
    running++;
    try {
      return await runner(runArgs, io);
    } finally {
      running--;
    }
  };
  try {
    const { path, text } = resolveConfig(config, dir);
    const argv = [...(options.command ?? ['create']), '-f', options.stdin ? '-' : path, ...(output === 'json' ? ['--output', 'json'] : []), ...args];
    const startedAt = sim.clock.now();
    const run = await runCli(sim, argv, {
      cwd: dir,
      deps: { eksctlRunner: watchedRunner },
      ...(options.env ? { env: options.env } : {}),
      ...(options.stdin ? { stdin: text() } : {}),
    });
    const simulatedMs = sim.clock.now() - startedAt;
    options.onEnd?.(dir);
    return {
      ...run,
      requestCounts: { ...sim.requestCounts },
      kubeUnauthorized: sim.kubeUnauthorizedCount(),
      corednsInSim: corednsInSim(sim),
      restartsAt: restarts.at,
      webhookSawAt: webhookSawCoreDnsProfile(sim),
      eksctlStillRunning: running,
      simulatedMs,
    };
  } finally {
    restarts.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Records when each restart reaches CoreDNS's template. The cluster's store exists from CreateCluster on; a timer on
 * the simulated clock looks for it every simulated second (CoreDNS comes minutes later), then a watch on the store
 * sees every change at the simulated moment it is made.
 */
function watchRestarts(sim: Simulator): { at: number[]; stop(): void } {
  const at: number[] = [];
  let unwatch: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const look = () => {
    const [name] = sim.world.listClusters();
    const kube = name === undefined ? undefined : sim.world.kubeCluster(name);
    if (!kube) {
      timer = sim.clock.setTimeout(look, 1_000);
      return;
    }
    let last: string | undefined;
    unwatch = kube.store.watch((event) => {
      if (event.resource !== 'deployments' || event.object.metadata.name !== 'coredns') return;
      const restartedAt = (event.object as Deployment).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
      if (restartedAt !== undefined && restartedAt !== last) at.push(sim.clock.now());
      last = restartedAt;
    });
  };
  look();
  return {
    at,
    stop() {
      if (timer) sim.clock.clearTimeout(timer);
      unwatch?.();
    },
  };
}

function webhookSawCoreDnsProfile(sim: Simulator): number | undefined {
  const [name] = sim.world.listClusters();
  const pods = name === undefined ? [] : (sim.world.kubeCluster(name)?.listPods('kube-system', { 'k8s-app': 'kube-dns' }) ?? []);
  const profile = pods.map((p) => p.metadata.labels?.['eks.amazonaws.com/fargate-profile']).find((p) => p !== undefined);
  return name !== undefined && profile !== undefined ? sim.world.profileVisibleAt(name, profile) : undefined;
}

export interface InProcessDemo {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: RunReport | undefined;
  /** Pids of the demo's simulated eksctl still alive after the command returned (should be []). */
  leftover: number[];
}

/**
 * `safe-eksctl demo ARGS --output json` in this process. The demo starts its own simulator on scaled real time and
 * spawns its simulated eksctl, as it does for a user; only the bin's start is saved, so what a test asserts must still
 * be held by deadlines far beyond need. The eksctl it spawns carries this run's marker, so leftovers can be found.
 */
export async function runDemoInProcess(args: string[], onEnd?: (dir: string) => void): Promise<InProcessDemo> {
  const id = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-scenario-'));
  try {
    const env = { PATH: nodeOnlyPath(), HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), AWS_CONFIG_FILE: join(dir, 'aws-config'), [SCENARIO_ENV]: id };
    const io = captureIo({ cwd: dir, env });
    const exitCode = await main(['demo', ...args, '--output', 'json'], io);
    onEnd?.(dir);
    let report: RunReport | undefined;
    try {
      report = JSON.parse(io.out()) as RunReport;
    } catch {
      report = undefined;
    }
    return { exitCode, stdout: io.out(), stderr: io.err(), report, leftover: await settleLeftovers(id) };
  } finally {
    // Nothing of the demo may outlive it, whatever the assertions say.
    for (const pid of scenarioPids(id)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
