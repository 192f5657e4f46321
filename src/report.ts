// What a run did, as the summary a person reads and the JSON report a pipeline parses (`--output json`).
import type { RestartProbe } from './core/restart-gate.js';
import { ExitCode } from './errors.js';

export type { RestartProbe };

export type PhaseStatus = 'ok' | 'failed' | 'skipped';

export interface PhaseRecord {
  name: string;
  status: PhaseStatus;
  durationMs: number;
  /** Why the phase was skipped or how it failed, in one line. */
  detail?: string;
}

export interface ProfileRecord {
  name: string;
  /** The last status seen: ACTIVE, CREATE_FAILED, … */
  status: string;
  waitedMs: number;
  /** DescribeFargateProfile calls made. */
  polls: number;
}

export interface CoreDnsRecord {
  /** null: never read (the Kubernetes API refused or did not answer every look), so unknown, not zero. */
  desired: number | null;
  ready: number | null;
  /** CoreDNS pods stuck in Pending on default-scheduler when the heal started; null when never read. */
  stuckBefore: number | null;
  /** Rollout restarts made (0 when CoreDNS was healthy or starting). */
  restarts: number;
  /** Whether the `eks.amazonaws.com/compute-type: ec2` template annotation was removed. */
  annotationRemoved: boolean;
  /**
   * True when the first restart was made while eksctl was still running (its profile ACTIVE, eksctl in its 30 s sleep
   * or its nodegroups); absent when every restart came after eksctl, or none was made. `restarts` counts both.
   */
  healedDuringEksctl?: boolean;
  /** Dry-run creates made to ask the Fargate webhook whether a restart would land on Fargate. */
  probes: number;
  /** One per restart, in order: what the probe answered just before it. */
  restartProbes: RestartProbe[];
  /** Why the probe was not used (the dry run refused, or its answer unusable): the restarts then followed a guess. */
  probeFallback?: string;
}

/** One owner of pods a Fargate profile stranded (`--workloads`), and what was done about it. */
export interface WorkloadRecord {
  /** Deployment, StatefulSet, ReplicaSet (without a Deployment), Pod (a bare pod), DaemonSet, … */
  kind: string;
  namespace: string;
  name: string;
  /** The profile that matches the pods now. */
  profile: string;
  /** The pods found Pending on default-scheduler. */
  strandedPods: string[];
  /** restarted (and verified Ready on Fargate), deleted, reported (left Pending), left (DaemonSet), failed. */
  action: 'restarted' | 'deleted' | 'reported' | 'left' | 'failed';
  /** Rollout restarts made (restarted owners only; more than one when the webhook missed the profile). */
  restarts: number;
  /** Dry-run probes of the Fargate webhook made for this owner. */
  probes: number;
  /** One per restart: what the probe answered just before it. */
  restartProbes: RestartProbe[];
  /** Why this owner was restarted without the probe. */
  probeFallback?: string;
  desired?: number;
  ready?: number;
  /** Why, in one line. */
  detail: string;
}

/** What a create that failed once eksctl had started may have left in AWS, and what removes it. */
export interface LeftInAws {
  cluster: string;
  region: string;
  /** DescribeCluster's status at the end (CREATING, ACTIVE, …); null when no cluster was found, or the look failed. */
  clusterStatus: string | null;
  /** Fargate profiles of the cluster at the end (or, when the look failed, the ones the run saw). */
  fargateProfiles: string[];
  /** True when EKS was asked at the end; false: the lists are what may exist, not what was seen to. */
  checked: boolean;
  /** Why the status is null, when it is. */
  detail?: string;
  /** `eksctl delete cluster -f FILE`: removes eksctl's stacks, the cluster and its profiles. */
  deleteCommand: string;
}

export interface RunReport {
  ok: boolean;
  exitCode: number;
  cluster: string;
  phases: PhaseRecord[];
  profiles: ProfileRecord[];
  /** null when the heal did not run (`--no-heal`, or an earlier phase failed). */
  coredns: CoreDnsRecord | null;
  /** null unless `--workloads` ran; then every owner of stranded pods found (an empty list when none). */
  workloads: WorkloadRecord[] | null;
  /**
   * What the user should know that did not fail the run, one line each: eksctl's metrics-server left Pending, a
   * --log-file that could not be written.
   */
  warnings: string[];
  /** The failure, as the one line the CLI prints. */
  error?: string;
  /** Only when a create failed (or was interrupted) after eksctl started: what it may have left in AWS. */
  leftInAws?: LeftInAws;
  /**
   * Only in `demo`: every duration above is simulated milliseconds, and one simulated second took `timeScale` real
   * seconds. A pipeline that reads `durationMs` must not take a demo's figures for real ones.
   */
  simulated?: { timeScale: number };
}

