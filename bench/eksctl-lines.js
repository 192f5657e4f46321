// How fast the eksctl phase takes in eksctl's lines: on a terminal (under `script`, a real pseudo-terminal, so the
// live task tree renders) and in CI mode (CI=1, output to a pipe), each with and without --verbose. eksctl blocks on
// its pipe while we lag, so lines per second here is the pace safe-eksctl lets eksctl go at.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('./eksctl-lines-run.js', import.meta.url));

/** Single quotes for sh. @param {string} s */
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * @param {{ lines: number, terminal: boolean, verbose: boolean }} options
 * @returns {{ lines: number, ms: number, linesPerSecond: number }}
 */
function measure({ lines, terminal, verbose }) {
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-bench-lines-'));
  const result = join(dir, 'result.json');
  const env = { ...process.env, FLOOD_EKSCTL_LINES: String(lines), EKSCTL_LINES_RESULT: result, EKSCTL_LINES_VERBOSE: verbose ? '1' : '0' };
  try {
    if (terminal) {
      // script(1) gives the run a pseudo-terminal of its own; what it draws there is read and dropped.
      const { CI: _ci, ...rest } = env;
      execFileSync('script', ['-qfec', `stty cols 120 rows 40; ${quote(process.execPath)} ${quote(RUN)}`, '/dev/null'], {
        env: { ...rest, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' },
        stdio: ['ignore', 'ignore', 'inherit'],
        maxBuffer: 1 << 30,
      });
    } else {
      execFileSync(process.execPath, [RUN], { env: { ...env, CI: '1' }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
    }
    const { ms } = JSON.parse(readFileSync(result, 'utf8'));
    return { lines, ms: Math.round(ms), linesPerSecond: Math.round(lines / (ms / 1000)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {{ lines: number }} options */
export function measureEksctlLines({ lines }) {
  const hasScript = spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;
  if (!hasScript) process.stderr.write('bench: script(1) is not installed: the terminal cases are left out\n');
  const cases = [];
  for (const terminal of hasScript ? [true, false] : [false]) {
    for (const verbose of [false, true]) cases.push({ screen: terminal ? 'terminal' : 'CI', verbose, ...measure({ lines, terminal, verbose }) });
  }
  return { cases, slowestLinesPerSecond: Math.min(...cases.map((c) => c.linesPerSecond)) };
}

// `node bench/eksctl-lines.js [LINES]` on its own.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(measureEksctlLines({ lines: Number(process.argv[2] ?? 50_000) }), null, 2)}\n`);
}
