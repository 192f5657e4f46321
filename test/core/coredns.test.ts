import { describe, expect, it } from 'vitest';
import { analyzeCoreDns, eksctlSelectsCoreDns, effectiveKubernetesVersion, hasEc2Annotation } from '../../src/core/coredns.js';
import { config, example } from '../helpers/examples.js';

// eksctl versions: before the component-label fix, after it, and none found (old rules).
const OLD = '0.207.0';
const NEW = '0.230.0';

describe('analyzeCoreDns on every example', () => {
  it.each([
    // file, capturedBy, eksctlHandles for [OLD, NEW, unknown], ec2Annotation, ec2Nodes
    ['bug-report.yaml', 'fp-kube-system', [false, true, false], false, false],
    ['no-labels.yaml', 'fp-kube-system', [true, true, true], false, false],
    ['kube-dns-label.yaml', 'fp-coredns', [false, false, false], false, false],
    ['wildcard-namespace.yaml', 'fp-kube', [false, false, false], false, false],
    ['with-nodegroup.yaml', null, [false, false, false], false, true],
    ['k8s-1.28.yaml', 'fp-kube-system', [false, true, false], true, false],
  ] as const)('%s', (file, capturedBy, handles, ec2Annotation, ec2Nodes) => {
    const cfg = example(file);
    [OLD, NEW, undefined].forEach((version, index) => {
      expect(analyzeCoreDns(cfg, version), `eksctl ${version}`).toEqual({
        capturedBy,
        eksctlHandles: handles[index],
        exists: true,
        canRun: true,
        waitsForCompute: false,
        ec2Annotation,
        ec2Nodes,
        autoModeNodes: false,
        kubernetesVersion: file === 'k8s-1.28.yaml' ? '1.28' : '1.31',
      });
    });
    expect(analyzeCoreDns(cfg, 'unknown').eksctlHandles).toBe(handles[0]);
  });
});

describe('analyzeCoreDns', () => {
  it('says CoreDNS can never run without a capturing profile or a nodegroup', () => {
    const analysis = analyzeCoreDns(config('fargateProfiles:\n  - name: fp\n    selectors: [{namespace: default}]\n'), NEW);
    expect(analysis).toMatchObject({ capturedBy: null, canRun: false, ec2Nodes: false });
    expect(analyzeCoreDns(config(''), NEW)).toMatchObject({ capturedBy: null, canRun: false });
  });

  it('counts unmanaged nodeGroups as EC2 nodes, but not empty lists', () => {
    expect(analyzeCoreDns(config('nodeGroups:\n  - name: ng\n'), NEW)).toMatchObject({ ec2Nodes: true, canRun: true });
    expect(analyzeCoreDns(config('nodeGroups: []\nmanagedNodeGroups: []\n'), NEW)).toMatchObject({ ec2Nodes: false });
  });

  it('names the first capturing profile by name and lets eksctl recognise a later one', () => {
    const cfg = config(
      'fargateProfiles:\n  - name: z-system\n    selectors: [{namespace: kube-system}]\n' +
        '  - name: a-wild\n    selectors: [{namespace: "*"}]\n',
    );
    expect(analyzeCoreDns(cfg, OLD)).toMatchObject({ capturedBy: 'a-wild', eksctlHandles: true });
  });

  it('takes eksctl default Kubernetes version when none is set', () => {
    const analysis = analyzeCoreDns(config('fargateProfiles:\n  - name: fp\n    selectors: [{namespace: kube-system}]\n'), OLD);
    expect(analysis).toMatchObject({ kubernetesVersion: '1.34', ec2Annotation: false });
  });
});

describe("eksctl's own CoreDNS rule", () => {
  it.each([
    [{ namespace: 'kube-system' }, true, true],
    [{ namespace: 'kube-system', labels: {} }, true, true],
    [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' } }, false, true],
    [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns', extra: 'x' } }, false, true],
    [{ namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'core*' } }, false, false],
    [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, false, false],
    [{ namespace: 'kube-*' }, false, false],
    [{ namespace: '*' }, false, false],
  ])('%j: old %s, new %s', (selector, old, current) => {
    expect(eksctlSelectsCoreDns(selector, OLD)).toBe(old);
    expect(eksctlSelectsCoreDns(selector, '0.208.0')).toBe(current);
    expect(eksctlSelectsCoreDns(selector, NEW)).toBe(current);
    expect(eksctlSelectsCoreDns(selector, undefined)).toBe(old);
  });
});

describe('Kubernetes versions', () => {
  it('finds the compute-type: ec2 annotation up to 1.28 only', () => {
    expect(hasEc2Annotation('1.23')).toBe(true);
    expect(hasEc2Annotation('1.28')).toBe(true);
    expect(hasEc2Annotation('1.29')).toBe(false);
    expect(hasEc2Annotation('1.100')).toBe(false);
  });

  it('resolves auto, latest and absent to eksctl default', () => {
    expect(effectiveKubernetesVersion(undefined)).toBe('1.34');
    expect(effectiveKubernetesVersion('auto')).toBe('1.34');
    expect(effectiveKubernetesVersion('latest')).toBe('1.34');
    expect(effectiveKubernetesVersion('1.27')).toBe('1.27');
  });
});
