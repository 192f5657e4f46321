import { describe, expect, it } from 'vitest';
import { redactor } from '../../src/core/redact.js';

describe('redactor', () => {
  const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ', AWS_REGION: 'us-west-2' };
  const redact = redactor(env, ['resolved-secret-from-a-profile', 'short', undefined]);

  it('masks EKS bearer tokens, the secrets in the environment and the resolved ones', () => {
    expect(redact(`token: k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1h_-x, key ${env.AWS_SECRET_ACCESS_KEY}`)).toBe('token: k8s-aws-v1.[redacted], key [redacted]');
    expect(redact(`session=${env.AWS_SESSION_TOKEN}&x=1`)).toBe('session=[redacted]&x=1');
    expect(redact('profile says resolved-secret-from-a-profile twice: resolved-secret-from-a-profile')).toBe('profile says [redacted] twice: [redacted]');
  });

  it('leaves ordinary lines, short values and non-secret variables alone', () => {
    const line = '2026-11-28 15:00:00 [ℹ]  using region us-west-2; a short word stays';
    expect(redact(line)).toBe(line);
  });
});
