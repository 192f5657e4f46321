// One look at the pods of eksctl's other default addon with pods, metrics-server. eksctl creates it without waiting for
// it (DontRequireWait in known_addons.go), so on a Fargate-only cluster whose profiles do not take kube-system's
// metrics-server pods it stays Pending unnoticed. The look only reads and never fails: what it finds is a warning.
import type { ClusterInfo } from '../adapters/eks.js';
import type { KubeApi } from '../adapters/kube.js';
import type { Clock } from '../core/backoff.js';
import { classifyPod, isUsableEc2Node, pendingPodsWarning, type FargateProfileView } from '../core/pods.js';

export const METRICS_SERVER = { name: 'metrics-server', namespace: 'kube-system', selector: 'app.kubernetes.io/name=metrics-server' } as const;

export type MetricsServerLook =
  | { kind: 'no pods' }
  | { kind: 'not stranded' }
  /** Stranded pods, or a look that failed: one line for the report either way. */
  | { kind: 'warning'; warning: string };

export async function lookAtMetricsServer(
  connect: () => Promise<KubeApi>,
  /** Read once connected: the connection is what describes the cluster. */
  cluster: () => ClusterInfo | undefined,
  profiles: readonly FargateProfileView[],
  clock: Clock,
): Promise<MetricsServerLook> {
  try {
    const kube = await connect();
    const pods = await kube.listPods(METRICS_SERVER.namespace, METRICS_SERVER.selector);
    if (pods.length === 0) return { kind: 'no pods' };
    const nodes = await kube.listNodes();
    const info = cluster();
    const nodesOnDemand = info?.autoMode === true && info.autoModeNodePools.length > 0;
    const classified = pods.map((pod) => classifyPod(pod, { profiles, now: clock.now(), ec2NodesAvailable: nodesOnDemand || nodes.some(isUsableEc2Node) }));
    const warning = pendingPodsWarning(METRICS_SERVER.name, classified);
    return warning === undefined ? { kind: 'not stranded' } : { kind: 'warning', warning };
  } catch (error) {
    return { kind: 'warning', warning: `${METRICS_SERVER.name} could not be looked at: ${error instanceof Error ? error.message : String(error)}` };
  }
}
