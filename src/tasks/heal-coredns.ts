// "Heal CoreDNS": the listr2 task over the heal in ../heal/coredns.ts, its title following the heal's progress.
import type { ListrTask } from 'listr2';
import type { ClusterInfo } from '../adapters/eks.js';
import type { KubeApi } from '../adapters/kube.js';
import type { FargateProfileView } from '../core/pods.js';
import { fallbackLine } from '../core/restart-gate.js';
import { CoreDnsHealError, healCoreDns, type HealCoreDnsOptions } from '../heal/coredns.js';
import { readyCount } from '../heal/coredns-messages.js';
import { probedLine, restartCount, type CoreDnsRecord } from '../report.js';

export interface HealCoreDnsTaskOptions extends Omit<HealCoreDnsOptions, 'profiles' | 'onProgress' | 'nodesOnDemand'> {
  /** Connects to Kubernetes when the phase starts (DescribeCluster + token, or the kubeconfig). */
  connect: () => Promise<KubeApi>;
  /** DescribeCluster as the connection saw it: Auto Mode runs DNS itself and launches nodes on demand. */
  cluster?: () => ClusterInfo | undefined;
  /** ACTIVE profiles, read when the phase starts (the wait phase fills them in). */
  profiles: () => readonly FargateProfileView[];
  /** Receives the record when the heal ends, healed or not. */
  onResult?: (record: CoreDnsRecord) => void;
}

export const HEAL_COREDNS_TITLE = 'Heal CoreDNS';

export function healCoreDnsTask<Ctx>({ connect, cluster, profiles, onResult, ...options }: HealCoreDnsTaskOptions): ListrTask<Ctx> {
  return {
    title: HEAL_COREDNS_TITLE,
    task: async (_ctx, task) => {
      const kube = await connect();
      const autoMode = cluster?.()?.autoMode === true;
      try {
        const result = await healCoreDns(kube, {
          ...options,
          nodesOnDemand: autoMode && (cluster?.()?.autoModeNodePools.length ?? 0) > 0,
          profiles: profiles(),
          onProgress: (p) => (task.title = `${HEAL_COREDNS_TITLE}: ${readyCount(p)} ready, ${p.activity}`),
          onProbeFallback: (why) => (task.output = fallbackLine(why)),
        });
        const { found: _found, pods: _pods, ...record } = result;
        onResult?.(record);
        task.title = !result.found
          ? `${HEAL_COREDNS_TITLE}: ${autoMode ? 'no CoreDNS Deployment: EKS Auto Mode runs the cluster DNS' : 'no CoreDNS Deployment'}, nothing to heal`
          : `${HEAL_COREDNS_TITLE}: ${result.ready}/${result.desired} ready, ${result.restarts === 0 ? 'nothing restarted' : `restarted ${restartCount(result)}${probedLine(result)}`}`;
      } catch (error) {
        if (error instanceof CoreDnsHealError) onResult?.(error.coredns);
        throw error;
      }
    },
    // The fallback's reason stays on screen: it is said once.
    rendererOptions: { persistentOutput: true },
  };
}