/** Collects phases, profiles and CoreDNS as the pipeline runs; `report()` freezes them into a RunReport. */
export class RunRecorder {
  readonly phases: PhaseRecord[] = [];
  readonly profiles: ProfileRecord[] = [];
  coredns: CoreDnsRecord | null = null;
  workloads: WorkloadRecord[] | null = null;
  readonly warnings: string[] = [];
  leftInAws: LeftInAws | undefined;
  /** Set by the demo: its durations are simulated. */
  simulated: { timeScale: number } | undefined;

  constructor(
    readonly cluster: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one phase and records its status and duration, failed or not. */
  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      const result = await fn();
      this.phases.push({ name, status: 'ok', durationMs: this.now() - start });
      return result;
    } catch (error) {
      this.phases.push({ name, status: 'failed', durationMs: this.now() - start, detail: messageOf(error) });
      throw error;
    }
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  skipPhase(name: string, why: string): void {
    this.phases.push({ name, status: 'skipped', durationMs: 0, detail: why });
  }

  /** Adds or replaces a profile's record (a profile is recorded once, with its latest state). */
  profile(record: ProfileRecord): void {
    const { name, status, waitedMs, polls } = record;
    const index = this.profiles.findIndex((p) => p.name === name);
    if (index === -1) this.profiles.push({ name, status, waitedMs, polls });
    else this.profiles[index] = { name, status, waitedMs, polls };
  }

  report(exitCode: number, error?: unknown): RunReport {
    return buildReport({
      cluster: this.cluster,
      exitCode,
      phases: this.phases,
      profiles: this.profiles,
      coredns: this.coredns,
      workloads: this.workloads,
      warnings: this.warnings,
      ...(error !== undefined ? { error: messageOf(error) } : {}),
      ...(this.leftInAws ? { leftInAws: this.leftInAws } : {}),
      ...(this.simulated ? { simulated: this.simulated } : {}),
    });
  }
}

export function buildReport(input: Omit<RunReport, 'ok' | 'workloads' | 'warnings'> & { workloads?: WorkloadRecord[] | null; warnings?: string[] }): RunReport {
  const { exitCode, cluster, phases, profiles, coredns, workloads = null, warnings = [], error, leftInAws, simulated } = input;
  return {
    ok: exitCode === ExitCode.ok,
    exitCode,
    cluster,
    phases: phases.map((p) => ({ ...p })),
    profiles: profiles.map((p) => ({ ...p })),
    coredns: coredns ? { ...coredns, restartProbes: coredns.restartProbes.map((r) => ({ ...r })) } : null,
    workloads: workloads ? workloads.map((w) => ({ ...w, strandedPods: [...w.strandedPods], restartProbes: w.restartProbes.map((r) => ({ ...r })) })) : null,
    warnings: [...warnings],
    ...(error !== undefined ? { error } : {}),
    ...(leftInAws ? { leftInAws: { ...leftInAws, fargateProfiles: [...leftInAws.fargateProfiles] } } : {}),
    ...(simulated ? { simulated: { ...simulated } } : {}),
  };
}

