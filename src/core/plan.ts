// The pure plan: what `create` will do with a config, and what the user should know first. `plan` prints it,
// `create` follows it (and refuses an error finding unless --force).
//
// Finding codes:
//   COREDNS_NEVER_RUNS          error    no profile captures CoreDNS and no nodegroup: it stays Pending forever.
//   EKSCTL_COREDNS_STEP_FAILS   error    eksctl thinks a selector takes CoreDNS but none does: eksctl waits its
//                                        whole --timeout for CoreDNS on Fargate, then fails before the nodegroups.
//   COREDNS_STRANDED_BY_EKSCTL  warning  a profile captures CoreDNS but eksctl does not see it: eksctl leaves the
//                                        pods Pending; safe-eksctl restarts them once that profile is ACTIVE,
//                                        while eksctl still runs.
//   EC2_ANNOTATION              warning  Kubernetes ≤1.28: CoreDNS carries compute-type: ec2, which Fargate skips;
//                                        safe-eksctl removes it before the restart (only when a profile captures it).
//   OLD_EKSCTL                  warning  eksctl <0.208.0 ignores a kube-system selector labelled
//                                        eks.amazonaws.com/component: coredns that newer eksctl recognises.
//   EKSCTL_HANDLES_COREDNS      info     eksctl's own CoreDNS step runs; safe-eksctl checks the result afterwards.
//   COREDNS_ON_EC2              info     CoreDNS runs on the nodegroup's EC2 nodes, not on Fargate.
//   UNKNOWN_EKSCTL              info     eksctl's version is unknown: the rules of eksctl <0.208.0 are assumed.
//   NO_FARGATE                  info     no Fargate profiles: create is plain eksctl plus a CoreDNS check.
import type { ClusterConfig } from './config.js';
import { analyzeCoreDns, eksctlSelectsCoreDns, type CoreDnsAnalysis } from './coredns.js';
import { EKSCTL_COMPONENT_LABEL_FIX, isKnownVersion, UNKNOWN_VERSION } from './version.js';

export type FindingLevel = 'error' | 'warning' | 'info';

export interface Finding {
  level: FindingLevel;
  code: string;
  message: string;
}

export interface Plan {
  cluster: { name: string; region: string; version: string | null };
  eksctlVersion: string;
  coredns: CoreDnsAnalysis;
  /** Namespace patterns the Fargate profiles capture, each once, in config order. */
  capturedNamespaces: string[];
  findings: Finding[];
  steps: string[];
}

export function buildPlan(
  config: ClusterConfig,
  eksctlVersion: string | undefined,
  { configFile = 'cluster.yaml' }: { configFile?: string } = {},
): Plan {
  const version = isKnownVersion(eksctlVersion) ? eksctlVersion : undefined;
  const coredns = analyzeCoreDns(config, version);
  const profiles = config.fargateProfiles ?? [];
  return {
    cluster: { name: config.metadata.name, region: config.metadata.region, version: config.metadata.version ?? null },
    eksctlVersion: version ?? UNKNOWN_VERSION,
    coredns,
    capturedNamespaces: [...new Set(profiles.flatMap((profile) => profile.selectors.map((s) => s.namespace)))],
    findings: findingsFor(config, version, coredns),
    steps: stepsFor(config, coredns, configFile, version !== undefined),
  };
}

/** 1 when an error finding says the cluster cannot come up healthy, else 0. */
export function planExitCode(plan: Plan): number {
  return plan.findings.some((finding) => finding.level === 'error') ? 1 : 0;
}

