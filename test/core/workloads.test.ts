import { describe, expect, it } from 'vitest';
import type { FargateProfileView, PodInfo } from '../../src/core/pods.js';
import { findStrandedPods, planStrandedOwners, replicaSetKey, replicaSetsToResolve, type OwnerRef } from '../../src/core/workloads.js';
import { unscheduledPod } from '../helpers/pods.js';

const apps: FargateProfileView = { name: 'fp-apps', selectors: [{ namespace: 'apps-*' }] };
const labelled: FargateProfileView = { name: 'fp-a-labelled', selectors: [{ namespace: 'apps-web', labels: { tier: 'front' } }] };

function pod(name: string, extra: Partial<PodInfo> = {}): PodInfo {
  return unscheduledPod(name, { namespace: 'apps-web', ...extra });
}

describe('findStrandedPods', () => {
  it('takes Pending, unscheduled default-scheduler pods that an ACTIVE profile matches, with that profile', () => {
    const pods = [
      pod('stuck'),
      pod('front', { labels: { tier: 'front' } }),
      pod('elsewhere', { namespace: 'batch' }),
      pod('on-fargate', { schedulerName: 'fargate-scheduler' }),
      pod('custom', { schedulerName: 'my-scheduler' }),
      pod('bound', { nodeName: 'ip-10-0-0-1.ec2.internal' }),
      pod('running', { phase: 'Running' }),
      pod('leaving', { deletionTimestamp: 5 }),
    ];
    expect(findStrandedPods(pods, [apps, labelled]).map((s) => [s.pod.name, s.profile])).toEqual([
      ['stuck', 'fp-apps'],
      // Of two matching profiles the first by name wins, as the webhook picks it.
      ['front', 'fp-a-labelled'],
    ]);
    expect(findStrandedPods(pods, [])).toEqual([]);
  });
});

describe('planStrandedOwners', () => {
  const rsOf = (name: string) => [{ kind: 'ReplicaSet', name }];
  const stranded = findStrandedPods(
    [
      pod('web-5d9c7-a', { ownerReferences: rsOf('web-5d9c7') }),
      pod('web-5d9c7-b', { ownerReferences: rsOf('web-5d9c7') }),
      pod('db-0', { ownerReferences: [{ kind: 'StatefulSet', name: 'db' }] }),
      pod('legacy-x', { ownerReferences: rsOf('legacy') }),
      pod('debug'),
      pod('agent-1', { ownerReferences: [{ kind: 'DaemonSet', name: 'agent' }] }),
      pod('job-1', { ownerReferences: [{ kind: 'Job', name: 'migrate' }] }),
    ],
    [apps],
  );
  const owners = new Map<string, OwnerRef | undefined>([
    [replicaSetKey('apps-web', 'web-5d9c7'), { kind: 'Deployment', name: 'web' }],
    [replicaSetKey('apps-web', 'legacy'), undefined],
  ]);

  it('asks for each ReplicaSet once', () => {
    expect(replicaSetsToResolve(stranded)).toEqual([
      { namespace: 'apps-web', name: 'web-5d9c7' },
      { namespace: 'apps-web', name: 'legacy' },
    ]);
  });

  it('restarts Deployments and StatefulSets, reports the rest, never touches DaemonSet pods', () => {
    const plan = planStrandedOwners(stranded, owners, { deleteStrandedPods: false });
    expect(plan.map((o) => [o.kind, o.name, o.action, o.pods])).toEqual([
      ['DaemonSet', 'agent', 'leave', ['agent-1']],
      ['Deployment', 'web', 'restart', ['web-5d9c7-a', 'web-5d9c7-b']],
      ['Job', 'migrate', 'report', ['job-1']],
      ['Pod', 'debug', 'report', ['debug']],
      ['ReplicaSet', 'legacy', 'report', ['legacy-x']],
      ['StatefulSet', 'db', 'restart', ['db-0']],
    ]);
    expect(plan.every((o) => o.profile === 'fp-apps')).toBe(true);
    expect(plan.find((o) => o.kind === 'Pod')?.reason).toContain('--delete-stranded-pods');
  });

  it('with --delete-stranded-pods deletes what it would report, and still leaves DaemonSet pods alone', () => {
    const plan = planStrandedOwners(stranded, owners, { deleteStrandedPods: true });
    expect(Object.fromEntries(plan.map((o) => [`${o.kind}/${o.name}`, o.action]))).toEqual({
      'DaemonSet/agent': 'leave',
      'Deployment/web': 'restart',
      'Job/migrate': 'delete',
      'Pod/debug': 'delete',
      'ReplicaSet/legacy': 'delete',
      'StatefulSet/db': 'restart',
    });
  });

  it('a ReplicaSet whose owner was not resolved counts as an orphan', () => {
    const plan = planStrandedOwners(stranded, new Map(), { deleteStrandedPods: false });
    expect(plan.find((o) => o.pods.includes('web-5d9c7-a'))).toMatchObject({ kind: 'ReplicaSet', name: 'web-5d9c7', action: 'report' });
  });
});