/** The JSON report: one document, nothing else on stdout. */
export function formatJsonReport(report: RunReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** The summary printed after the task list in text mode. */
export function formatSummary(report: RunReport): string {
  const lines: string[] = [];
  lines.push(report.ok ? `Cluster "${report.cluster}" is ready.` : `Cluster "${report.cluster}": failed (exit ${report.exitCode}).`);
  if (report.error) lines.push(`  ${report.error}`);
  if (report.phases.length > 0) {
    lines.push('Phases:');
    for (const p of report.phases) {
      const detail = p.status === 'skipped' && p.detail ? ` (${p.detail})` : '';
      lines.push(`  ${p.name.padEnd(28)} ${p.status.padEnd(7)} ${p.status === 'skipped' ? '' : formatDuration(p.durationMs)}${detail}`.trimEnd());
    }
  }
  if (report.profiles.length > 0) {
    lines.push('Fargate profiles:');
    for (const p of report.profiles) {
      lines.push(`  ${p.name.padEnd(28)} ${p.status.padEnd(13)} waited ${formatDuration(p.waitedMs)}, ${plural(p.polls, 'poll')}`);
    }
  }
  if (report.coredns?.desired === null || report.coredns?.ready === null) {
    lines.push('CoreDNS: unknown (could not be read); not restarted');
  } else if (report.coredns) {
    const c = report.coredns;
    const action =
      c.restarts === 0
        ? c.stuckBefore === 0
          ? 'not restarted (nothing was stuck)'
          : 'not restarted'
        : `restarted ${restartCount(c)}${c.annotationRemoved ? ', compute-type: ec2 annotation removed' : ''}`;
    lines.push(`CoreDNS: ${c.ready}/${c.desired} ready; ${c.stuckBefore} stuck before; ${action}`);
    const probes = probeLine(c);
    if (probes) lines.push(`  ${probes}`);
  }
  if (report.workloads) {
    lines.push(report.workloads.length === 0 ? 'Workloads: nothing stranded' : 'Workloads:');
    for (const w of report.workloads) {
      const counts = w.desired !== undefined ? ` ${w.ready ?? 0}/${w.desired} ready,` : '';
      lines.push(`  ${`${w.kind} ${w.namespace}/${w.name}`.padEnd(40)} ${w.action.padEnd(9)}${counts} ${plural(w.strandedPods.length, 'stranded pod')}: ${w.detail}`);
    }
  }
  if (report.leftInAws) lines.push(...leftLines(report.leftInAws));
  if (report.warnings.length > 0) {
    lines.push('Warnings:');
    for (const w of report.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n') + '\n';
}

/** What may still be in AWS, costing money, and the one command that removes it. */
function leftLines(left: LeftInAws): string[] {
  const status = left.clusterStatus ? ` (${left.clusterStatus})` : '';
  const profiles = left.fargateProfiles.length > 0 ? `, Fargate profiles ${left.fargateProfiles.join(', ')}` : '';
  return [
    `${left.checked && left.clusterStatus ? 'Left in AWS' : 'May be left in AWS'}: cluster ${left.cluster} in ${left.region}${status}${profiles}${left.detail ? ` (${left.detail})` : ''}`,
    `  to remove it: ${left.deleteCommand}`,
  ];
}

/**
 * "Fargate probe: 4 dry runs; restart 1 after it said Fargate (profile fp-kube-system)", plus why the probe was not
 * used; empty when nothing was probed or restarted.
 */
export function probeLine(r: Pick<CoreDnsRecord, 'probes' | 'restartProbes' | 'probeFallback'>): string {
  if (r.probes === 0 && r.restartProbes.length === 0) return '';
  const restarts = r.restartProbes.map(
    (p, i) => `restart ${i + 1} ${p.probe === 'fargate' ? `after it said Fargate${p.profile ? ` (profile ${p.profile})` : ''}` : 'without it'}`,
  );
  const fallback = r.probeFallback ? `; not used: ${r.probeFallback}` : '';
  return `Fargate probe: ${plural(r.probes, 'dry run')}${restarts.length > 0 ? `; ${restarts.join('; ')}` : ''}${fallback}`;
}

/** "; the Fargate probe said yes first (3 probes)" when every restart followed the webhook's answer, for titles. */
export function probedLine(r: Pick<CoreDnsRecord, 'probes' | 'restartProbes'>): string {
  if (r.restartProbes.length === 0 || r.restartProbes.some((p) => p.probe !== 'fargate')) return '';
  return `; the Fargate probe said yes first (${plural(r.probes, 'probe')})`;
}

/** "once", "3 times", with when the first restart came if it was while eksctl ran. */
export function restartCount(c: Pick<CoreDnsRecord, 'restarts' | 'healedDuringEksctl'>): string {
  const count = c.restarts === 1 ? 'once' : `${c.restarts} times`;
  if (!c.healedDuringEksctl) return count;
  return c.restarts === 1 ? `${count} while eksctl ran` : `${count}, the first while eksctl ran`;
}

/** 850ms, 42s, 3m05s, 1h02m. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** "1 poll", "3 polls". */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
