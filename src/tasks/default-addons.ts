// "Other default addons": after CoreDNS, the look at metrics-server (../heal/default-addons.ts) as a task whose title
// says what it found; a stranded addon is a warning in the report, never a failure.
import type { ListrTask } from 'listr2';
import type { ClusterInfo } from '../adapters/eks.js';
import type { KubeApi } from '../adapters/kube.js';
import type { Clock } from '../core/backoff.js';
import type { FargateProfileView } from '../core/pods.js';
import { lookAtMetricsServer, METRICS_SERVER } from '../heal/default-addons.js';

export const DEFAULT_ADDONS_TITLE = 'Other default addons';

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
      const look = await lookAtMetricsServer(connect, cluster, profiles(), clock);
      if (look.kind === 'no pods') {
        task.title = `${DEFAULT_ADDONS_TITLE}: no ${METRICS_SERVER.name} pods`;
        return;
      }
      if (look.kind === 'not stranded') {
        task.title = `${DEFAULT_ADDONS_TITLE}: ${METRICS_SERVER.name} is not stranded`;
        return;
      }
      onWarning(look.warning);
      task.title = `${DEFAULT_ADDONS_TITLE}: warning: ${look.warning}`;
    },
  };
}
