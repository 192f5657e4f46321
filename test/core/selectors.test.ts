import { describe, expect, it } from 'vitest';
import { globMatch, matchingProfile, selectorMatches } from '../../src/core/selectors.js';

const coredns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' } };

describe('globMatch', () => {
  it.each([
    ['kube-system', 'kube-system', true],
    ['kube-system', 'kube-systems', false],
    ['kube-*', 'kube-system', true],
    ['kube-*', 'kube-', true],
    ['kube-*', 'kube', false],
    ['*', '', true],
    ['*', 'anything', true],
    ['*-system', 'kube-system', true],
    ['k*e-s*m', 'kube-system', true],
    ['kube-syste?', 'kube-system', true],
    ['kube-syste?', 'kube-syste', false],
    ['?', '', false],
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['eks.amazonaws.com/*', 'eks.amazonaws.com/component', true],
    ['(x)[y]+{z}|^$\\', '(x)[y]+{z}|^$\\', true],
    ['Kube-System', 'kube-system', false],
  ])('%s against %s → %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});

describe('selectorMatches', () => {
  it('needs the namespace to match', () => {
    expect(selectorMatches({ namespace: 'kube-system' }, coredns)).toBe(true);
    expect(selectorMatches({ namespace: 'default' }, coredns)).toBe(false);
    expect(selectorMatches({ namespace: 'kube-*', labels: null }, coredns)).toBe(true);
  });

  it('needs every selector label on the pod', () => {
    expect(selectorMatches({ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, coredns)).toBe(true);
    expect(
      selectorMatches({ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', tier: 'dns' } }, coredns),
    ).toBe(false);
    expect(selectorMatches({ namespace: 'kube-system', labels: { 'k8s-app': 'coredns' } }, coredns)).toBe(false);
  });

  it('takes wildcards in label keys and values', () => {
    expect(selectorMatches({ namespace: 'kube-system', labels: { 'k8s-app': 'kube-*' } }, coredns)).toBe(true);
    expect(selectorMatches({ namespace: 'kube-system', labels: { '*/component': 'core???' } }, coredns)).toBe(true);
    expect(selectorMatches({ namespace: 'kube-system', labels: { '*': '*' } }, coredns)).toBe(true);
    expect(selectorMatches({ namespace: 'kube-system', labels: { '*': 'web' } }, coredns)).toBe(false);
    expect(selectorMatches({ namespace: 'kube-system', labels: { 'k8s-*': 'coredns' } }, coredns)).toBe(false);
  });

  it('does not let a pod without labels match a labelled selector', () => {
    expect(selectorMatches({ namespace: '*', labels: { app: '*' } }, { namespace: 'a', labels: {} })).toBe(false);
  });
});

describe('matchingProfile', () => {
  const profiles = [
    { name: 'fp-system', selectors: [{ namespace: 'default' }, { namespace: 'kube-system' }] },
    { name: 'fp-dns', selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }] },
    { name: 'Fp-upper', selectors: [{ namespace: 'monitoring' }] },
    { name: 'fp-all', selectors: [{ namespace: '*', labels: { team: 'a' } }] },
  ];

  it('picks the first matching profile by name, not by config order', () => {
    expect(matchingProfile(profiles, coredns)?.name).toBe('fp-dns');
    expect(matchingProfile(profiles.slice(0, 1), coredns)?.name).toBe('fp-system');
  });

  it('orders names by code point, so upper case comes first', () => {
    const pod = { namespace: 'monitoring', labels: { team: 'a' } };
    expect(matchingProfile(profiles, pod)?.name).toBe('Fp-upper');
  });

  it('uses any selector of a profile', () => {
    expect(matchingProfile(profiles, { namespace: 'default', labels: {} })?.name).toBe('fp-system');
  });

  it('returns undefined when nothing matches, and leaves the list alone', () => {
    const before = profiles.map((p) => p.name);
    expect(matchingProfile(profiles, { namespace: 'apps', labels: { team: 'b' } })).toBeUndefined();
    expect(matchingProfile([], coredns)).toBeUndefined();
    expect(profiles.map((p) => p.name)).toEqual(before);
  });
});
