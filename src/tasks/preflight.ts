// "Preflight", the first phase of every run on AWS: the credentials proven, and for a cluster that exists already its
// state and the kubeconfig's reach, before anything changes. The title says what was found.
import type { ListrTask } from 'listr2';
import type { ClusterSession } from '../session.js';
import { phase, type PhaseTimeline } from './pipeline.js';

export const PREFLIGHT_TITLE = 'Preflight';

export interface PreflightOptions {
  /** The cluster must exist already (heal, create fargateprofile): it is described and must answer. */
  existing: boolean;
  /** When eksctl is to run: its version, asked when the phase starts and named first in the title. */
  eksctlVersion?: () => Promise<string | undefined>;
  /** Lines under the title about that version, shown before the checks. */
  versionNotes?: (version: string | undefined) => string[];
  /** Last in the title: what the run is for ("profile fp-apps"). */
  describe?: string;
}

export function preflightPhase<Ctx>(timeline: PhaseTimeline, session: ClusterSession, options: PreflightOptions): ListrTask<Ctx> {
  return phase<Ctx>(timeline, PREFLIGHT_TITLE, {
    title: PREFLIGHT_TITLE,
    task: async (_ctx, task) => {
      const parts: string[] = [];
      if (options.eksctlVersion) {
        const version = await options.eksctlVersion();
        for (const line of options.versionNotes?.(version) ?? []) task.output = line;
        parts.push(`eksctl ${version ?? 'unknown'}`);
      }
      parts.push(await session.preflight(session.interrupt.signal, { existing: options.existing }));
      if (options.describe) parts.push(options.describe);
      task.title = `${PREFLIGHT_TITLE}: ${parts.join(', ')}`;
    },
    rendererOptions: { persistentOutput: true },
  });
}
