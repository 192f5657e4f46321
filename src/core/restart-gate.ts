// When a heal may restart an owner whose pods are stuck, and when it must ask the Fargate webhook first. Pure: the
// heal loops hold this state, call the probe when told to, and restart only when told to.
//
// With the probe, a restart waits for nothing but the webhook: the probe is asked about once a second and the restart
// follows the first answer that says Fargate. Without it (the dry-run refused, or its answer unusable) the old guess
// stands: a grace after the profile turned ACTIVE, then restart, and restart again if the replacements missed Fargate.
import type { ProbeVerdict } from './probe.js';

/** Least time between two probes of one owner: the probe must never turn into a request storm. */
export const PROBE_INTERVAL_MS = 1_000;
/** A Fargate answer (or a look at the stuck pods) older than this is renewed before a restart relies on it. */
export const ANSWER_FRESH_MS = 5_000;

/** Whether the dry-run probe works on this cluster; shared by every owner a run heals, so the reason is given once. */
export interface ProbeSupport {
  /** Why the probe is not used; undefined while it works. */
  fallback: string | undefined;
}

/** One owner's probes. */
export interface ProbeGate {
  probes: number;
  lastProbeAt: number | undefined;
  /** The latest answer, until a restart relies on it. */
  verdict: ProbeVerdict | undefined;
}

export function newProbeSupport(): ProbeSupport {
  return { fallback: undefined };
}

export function newProbeGate(): ProbeGate {
  return { probes: 0, lastProbeAt: undefined, verdict: undefined };
}

/** What the probe said just before one restart; `skipped` when the fallback restarted without asking. */
export interface RestartProbe {
  probe: 'fargate' | 'skipped';
  /** The profile the probe pod was admitted under. */
  profile?: string;
}

export interface RestartTimes {
  now: number;
  /** The restart backoff: no restart before this (0 for an owner's first restart). */
  notBefore: number;
  /** Without the probe, also not before this (the webhook grace after the profile turned ACTIVE). */
  fallbackNotBefore?: number;
}

export type RestartStep =
  | { kind: 'restart'; probe: RestartProbe }
  | { kind: 'probe' }
  | { kind: 'wait'; untilMs: number; why: 'backoff' | 'grace' | 'webhook' };

/** The next thing to do about stuck pods that want a restart. */
export function nextRestartStep(gate: ProbeGate, support: ProbeSupport, { now, notBefore, fallbackNotBefore = 0 }: RestartTimes): RestartStep {
  if (support.fallback !== undefined) {
    const until = Math.max(notBefore, fallbackNotBefore);
    if (now >= until) return { kind: 'restart', probe: { probe: 'skipped' } };
    return { kind: 'wait', untilMs: until, why: until === notBefore ? 'backoff' : 'grace' };
  }
  if (now < notBefore) return { kind: 'wait', untilMs: notBefore, why: 'backoff' };
  const { verdict, lastProbeAt } = gate;
  if (verdict?.kind === 'fargate' && lastProbeAt !== undefined && now - lastProbeAt <= ANSWER_FRESH_MS) {
    return { kind: 'restart', probe: { probe: 'fargate', ...(verdict.profile ? { profile: verdict.profile } : {}) } };
  }
  if (lastProbeAt === undefined || now >= lastProbeAt + PROBE_INTERVAL_MS) return { kind: 'probe' };
  return { kind: 'wait', untilMs: lastProbeAt + PROBE_INTERVAL_MS, why: 'webhook' };
}

export type ProbeOutcome =
  | { kind: 'answered'; verdict: ProbeVerdict }
  /** The API server refused the dry-run for good: RBAC without `create pods` (403), no dry-run support (400), … */
  | { kind: 'refused'; why: string }
  /** A 5xx, a 429 or a dropped connection: asked again on the next tick. */
  | { kind: 'transient'; why: string };

/** Records one probe; an unusable answer or a refusal turns the probe off for the whole run. */
export function recordProbe(gate: ProbeGate, support: ProbeSupport, outcome: ProbeOutcome, now: number): void {
  gate.probes++;
  gate.lastProbeAt = now;
  if (outcome.kind === 'answered' && outcome.verdict.kind !== 'unusable') gate.verdict = outcome.verdict;
  else if (outcome.kind === 'answered' && outcome.verdict.kind === 'unusable') support.fallback ??= `the dry-run probe's answer is unusable: ${outcome.verdict.why}`;
  else if (outcome.kind === 'refused') support.fallback ??= `the dry-run probe was refused: ${outcome.why}`;
}

/** The one line that says why the restarts follow a guess. */
export function fallbackLine(why: string): string {
  return `Fargate probe not used (${why}): restarts follow the old guess, checking that the new pods went to Fargate and restarting again if not`;
}

/** A restart relied on the answer: the next restart asks again. */
export function restartMade(gate: ProbeGate): void {
  gate.verdict = undefined;
}
