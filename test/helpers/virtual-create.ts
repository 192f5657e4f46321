// `create` with everything in this process on the simulator's virtual clock: the pipeline (createCluster), the
// simulator, and the simulated eksctl (inProcessEksctl), all talking over loopback HTTP as they do apart. No process
// is spawned and no real time is waited for: a run takes as long as its work, and its events come in the same order
// on a loaded machine as on an idle one. What CoreDNS went through is read from the simulator's side too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster, parseCreateOptions } from '../../src/commands/create.js';
import type { RunReport } from '../../src/report.js';
import { inProcessEksctl } from '../../src/sim/fake-eksctl/in-process.js';
import { startSimulator, type Simulator, type SimTimings } from '../../src/sim/index.js';
import type { Deployment, Pod } from '../../src/sim/kube/types.js';
import { simClock, simCredentials } from './sim.js';
import { EXAMPLES, nodeOnlyPath } from './bin.js';
import { captureIo } from './io.js';

export interface VirtualCreate {
  exitCode: number;
  /** The JSON report (`--output json`). */
  report: RunReport;
  /** Progress, and eksctl's lines: `--output json` sends them to stderr. */
  stderr: string;
  /** CoreDNS as the simulator holds it at the end. */
  coredns: { templateChanges: number; patchedByEksctl: boolean; readyOnFargate: number; pods: number };
  /** Simulated ms from the start of the run to its end. */
  simulatedMs: number;
}

export async function createOnVirtualTime(options: {
  /** An example's file name. */
  config: string;
  eksctlVersion: string;
  faults?: string[];
  /** Simulated timings; the simulator's defaults (the real thing's) unless given: virtual time costs nothing. */
  timings?: Partial<SimTimings>;
  args?: string[];
}): Promise<VirtualCreate> {
  const sim = await startSimulator({ virtualTime: true, faults: options.faults ?? [], eksctlVersion: options.eksctlVersion, timings: options.timings ?? {} });
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-virtual-'));
  try {
    const io = captureIo({
      cwd: dir,
      env: { PATH: nodeOnlyPath(), HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), AWS_CONFIG_FILE: join(dir, 'aws-config'), ...sim.env },
    });
    const create = parseCreateOptions({ configFile: join(EXAMPLES, options.config), eksctlArgs: options.args ?? [], output: 'json' });
    const startedAt = sim.clock.now();
    // The pipeline is work the clock waits for, as the simulated eksctl is: time moves only while both wait on it.
    const exitCode = await sim.clock.track(() =>
      createCluster({ ...create, eksctl: sim.eksctl }, io, {
        clock: simClock(sim),
        credentials: simCredentials,
        eksEndpoint: sim.eksEndpoint,
        stsEndpoint: sim.eksEndpoint,
        eksctlRunner: inProcessEksctl(sim.clock),
      }),
    );
    return { exitCode, report: JSON.parse(io.out()) as RunReport, stderr: io.err(), coredns: corednsInSim(sim), simulatedMs: sim.clock.now() - startedAt };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function corednsInSim(sim: Simulator): VirtualCreate['coredns'] {
  const [name] = sim.world.listClusters();
  const cluster = name === undefined ? undefined : sim.world.kubeCluster(name);
  const deployment = cluster?.get<Deployment>('deployments', 'kube-system', 'coredns');
  const pods = cluster?.listPods('kube-system', { 'k8s-app': 'kube-dns' }) ?? [];
  const onFargate = (pod: Pod) => pod.spec.schedulerName === 'fargate-scheduler' && (pod.spec.nodeName ?? '').startsWith('fargate-');
  const ready = (pod: Pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  return {
    templateChanges: (deployment?.metadata.generation ?? 1) - 1,
    patchedByEksctl: deployment?.spec.template.metadata?.annotations?.['eks.amazonaws.com/compute-type'] === 'fargate',
    readyOnFargate: pods.filter((pod) => onFargate(pod) && ready(pod)).length,
    pods: pods.length,
  };
}
