// Which Fargate selectors eksctl believes "select CoreDNS" (pkg/fargate/coredns.selectsCoreDNS), by eksctl version.
// Before 0.208.0 only a label-less kube-system selector counted; from 0.208.0 a selector whose labels include
// `eks.amazonaws.com/component: coredns` counts too (eksctl reads that one key, so extra labels do not stop it).
// Wildcards and the AWS docs' `k8s-app: kube-dns` never count: eksctl compares strings exactly.

export interface FargateSelector {
  namespace: string;
  labels?: Record<string, string>;
}

export interface FargateProfileSpec {
  name: string;
  selectors: FargateSelector[];
}

const COMPONENT_LABEL_SINCE = '0.208.0';

/** Compares dotted numeric versions ("0.207.0", "0.230.0-rc.1" → its numeric part). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((p) => Number(p) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function selectsCoreDns(selector: FargateSelector, eksctlVersion: string): boolean {
  if (selector.namespace !== 'kube-system') return false;
  const labels = Object.entries(selector.labels ?? {});
  if (labels.length === 0) return true;
  if (compareVersions(eksctlVersion, COMPONENT_LABEL_SINCE) < 0) return false;
  return selector.labels?.['eks.amazonaws.com/component'] === 'coredns';
}

/** eksctl's IsSchedulableOnFargate: true when any selector of any profile selects CoreDNS. */
export function isCoreDnsSchedulableOnFargate(profiles: readonly FargateProfileSpec[], eksctlVersion: string): boolean {
  return profiles.some((profile) => profile.selectors.some((selector) => selectsCoreDns(selector, eksctlVersion)));
}
