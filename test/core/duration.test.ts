import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/core/duration.js';
import { UsageError } from '../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['1.5', 1_500],
    ['500ms', 500],
    ['90s', 90_000],
    ['20m', 1_200_000],
    ['1h30m', 5_400_000],
    [' 2m ', 120_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text, '--coredns-timeout')).toBe(ms);
  });

  it.each(['0', '00', '0.0', '0s', '0ms', '0m0s', '0h', '0.0001', '0.4ms'])('rejects the zero duration %j', (text) => {
    expect(() => parseDuration(text, '--fargate-timeout')).toThrow(new UsageError(`--fargate-timeout ${text}: must be longer than zero`));
  });

  it('says a zero duration is a usage error (exit 2), as it says for 0s', () => {
    for (const text of ['0', '0s']) {
      let thrown: unknown;
      try {
        parseDuration(text, '--coredns-timeout');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as UsageError).exitCode).toBe(2);
    }
  });

  it.each(['abc', '10x', '-5', '5 m', '1h-30m', ''])('rejects %j as no duration', (text) => {
    expect(() => parseDuration(text, '--workloads-timeout')).toThrow(
      new UsageError(`--workloads-timeout ${text}: not a duration (examples: 90s, 20m, 1h30m)`),
    );
  });
});
