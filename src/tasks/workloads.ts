// "Heal stranded workloads": the listr2 task over ../heal/workloads.ts, with the outcome in its title.
import type { ListrTask } from 'listr2';
import type { ClusterKubeApi } from '../adapters/kube.js';
import type { FargateProfileView } from '../core/pods.js';
import { fallbackLine } from '../core/restart-gate.js';
import { healWorkloads, WorkloadHealError, type HealWorkloadsOptions } from '../heal/workloads.js';
import type { WorkloadRecord } from '../report.js';

export interface HealWorkloadsTaskOptions extends Omit<HealWorkloadsOptions, 'profiles' | 'onProgress'> {
  connect: () => Promise<ClusterKubeApi>;
  /** ACTIVE profiles, read when the step starts. */
  profiles: () => readonly FargateProfileView[];
  /** Receives the records when the step ends, healed or not. */
  onResult?: (records: WorkloadRecord[]) => void;
}

export const HEAL_WORKLOADS_TITLE = 'Heal stranded workloads';

export function healWorkloadsTask<Ctx>({ connect, profiles, onResult, ...options }: HealWorkloadsTaskOptions): ListrTask<Ctx> {
  return {
    title: HEAL_WORKLOADS_TITLE,
    task: async (_ctx, task) => {
      const kube = await connect();
      try {
        const records = await healWorkloads(kube, {
          ...options,
          profiles: profiles(),
          onProgress: (activity) => (task.title = `${HEAL_WORKLOADS_TITLE}: ${activity}`),
          onProbeFallback: (why) => (task.output = fallbackLine(why)),
        });
        onResult?.(records);
        task.title = `${HEAL_WORKLOADS_TITLE}: ${summarize(records)}`;
      } catch (error) {
        if (error instanceof WorkloadHealError) onResult?.(error.workloads);
        throw error;
      }
    },
    rendererOptions: { persistentOutput: true },
  };
}

/** "2 restarted, 1 reported" or "nothing stranded". */
export function summarize(records: readonly WorkloadRecord[]): string {
  if (records.length === 0) return 'nothing stranded';
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
}
