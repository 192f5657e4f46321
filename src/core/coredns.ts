// What will happen to CoreDNS for a given config and eksctl (../shared/design/eks-facts.md, "What eksctl does about
// it" and "CoreDNS details"). Pure: the plan and the create pipeline both start from this.
import { clusterKind, type ClusterKind } from './cluster-kind.js';
import type { ClusterConfig } from './config.js';
import { matchingProfile, type PodIdentity, type SelectorLike } from './selectors.js';
import { EKSCTL_COMPONENT_LABEL_FIX, eksctlAtLeast } from './version.js';

export const COREDNS_NAMESPACE = 'kube-system';
export const COREDNS_DEPLOYMENT = 'coredns';
/** The label selector of CoreDNS's pods, as the API's `labelSelector` query parameter takes it. */
export const COREDNS_SELECTOR = 'k8s-app=kube-dns';
/** Manifests for Kubernetes ≤ 1.28 carry it; the Fargate webhook skips pods with `ec2`, so a plain restart is useless. */
export const COMPUTE_TYPE_ANNOTATION = 'eks.amazonaws.com/compute-type';
export const COREDNS_COMPONENT_LABEL = 'eks.amazonaws.com/component';
export const COREDNS_POD: PodIdentity = {
  namespace: COREDNS_NAMESPACE,
  labels: { 'k8s-app': 'kube-dns', [COREDNS_COMPONENT_LABEL]: 'coredns' },
};
/** eksctl v0.230.0's `DefaultVersion` (pkg/apis/eksctl.io/v1alpha5/types.go): what an absent or "auto" version gets. */
export const EKSCTL_DEFAULT_KUBERNETES_VERSION = '1.34';
/** The last Kubernetes version whose CoreDNS manifest carries `eks.amazonaws.com/compute-type: ec2`. */
const LAST_VERSION_WITH_EC2_ANNOTATION = 28;

export interface CoreDnsAnalysis {
  /** The profile Fargate puts CoreDNS pods on once every profile is ACTIVE, or null. */
  capturedBy: string | null;
  /** eksctl's own CoreDNS step will run (it recognises one of the selectors). */
  eksctlHandles: boolean;
  /** eksctl creates the coredns addon: without it the new cluster has no CoreDNS at all (Auto Mode runs DNS itself). */
  exists: boolean;
  /** CoreDNS exists and something will run it: a profile that captures it, a nodegroup, or Auto Mode's nodes. */
  canRun: boolean;
  /**
   * CoreDNS exists but nothing the config creates can run it, and no Fargate profile was meant to: compute comes
   * later (a nodegroup, a kube-system profile, hybrid nodes). It stays Pending until then.
   */
  waitsForCompute: boolean;
  /** The CoreDNS manifest of this Kubernetes version carries `compute-type: ec2`, which Fargate skips. */
  ec2Annotation: boolean;
  /** The config creates EC2 nodes (managedNodeGroups or nodeGroups, unless --without-nodegroup). */
  ec2Nodes: boolean;
  /** Auto Mode launches nodes for pods no Fargate profile captures. */
  autoModeNodes: boolean;
  /** The Kubernetes version the analysis assumed ("1.31"; eksctl's default when the config names none). */
  kubernetesVersion: string;
}

/**
 * eksctl's `selectsCoreDNS`: namespace exactly kube-system, and (since 0.208.0) no labels or a
 * `eks.amazonaws.com/component: coredns` label among them; before 0.208.0 only a selector without labels.
 * Wildcards are never recognised. An unknown eksctl gets the old rule.
 */
export function eksctlSelectsCoreDns(selector: SelectorLike, eksctlVersion: string | undefined): boolean {
  if (selector.namespace !== COREDNS_NAMESPACE) return false;
  const labels = selector.labels ?? {};
  if (Object.keys(labels).length === 0) return true;
  return eksctlAtLeast(eksctlVersion, EKSCTL_COMPONENT_LABEL_FIX) && labels[COREDNS_COMPONENT_LABEL] === 'coredns';
}

/** "auto", "latest" and an absent version all give at least eksctl's default, which has no ec2 annotation. */
export function effectiveKubernetesVersion(configured: string | undefined): string {
  return configured === undefined || !/^\d+\.\d+$/.test(configured) ? EKSCTL_DEFAULT_KUBERNETES_VERSION : configured;
}

export function hasEc2Annotation(kubernetesVersion: string): boolean {
  const [major, minor] = kubernetesVersion.split('.').map(Number);
  return major === 1 && minor !== undefined && minor <= LAST_VERSION_WITH_EC2_ANNOTATION;
}

export function analyzeCoreDns(
  config: ClusterConfig,
  eksctlVersion: string | undefined,
  kind: ClusterKind = clusterKind(config),
): CoreDnsAnalysis {
  const profiles = config.fargateProfiles ?? [];
  const capturedBy = matchingProfile(profiles, COREDNS_POD)?.name ?? null;
  const eksctlHandles = profiles.some((profile) =>
    profile.selectors.some((selector) => eksctlSelectsCoreDns(selector, eksctlVersion)),
  );
  const ec2Nodes = kind.nodegroups > 0;
  const kubernetesVersion = effectiveKubernetesVersion(config.metadata.version);
  const exists = kind.coreDnsAddon;
  const canRun = exists && (capturedBy !== null || ec2Nodes || kind.autoModeNodes);
  return {
    capturedBy,
    eksctlHandles,
    exists,
    canRun,
    // Fargate profiles none of which takes CoreDNS look like a mistake, not a start without compute: unless nodes are
    // to come from outside AWS, the plan keeps calling that one fatal.
    waitsForCompute: exists && !canRun && (profiles.length === 0 || kind.hybridNodes || kind.autoMode),
    ec2Annotation: hasEc2Annotation(kubernetesVersion),
    ec2Nodes,
    autoModeNodes: kind.autoModeNodes,
    kubernetesVersion,
  };
}
