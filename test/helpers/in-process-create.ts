// `create` run in this process on the simulator's clock, as `demo` runs it, with the simulator in this process too:
// the pipeline's waits and the simulated eksctl's keep their real proportions (eksctl's 30 s sleep against the
// webhook's delay), the timings can be the fast ones, and what CoreDNS went through is watched from the simulator's
// side. Only the fake eksctl is a child process. Needs `npm run build` (the fake eksctl runs from dist/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster, parseCreateOptions } from '../../src/commands/create.js';
import type { RunReport } from '../../src/report.js';
import { startSimulator, type SimTimings } from '../../src/sim/index.js';
import type { Deployment } from '../../src/sim/kube/types.js';
import { simClock, simCredentials } from './sim.js';
import { EXAMPLES, nodeOnlyPath } from './bin.js';
import { captureIo } from './io.js';
import { acquireSlot, FAST_TIMINGS } from './scenario.js';

export interface InProcessRun {
  exitCode: number;
  /** The JSON report (output 'json', the default); undefined with output 'text'. */
  report: RunReport | undefined;
  stdout: string;
  /** Progress lines (`--output json` sends them to stderr). */
  stderr: string;
  /** Simulated ms at which safe-eksctl's restarts reached CoreDNS's template (a new restartedAt), in order. */
  restartsAt: number[];
  /** When the webhook began to see the profile that captured CoreDNS, in simulated ms; undefined if it never did. */
  webhookSawAt: number | undefined;
  /** CoreDNS pods Running and Ready on a Fargate node when the run ended. */
  readyOnFargate: number;
}

export async function createInProcess(options: {
  /** An example's file name. */
  config: string;
  eksctlVersion: string;
  faults?: string[];
  timings?: Partial<SimTimings>;
  timeScale?: number;
  output?: 'json' | 'text';
}): Promise<InProcessRun> {
  const release = await acquireSlot();
  const sim = await startSimulator({ timeScale: options.timeScale ?? 0.01, faults: options.faults ?? [], eksctlVersion: options.eksctlVersion, timings: options.timings ?? FAST_TIMINGS });
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-in-process-'));
  const restartsAt: number[] = [];
  let unwatch = () => {};
  // The cluster appears when the fake eksctl's CreateCluster arrives; its store is watched from then on.
  const waitForCluster = setInterval(() => {
    const [name] = sim.world.listClusters();
    const kube = name === undefined ? undefined : sim.world.kubeCluster(name);
    if (!kube) return;
    clearInterval(waitForCluster);
    let last: string | undefined;
    unwatch = kube.store.watch((event) => {
      if (event.resource !== 'deployments' || event.object.metadata.name !== 'coredns') return;
      const restartedAt = (event.object as Deployment).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
      if (restartedAt !== undefined && restartedAt !== last) restartsAt.push(sim.clock.now());
      last = restartedAt;
    });
  }, 2);
  try {
    const env = { PATH: nodeOnlyPath(), HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), AWS_CONFIG_FILE: join(dir, 'aws-config'), ...sim.env };
    const io = captureIo({ cwd: dir, env });
    const output = options.output ?? 'json';
    const create = parseCreateOptions({ configFile: join(EXAMPLES, options.config), eksctlArgs: [], output });
    const exitCode = await createCluster({ ...create, eksctl: sim.eksctl }, io, {
      clock: simClock(sim),
      credentials: simCredentials,
      eksEndpoint: sim.eksEndpoint,
      stsEndpoint: sim.eksEndpoint,
    });
    const report = output === 'json' ? (JSON.parse(io.out()) as RunReport) : undefined;
    const [name] = sim.world.listClusters();
    const kube = name === undefined ? undefined : sim.world.kubeCluster(name);
    const pods = kube?.listPods('kube-system', { 'k8s-app': 'kube-dns' }) ?? [];
    const profile = pods.map((p) => p.metadata.labels?.['eks.amazonaws.com/fargate-profile']).find((p) => p !== undefined);
    const readyOnFargate = pods.filter(
      (p) => p.spec.schedulerName === 'fargate-scheduler' && (p.spec.nodeName ?? '').startsWith('fargate-') && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    return {
      exitCode,
      report,
      stdout: io.out(),
      stderr: io.err(),
      restartsAt,
      webhookSawAt: name !== undefined && profile !== undefined ? sim.world.profileVisibleAt(name, profile) : undefined,
      readyOnFargate,
    };
  } finally {
    clearInterval(waitForCluster);
    unwatch();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    release();
  }
}
