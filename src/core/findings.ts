// The plan's findings: what the user should know about a config before eksctl runs, each with a level and a code.
//
// Finding codes:
//   COREDNS_NEVER_RUNS          error    Fargate profiles, none of which captures CoreDNS, and no other compute: it stays
//                                        Pending forever.
//   EKSCTL_COREDNS_STEP_FAILS   error    eksctl thinks a selector takes CoreDNS but its step cannot succeed: the labels
//                                        keep the pods off the profile, or no CoreDNS will exist. eksctl fails before
//                                        the nodegroups.
//   COREDNS_STRANDED_BY_EKSCTL  warning  a profile captures CoreDNS but eksctl does not see it: eksctl leaves the
//                                        pods Pending; safe-eksctl restarts them once that profile is ACTIVE.
//   NO_COMPUTE                  warning  CoreDNS exists but nothing runs it yet (compute added later, hybrid nodes):
//                                        create skips the CoreDNS wait and exits 0; check is the gate.
//   NO_COREDNS                  warning  addonsConfig.disableDefaultAddons without coredns: the cluster has no DNS.
//   PRIVATE_ENDPOINT            warning  the API server answers only inside the VPC once eksctl is done.
//   METRICS_SERVER_PENDING      warning  eksctl's metrics-server addon has nowhere to run on this Fargate-only cluster.
//   EC2_ANNOTATION              warning  Kubernetes ≤1.28: CoreDNS carries compute-type: ec2, which Fargate skips.
//   OLD_EKSCTL                  warning  eksctl <0.208.0 ignores the eks.amazonaws.com/component: coredns selector.
//   AUTO_MODE                   info     Auto Mode: EKS runs DNS itself; Fargate profiles still apply.
//   HYBRID_NODES                info     remoteNetworkConfig: hybrid nodes join after create.
//   OUTPOSTS                    info     a local cluster on Outposts: private, tokens signed for its ID.
//   EKSCTL_HANDLES_COREDNS      info     eksctl's own CoreDNS step runs; safe-eksctl checks the result afterwards.
//   COREDNS_ON_EC2              info     CoreDNS runs on EC2 (or Auto Mode) nodes, not on Fargate.
//   UNKNOWN_EKSCTL              info     eksctl's version is unknown: the rules of eksctl <0.208.0 are assumed.
//   NO_FARGATE                  info     no Fargate profiles: nothing to wait for.
import type { ClusterKind } from './cluster-kind.js';
import type { ClusterConfig } from './config.js';
import { COREDNS_NAMESPACE, eksctlSelectsCoreDns, type CoreDnsAnalysis } from './coredns.js';
import { matchingProfile, type PodIdentity } from './selectors.js';
import { EKSCTL_COMPONENT_LABEL_FIX } from './version.js';

export type FindingLevel = 'error' | 'warning' | 'info';

export interface Finding {
  level: FindingLevel;
  code: string;
  message: string;
}

/** The labels of the EKS metrics-server addon's pods (its Helm chart's selector labels). */
export const METRICS_SERVER_POD: PodIdentity = {
  namespace: COREDNS_NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'metrics-server' },
};

interface Inputs {
  config: ClusterConfig;
  version: string | undefined;
  coredns: CoreDnsAnalysis;
  kind: ClusterKind;
}

export function findingsFor(inputs: Inputs): Finding[] {
  const findings: Finding[] = [];
  const add = (level: FindingLevel, code: string, message: string) => findings.push({ level, code, message });
  eksctlVersionFindings(inputs, add);
  kindFindings(inputs, add);
  corednsFindings(inputs, add);
  placementFindings(inputs, add);
  return findings;
}

type Add = (level: FindingLevel, code: string, message: string) => void;

function eksctlVersionFindings({ config, version, coredns }: Inputs, add: Add): void {
  const profiles = config.fargateProfiles ?? [];
  if (version === undefined) {
    add('info', 'UNKNOWN_EKSCTL', `eksctl's version is unknown: assuming the rules of eksctl <${EKSCTL_COMPONENT_LABEL_FIX}`);
  }
  const missed = profiles.find((profile) =>
    profile.selectors.some((s) => eksctlSelectsCoreDns(s, EKSCTL_COMPONENT_LABEL_FIX) && !eksctlSelectsCoreDns(s, version)),
  );
  if (version !== undefined && missed !== undefined && coredns.capturedBy !== null && coredns.exists) {
    add(
      'warning',
      'OLD_EKSCTL',
      `eksctl ${version} ignores the eks.amazonaws.com/component: coredns selector of profile "${missed.name}"; ` +
        `eksctl ${EKSCTL_COMPONENT_LABEL_FIX} and later recognise it`,
    );
  }
  if (profiles.length === 0) {
    add('info', 'NO_FARGATE', `no Fargate profiles: create runs eksctl${coredns.canRun ? ' and then checks that CoreDNS is Ready' : ''}`);
  }
}

