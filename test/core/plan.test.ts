import { describe, expect, it } from 'vitest';
import { buildPlan, corednsSkipReason, planExitCode, type Plan } from '../../src/core/plan.js';
import { parseClusterConfig } from '../../src/core/config.js';
import { config, example } from '../helpers/examples.js';

const codes = (plan: Plan) => plan.findings.map((finding) => `${finding.level}:${finding.code}`);

describe('buildPlan on the examples', () => {
  it.each([
    ['bug-report.yaml', '0.207.0', ['warning:OLD_EKSCTL', 'warning:COREDNS_STRANDED_BY_EKSCTL', 'warning:METRICS_SERVER_PENDING']],
    ['bug-report.yaml', '0.230.0', ['info:EKSCTL_HANDLES_COREDNS', 'warning:METRICS_SERVER_PENDING']],
    ['bug-report.yaml', undefined, ['info:UNKNOWN_EKSCTL', 'warning:COREDNS_STRANDED_BY_EKSCTL', 'warning:METRICS_SERVER_PENDING']],
    // eksctl <0.216.0 creates metrics-server before the profiles: the label-less kube-system selector strands it.
    ['no-labels.yaml', '0.207.0', ['info:EKSCTL_HANDLES_COREDNS', 'warning:METRICS_SERVER_PENDING']],
    ['no-labels.yaml', '0.230.0', ['info:EKSCTL_HANDLES_COREDNS']],
    ['kube-dns-label.yaml', '0.230.0', ['warning:COREDNS_STRANDED_BY_EKSCTL', 'warning:METRICS_SERVER_PENDING']],
    ['wildcard-namespace.yaml', '0.230.0', ['warning:COREDNS_STRANDED_BY_EKSCTL']],
    ['with-nodegroup.yaml', '0.230.0', ['info:COREDNS_ON_EC2']],
    ['k8s-1.28.yaml', '0.207.0', ['warning:OLD_EKSCTL', 'warning:COREDNS_STRANDED_BY_EKSCTL', 'warning:EC2_ANNOTATION', 'warning:METRICS_SERVER_PENDING']],
    ['k8s-1.28.yaml', '0.230.0', ['info:EKSCTL_HANDLES_COREDNS', 'warning:EC2_ANNOTATION', 'warning:METRICS_SERVER_PENDING']],
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
      "look at the pods of eksctl's metrics-server addon and warn if they are Pending",
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

describe('buildPlan on the kinds of cluster eksctl makes', () => {
  const fargateKubeSystem = 'fargateProfiles:\n  - name: fp\n    selectors: [{namespace: kube-system}]\n';

  it('--without-nodegroup leaves no compute: a warning, not a refusal, and the CoreDNS wait is skipped', () => {
    const cfg = config('managedNodeGroups:\n  - name: ng\n');
    const plan = buildPlan(cfg, '0.230.0', { withoutNodegroup: true });
    expect(codes(plan)).toEqual(['info:NO_FARGATE', 'warning:NO_COMPUTE']);
    expect(planExitCode(plan)).toBe(0);
    expect(plan.kind.nodegroups).toBe(0);
    expect(corednsSkipReason(plan)).toBe('nothing can run CoreDNS yet: it stays Pending until compute is added; safe-eksctl check --cluster c --region eu-west-1 is the gate');
    expect(corednsSkipReason(buildPlan(cfg, '0.230.0'))).toBeUndefined();
  });

  it("Auto Mode with a selector eksctl takes for CoreDNS: eksctl's own step fails on the missing Deployment", () => {
    const plan = buildPlan(config(`autoModeConfig: {enabled: true}\n${fargateKubeSystem}`), '0.230.0');
    expect(codes(plan)).toEqual(['info:AUTO_MODE', 'error:EKSCTL_COREDNS_STEP_FAILS']);
    expect(plan.findings.find((f) => f.level === 'error')?.message).toMatch(/^eksctl takes profile "fp" to select CoreDNS, but Auto Mode creates no coredns addon/);
    // Listed under addons, CoreDNS exists and eksctl moves it itself.
    const listed = buildPlan(config(`autoModeConfig: {enabled: true}\naddons: [{name: coredns}]\n${fargateKubeSystem}`), '0.230.0');
    expect(codes(listed)).toEqual(['info:AUTO_MODE', 'info:EKSCTL_HANDLES_COREDNS']);
  });

  it('default addons disabled without coredns: no CoreDNS (a warning), and the same failing step where eksctl looks for it', () => {
    const plan = buildPlan(config('addonsConfig: {disableDefaultAddons: true}\naddons: [{name: vpc-cni}]\n' + fargateKubeSystem), '0.230.0');
    expect(codes(plan)).toEqual(['warning:NO_COREDNS', 'error:EKSCTL_COREDNS_STEP_FAILS']);
    const labelled = buildPlan(
      config('addonsConfig: {disableDefaultAddons: true}\naddons: [{name: vpc-cni}]\nfargateProfiles:\n  - name: fp\n    selectors: [{namespace: kube-system, labels: {k8s-app: kube-dns}}]\n'),
      '0.230.0',
    );
    expect(codes(labelled)).toEqual(['warning:NO_COREDNS']);
    expect(corednsSkipReason(labelled)).toBe('the config creates no CoreDNS (default addons disabled)');
  });

  it('hybrid nodes or Auto Mode turn "never runs" into "waits for compute"', () => {
    const appsOnly = 'fargateProfiles:\n  - name: fp\n    selectors: [{namespace: apps}]\n';
    expect(codes(buildPlan(config(appsOnly), '0.230.0'))).toEqual(['error:COREDNS_NEVER_RUNS']);
    const hybrid = buildPlan(config(`${appsOnly}remoteNetworkConfig: {remoteNodeNetworks: [{cidrs: [10.0.0.0/24]}]}\n`), '0.230.0');
    expect(codes(hybrid)).toEqual(['info:HYBRID_NODES', 'warning:NO_COMPUTE']);
    const noPools = buildPlan(config(`${appsOnly}autoModeConfig: {enabled: true, nodePools: []}\naddons: [{name: coredns}]\n`), '0.230.0');
    expect(codes(noPools)).toEqual(['info:AUTO_MODE', 'warning:NO_COMPUTE']);
  });

  it('metrics-server: Pending with no profile for it; before 0.216.0 eksctl strands it even with one', () => {
    const dnsOnly = 'fargateProfiles:\n  - name: fp\n    selectors: [{namespace: kube-system, labels: {k8s-app: kube-dns}}]\n';
    expect(codes(buildPlan(config(dnsOnly), '0.230.0'))).toContain('warning:METRICS_SERVER_PENDING');
    expect(codes(buildPlan(config(fargateKubeSystem), '0.230.0'))).not.toContain('warning:METRICS_SERVER_PENDING');
    const stranded = buildPlan(config(fargateKubeSystem), '0.215.0').findings.find((f) => f.code === 'METRICS_SERVER_PENDING');
    expect(stranded?.message).toMatch(/^eksctl 0\.215\.0 creates its metrics-server addon before the Fargate profiles/);
    // Not a default before 0.201.0, and never in the regions eksctl leaves it out of.
    expect(buildPlan(config(dnsOnly), '0.200.0').kind.metricsServerAddon).toBe(false);
    const gov = parseClusterConfig(`apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-gov-west-1}\n${dnsOnly}`, 'gov.yaml');
    expect(buildPlan(gov, '0.230.0').kind.metricsServerAddon).toBe(false);
    expect(codes(buildPlan(gov, '0.230.0'))).not.toContain('warning:METRICS_SERVER_PENDING');
  });
});
