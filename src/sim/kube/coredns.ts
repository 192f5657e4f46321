// The CoreDNS Deployment EKS installs with every cluster (see eks-facts.md, "CoreDNS details"), and the metrics-server
// Deployment of the EKS community addon eksctl also installs by default.
import { COMPUTE_TYPE_ANNOTATION } from './pods.js';
import type { Deployment } from './types.js';

export const COREDNS_POD_LABELS = { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' } as const;

/** The addon version EKS picks by default for a Kubernetes minor version. */
function coreDnsImageTag(kubernetesVersion: string): string {
  const minor = Number(kubernetesVersion.split('.')[1] ?? 0);
  if (minor <= 28) return 'v1.10.1-eksbuild.18';
  if (minor === 29) return 'v1.11.1-eksbuild.13';
  if (minor === 30) return 'v1.11.3-eksbuild.2';
  return 'v1.11.4-eksbuild.2';
}

/** Manifests for Kubernetes 1.23–1.28 pin CoreDNS to EC2 with a template annotation; from 1.29 on it is absent. */
export function pinsCoreDnsToEc2(kubernetesVersion: string): boolean {
  const [major, minor] = kubernetesVersion.split('.').map(Number);
  return major === 1 && minor !== undefined && minor <= 28;
}

export function coreDnsDeployment(kubernetesVersion: string, region: string): Deployment {
  const annotations = pinsCoreDnsToEc2(kubernetesVersion) ? { [COMPUTE_TYPE_ANNOTATION]: 'ec2' } : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'coredns',
      namespace: 'kube-system',
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { ...COREDNS_POD_LABELS, 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...COREDNS_POD_LABELS }, ...(annotations ? { annotations } : {}) },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          schedulerName: 'default-scheduler',
          restartPolicy: 'Always',
          dnsPolicy: 'Default',
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
          ],
          containers: [
            {
              name: 'coredns',
              image: `602401143452.dkr.ecr.${region}.amazonaws.com/eks/coredns:${coreDnsImageTag(kubernetesVersion)}`,
              args: ['-conf', '/etc/coredns/Corefile'],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
              ],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
            },
          ],
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
    status: {},
  };
}

/** Labels of the metrics-server addon's pods: its Helm chart's selector labels (release name metrics-server). */
export const METRICS_SERVER_POD_LABELS = { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'metrics-server' } as const;

/** The EKS metrics-server community addon: 2 replicas in kube-system, no compute-type annotation. */
export function metricsServerDeployment(region: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'metrics-server', namespace: 'kube-system', uid: '', resourceVersion: '', creationTimestamp: '', labels: { ...METRICS_SERVER_POD_LABELS } },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { ...METRICS_SERVER_POD_LABELS } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...METRICS_SERVER_POD_LABELS } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'metrics-server',
          schedulerName: 'default-scheduler',
          restartPolicy: 'Always',
          containers: [
            {
              name: 'metrics-server',
              image: `602401143452.dkr.ecr.${region}.amazonaws.com/eks/metrics-server:v0.7.2-eksbuild.1`,
              args: ['--secure-port=10250', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', '--metric-resolution=15s'],
              ports: [{ name: 'https', containerPort: 10250, protocol: 'TCP' }],
              resources: { requests: { cpu: '100m', memory: '200Mi' } },
            },
          ],
        },
      },
    },
    status: {},
  };
}
