// How long simulated AWS takes for each step, in simulated seconds. Defaults follow docs/design.md and what EKS
// takes in practice (a Fargate profile needs about two minutes to turn ACTIVE).

export interface SimTimings {
  /** Cluster CREATING → ACTIVE. */
  controlPlaneSeconds: number;
  /** Cluster DELETING → gone. */
  clusterDeleteSeconds: number;
  /** Fargate profile CREATING → ACTIVE (or CREATE_FAILED). */
  fargateProfileSeconds: number;
  /** Fargate profile DELETING → gone. */
  fargateProfileDeleteSeconds: number;
  /** Managed nodegroup CREATING → ACTIVE. */
  nodegroupSeconds: number;
  /** Addon CREATING → ACTIVE, counted from the moment both the addon and its cluster exist. */
  addonSeconds: number;
  /** A profile stays invisible to the admission webhook this long after turning ACTIVE (fault `webhook-delay` wins). */
  webhookDelaySeconds: number;
  /** Fargate admission → pod Running and Ready (fault `fargate-start` wins); applied by the Kubernetes side. */
  fargatePodStartSeconds: number;
  /** default-scheduler pod on an EC2 node → Running and Ready; applied by the Kubernetes side. */
  ec2PodStartSeconds: number;
  /** Auto Mode: control plane ACTIVE → its first nodes take pods (EC2 instances launch in about a minute). */
  autoModeNodeSeconds: number;
  /** UpdateClusterConfig (endpoint access): UPDATING → ACTIVE with the new access. */
  clusterUpdateSeconds: number;
}

export const DEFAULT_TIMINGS: Readonly<SimTimings> = Object.freeze({
  controlPlaneSeconds: 120,
  clusterDeleteSeconds: 60,
  fargateProfileSeconds: 120,
  fargateProfileDeleteSeconds: 60,
  nodegroupSeconds: 120,
  addonSeconds: 20,
  webhookDelaySeconds: 10,
  fargatePodStartSeconds: 45,
  ec2PodStartSeconds: 5,
  autoModeNodeSeconds: 45,
  clusterUpdateSeconds: 120,
});

export function resolveTimings(overrides: Partial<SimTimings> = {}): SimTimings {
  const timings = { ...DEFAULT_TIMINGS };
  for (const [key, value] of Object.entries(overrides) as [keyof SimTimings, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_TIMINGS)) throw new RangeError(`unknown simulator timing "${key}"`);
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`simulator timing ${key} must be ≥ 0, got ${value}`);
    timings[key] = value;
  }
  return timings;
}
