// A pod's life on the simulated clock: admission (./admission.ts: defaults, the EKS Fargate webhook), scheduling
// (default-scheduler onto EC2 nodes, fargate-scheduler onto a node of its own: ./nodes.ts) and the kubelet's part
// (ContainerCreating → Running/Ready).
import type { SimClock } from '../clock.js';
import type { Faults } from '../faults.js';
import { admitToFargate, applyPodDefaults, COMPUTE_TYPE_ANNOTATION, DEFAULT_SCHEDULER, FARGATE_SCHEDULER } from './admission.js';
import type { FargateProfileView } from './matching.js';
import { AddressPool } from './names.js';
import { isFargateNode, nodeInternalIp, nodeObject, unschedulableMessage, type NodeKind } from './nodes.js';
import { rfc3339, type ObjectStore } from './store.js';
import type { Condition, ContainerStatus, EventObject, KubeObject, NodeObject, Pod } from './types.js';

export { COMPUTE_TYPE_ANNOTATION };

export interface PodTimings {
  fargatePodStartSeconds: number;
  ec2PodStartSeconds: number;
}

export interface PodLifecycleContext {
  store: ObjectStore;
  clock: Pick<SimClock, 'now' | 'setTimeout' | 'clearTimeout'>;
  faults: Faults;
  region: string;
  kubeletVersion: string;
  timings: PodTimings;
  admissionProfiles(): FargateProfileView[];
  ec2NodesAvailable(): boolean;
  /** What the non-Fargate nodes are: a nodegroup's EC2 instances, or EKS Auto Mode's. */
  nodeKind?: Exclude<NodeKind, 'fargate'>;
  nameSuffix(): string;
  /** Called after every change the lifecycle makes on its own (timers), so controllers see it. */
  changed(): void;
}

const EC2_NODE_COUNT = 2;

