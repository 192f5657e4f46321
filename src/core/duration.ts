// Durations as people type them for --timeout-style flags: "20m", "90s", "1h30m", "500ms"; a bare number is seconds.
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or a UsageError naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const ms = Math.round(millisecondsIn(text, flag));
  // `0`, `0s`, `0m0s` and `0.1ms` alike would give up at once: a zero timeout is a mistake, whatever unit it has.
  if (ms <= 0) throw new UsageError(`${flag} ${text}: must be longer than zero`);
  return ms;
}

function millisecondsIn(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new UsageError(`${flag} ${text}: not a duration (examples: 90s, 20m, 1h30m)`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit!]!, 0);
}