function kindFindings({ config, coredns, kind }: Inputs, add: Add): void {
  const { name, region } = config.metadata;
  if (kind.autoMode) {
    add(
      'info',
      'AUTO_MODE',
      'Auto Mode: EKS runs the cluster DNS itself, so eksctl creates no CoreDNS addon' +
        (coredns.exists ? ' (coredns is listed under addons, so a CoreDNS Deployment exists as well)' : '') +
        `; pods no Fargate profile captures run on Auto Mode nodes${kind.autoModeNodes ? '' : ' (none: nodePools is empty)'}; ` +
        'the Fargate profiles and --workloads still apply',
    );
  }
  if (kind.hybridNodes) {
    add('info', 'HYBRID_NODES', 'remoteNetworkConfig: hybrid nodes join from outside AWS after create; eksctl creates none');
  }
  if (kind.outposts) {
    add(
      'info',
      'OUTPOSTS',
      'control plane on Outposts: a local cluster with a private API server; its tokens are signed for the cluster ID ' +
        'DescribeCluster reports, not its name',
    );
  }
  const heal = `safe-eksctl heal --cluster ${name} --region ${region}`;
  if (kind.endpoint === 'private') {
    add(
      'warning',
      'PRIVATE_ENDPOINT',
      `${kind.outposts ? 'the Outposts control plane' : 'vpc.clusterEndpoints.publicAccess is false: the API server'} answers only ` +
        'inside the cluster VPC; run create there. From outside it, safe-eksctl stops with exit 6 as soon as the API ' +
        `server refuses it${coredns.eksctlHandles && coredns.exists ? " (and eksctl's own CoreDNS step fails the same way)" : ''}, ` +
        `and \`${heal}\` run inside the VPC finishes the job`,
    );
  } else if (kind.endpoint === 'private-after-create') {
    add(
      'warning',
      'PRIVATE_ENDPOINT',
      'privateCluster.enabled: eksctl turns the public endpoint off when it is done. safe-eksctl heals CoreDNS while ' +
        `eksctl runs; what comes after eksctl (and \`${heal}\` later) must run inside the cluster VPC, else it stops with exit 6`,
    );
  }
}

