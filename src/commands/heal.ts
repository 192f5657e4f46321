// `safe-eksctl heal --cluster NAME`: phases 4–6 of create on a cluster that already exists (made by plain eksctl, say):
// wait for its Fargate profiles, heal CoreDNS if and only if it is stuck, optionally the stranded workloads, report.
// A healthy cluster costs reads only, so a second run in a row changes nothing.
import type { Io } from '../io.js';
import { ClusterSession, openSelectedKubeconfig, regionFor, type ClusterDeps } from '../session.js';
import { runOnExistingCluster } from '../tasks/cluster-health.js';
import { healOptionsSchema, parseOptions, type HealOptions } from './options.js';

export type { HealOptions } from './options.js';

export async function run(options: Record<string, unknown>, io: Io, deps: ClusterDeps = {}): Promise<number> {
  return heal(parseHealOptions(options), io, deps);
}

export function parseHealOptions(options: Record<string, unknown>): HealOptions {
  return parseOptions(healOptionsSchema, options);
}

export async function heal(options: HealOptions, io: Io, deps: ClusterDeps = {}): Promise<number> {
  // A bad --kubeconfig or --context ends here, before any AWS call and before the profiles are waited for.
  const opened = openSelectedKubeconfig(options, io);
  const region = await regionFor(options, io);
  const session = new ClusterSession({ clusterName: options.cluster, region, profile: options.profile, io, deps, waits: options, kubeconfig: opened && { opened } });
  // The run names no profile: every profile the cluster has is waited for.
  return runOnExistingCluster(session, { ...options, configProfiles: [] });
}
