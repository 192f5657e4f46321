// "Other default addons": after CoreDNS, one look at the pods of eksctl's other default addon with pods,
// metrics-server. eksctl creates it without waiting for it (DontRequireWait in known_addons.go), so on a Fargate-only
// cluster whose profiles do not take kube-system's metrics-server pods it stays Pending unnoticed. The look only
// reads and never fails the run: what it finds is a warning in the report.
import type { ListrTask } from 'listr2';
import type { ClusterInfo } from '../adapters/eks.js';
import type { KubeApi } from '../adapters/kube.js';
import type { Clock } from '../core/backoff.js';
import { classifyPod, pendingPodsWarning, type FargateProfileView } from '../core/pods.js';
import { isUsableEc2Node } from './heal-coredns.js';

export const DEFAULT_ADDONS_TITLE = 'Other default addons';
const METRICS_SERVER = { name: 'metrics-server', namespace: 'kube-system', selector: 'app.kubernetes.io/name=metrics-server' };

export interface DefaultAddonsTaskOptions {
  connect: () => Promise<KubeApi>;
  cluster: () => ClusterInfo | undefined;
  /** ACTIVE profiles, read when the task starts. */
  profiles: () => readonly FargateProfileView[];
  clock: Clock;
  onWarning: (line: string) => void;
}

export function defaultAddonsTask<Ctx>({ connect, cluster, profiles, clock, onWarning }: DefaultAddonsTaskOptions): ListrTask<Ctx> {
  return {
    title: DEFAULT_ADDONS_TITLE,
    task: async (_ctx, task) => {
      let warning: string | undefined;
      try {
        const kube = await connect();
        const pods = await kube.listPods(METRICS_SERVER.namespace, METRICS_SERVER.selector);
        if (pods.length === 0) {
          task.title = `${DEFAULT_ADDONS_TITLE}: no ${METRICS_SERVER.name} pods`;
          return;
        }
        const nodes = await kube.listNodes();
        const info = cluster();
        const nodesOnDemand = info?.autoMode === true && info.autoModeNodePools.length > 0;
        const classified = pods.map((pod) =>
          classifyPod(pod, { profiles: profiles(), now: clock.now(), ec2NodesAvailable: nodesOnDemand || nodes.some(isUsableEc2Node) }),
        );
        warning = pendingPodsWarning(METRICS_SERVER.name, classified);
      } catch (error) {
        warning = `${METRICS_SERVER.name} could not be looked at: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (warning === undefined) {
        task.title = `${DEFAULT_ADDONS_TITLE}: ${METRICS_SERVER.name} is not stranded`;
        return;
      }
      onWarning(warning);
      task.title = `${DEFAULT_ADDONS_TITLE}: warning: ${warning}`;
    },
  };
}