function findingsFor(config: ClusterConfig, version: string | undefined, coredns: CoreDnsAnalysis): Finding[] {
  const profiles = config.fargateProfiles ?? [];
  const findings: Finding[] = [];
  const add = (level: FindingLevel, code: string, message: string) => findings.push({ level, code, message });
  const { capturedBy } = coredns;

  if (version === undefined) {
    add('info', 'UNKNOWN_EKSCTL', `eksctl's version is unknown: assuming the rules of eksctl <${EKSCTL_COMPONENT_LABEL_FIX}`);
  }
  const missed = profiles.find((profile) =>
    profile.selectors.some(
      (s) => eksctlSelectsCoreDns(s, EKSCTL_COMPONENT_LABEL_FIX) && !eksctlSelectsCoreDns(s, version),
    ),
  );
  if (version !== undefined && missed !== undefined && capturedBy !== null) {
    add(
      'warning',
      'OLD_EKSCTL',
      `eksctl ${version} ignores the eks.amazonaws.com/component: coredns selector of profile "${missed.name}"; ` +
        `eksctl ${EKSCTL_COMPONENT_LABEL_FIX} and later recognise it`,
    );
  }
  if (profiles.length === 0) {
    add('info', 'NO_FARGATE', 'no Fargate profiles: create runs eksctl and then checks that CoreDNS is Ready');
  }

  if (!coredns.canRun) {
    add(
      'error',
      'COREDNS_NEVER_RUNS',
      'no Fargate profile matches the CoreDNS pods (kube-system, k8s-app: kube-dns, eks.amazonaws.com/component: ' +
        'coredns) and there is no nodegroup: CoreDNS can never run. Add a kube-system selector or a nodegroup',
    );
  } else if (coredns.eksctlHandles && capturedBy === null) {
    const selector = profiles
      .flatMap((profile) => profile.selectors.map((s) => ({ profile: profile.name, s })))
      .find(({ s }) => eksctlSelectsCoreDns(s, version));
    add(
      'error',
      'EKSCTL_COREDNS_STEP_FAILS',
      `eksctl takes profile "${selector?.profile}" to select CoreDNS, but its labels do not match the CoreDNS pods: ` +
        'eksctl waits its whole --timeout for CoreDNS on Fargate and then fails before creating the nodegroups',
    );
  } else if (capturedBy !== null && coredns.eksctlHandles) {
    add(
      'info',
      'EKSCTL_HANDLES_COREDNS',
      `${version === undefined ? 'eksctl' : `eksctl ${version}`} recognises the CoreDNS selector and moves ` +
        `CoreDNS to profile "${capturedBy}" itself; safe-eksctl waits for the profiles and checks CoreDNS afterwards`,
    );
  } else if (capturedBy !== null && !coredns.ec2Nodes) {
    add(
      'warning',
      'COREDNS_STRANDED_BY_EKSCTL',
      `profile "${capturedBy}" captures CoreDNS but eksctl does not recognise its selector: plain eksctl leaves ` +
        `CoreDNS Pending forever; safe-eksctl restarts it ${version === undefined ? 'once the profiles are ACTIVE' : 'as soon as that profile is ACTIVE, while eksctl still runs'}`,
    );
  }
  if (capturedBy === null && coredns.ec2Nodes) {
    add('info', 'COREDNS_ON_EC2', 'no Fargate profile matches the CoreDNS pods: CoreDNS runs on the nodegroup');
  } else if (capturedBy !== null && coredns.ec2Nodes && !coredns.eksctlHandles) {
    add(
      'info',
      'COREDNS_ON_EC2',
      `CoreDNS pods are created before profile "${capturedBy}" is ACTIVE, so they run on the nodegroup's EC2 nodes, ` +
        'not on Fargate, until they are restarted',
    );
  }
  if (coredns.ec2Annotation && capturedBy !== null) {
    add(
      'warning',
      'EC2_ANNOTATION',
      `Kubernetes ${coredns.kubernetesVersion} marks CoreDNS with eks.amazonaws.com/compute-type: ec2, which Fargate ` +
        (coredns.eksctlHandles
          ? 'skips; eksctl replaces it with fargate in its CoreDNS step'
          : 'skips: a restart alone does nothing; safe-eksctl removes the annotation first'),
    );
  }
  return findings;
}

/** `knownEksctl`: create heals CoreDNS during eksctl only when it knows eksctl's rules (an unknown one may handle it). */
function stepsFor(config: ClusterConfig, coredns: CoreDnsAnalysis, configFile: string, knownEksctl: boolean): string[] {
  const early = knownEksctl ? ' (from the moment it is ACTIVE, while eksctl still runs)' : '';
  const profiles = config.fargateProfiles ?? [];
  const { name, region } = config.metadata;
  const steps = [
    `run eksctl create cluster -f ${configFile} (cluster "${name}" in ${region}, Kubernetes ${coredns.kubernetesVersion})`,
  ];
  if (profiles.length > 0) {
    steps.push(`wait until every Fargate profile is ACTIVE: ${profiles.map((profile) => profile.name).join(', ')}`);
  }
  if (!coredns.canRun) {
    steps.push('stop: CoreDNS can never run with this config (create refuses it unless --force)');
    return steps;
  }
  if (coredns.capturedBy === null) {
    steps.push('wait until CoreDNS is Ready on the EC2 nodes');
  } else if (coredns.eksctlHandles) {
    steps.push(`check that CoreDNS runs on Fargate (profile "${coredns.capturedBy}"); heal it if it is still Pending`);
  } else if (coredns.ec2Nodes) {
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
  return steps;
}
