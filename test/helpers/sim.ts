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

// What process.env held before the first of the runs that set a key, and how many such runs are under way: runs that
// overlap (describe.concurrent) leave the environment as it was once the last of them ends, whatever their order.
const originals = new Map<string, string | undefined>();
const holders = new Map<string, number>();

function setEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/**
 * Runs fn with some process.env entries set, restoring them once no run that set them is left. While runs overlap,
 * a key holds the value of the one that started last.
 */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const keys = Object.keys(vars);
  for (const key of keys) {
    if (!holders.has(key)) originals.set(key, process.env[key]);
    holders.set(key, (holders.get(key) ?? 0) + 1);
    setEnv(key, vars[key]);
  }
  try {
    return await fn();
  } finally {
    for (const key of keys) {
      const left = holders.get(key)! - 1;
      if (left > 0) {
        holders.set(key, left);
        continue;
      }
      holders.delete(key);
      setEnv(key, originals.get(key));
      originals.delete(key);
    }
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
