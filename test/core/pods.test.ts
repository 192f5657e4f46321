import { describe, expect, it } from 'vitest';
import { classifyCoreDnsPods, classifyPod, countStates, pendingPodsWarning, type FargateProfileView, type PodInfo } from '../../src/core/pods.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const COREDNS_LABELS = { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns', 'pod-template-hash': 'abc' };

function pod(overrides: Partial<PodInfo> = {}): PodInfo {
  return {
    namespace: 'kube-system',
    name: 'coredns-abc-1',
    labels: COREDNS_LABELS,
    annotations: {},
    schedulerName: 'default-scheduler',
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' },
    ],
    creationTimestamp: NOW - 10_000,
    ownerReferences: [{ kind: 'ReplicaSet', name: 'coredns-abc' }],
    ...overrides,
  };
}

const labelProfile: FargateProfileView = {
  name: 'fp-coredns',
  selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
};
const defaultOnly: FargateProfileView = { name: 'fp-default', selectors: [{ namespace: 'default' }] };
const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };

describe('classifyCoreDnsPods', () => {
  it('Running and Ready is healthy, whatever the scheduler', () => {
    const [c] = classifyCoreDnsPods([pod({ ...running, schedulerName: 'fargate-scheduler', nodeName: 'fargate-ip-1' })], {
      profiles: [labelProfile],
      now: NOW,
      ec2NodesAvailable: false,
    });
    expect(c?.state).toBe('healthy');
  });

  it('Running but not Ready is not healthy', () => {
    const c = classifyPod(pod({ phase: 'Running', nodeName: 'fargate-ip-1', schedulerName: 'fargate-scheduler', conditions: [{ type: 'Ready', status: 'False' }] }), {
      profiles: [labelProfile],
      now: NOW,
      ec2NodesAvailable: false,
    });
    expect(c.state).toBe('starting');
  });

  it('Pending on default-scheduler while an ACTIVE profile matches is stuck, naming the profile and the scheduler reason', () => {
    const c = classifyPod(pod(), { profiles: [defaultOnly, labelProfile], now: NOW, ec2NodesAvailable: false });
    expect(c.state).toBe('stuck');
    expect(c.profile).toBe('fp-coredns');
    expect(c.reason).toContain('fp-coredns');
    expect(c.reason).toContain('Unschedulable: 0/0 nodes are available');
  });

  it('a wildcard namespace profile also makes a default-scheduler pod stuck', () => {
    const c = classifyPod(pod(), { profiles: [{ name: 'fp-all', selectors: [{ namespace: 'kube-*' }] }], now: NOW, ec2NodesAvailable: false });
    expect(c.state).toBe('stuck');
  });

  it('Pending with no matching profile and no EC2 node can never run', () => {
    const c = classifyPod(pod(), { profiles: [defaultOnly], now: NOW, ec2NodesAvailable: false });
    expect(c.state).toBe('unschedulable');
    expect(c.reason).toContain('no ACTIVE Fargate profile');
  });

  it('Pending with no matching profile waits for an EC2 node when nodes exist', () => {
    const c = classifyPod(pod(), { profiles: [defaultOnly], now: NOW, ec2NodesAvailable: true });
    expect(c.state).toBe('starting');
  });

  it('a fargate-scheduler pod is starting within the allowance and failing after it', () => {
    const fargate = pod({ schedulerName: 'fargate-scheduler', conditions: [{ type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' }] });
    const options = { profiles: [labelProfile], ec2NodesAvailable: false, fargateStartMs: 90_000 };
    expect(classifyPod(fargate, { ...options, now: NOW }).state).toBe('starting');
    const late = classifyPod(fargate, { ...options, now: NOW + 90_000 });
    expect(late.state).toBe('failing');
    expect(late.reason).toBe('ContainersNotReady');
  });

  it('a pod on an EC2 node that is not Ready yet is starting', () => {
    const c = classifyPod(pod({ phase: 'Running', nodeName: 'ip-10-0-0-1', conditions: [] }), { profiles: [labelProfile], now: NOW, ec2NodesAvailable: true });
    expect(c.state).toBe('starting');
  });

  it('a pod being deleted is terminating, and Failed pods are failing', () => {
    const opts = { profiles: [labelProfile], now: NOW, ec2NodesAvailable: false };
    expect(classifyPod(pod({ deletionTimestamp: NOW }), opts).state).toBe('terminating');
    expect(classifyPod(pod({ phase: 'Failed', conditions: [] }), opts).state).toBe('failing');
  });

  it('counts states', () => {
    const classified = classifyCoreDnsPods([pod(), pod({ name: 'b', ...running })], { profiles: [labelProfile], now: NOW, ec2NodesAvailable: false });
    expect(countStates(classified)).toMatchObject({ stuck: 1, healthy: 1, starting: 0 });
  });
});

describe('pendingPodsWarning', () => {
  const metrics = (name: string) => pod({ name, labels: { 'app.kubernetes.io/name': 'metrics-server', 'pod-template-hash': 'x' } });
  const options = { now: NOW, ec2NodesAvailable: false };

  it('says why pods of an addon stay Pending: no profile for them, or one that came too late', () => {
    const none = classifyCoreDnsPods([metrics('m-1'), metrics('m-2')], { ...options, profiles: [defaultOnly] });
    expect(pendingPodsWarning('metrics-server', none)).toBe(
      'metrics-server: 2 pods Pending: no ACTIVE Fargate profile matches them (namespace kube-system, labels app.kubernetes.io/name=metrics-server) ' +
        'and there is no EC2 node; a kube-system selector without labels would take them',
    );
    const late = classifyCoreDnsPods([metrics('m-1')], { ...options, profiles: [{ name: 'fp-system', selectors: [{ namespace: 'kube-system' }] }] });
    expect(pendingPodsWarning('metrics-server', late)).toBe(
      'metrics-server: 1 pod Pending on default-scheduler although Fargate profile "fp-system" matches them (admitted before it was ACTIVE); --workloads restarts them',
    );
  });

  it('says nothing of pods that run or are on their way', () => {
    const fine = classifyCoreDnsPods([pod({ ...running, labels: { 'app.kubernetes.io/name': 'metrics-server' } }), metrics('m-2')], { ...options, ec2NodesAvailable: true, profiles: [] });
    expect(pendingPodsWarning('metrics-server', fine)).toBeUndefined();
  });
});
