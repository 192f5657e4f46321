// The step before every restart a heal makes: ask the Fargate webhook with a dry-run pod from the owner's template
// (core/probe.ts), and restart only once it says Fargate. The decisions are core/restart-gate.ts's; this makes the
// call through KubeApi.
import { KubeApiError, type KubeApi } from '../adapters/kube.js';
import type { Clock } from '../core/backoff.js';
import { probePodFor, readProbeAnswer, templateScheduler, type ProbeTarget, type TemplateChange } from '../core/probe.js';
import {
  ANSWER_FRESH_MS,
  nextRestartStep,
  PROBE_INTERVAL_MS,
  recordProbe,
  type ProbeGate,
  type ProbeOutcome,
  type ProbeSupport,
  type RestartProbe,
  type RestartTimes,
} from '../core/restart-gate.js';

/** One dry-run create of the pod the owner's controller would make after the restart. */
export async function probeOwner(kube: Pick<KubeApi, 'dryRunCreatePod'>, target: ProbeTarget, change: TemplateChange): Promise<ProbeOutcome> {
  try {
    const answer = await kube.dryRunCreatePod(probePodFor(target, change));
    return { kind: 'answered', verdict: readProbeAnswer(answer, templateScheduler(target.template)) };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return error.retryable ? { kind: 'transient', why: error.message } : { kind: 'refused', why: error.message };
  }
}

export interface GateContext {
  kube: Pick<KubeApi, 'dryRunCreatePod'>;
  clock: Clock;
  gate: ProbeGate;
  support: ProbeSupport;
  /** Called once per run, when the probe turns out unusable: the reason the fallback runs. */
  onFallback?: ((why: string) => void) | undefined;
}

export type GateStep =
  /** Restart now; `probe` says what the webhook answered. */
  | { kind: 'restart'; probe: RestartProbe }
  /**
   * The webhook said Fargate, but the pods were last read more than ANSWER_FRESH_MS ago (a long --poll-interval):
   * read them again, then restart if they are still stuck.
   */
  | { kind: 'read-again' }
  /** Nothing to do before `untilMs`. */
  | { kind: 'wait'; untilMs: number; why: 'backoff' | 'grace' | 'webhook' };

/**
 * One step toward restarting an owner whose pods are stuck, as read at `readAt`: probes at most once (never sooner
 * than PROBE_INTERVAL_MS after the last probe) and says whether to restart now.
 */
export async function stepTowardRestart(
  ctx: GateContext,
  target: ProbeTarget,
  change: TemplateChange,
  times: Omit<RestartTimes, 'now'>,
  readAt: number,
): Promise<GateStep> {
  const { clock, gate, support } = ctx;
  let step = nextRestartStep(gate, support, { ...times, now: clock.now() });
  if (step.kind === 'probe') {
    // Probes are paced from one's start to the next's: a slow answer does not stretch the wait for the webhook.
    const askedAt = clock.now();
    const outcome = await probeOwner(ctx.kube, target, change);
    // Read after the await: owners probing side by side must not each announce the same fallback.
    const before = support.fallback;
    recordProbe(gate, support, outcome, askedAt);
    if (before === undefined && support.fallback !== undefined) ctx.onFallback?.(support.fallback);
    step = nextRestartStep(gate, support, { ...times, now: clock.now() });
  }
  // The answer says the new pods go to Fargate, so a restart cannot leave CoreDNS in the same Pending state; the pods
  // it replaces were stuck a few seconds ago at most. Another look would only add its round trips to the latency.
  if (step.kind === 'restart' && step.probe.probe === 'fargate' && clock.now() - readAt > ANSWER_FRESH_MS) return { kind: 'read-again' };
  // Only a clock that went backwards asks for a second probe in one step; it waits out the interval instead.
  if (step.kind === 'probe') return { kind: 'wait', untilMs: (gate.lastProbeAt ?? clock.now()) + PROBE_INTERVAL_MS, why: 'webhook' };
  return step;
}

/** Whether restarting an owner now would put its new pods on Fargate: `check`'s answer for a stuck CoreDNS. */
export interface RestartOutlook {
  /** null when the probe could not tell (refused, unusable, or the API server failed). */
  wouldLandOnFargate: boolean | null;
  /** The profile the webhook named, or else the one that matches the stuck pods. */
  profile: string | null;
  /** One line for the user. */
  detail: string;
}

/** One probe, as the heal's next restart would make it (with the same annotation changes), read as advice. */
export async function restartOutlook(kube: Pick<KubeApi, 'dryRunCreatePod'>, target: ProbeTarget, change: TemplateChange, matching: string | undefined): Promise<RestartOutlook> {
  const outcome = await probeOwner(kube, target, change);
  const unknown = (why: string): RestartOutlook => ({
    wouldLandOnFargate: null,
    profile: matching ?? null,
    detail: `whether a restart would land on Fargate now is unknown: the dry-run probe failed (${why})`,
  });
  if (outcome.kind !== 'answered') return unknown(outcome.why);
  const { verdict } = outcome;
  if (verdict.kind === 'unusable') return unknown(verdict.why);
  const named = matching ? `profile "${matching}"` : 'a matching profile';
  if (verdict.kind === 'fargate') {
    const profile = verdict.profile ?? matching ?? null;
    return { wouldLandOnFargate: true, profile, detail: `a restart now lands on Fargate${profile ? ` (profile "${profile}")` : ''}: heal will work now` };
  }
  return {
    wouldLandOnFargate: false,
    profile: matching ?? null,
    detail: `the Fargate webhook does not see ${named} yet: a new pod would still go to ${verdict.scheduler}; heal waits for the webhook before it restarts`,
  };
}
