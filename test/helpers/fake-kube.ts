// A small CoreDNS world behind KubeApi: a Deployment whose restart replaces its pods, pods that become Ready some
// time after admission, nodes and events, and a Fargate webhook that answers dry-run creates. Time is Date.now(), so
// vitest's fake timers drive it.
import { KubeApiError, type DeploymentInfo, type KubeApi, type KubeEvent, type NodeInfo, type RestartOptions } from '../../src/adapters/kube.js';
import type { PodInfo } from '../../src/core/pods.js';
import type { ProbeAnswer, ProbePod } from '../../src/core/probe.js';

export interface FakePod {
  name: string;
  generation: number;
  schedulerName: string;
  createdAt: number;
  /** Ready this long after creation; undefined = never scheduled / never Ready. */
  readyAfterMs: number | undefined;
  nodeName?: string;
}

export interface FakeKubeOptions {
  replicas?: number;
  templateAnnotations?: Record<string, string>;
  /**
   * Scheduler and start time of the pods created by restart number n (1-based). Without it, the webhook decides: pods
   * go to fargate-scheduler (Ready 45 s later) once it sees the profile, else default-scheduler.
   */
  onRestart?: (n: number) => { schedulerName: string; readyAfterMs: number | undefined };
  /** Epoch ms from which the webhook sees the capturing profile; default: always. */
  webhookSeesAt?: number;
  /** Every dry-run create fails with this error (a 403 for RBAC without create pods, say). */
  probeError?: KubeApiError;
  /** What the dry-run answer says, overriding the webhook (an unusable answer, say). */
  probeAnswer?: (pod: ProbePod) => ProbeAnswer;
  /** How long each dry-run create takes to answer. */
  probeLatencyMs?: number;
  nodes?: NodeInfo[];
  /** Calls (by count, 1-based across all calls) answered with this error. */
  failCalls?: Record<number, KubeApiError>;
}

export class FakeKube implements KubeApi {
  generation = 1;
  pods: FakePod[] = [];
  templateAnnotations: Record<string, string>;
  readonly restarts: { at: string; removeAnnotations: readonly string[] }[] = [];
  /** listPods calls made before each restart. */
  readonly readsAtRestart: number[] = [];
  readonly counts = { getDeployment: 0, listPods: 0, listNodes: 0, listEvents: 0, restartDeployment: 0, dryRunCreatePod: 0 };
  /** Every dry-run pod, with when it was sent. */
  readonly probes: { at: number; pod: ProbePod }[] = [];
  private calls = 0;
  private podCounter = 0;

  constructor(
    private readonly options: FakeKubeOptions & { initial: { schedulerName: string; readyAfterMs: number | undefined; nodeName?: string } },
  ) {
    this.templateAnnotations = { ...(options.templateAnnotations ?? {}) };
    this.createPods(options.initial);
  }

  private get replicas() {
    return this.options.replicas ?? 2;
  }

  private createPods(spec: { schedulerName: string; readyAfterMs: number | undefined; nodeName?: string }) {
    for (let i = 0; i < this.replicas; i++) {
      this.pods.push({ name: `coredns-g${this.generation}-${++this.podCounter}`, generation: this.generation, createdAt: Date.now(), ...spec });
    }
  }

  private tick(what: keyof FakeKube['counts']) {
    this.counts[what]++;
    const failure = this.options.failCalls?.[++this.calls];
    if (failure) throw failure;
  }

