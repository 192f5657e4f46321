import { describe, expect, it } from 'vitest';
import {
  compareEksctlVersions,
  eksctlAtLeast,
  normalizeEksctlVersion,
  parseEksctlVersion,
} from '../../src/core/version.js';

describe('eksctl versions', () => {
  it('reads what `eksctl version` prints', () => {
    expect(parseEksctlVersion('0.207.0\n')).toBe('0.207.0');
    expect(parseEksctlVersion('v0.230.0-dev+abc.20250101T000000\n')).toBe('0.230.0-dev+abc.20250101T000000');
    expect(parseEksctlVersion('{"Version":"0.231.0","PreReleaseID":"rc.1"}')).toBe('0.231.0');
    expect(parseEksctlVersion('unknown')).toBeUndefined();
    expect(parseEksctlVersion('')).toBeUndefined();
  });

  it('normalizes and refuses what is no version', () => {
    expect(normalizeEksctlVersion(' v0.208.0 ')).toBe('0.208.0');
    expect(normalizeEksctlVersion('unknown')).toBeUndefined();
    expect(normalizeEksctlVersion('0.208')).toBeUndefined();
  });

  it('orders releases, prereleases before their release, unknown first', () => {
    expect(compareEksctlVersions('0.207.0', '0.208.0')).toBeLessThan(0);
    expect(compareEksctlVersions('0.230.0', '0.208.0')).toBeGreaterThan(0);
    expect(compareEksctlVersions('0.208.0', 'v0.208.0')).toBe(0);
    expect(compareEksctlVersions('0.208.0-dev+abc', '0.208.0')).toBeLessThan(0);
    expect(compareEksctlVersions('0.10.0', '0.9.0')).toBeGreaterThan(0);
    expect(compareEksctlVersions('unknown', '0.1.0')).toBeLessThan(0);
    expect(compareEksctlVersions(undefined, 'unknown')).toBe(0);
  });

  it('gives an unknown eksctl the old rules', () => {
    expect(eksctlAtLeast('0.208.0', '0.208.0')).toBe(true);
    expect(eksctlAtLeast('v0.230.0-dev+abc', '0.208.0')).toBe(true);
    expect(eksctlAtLeast('0.207.0', '0.208.0')).toBe(false);
    expect(eksctlAtLeast('unknown', '0.208.0')).toBe(false);
    expect(eksctlAtLeast(undefined, '0.208.0')).toBe(false);
  });
});
