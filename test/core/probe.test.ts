import { describe, expect, it } from 'vitest';
import { describeVerdict, probePodFor, readProbeAnswer, templateScheduler, type PodTemplate } from '../../src/core/probe.js';
import { unscheduledPod } from '../helpers/pods.js';

const coredns: PodTemplate = {
  labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
  annotations: { 'eks.amazonaws.com/compute-type': 'ec2', 'prometheus.io/port': '9153' },
  spec: { containers: [{ name: 'coredns', image: 'coredns:v1.11.3' }], serviceAccountName: 'coredns' },
};
const AT = new Date('2026-11-28T12:34:56.789Z');

describe('probePodFor', () => {
  it('builds the pod a Deployment restart would make: template after the restart, ReplicaSet name prefix, pod-template-hash', () => {
    const stuck = unscheduledPod('coredns-7d9c5b8f6d-4kq2x', {
      namespace: 'kube-system',
      labels: { ...coredns.labels, 'pod-template-hash': '7d9c5b8f6d', 'eks.amazonaws.com/fargate-profile': 'stale' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'coredns-7d9c5b8f6d' }],
    });
    const pod = probePodFor({ namespace: 'kube-system', ownerName: 'coredns', template: coredns, examplePod: stuck }, { at: AT, removeAnnotations: ['eks.amazonaws.com/compute-type'] });
    expect(pod).toEqual({
      namespace: 'kube-system',
      generateName: 'coredns-7d9c5b8f6d-',
      // The webhook's own label is not the controller's: a probe must not arrive pre-captured.
      labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns', 'pod-template-hash': '7d9c5b8f6d' },
      annotations: { 'prometheus.io/port': '9153', 'kubectl.kubernetes.io/restartedAt': '2026-11-28T12:34:56Z' },
      spec: coredns.spec,
    });
    // The template handed in is left as it was.
    expect(coredns.annotations).toHaveProperty('eks.amazonaws.com/compute-type', 'ec2');
    expect(pod.spec).not.toBe(coredns.spec);
  });

  it('a StatefulSet pod keeps its ordinal labels and is named after the StatefulSet; no example pod, no extra labels', () => {
    const template: PodTemplate = { labels: { app: 'db' }, annotations: {}, spec: {} };
    const stuck = unscheduledPod('db-0', {
      namespace: 'apps',
      labels: { app: 'db', 'controller-revision-hash': 'db-5f7c9', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' },
      ownerReferences: [{ kind: 'StatefulSet', name: 'db' }],
    });
    expect(probePodFor({ namespace: 'apps', ownerName: 'db', template, examplePod: stuck }, { at: AT })).toMatchObject({
      generateName: 'db-',
      labels: { app: 'db', 'controller-revision-hash': 'db-5f7c9', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' },
    });
    expect(probePodFor({ namespace: 'apps', ownerName: 'web', template: { ...template, labels: { app: 'web' } } }, { at: AT })).toMatchObject({ generateName: 'web-', labels: { app: 'web' } });
  });
});

describe('readProbeAnswer', () => {
  const answer = (schedulerName: string | undefined, labels: Record<string, string> = {}) => ({ name: 'coredns-abc-x7k2p', schedulerName, labels });

  it('fargate-scheduler: a restart now lands on Fargate, under the profile the webhook named', () => {
    expect(readProbeAnswer(answer('fargate-scheduler', { 'eks.amazonaws.com/fargate-profile': 'fp-kube-system' }), 'default-scheduler')).toEqual({ kind: 'fargate', profile: 'fp-kube-system' });
    expect(readProbeAnswer(answer('fargate-scheduler'), 'default-scheduler')).toEqual({ kind: 'fargate', profile: null });
  });

  it("the template's own scheduler: not captured (yet)", () => {
    expect(readProbeAnswer(answer('default-scheduler'), 'default-scheduler')).toEqual({ kind: 'not-fargate', scheduler: 'default-scheduler' });
    expect(readProbeAnswer(answer('stork'), 'stork')).toEqual({ kind: 'not-fargate', scheduler: 'stork' });
  });

  it('no scheduler, or one nobody asked for: unusable', () => {
    expect(readProbeAnswer(answer(undefined), 'default-scheduler').kind).toBe('unusable');
    expect(readProbeAnswer(answer(''), 'default-scheduler').kind).toBe('unusable');
    expect(readProbeAnswer(answer('volcano'), 'default-scheduler')).toMatchObject({ kind: 'unusable', why: expect.stringContaining('"volcano"') });
  });

  it('the template scheduler defaults as the API server defaults it; verdicts in a few words', () => {
    expect(templateScheduler(coredns)).toBe('default-scheduler');
    expect(templateScheduler({ ...coredns, spec: { schedulerName: 'stork' } })).toBe('stork');
    expect(describeVerdict({ kind: 'fargate', profile: 'fp' })).toBe('fargate-scheduler (profile fp)');
    expect(describeVerdict({ kind: 'not-fargate', scheduler: 'default-scheduler' })).toBe('default-scheduler');
  });
});
