// Start-up cost: what safe-eksctl adds before anything happens, against a bare `node -e 0`, side by side in one run:
// each round starts every command once, in turn, so a busy moment of the machine falls on all of them alike. The
// stand-in eksctl is a native `true` that exits at once, so a pass-through's figure is safe-eksctl's own cost, as
// with the real eksctl (a Go binary). Medians (and min–max) of `runs` rounds after one warm-up; wall clock ms.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/safe-eksctl.js', import.meta.url));
const STAND_IN = ['/usr/bin/true', '/bin/true'].find((path) => existsSync(path)) ?? '/bin/true';

/** @typedef {{ medianMs: number, minMs: number, maxMs: number }} Timing */

/** @param {number[]} samples @returns {Timing} */
function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs: round(median), minMs: round(sorted[0]), maxMs: round(sorted.at(-1)) };
}

const round = (/** @type {number} */ n) => Math.round(n * 10) / 10;
const round2 = (/** @type {number} */ n) => Math.round(n * 100) / 100;

/** @param {{ runs: number, binary?: string }} options — `binary`: the standalone executable, when one was built */
export function measureStartup({ runs, binary }) {
  /** @type {Record<string, [string, string[]]>} */
  const commands = {
    nodeAlone: [process.execPath, ['-e', '0']],
    version: [process.execPath, [BIN, '--version']],
    passThrough: [process.execPath, [BIN, '--eksctl', STAND_IN, 'get', 'cluster']],
    standIn: [STAND_IN, []],
    ...(binary ? { binaryVersion: [binary, ['--version']] } : {}),
  };
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = 0; round <= runs; round++) {
    for (const [name, [file, args]] of Object.entries(commands)) {
      const start = process.hrtime.bigint();
      const child = spawnSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (child.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
      if (round > 0) samples[name]?.push(ms);
    }
  }
  const t = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, summarize(s)]));
  const vsNode = (/** @type {string} */ name) => (t[name] ? round2(t[name].medianMs / t.nodeAlone.medianMs) : undefined);
  return {
    runs,
    standInPath: STAND_IN,
    ...t,
    versionVsNode: vsNode('version'),
    passThroughVsNode: vsNode('passThrough'),
    binaryVersionVsNode: vsNode('binaryVersion'),
  };
}

/**
 * The same commands' instruction counts under valgrind's callgrind (all threads of the process, not its children):
 * repeatable where wall clock on a shared machine is not, so they say whether a ratio moved because of the code or
 * because of the load. Undefined without valgrind.
 * @param {{ binary?: string }} options
 */
export function measureInstructions({ binary }) {
  if (spawnSync('sh', ['-c', 'command -v valgrind'], { stdio: 'ignore' }).status !== 0) return undefined;
  /** @param {string} file @param {string[]} args */
  const count = (file, args) => {
    const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', file, ...args], { encoding: 'utf8' });
    const collected = /Collected : (\d+)/.exec(run.stderr)?.[1];
    if (run.status !== 0 || collected === undefined) throw new Error(`valgrind ${file} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return Number(collected);
  };
  const nodeAlone = count(process.execPath, ['-e', '0']);
  const version = count(process.execPath, [BIN, '--version']);
  const passThrough = count(process.execPath, [BIN, '--eksctl', STAND_IN, 'get', 'cluster']);
  const binaryVersion = binary ? count(binary, ['--version']) : undefined;
  const vs = (/** @type {number | undefined} */ n) => (n === undefined ? undefined : round2(n / nodeAlone));
  return {
    millions: { nodeAlone: Math.round(nodeAlone / 1e6), version: Math.round(version / 1e6), passThrough: Math.round(passThrough / 1e6), binaryVersion: binaryVersion && Math.round(binaryVersion / 1e6) },
    versionVsNode: vs(version),
    passThroughVsNode: vs(passThrough),
    binaryVersionVsNode: vs(binaryVersion),
  };
}
