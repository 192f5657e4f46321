// The standalone executable (`npm run build:binary`): how long it takes to build, how big it is, and how long its
// demo takes against `node bin/safe-eksctl.js demo`, side by side. Built into a temporary directory, removed after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { buildBinary, cannotBuildBinary } from '../scripts/build-binary.js';

const BIN = fileURLToPath(new URL('../bin/safe-eksctl.js', import.meta.url));

/**
 * Builds the executable and hands it to `use` (the start-up bench times its --version) before removing it.
 * @template T
 * @param {{ demoRuns: number }} options
 * @param {(binary: string) => T} use
 */
export async function measureBinary({ demoRuns }, use) {
  const problem = cannotBuildBinary();
  if (problem !== undefined) return { skipped: problem, used: undefined };
  const dir = await mkdtemp(join(tmpdir(), 'safe-eksctl-bench-binary-'));
  try {
    const started = performance.now();
    const built = await buildBinary({ outDir: dir });
    const buildS = Math.round((performance.now() - started) / 100) / 10;
    // The demo as a user runs it: its own time scale (0.01) and deadlines.
    const demo = ['demo', '--output', 'json'];
    /** @type {number[]} */
    const binaryDemoS = [];
    /** @type {number[]} */
    const nodeDemoS = [];
    for (let i = 0; i < demoRuns; i++) {
      binaryDemoS.push(await wallSeconds(built.path, demo, { PATH: '' }));
      nodeDemoS.push(await wallSeconds(process.execPath, [BIN, ...demo], { PATH: process.env.PATH ?? '' }));
    }
    return { sizeMb: Math.round(built.bytes / 1e5) / 10, buildS, binaryDemoS, nodeDemoS, used: use(built.path) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** @param {string} file @param {string[]} args @param {Record<string, string>} env */
async function wallSeconds(file, args, env) {
  const started = performance.now();
  const run = await execa(file, args, { reject: false, extendEnv: false, env: { ...env, HOME: tmpdir() } });
  if (run.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited ${run.exitCode}: ${run.stderr}`);
  return Math.round((performance.now() - started) / 100) / 10;
}
