import { describe, expect, it } from 'vitest';
import { buildPlan, planExitCode, type Plan } from '../../src/core/plan.js';
import { config, example } from '../helpers/examples.js';

const codes = (plan: Plan) => plan.findings.map((finding) => `${finding.level}:${finding.code}`);

describe('buildPlan on the examples', () => {
  it.each([
    ['bug-report.yaml', '0.207.0', ['warning:OLD_EKSCTL', 'warning:COREDNS_STRANDED_BY_EKSCTL']],
    ['bug-report.yaml', '0.230.0', ['info:EKSCTL_HANDLES_COREDNS']],
    ['bug-report.yaml', undefined, ['info:UNKNOWN_EKSCTL', 'warning:COREDNS_STRANDED_BY_EKSCTL']],
    ['no-labels.yaml', '0.207.0', ['info:EKSCTL_HANDLES_COREDNS']],
    ['kube-dns-label.yaml', '0.230.0', ['warning:COREDNS_STRANDED_BY_EKSCTL']],
    ['wildcard-namespace.yaml', '0.230.0', ['warning:COREDNS_STRANDED_BY_EKSCTL']],
    ['with-nodegroup.yaml', '0.230.0', ['info:COREDNS_ON_EC2']],
    ['k8s-1.28.yaml', '0.207.0', ['warning:OLD_EKSCTL', 'warning:COREDNS_STRANDED_BY_EKSCTL', 'warning:EC2_ANNOTATION']],
    ['k8s-1.28.yaml', '0.230.0', ['info:EKSCTL_HANDLES_COREDNS', 'warning:EC2_ANNOTATION']],
  ])('%s with eksctl %s', (file, version, expected) => {
    const plan = buildPlan(example(file), version, { configFile: file });
    expect(codes(plan)).toEqual(expected);
    expect(planExitCode(plan)).toBe(0);
    expect(plan.eksctlVersion).toBe(version ?? 'unknown');
    expect(plan.steps[0]).toBe(
      `run eksctl create cluster -f ${file} (cluster "fargate-demo" in us-west-2, Kubernetes ${plan.coredns.kubernetesVersion})`,
    );
  });

  it('lists the profiles to wait for and the healing step', () => {
    const plan = buildPlan(example('k8s-1.28.yaml'), '0.207.0');
    expect(plan.cluster).toEqual({ name: 'fargate-demo', region: 'us-west-2', version: '1.28' });
    expect(plan.capturedNamespaces).toEqual(['default', 'kube-system']);
    expect(plan.steps.slice(1)).toEqual([
      'wait until every Fargate profile is ACTIVE: fp-default, fp-kube-system',
      'heal CoreDNS: remove the compute-type: ec2 annotation and restart the deployment so profile "fp-kube-system" ' +
        'schedules it on Fargate (from the moment it is ACTIVE, while eksctl still runs)',
      'wait until CoreDNS is Ready',
    ]);
  });
});

describe('buildPlan on configs that cannot come up', () => {
  it('fails a config where CoreDNS never runs', () => {
    const plan = buildPlan(config('fargateProfiles:\n  - name: fp\n    selectors: [{namespace: default}]\n'), '0.230.0');
    expect(codes(plan)).toEqual(['error:COREDNS_NEVER_RUNS']);
    expect(plan.coredns.canRun).toBe(false);
    expect(plan.steps.at(-1)).toMatch(/^stop: CoreDNS can never run/);
    expect(planExitCode(plan)).toBe(1);
  });

  it('fails a selector eksctl takes for CoreDNS while its extra label keeps CoreDNS off it', () => {
    const cfg = config(
      'fargateProfiles:\n  - name: fp\n    selectors:\n      - namespace: kube-system\n' +
        '        labels: {eks.amazonaws.com/component: coredns, team: dns}\nmanagedNodeGroups:\n  - name: ng\n',
    );
    expect(codes(buildPlan(cfg, '0.230.0'))).toEqual(['error:EKSCTL_COREDNS_STEP_FAILS', 'info:COREDNS_ON_EC2']);
    expect(codes(buildPlan(cfg, '0.207.0'))).toEqual(['info:COREDNS_ON_EC2']);
  });

  it('says so when there is no Fargate profile at all', () => {
    const plan = buildPlan(config('managedNodeGroups:\n  - name: ng\n'), '0.230.0');
    expect(codes(plan)).toEqual(['info:NO_FARGATE', 'info:COREDNS_ON_EC2']);
    expect(plan.steps).toHaveLength(2);
    expect(plan.cluster.version).toBeNull();
    expect(plan.coredns.kubernetesVersion).toBe('1.34');
  });
});