  private isReady(pod: FakePod) {
    return pod.readyAfterMs !== undefined && Date.now() - pod.createdAt >= pod.readyAfterMs;
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentInfo | undefined> {
    this.tick('getDeployment');
    const current = this.pods.filter((p) => p.generation === this.generation);
    const ready = current.filter((p) => this.isReady(p)).length;
    return {
      namespace,
      name,
      generation: this.generation,
      observedGeneration: this.generation,
      desired: this.replicas,
      current: this.pods.length,
      updated: current.length,
      ready,
      available: ready,
      templateAnnotations: { ...this.templateAnnotations },
      template: {
        labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
        annotations: { ...this.templateAnnotations },
        spec: { containers: [{ name: 'coredns', image: 'coredns:v1.11.3' }] },
      },
    };
  }

  /** Whether the webhook sees the capturing profile now. */
  webhookSees(): boolean {
    return Date.now() >= (this.options.webhookSeesAt ?? -Infinity);
  }

  async dryRunCreatePod(pod: ProbePod): Promise<ProbeAnswer> {
    this.probes.push({ at: Date.now(), pod });
    this.tick('dryRunCreatePod');
    if (this.options.probeLatencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.probeLatencyMs));
    if (this.options.probeError) throw this.options.probeError;
    if (this.options.probeAnswer) return this.options.probeAnswer(pod);
    // The webhook skips compute-type: ec2 pods, as the real one does.
    const captured = this.webhookSees() && pod.annotations['eks.amazonaws.com/compute-type'] !== 'ec2';
    return {
      name: `${pod.generateName}x7k2p`,
      schedulerName: captured ? 'fargate-scheduler' : 'default-scheduler',
      labels: { ...pod.labels, ...(captured ? { 'eks.amazonaws.com/fargate-profile': 'fp-coredns' } : {}) },
    };
  }

  async listPods(namespace: string): Promise<PodInfo[]> {
    this.tick('listPods');
    return this.pods.map((p) => {
      const ready = this.isReady(p);
      const scheduled = p.schedulerName === 'fargate-scheduler' || p.nodeName !== undefined;
      return {
        namespace,
        name: p.name,
        labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
        annotations: {},
        schedulerName: p.schedulerName,
        phase: ready ? 'Running' : 'Pending',
        conditions: ready
          ? [{ type: 'Ready', status: 'True' }]
          : scheduled
            ? [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [coredns]' }]
            : [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' }],
        ...(p.nodeName ? { nodeName: p.nodeName } : scheduled && ready ? { nodeName: `fargate-ip-${p.name}` } : {}),
        creationTimestamp: p.createdAt,
        ownerReferences: [{ kind: 'ReplicaSet', name: `coredns-g${p.generation}` }],
      };
    });
  }

  async restartDeployment(_namespace: string, _name: string, { at, removeAnnotations = [] }: RestartOptions): Promise<void> {
    this.tick('restartDeployment');
    this.restarts.push({ at: at.toISOString(), removeAnnotations });
    this.readsAtRestart.push(this.counts.listPods);
    for (const key of removeAnnotations) delete this.templateAnnotations[key];
    this.templateAnnotations['kubectl.kubernetes.io/restartedAt'] = at.toISOString();
    this.generation++;
    // Old pods are not Ready, so the controller replaces them all at once.
    this.pods = [];
    const next =
      this.options.onRestart?.(this.restarts.length) ??
      (this.webhookSees() && this.templateAnnotations['eks.amazonaws.com/compute-type'] !== 'ec2'
        ? { schedulerName: 'fargate-scheduler', readyAfterMs: 45_000 }
        : { schedulerName: 'default-scheduler', readyAfterMs: undefined });
    this.createPods(next);
  }

  async listEvents(_namespace: string, name: string): Promise<KubeEvent[]> {
    this.tick('listEvents');
    const pod = this.pods.find((p) => p.name === name);
    if (!pod) return [];
    return [
      { type: 'Normal', reason: 'Scheduled', message: `assigned ${name}`, count: 1, lastSeen: pod.createdAt },
      { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP 503', count: 9, lastSeen: pod.createdAt + 1 },
    ];
  }

  async listNodes(): Promise<NodeInfo[]> {
    this.tick('listNodes');
    return this.options.nodes ?? [];
  }
}

export const ec2Node: NodeInfo = { name: 'ip-10-0-1-1.ec2.internal', labels: {}, ready: true, unschedulable: false, taints: [] };