function corednsFindings({ config, version, coredns, kind }: Inputs, add: Add): void {
  const profiles = config.fargateProfiles ?? [];
  const { capturedBy } = coredns;
  if (!coredns.exists && !kind.autoMode) {
    add(
      'warning',
      'NO_COREDNS',
      'addonsConfig.disableDefaultAddons and coredns is not under addons: the cluster gets no CoreDNS, so nothing ' +
        'resolves names until one is added (eksctl create addon --name coredns); create leaves DNS alone',
    );
  }
  const eksctlSelector = profiles
    .flatMap((profile) => profile.selectors.map((s) => ({ profile: profile.name, s })))
    .find(({ s }) => eksctlSelectsCoreDns(s, version));
  if (coredns.eksctlHandles && !coredns.exists) {
    add(
      'error',
      'EKSCTL_COREDNS_STEP_FAILS',
      `eksctl takes profile "${eksctlSelector?.profile}" to select CoreDNS, but ${kind.autoMode ? 'Auto Mode' : 'the config'} ` +
        'creates no coredns addon: eksctl\'s CoreDNS step fails on the missing Deployment, before the nodegroups. List ' +
        'coredns under addons, or give that selector a label eksctl does not take for CoreDNS',
    );
    return;
  }
  if (!coredns.exists) return;
  if (coredns.waitsForCompute) {
    const why = kind.hybridNodes
      ? 'until hybrid nodes join'
      : 'until compute is added (a nodegroup, a Fargate profile for kube-system' + (kind.autoMode ? ', an Auto Mode node pool' : '') + ')';
    add(
      'warning',
      'NO_COMPUTE',
      `nothing this config creates can run CoreDNS, so it stays Pending ${why}. create runs eksctl, skips the CoreDNS ` +
        'wait and exits 0; `safe-eksctl check` stays the gate',
    );
  } else if (!coredns.canRun) {
    add(
      'error',
      'COREDNS_NEVER_RUNS',
      'no Fargate profile matches the CoreDNS pods (kube-system, k8s-app: kube-dns, eks.amazonaws.com/component: ' +
        'coredns) and there is no nodegroup: CoreDNS can never run. Add a kube-system selector or a nodegroup',
    );
  } else if (coredns.eksctlHandles && capturedBy === null) {
    add(
      'error',
      'EKSCTL_COREDNS_STEP_FAILS',
      `eksctl takes profile "${eksctlSelector?.profile}" to select CoreDNS, but its labels do not match the CoreDNS pods: ` +
        'eksctl waits its whole --timeout for CoreDNS on Fargate and then fails before creating the nodegroups',
    );
  } else if (capturedBy !== null && coredns.eksctlHandles) {
    add(
      'info',
      'EKSCTL_HANDLES_COREDNS',
      `${version === undefined ? 'eksctl' : `eksctl ${version}`} recognises the CoreDNS selector and moves ` +
        `CoreDNS to profile "${capturedBy}" itself; safe-eksctl waits for the profiles and checks CoreDNS afterwards`,
    );
  } else if (capturedBy !== null && !coredns.ec2Nodes && !coredns.autoModeNodes) {
    add(
      'warning',
      'COREDNS_STRANDED_BY_EKSCTL',
      `profile "${capturedBy}" captures CoreDNS but eksctl does not recognise its selector: plain eksctl leaves ` +
        `CoreDNS Pending forever; safe-eksctl restarts it ${version === undefined ? 'once the profiles are ACTIVE' : 'as soon as that profile is ACTIVE, while eksctl still runs'}`,
    );
  }
}

function placementFindings({ config, version, coredns, kind }: Inputs, add: Add): void {
  const profiles = config.fargateProfiles ?? [];
  const { capturedBy } = coredns;
  const nodes = coredns.ec2Nodes ? "the nodegroup's EC2 nodes" : 'Auto Mode nodes';
  if (coredns.exists && (coredns.ec2Nodes || coredns.autoModeNodes)) {
    if (capturedBy === null) {
      add('info', 'COREDNS_ON_EC2', `no Fargate profile matches the CoreDNS pods: CoreDNS runs on ${nodes}`);
    } else if (!coredns.eksctlHandles) {
      add(
        'info',
        'COREDNS_ON_EC2',
        `CoreDNS pods are created before profile "${capturedBy}" is ACTIVE, so they run on ${nodes}, not on Fargate, ` +
          'until they are restarted',
      );
    }
  }
  if (coredns.exists && coredns.ec2Annotation && capturedBy !== null) {
    add(
      'warning',
      'EC2_ANNOTATION',
      `Kubernetes ${coredns.kubernetesVersion} marks CoreDNS with eks.amazonaws.com/compute-type: ec2, which Fargate ` +
        (coredns.eksctlHandles
          ? 'skips; eksctl replaces it with fargate in its CoreDNS step'
          : 'skips: a restart alone does nothing; safe-eksctl removes the annotation first'),
    );
  }
  const otherCompute = kind.nodegroups > 0 || kind.autoModeNodes || kind.hybridNodes || kind.karpenter;
  // Where CoreDNS can never run, its finding already says that nothing runs in kube-system.
  if (!kind.metricsServerAddon || profiles.length === 0 || otherCompute || (coredns.exists && !coredns.canRun)) return;
  const takenBy = matchingProfile(profiles, METRICS_SERVER_POD)?.name;
  if (takenBy === undefined) {
    add(
      'warning',
      'METRICS_SERVER_PENDING',
      'eksctl creates its metrics-server addon, and no Fargate profile matches its pods (kube-system, ' +
        'app.kubernetes.io/name: metrics-server): on this Fargate-only cluster it stays Pending, and kubectl top and ' +
        'autoscaling get no metrics. A kube-system selector without labels takes it',
    );
  } else if (kind.metricsServerBeforeProfiles) {
    add(
      'warning',
      'METRICS_SERVER_PENDING',
      `eksctl ${version} creates its metrics-server addon before the Fargate profiles (eksctl 0.216.0 and later create it ` +
        `after them): its pods stay Pending although profile "${takenBy}" matches them; --workloads restarts them`,
    );
  }
}