export class PodLifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly addresses: AddressPool;
  private ec2Cursor = 0;

  constructor(private readonly ctx: PodLifecycleContext) {
    this.addresses = new AddressPool(ctx.region + ctx.kubeletVersion + ctx.nameSuffix());
  }

  stop(): void {
    for (const t of this.timers) this.ctx.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Creates a pod the way the API server does: defaults, then the mutating webhook, then storage; then schedules it. */
  create(input: Pod): Pod {
    const stored = this.ctx.store.create('pods', this.admitted(input), this.ctx.nameSuffix);
    return this.schedule(stored);
  }

  /**
   * A dryRun=All create: the same defaults and the same webhook (it declares sideEffects None, so the API server calls
   * it on dry runs too), nothing stored, nothing scheduled, no event.
   */
  dryRunCreate(input: Pod, nameSuffix: () => string): Pod {
    return this.ctx.store.dryRunCreate('pods', this.admitted(input), nameSuffix);
  }

  private admitted(input: Pod): Pod {
    const pod = structuredClone(input);
    applyPodDefaults(pod);
    // The webhook runs once, at creation; nothing re-admits a pod later.
    admitToFargate(pod, this.ctx.admissionProfiles(), this.ctx.faults);
    return pod;
  }

  private schedule(pod: Pod): Pod {
    if (pod.spec.nodeName) {
      // Bound at creation (DaemonSet pods): no scheduler decision, but the kubelet's statuses all the same.
      const node = this.ctx.store.get<NodeObject>('nodes', undefined, pod.spec.nodeName);
      if (!node) return pod;
      const bound = this.bind(pod, node, DEFAULT_SCHEDULER);
      this.startContainers(bound, this.ctx.timings.ec2PodStartSeconds);
      return this.ctx.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name) ?? bound;
    }
    if (pod.spec.schedulerName === FARGATE_SCHEDULER) {
      const seconds = this.ctx.faults.fargateStartSeconds ?? this.ctx.timings.fargatePodStartSeconds;
      this.later(seconds, () => this.placeOnFargate(pod));
      return pod;
    }
    if (pod.spec.schedulerName && pod.spec.schedulerName !== DEFAULT_SCHEDULER) return pod;
    return this.scheduleOnEc2(pod);
  }

  /** Schedules Pending default-scheduler pods once EC2 capacity exists; pods keep the scheduler they were admitted with. */
  reconcile(): void {
    if (!this.ctx.ec2NodesAvailable()) return;
    this.ensureEc2Nodes();
    for (const pod of this.ctx.store.list<Pod>('pods')) {
      if (pod.spec.nodeName || pod.status.phase !== 'Pending') continue;
      if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER) !== DEFAULT_SCHEDULER) continue;
      this.scheduleOnEc2(pod);
    }
  }

  ec2Nodes(): NodeObject[] {
    return this.ctx.store.list<NodeObject>('nodes').filter((n) => !isFargateNode(n));
  }

  private ensureEc2Nodes(): NodeObject[] {
    const existing = this.ec2Nodes();
    for (let i = existing.length; i < EC2_NODE_COUNT; i++) existing.push(this.createNode(this.ctx.nodeKind ?? 'ec2'));
    return existing;
  }

  private scheduleOnEc2(pod: Pod): Pod {
    if (!this.ctx.ec2NodesAvailable()) return this.markUnschedulable(pod);
    const nodes = this.ensureEc2Nodes();
    const node = nodes[this.ec2Cursor++ % nodes.length]!;
    const bound = this.bind(pod, node, DEFAULT_SCHEDULER);
    this.startContainers(bound, this.ctx.timings.ec2PodStartSeconds);
    return this.ctx.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name) ?? bound;
  }

  private markUnschedulable(pod: Pod): Pod {
    const message = unschedulableMessage(this.ctx.store.list<NodeObject>('nodes'));
    const condition: Condition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: this.now(),
      reason: 'Unschedulable',
      message,
    };
    const updated = this.ctx.store.update('pods', { ...pod, status: { ...pod.status, phase: 'Pending' as const, conditions: [condition] } });
    this.recordEvent(updated, 'Warning', 'FailedScheduling', message, DEFAULT_SCHEDULER);
    return updated;
  }

  /** The scheduler retries unschedulable pods when nodes change; Fargate nodes only change the reason. */
  refreshUnschedulable(): void {
    const nodes = this.ctx.store.list<NodeObject>('nodes');
    const message = unschedulableMessage(nodes);
    for (const pod of this.ctx.store.list<Pod>('pods')) {
      const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
      if (pod.spec.nodeName || scheduled?.reason !== 'Unschedulable' || scheduled.message === message) continue;
      const conditions = pod.status.conditions!.map((c) => (c.type === 'PodScheduled' ? { ...c, message } : c));
      const updated = this.ctx.store.update('pods', { ...pod, status: { ...pod.status, conditions } });
      this.recordEvent(updated, 'Warning', 'FailedScheduling', message, DEFAULT_SCHEDULER);
    }
  }

  private placeOnFargate(original: Pod): void {
    const pod = this.current(original);
    if (!pod || pod.spec.nodeName) return;
    const node = this.createNode('fargate');
    const bound = this.bind(pod, node, FARGATE_SCHEDULER);
    this.setContainersStarted(bound);
  }

  private bind(pod: Pod, node: NodeObject, scheduler: string): Pod {
    const hostIP = nodeInternalIp(node);
    const conditions: Condition[] = [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: this.now() },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: this.now() },
      { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: this.now(), reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]` },
      { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: this.now(), reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]` },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: this.now() },
    ];
    const containerStatuses: ContainerStatus[] = pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    }));
    const bound = this.ctx.store.update('pods', {
      ...pod,
      spec: { ...pod.spec, nodeName: node.metadata.name },
      status: { ...pod.status, phase: 'Pending' as const, conditions, hostIP, hostIPs: [{ ip: hostIP }], startTime: this.now(), containerStatuses },
    });
    this.recordEvent(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`, scheduler);
    return bound;
  }

  private startContainers(pod: Pod, seconds: number): void {
    this.later(seconds, () => {
      const current = this.current(pod);
      if (current?.spec.nodeName && current.status.phase === 'Pending') this.setContainersStarted(current);
    });
  }

  /** Running and Ready, unless the rollout-stuck fault holds the containers in ContainerCreating forever. */
  private setContainersStarted(pod: Pod): void {
    if (this.ctx.faults.rolloutStuck) return;
    const node = this.ctx.store.get<NodeObject>('nodes', undefined, pod.spec.nodeName ?? '');
    const podIP = node && isFargateNode(node) ? nodeInternalIp(node) : this.podIp();
    const now = this.now();
    const conditions: Condition[] = (pod.status.conditions ?? []).map((c) => ({ type: c.type, status: 'True' as const, lastProbeTime: null, lastTransitionTime: now }));
    const containerStatuses: ContainerStatus[] = pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `${c.image ?? ''}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${pod.metadata.uid.replace(/-/g, '')}${c.name.length}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
      lastState: {},
    }));
    const running = this.ctx.store.update('pods', {
      ...pod,
      status: { ...pod.status, phase: 'Running' as const, conditions, podIP, podIPs: [{ ip: podIP }], containerStatuses },
    });
    for (const c of pod.spec.containers) this.recordEvent(running, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', pod.spec.nodeName);
    this.ctx.changed();
  }

  /** A pod is gone: its Fargate node goes with it. */
  podDeleted(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    const node = this.ctx.store.get<NodeObject>('nodes', undefined, nodeName);
    if (node && isFargateNode(node)) this.ctx.store.delete('nodes', undefined, nodeName);
  }

  private createNode(kind: NodeKind): NodeObject {
    const node = nodeObject(kind, this.addresses.next(), { region: this.ctx.region, kubeletVersion: this.ctx.kubeletVersion, now: this.now() });
    const created = this.ctx.store.create('nodes', node, this.ctx.nameSuffix);
    this.refreshUnschedulable();
    return created;
  }

  private podIp(): string {
    const [third, fourth] = this.addresses.next();
    return `192.168.${third}.${fourth}`;
  }

  recordEvent(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void {
    const now = this.now();
    const hex = (this.ctx.clock.now() * 1000).toString(16).replace('.', '').slice(-16).padStart(16, '0');
    const event: EventObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${object.metadata.name}.${hex}${this.ctx.nameSuffix()}`, namespace: object.metadata.namespace ?? 'default', uid: '', resourceVersion: '', creationTimestamp: '' },
      involvedObject: {
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        apiVersion: object.apiVersion,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: host ? { component, host } : { component },
      reportingComponent: component,
      reportingInstance: host ?? '',
    };
    this.ctx.store.create('events', event, this.ctx.nameSuffix);
  }

  private current(pod: Pod): Pod | undefined {
    const found = this.ctx.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
    return found && found.metadata.uid === pod.metadata.uid ? found : undefined;
  }

  private later(seconds: number, fn: () => void): void {
    const timer = this.ctx.clock.setTimeout(() => {
      this.timers.delete(timer);
      fn();
      this.ctx.changed();
    }, seconds * 1000);
    this.timers.add(timer);
  }

  private now(): string {
    return rfc3339(this.ctx.clock.now());
  }
}

export function isPodReady(pod: Pod): boolean {
  return pod.status.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}
