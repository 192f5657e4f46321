// Shared set-up for adapter tests against the in-process simulator.
import type { Clock } from '../../src/core/backoff.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import type { Simulator } from '../../src/sim/index.js';

export const simCredentials = { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY };

/** Our waits on the simulator's time, so simulated minutes pass in milliseconds. */
export function simClock(sim: Simulator): Clock {
  return { now: () => sim.clock.now(), sleep: (ms, signal) => sim.clock.sleep(ms, signal) };
}

/** Polls a condition on the simulated clock; the simulator's own timers move the world. */
export async function until(sim: Simulator, what: string, check: () => boolean | Promise<boolean>, simTimeoutMs = 30 * 60_000): Promise<void> {
  const deadline = sim.clock.now() + simTimeoutMs;
  while (!(await check())) {
    if (sim.clock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sim.clock.sleep(1_000);
  }
}

/** Runs fn with some process.env entries set, restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** Creates a cluster in the simulated world directly, as eksctl's CreateCluster would. */
export function createSimCluster(sim: Simulator, name: string, version: string): void {
  sim.world.createCluster({ name, version, roleArn: 'arn:aws:iam::000000000000:role/eks', resourcesVpcConfig: { subnetIds: [] } });
}

/** The bug report's profile: kube-system pods labelled k8s-app=kube-dns (CoreDNS, but not by eksctl's test). */
export function createCoreDnsProfile(sim: Simulator, clusterName: string): void {
  sim.world.createFargateProfile({
    clusterName,
    fargateProfileName: 'fp-coredns',
    podExecutionRoleArn: 'arn:aws:iam::000000000000:role/pod',
    selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
  });
}
