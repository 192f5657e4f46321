// The managed addons the simulated EKS knows, and the one configuration value that matters here: CoreDNS's
// `computeType: Fargate`, which removes the `eks.amazonaws.com/compute-type: ec2` annotation (eks-facts.md).
import { parse as parseYaml } from 'yaml';
import { invalidParameter } from '../eks/errors.js';

const FIXED_VERSIONS: Record<string, string> = {
  coredns: 'v1.11.4-eksbuild.2',
  'vpc-cni': 'v1.19.2-eksbuild.1',
  'eks-pod-identity-agent': 'v1.3.4-eksbuild.1',
  'aws-ebs-csi-driver': 'v1.38.1-eksbuild.2',
  'aws-efs-csi-driver': 'v2.1.4-eksbuild.1',
  'metrics-server': 'v0.7.2-eksbuild.1',
  'snapshot-controller': 'v8.1.0-eksbuild.2',
  'amazon-cloudwatch-observability': 'v3.0.0-eksbuild.1',
};

/** The version EKS installs, or undefined for an addon it does not offer. */
export function addonVersion(name: string, requested: string | undefined, kubernetesVersion: string): string | undefined {
  const known = name === 'kube-proxy' ? `v${kubernetesVersion}.0-eksbuild.1` : FIXED_VERSIONS[name];
  if (known === undefined) return undefined;
  return requested ?? known;
}

/** True for the coredns addon configured with `computeType: Fargate`; bad configuration values are refused. */
export function wantsFargateCoreDns(name: string, configurationValues: string | undefined, clusterName: string): boolean {
  if (configurationValues === undefined || configurationValues.trim() === '') return false;
  let values: unknown;
  try {
    // EKS takes JSON or YAML here.
    values = parseYaml(configurationValues);
  } catch (error) {
    throw invalidParameter(`configurationValues is not valid JSON or YAML: ${(error as Error).message}`, {
      clusterName,
      addonName: name,
    });
  }
  if (values === null || typeof values !== 'object') {
    throw invalidParameter('configurationValues must be an object', { clusterName, addonName: name });
  }
  if (name !== 'coredns') return false;
  const computeType = (values as Record<string, unknown>)['computeType'];
  return typeof computeType === 'string' && computeType.toLowerCase() === 'fargate';
}
