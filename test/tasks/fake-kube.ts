// A small CoreDNS world behind KubeApi: a Deployment whose restart replaces its pods, pods that become Ready some
// time after admission, nodes and events. Time is Date.now(), so vitest's fake timers drive it.
import { KubeApiError, type DeploymentInfo, type KubeApi, type KubeEvent, type NodeInfo, type RestartOptions } from '../../src/adapters/kube.js';
import type { PodInfo } from '../../src/core/pods.js';

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
  /** Scheduler and start time of the pods created by restart number n (1-based). */
  onRestart?: (n: number) => { schedulerName: string; readyAfterMs: number | undefined };
  nodes?: NodeInfo[];
  /** Calls (by count, 1-based across all calls) answered with this error. */
  failCalls?: Record<number, KubeApiError>;
}

export class FakeKube implements KubeApi {
  generation = 1;
  pods: FakePod[] = [];
  templateAnnotations: Record<string, string>;
  readonly restarts: { at: string; removeAnnotations: readonly string[] }[] = [];
  readonly counts = { getDeployment: 0, listPods: 0, listNodes: 0, listEvents: 0, restartDeployment: 0 };
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
    for (const key of removeAnnotations) delete this.templateAnnotations[key];
    this.templateAnnotations['kubectl.kubernetes.io/restartedAt'] = at.toISOString();
    this.generation++;
    // Old pods are not Ready, so the controller replaces them all at once.
    this.pods = [];
    const next = this.options.onRestart?.(this.restarts.length) ?? { schedulerName: 'fargate-scheduler', readyAfterMs: 45_000 };
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
