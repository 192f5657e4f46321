// What `check` answers, as one JSON document or as text. A gate that could not look at something says so: what was
// not read is `null` and "unknown", never an empty list or a zero that reads like a healthy (or empty) cluster.
import type { FargateProfileState } from '../adapters/eks.js';
import type { PodState } from '../core/pods.js';
import type { RestartOutlook } from '../heal/step-toward-restart.js';
import { ExitCode } from '../errors.js';

export interface CheckedPod {
  name: string;
  state: PodState;
  phase: string;
  scheduler: string;
  node: string | null;
  /** The profile that matches the pod now, if any. */
  profile: string | null;
  reason: string;
  /** Conditions that are not True, as `Type=Status (Reason: message)`. */
  conditions: string[];
  latestEvent: { reason: string; message: string } | null;
}

export interface CheckReport {
  ok: boolean;
  exitCode: number;
  cluster: string;
  region: string;
  /** DescribeCluster's computeConfig.enabled: EKS Auto Mode runs the cluster DNS, so no CoreDNS is needed. Absent when the check could not read the cluster. */
  autoMode?: boolean;
  /** null when they could not be read (see `error`); [] when the cluster has none. */
  profiles: { name: string; status: string; selectors: FargateProfileState['selectors']; healthIssues: FargateProfileState['healthIssues'] }[] | null;
  /** null when the check could not look (see `error`). */
  coredns: {
    found: boolean;
    desired: number;
    ready: number;
    updated: number;
    pods: CheckedPod[];
    /** For stuck pods only (else null): whether a restart now would land on Fargate, by the webhook's own answer. */
    restartNow: RestartOutlook | null;
  } | null;
  /** Why the check failed, one line each; empty when ok. */
  problems: string[];
  /** What could not be read, when the check could not finish looking (exit 1: the gate fails closed). */
  error?: string;
}

/** A report with nothing read yet: what the check reads fills it in, and what it could not read stays unknown. */
export function unreadReport(cluster: string, region: string): CheckReport {
  return { ok: false, exitCode: ExitCode.unhealthy, cluster, region, profiles: null, coredns: null, problems: [] };
}

/**
 * The check stopped at `error`: everything it read so far stays in the report, the rest is unknown. Exit 1, or 6 for
 * a private endpoint this machine cannot reach.
 */
export function failClosed(report: CheckReport, error: string, exitCode: number = ExitCode.unhealthy): CheckReport {
  return { ...report, ok: false, exitCode, problems: [...report.problems, error], error };
}

export function formatCheck(report: CheckReport): string {
  const lines = [`Cluster "${report.cluster}" in ${report.region}: ${report.ok ? 'healthy' : `NOT healthy (exit ${report.exitCode})`}`];
  const profiles = report.profiles;
  lines.push(profiles === null ? 'Fargate profiles: unknown (not read)' : profiles.length === 0 ? 'Fargate profiles: none' : 'Fargate profiles:');
  for (const p of profiles ?? []) {
    const selectors = p.selectors.map((s) => `${s.namespace}${s.labels ? ` ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`).join('; ');
    lines.push(`  ${p.name.padEnd(28)} ${p.status.padEnd(13)} ${selectors}`);
  }
  const c = report.coredns;
  const none = report.autoMode ? 'CoreDNS: no Deployment; EKS Auto Mode runs the cluster DNS' : 'CoreDNS: no Deployment';
  lines.push(!c ? 'CoreDNS: unknown (not read)' : c.found ? `CoreDNS: ${c.ready}/${c.desired} ready` : none);
  for (const p of c?.pods ?? []) {
    lines.push(`  ${p.name.padEnd(28)} ${p.state.padEnd(13)} ${p.phase} on ${p.scheduler}${p.node ? `, node ${p.node}` : ''}`);
    if (p.state === 'healthy') continue;
    lines.push(`    why: ${p.reason}`);
    for (const k of p.conditions) lines.push(`    condition: ${k}`);
    if (p.latestEvent) lines.push(`    latest event: ${p.latestEvent.reason}: ${p.latestEvent.message}`);
  }
  if (report.problems.length > 0) {
    lines.push('Problems:');
    for (const p of report.problems) lines.push(`  - ${p}`);
    if (c?.restartNow) lines.push(`Restart now: ${c.restartNow.detail}`);
    if (c?.pods.some((p) => p.state === 'stuck')) lines.push(`Run: safe-eksctl heal --cluster ${report.cluster} --region ${report.region}`);
  }
  return `${lines.join('\n')}\n`;
}
