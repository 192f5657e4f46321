// The nodes pods land on, as EKS registers them: a nodegroup's EC2 instances, EKS Auto Mode's, or one Fargate node
// per pod (tainted compute-type=fargate:NoSchedule), and the scheduler's words when none will do.
import { COMPUTE_TYPE_ANNOTATION } from './admission.js';
import type { NodeObject } from './types.js';

export type NodeKind = 'ec2' | 'fargate' | 'auto';

export const FARGATE_TAINT = { key: COMPUTE_TYPE_ANNOTATION, value: 'fargate', effect: 'NoSchedule' };

/** A Ready node of this kind at 192.168.third.fourth, as the kubelet registers it (`now`: RFC 3339). */
export function nodeObject(kind: NodeKind, [third, fourth]: [number, number], { region, kubeletVersion, now }: { region: string; kubeletVersion: string; now: string }): NodeObject {
  const ip = `192.168.${third}.${fourth}`;
  const base = `ip-192-168-${third}-${fourth}.${region}.compute.internal`;
  const instanceId = `i-0${fourth.toString(16)}${third.toString(16)}5eafc0ffee`;
  // Auto Mode names its nodes by instance ID and labels them compute-type auto (EKS user guide, "Control if a
  // workload is deployed on EKS Auto Mode nodes"); Fargate nodes are fargate-ip-….
  const name = kind === 'fargate' ? `fargate-${base}` : kind === 'auto' ? instanceId : base;
  const zone = `${region}${'abc'[(third + fourth) % 3]}`;
  const labels: Record<string, string> = {
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': kind === 'fargate' ? base : name,
    'topology.kubernetes.io/region': region,
    'topology.kubernetes.io/zone': zone,
    'failure-domain.beta.kubernetes.io/region': region,
    'failure-domain.beta.kubernetes.io/zone': zone,
  };
  if (kind === 'fargate') labels[COMPUTE_TYPE_ANNOTATION] = 'fargate';
  else if (kind === 'auto') {
    labels[COMPUTE_TYPE_ANNOTATION] = 'auto';
    labels['karpenter.sh/nodepool'] = 'general-purpose';
    labels['eks.amazonaws.com/nodeclass'] = 'default';
    labels['node.kubernetes.io/instance-type'] = 'c6a.large';
  } else {
    labels['eks.amazonaws.com/capacityType'] = 'ON_DEMAND';
    labels['eks.amazonaws.com/nodegroup'] = 'ng-1';
    labels['node.kubernetes.io/instance-type'] = 'm5.large';
  }
  const node: NodeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: '', resourceVersion: '', creationTimestamp: '', labels },
    spec: kind === 'fargate' ? { taints: [FARGATE_TAINT], providerID: `aws:///${zone}/fargate-${ip}` } : { providerID: `aws:///${zone}/${instanceId}` },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
        { type: 'InternalDNS', address: base },
      ],
      nodeInfo: {
        kubeletVersion: kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.27',
        osImage: 'Amazon Linux 2023.7.20250512',
        kernelVersion: '6.1.134-152.225.amzn2023.x86_64',
      },
      allocatable: { cpu: kind === 'fargate' ? '2' : '1930m', memory: kind === 'fargate' ? '3928640Ki' : '7291520Ki', pods: kind === 'fargate' ? '1' : '29' },
      capacity: { cpu: '2', memory: kind === 'fargate' ? '4030040Ki' : '7934592Ki', pods: kind === 'fargate' ? '1' : '29' },
    },
  };
  return node;
}

export function isFargateNode(node: NodeObject): boolean {
  return node.metadata.labels?.[COMPUTE_TYPE_ANNOTATION] === 'fargate';
}

export function nodeInternalIp(node: NodeObject): string {
  const addresses = (node.status.addresses ?? []) as { type: string; address: string }[];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
}

/** kube-scheduler's wording: no nodes at all is its own error; Fargate nodes fail on their taint. */
export function unschedulableMessage(nodes: readonly NodeObject[]): string {
  if (nodes.length === 0) return 'no nodes available to schedule pods';
  const n = nodes.length;
  return (
    `0/${n} nodes are available: ${n} node(s) had untolerated taint {${FARGATE_TAINT.key}: ${FARGATE_TAINT.value}}. ` +
    `preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`
  );
}
