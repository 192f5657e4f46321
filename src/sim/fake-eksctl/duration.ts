// Go's time.ParseDuration, which eksctl's `--timeout` uses: "25m", "1h30m", "90s", "1.5h", "500ms".
import { EksctlError } from './errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDuration(text: string, flag = '--timeout'): number {
  const invalid = () => new EksctlError(`invalid argument "${text}" for "${flag}" flag: time: invalid duration "${text}"`);
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw invalid();
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0);
}
