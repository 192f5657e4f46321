// The CoreDNS heal while eksctl still runs. eksctl leaves its profile loop only after a fixed 30 s sleep, and with
// nodegroups it goes on for many minutes more; in the cases its own CoreDNS step misses, CoreDNS sits Pending all that
// time although the profile that captures it is ACTIVE. The profile watch tells us when that profile turns ACTIVE;
// from then on the ordinary heal loop runs beside eksctl (it restarts only stuck pods, so a healthy or starting
// CoreDNS is never touched, and only once the Fargate webhook's answer to a dry-run pod says Fargate). It never fails
// eksctl's run: when eksctl ends it stops, and whatever it could not finish the heal phase after eksctl finishes,
// counting on from the same HealState.
import type { KubeApi } from '../adapters/kube.js';
import { type Clock, pollDelays } from '../core/backoff.js';
import type { FargateProfileView } from '../core/pods.js';
import { fallbackLine } from '../core/restart-gate.js';
import { healCoreDns, type HealState } from './coredns.js';

/**
 * Only where the dry-run probe cannot be used: the least time between seeing the capturing profile ACTIVE and the
 * first restart. The webhook may not see a new profile for a few seconds (eks-facts.md: eksctl sleeps 30 s for it); a
 * restart before then only makes replacements that miss Fargate too and costs a second restart. A webhook slower than
 * this is still caught: the heal checks that the replacements were admitted by fargate-scheduler and restarts again on
 * its backoff. With the probe there is no grace: the webhook's own answer says when.
 */
export const DEFAULT_WEBHOOK_GRACE_MS = 15_000;

export interface EarlyHealOptions {
  /** The profile the plan says captures CoreDNS. */
  capturedBy: string;
  /** A Kubernetes client through DescribeCluster's endpoint and CA (eksctl has not written a kubeconfig yet). */
  connect: (signal: AbortSignal) => Promise<KubeApi>;
  /** Shared with the heal phase after eksctl. */
  state: HealState;
  clock: Clock;
  /** Aborted when eksctl ends (or on Ctrl-C): the heal stops at once. */
  signal: AbortSignal;
  /** `--coredns-timeout` in ms. */
  timeoutMs?: number;
  /** Without the probe, the first restart waits this long after the capturing profile was seen ACTIVE. */
  webhookGraceMs?: number;
  /** Pauses between looks at CoreDNS; defaults to pollDelays(). */
  delays?: () => Iterator<number>;
  /** What happened, in one line for the task list. */
  onStatus?: (line: string) => void;
}

export type EarlyHealOutcome =
  /** The capturing profile never turned ACTIVE while eksctl ran. */
  | { kind: 'not-started' }
  /** eksctl ended first; `restarts` were made meanwhile. */
  | { kind: 'stopped'; restarts: number }
  /** CoreDNS was Ready before eksctl ended. */
  | { kind: 'ready'; restarts: number }
  /** Something went wrong; the heal phase after eksctl tries again. */
  | { kind: 'failed'; restarts: number; error: unknown };

/** Fed by the profile watch; runs at most one heal, from the moment the capturing profile is ACTIVE. */
export class EarlyCoreDnsHeal {
  private readonly active: FargateProfileView[] = [];
  private running: Promise<EarlyHealOutcome> | undefined;

  constructor(private readonly options: EarlyHealOptions) {}

  /** The watch saw this profile ACTIVE (each profile once). */
  profileActive(profile: FargateProfileView): void {
    if (this.active.some((p) => p.name === profile.name)) return;
    // The heal classifies against this same array, so a profile seen later still counts.
    this.active.push(profile);
    if (profile.name === this.options.capturedBy && !this.running && !this.options.signal.aborted) this.running = this.run();
  }

  /** Resolves once the heal has ended, healed, failed or stopped; never rejects. */
  settled(): Promise<EarlyHealOutcome> {
    return this.running ?? Promise.resolve({ kind: 'not-started' });
  }

  private async run(): Promise<EarlyHealOutcome> {
    const { state, onStatus } = this.options;
    const restartsBefore = state.record.restarts;
    const outcome = await this.heal(() => state.record.restarts - restartsBefore);
    if (outcome.restarts > 0) {
      if (restartsBefore === 0) state.record.healedDuringEksctl = true;
      const ready = outcome.kind === 'ready' ? ', Ready' : '';
      onStatus?.(`${stuckLine(state.record.stuckBefore)}; restarted ${times(outcome.restarts)} while eksctl ran${ready}`);
    }
    if (outcome.kind === 'failed') {
      const { error } = outcome;
      onStatus?.(`CoreDNS heal during eksctl stopped: ${error instanceof Error ? error.message : String(error)}; tried again after eksctl`);
    }
    return outcome;
  }

  private async heal(restarts: () => number): Promise<Exclude<EarlyHealOutcome, { kind: 'not-started' }>> {
    const { clock, signal, state, onStatus, webhookGraceMs = DEFAULT_WEBHOOK_GRACE_MS, delays = () => pollDelays() } = this.options;
    const activeAt = clock.now();
    try {
      const kube = await this.options.connect(signal);
      const schedule = delays();
      for (;;) {
        const result = await healCoreDns(kube, {
          profiles: this.active,
          clock,
          signal,
          state,
          delays: schedule,
          firstRestartNotBefore: activeAt + webhookGraceMs,
          ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
          onProgress: (p) => {
            if (restarts() > 0) onStatus?.(`${stuckLine(state.record.stuckBefore)}; restarted ${times(restarts())} while eksctl runs: ${p.activity}`);
            else if ((state.record.stuckBefore ?? 0) > 0 && state.record.restarts === 0) onStatus?.(`${stuckLine(state.record.stuckBefore)}; ${p.activity}`);
          },
          onProbeFallback: (why) => onStatus?.(fallbackLine(why)),
        });
        if (result.found) return { kind: 'ready', restarts: restarts() };
        // The coredns addon is created beside the profiles; look again on the poll schedule until eksctl ends.
        await clock.sleep(schedule.next().value ?? 5_000, signal);
      }
    } catch (error) {
      if (signal.aborted) return { kind: 'stopped', restarts: restarts() };
      return { kind: 'failed', restarts: restarts(), error };
    }
  }
}

function stuckLine(stuck: number | null): string {
  return `CoreDNS stuck on default-scheduler (${stuck === 1 ? '1 pod' : `${stuck ?? '?'} pods`})`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
