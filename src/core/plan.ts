// The pure plan: what `create` will do with a config, and what the user should know first. `plan` prints it,
// `create` follows it (and refuses an error finding unless --force). The findings and their codes: ./findings.ts.
import { clusterKind, type ClusterKind } from './cluster-kind.js';
import type { ClusterConfig } from './config.js';
import { analyzeCoreDns, type CoreDnsAnalysis } from './coredns.js';
import { findingsFor, type Finding } from './findings.js';
import { isKnownVersion, UNKNOWN_VERSION } from './version.js';

export type { Finding, FindingLevel } from './findings.js';

export interface Plan {
  cluster: { name: string; region: string; version: string | null };
  eksctlVersion: string;
  /** What kind of cluster the config makes: addons, compute, endpoint access. */
  kind: ClusterKind;
  coredns: CoreDnsAnalysis;
  /** Namespace patterns the Fargate profiles capture, each once, in config order. */
  capturedNamespaces: string[];
  findings: Finding[];
  steps: string[];
}

export interface BuildPlanOptions {
  configFile?: string;
  /** eksctl's --without-nodegroup was given: the config's nodegroups are not created. */
  withoutNodegroup?: boolean;
}

export function buildPlan(config: ClusterConfig, eksctlVersion: string | undefined, { configFile = 'cluster.yaml', withoutNodegroup = false }: BuildPlanOptions = {}): Plan {
  const version = isKnownVersion(eksctlVersion) ? eksctlVersion : undefined;
  const kind = clusterKind(config, { withoutNodegroup, eksctlVersion: version });
  const coredns = analyzeCoreDns(config, version, kind);
  const profiles = config.fargateProfiles ?? [];
  return {
    cluster: { name: config.metadata.name, region: config.metadata.region, version: config.metadata.version ?? null },
    eksctlVersion: version ?? UNKNOWN_VERSION,
    kind,
    coredns,
    capturedNamespaces: [...new Set(profiles.flatMap((profile) => profile.selectors.map((s) => s.namespace)))],
    findings: findingsFor({ config, version, coredns, kind }),
    steps: stepsFor(config, coredns, kind, configFile, version !== undefined),
  };
}

/** 1 when an error finding says the cluster cannot come up healthy, else 0. */
export function planExitCode(plan: Plan): number {
  return plan.findings.some((finding) => finding.level === 'error') ? 1 : 0;
}

/**
 * Why create leaves CoreDNS alone after eksctl, or undefined when it looks: there is none (Auto Mode's DNS, default
 * addons disabled) or nothing runs it yet (compute comes later). The heal phase is skipped with this reason.
 */
export function corednsSkipReason({ coredns, kind, cluster }: Pick<Plan, 'coredns' | 'kind'> & { cluster: { name: string; region: string } }): string | undefined {
  if (!coredns.exists) {
    return kind.autoMode ? 'Auto Mode runs the cluster DNS: there is no CoreDNS to heal' : 'the config creates no CoreDNS (default addons disabled)';
  }
  if (coredns.waitsForCompute) {
    const later = kind.hybridNodes ? 'until hybrid nodes join' : 'until compute is added';
    return `nothing can run CoreDNS yet: it stays Pending ${later}; safe-eksctl check --cluster ${cluster.name} --region ${cluster.region} is the gate`;
  }
  return undefined;
}

/** `knownEksctl`: create heals CoreDNS during eksctl only when it knows eksctl's rules (an unknown one may handle it). */
function stepsFor(config: ClusterConfig, coredns: CoreDnsAnalysis, kind: ClusterKind, configFile: string, knownEksctl: boolean): string[] {
  const early = knownEksctl ? ' (from the moment it is ACTIVE, while eksctl still runs)' : '';
  const profiles = config.fargateProfiles ?? [];
  const { name, region } = config.metadata;
  const steps = [
    `run eksctl create cluster -f ${configFile} (cluster "${name}" in ${region}, Kubernetes ${coredns.kubernetesVersion})`,
  ];
  if (profiles.length > 0) {
    steps.push(`wait until every Fargate profile is ACTIVE: ${profiles.map((profile) => profile.name).join(', ')}`);
  }
  const metricsServer = kind.metricsServerAddon && profiles.length > 0 ? ["look at the pods of eksctl's metrics-server addon and warn if they are Pending"] : [];
  if (!coredns.exists || coredns.waitsForCompute) {
    steps.push(`leave CoreDNS alone: ${corednsSkipReason({ coredns, kind, cluster: { name, region } })}`);
    return [...steps, ...metricsServer];
  }
  if (!coredns.canRun) {
    steps.push('stop: CoreDNS can never run with this config (create refuses it unless --force)');
    return steps;
  }
  if (coredns.capturedBy === null) {
    steps.push(`wait until CoreDNS is Ready on the ${coredns.ec2Nodes ? 'EC2' : 'Auto Mode'} nodes`);
  } else if (coredns.eksctlHandles) {
    steps.push(`check that CoreDNS runs on Fargate (profile "${coredns.capturedBy}"); heal it if it is still Pending`);
  } else if (coredns.ec2Nodes || coredns.autoModeNodes) {
    steps.push(
      `check CoreDNS: restart pods still Pending so profile "${coredns.capturedBy}" schedules them on Fargate${early}; ` +
        'wait until it is Ready',
    );
  } else {
    const annotation = coredns.ec2Annotation ? 'remove the compute-type: ec2 annotation and ' : '';
    steps.push(
      `heal CoreDNS: ${annotation}restart the deployment so profile "${coredns.capturedBy}" schedules it on Fargate${early}`,
    );
    steps.push('wait until CoreDNS is Ready');
  }
  return [...steps, ...metricsServer];
}

/**
 * The profile whose turn to ACTIVE starts the CoreDNS heal while eksctl still runs, or undefined when that heal must
 * wait for eksctl to end. Only where eksctl's own CoreDNS step will not run (it patches and waits itself; a restart
 * from us would fight it), and only with a known eksctl: an unknown one may be new enough to handle the selector after
 * all. Not through a kubeconfig either: Kubernetes is then to be reached only through the file eksctl writes at its end.
 */
export function healDuringEksctlFrom(
  { coredns }: Pick<Plan, 'coredns'>,
  eksctlVersion: string | undefined,
  { heal, viaKubeconfig }: { heal: boolean; viaKubeconfig: boolean },
): string | undefined {
  if (viaKubeconfig || !heal || !coredns.exists || coredns.eksctlHandles || coredns.capturedBy === null || !isKnownVersion(eksctlVersion)) return undefined;
  return coredns.capturedBy;
}
