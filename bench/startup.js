// Start-up cost: how much safe-eksctl adds before anything happens, against bare Node and against calling the
// stand-in eksctl directly. Each command runs `runs` times after one warm-up; wall-clock milliseconds.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/safe-eksctl.js', import.meta.url));
const STAND_IN = fileURLToPath(new URL('../test/fixtures/recording-eksctl.js', import.meta.url));

/** @typedef {{ medianMs: number, minMs: number, maxMs: number }} Timing */

/** @param {string[]} args @param {number} runs @returns {Timing} */
function time(args, runs) {
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RECORDING_EKSCTL_LOG: '' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
    if (i > 0) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return { medianMs: round(median), minMs: round(samples[0]), maxMs: round(samples.at(-1)) };
}

const round = (/** @type {number} */ n) => Math.round(n * 10) / 10;

/** @param {{ runs: number }} options */
export function measureStartup({ runs }) {
  const nodeAlone = time(['-e', '0'], runs);
  const version = time([BIN, '--version'], runs);
  const standIn = time([STAND_IN, 'version'], runs);
  const passThrough = time([BIN, '--eksctl', STAND_IN, 'version'], runs);
  return {
    runs,
    nodeAlone,
    version,
    standIn,
    passThrough,
    versionVsNode: round2(version.medianMs / nodeAlone.medianMs),
    passThroughVsStandIn: round2(passThrough.medianMs / standIn.medianMs),
    passThroughVsNode: round2(passThrough.medianMs / nodeAlone.medianMs),
  };
}

const round2 = (/** @type {number} */ n) => Math.round(n * 100) / 100;
