// Spawning the built bin and the recording stand-in for eksctl (needs `npm run build`).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'safe-eksctl.js');
export const RECORDING_EKSCTL = join(ROOT, 'test', 'fixtures', 'recording-eksctl.js');
/** The simulated eksctl as a checkout starts it (the standalone executable plays it through a link instead). */
export const FAKE_EKSCTL = join(ROOT, 'bin', 'fake-eksctl.js');
export const EXAMPLES = join(ROOT, 'examples');

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'safe-eksctl.js'))) throw new Error('dist/ is missing: run `npm run build` first');
}

const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** For afterAll: removes every directory these helpers made. */
export function removeTempDirs(): void {
  nodeOnly = undefined;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh directory and the file the stand-in eksctl records into. */
export function recordingDir(): { dir: string; log: string } {
  const dir = tempDir('safe-eksctl-test-');
  return { dir, log: join(dir, 'eksctl.log') };
}

/** A fresh recording directory and an env whose $SAFE_EKSCTL_EKSCTL is the stand-in eksctl, recording into it. */
export function recordingEnv(extra: Record<string, string> = {}): { dir: string; log: string; env: Record<string, string> } {
  const { dir, log } = recordingDir();
  return { dir, log, env: { SAFE_EKSCTL_EKSCTL: RECORDING_EKSCTL, RECORDING_EKSCTL_LOG: log, ...extra } };
}

export interface Recorded {
  argv?: string[];
  cwd?: string;
  signal?: string;
  pid?: number;
}

/** Every event the stand-in recorded; [] when it never started. */
export function recorded(log: string): Recorded[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Recorded);
}

/** A directory holding one command, `name`, linked to `target`: PATH entries that hold exactly what a test wants. */
export function binDir(name: string, target: string): string {
  const dir = tempDir('safe-eksctl-path-');
  symlinkSync(target, join(dir, name));
  return dir;
}

let nodeOnly: string | undefined;

/** A PATH of node alone: the stand-in's `#!/usr/bin/env node` finds it, and no real eksctl is found by accident. */
export function nodeOnlyPath(): string {
  nodeOnly ??= binDir('node', process.execPath);
  return nodeOnly;
}

/** A PATH with node and the stand-in eksctl as `eksctl`, nothing else. */
export function pathWithRecordingEksctl(): string {
  return `${nodeOnlyPath()}:${binDir('eksctl', RECORDING_EKSCTL)}`;
}

export interface BinOptions extends Options {
  env?: NodeJS.ProcessEnv;
  /** The env exactly as given: no PATH of node alone added (the caller's env says where everything is). */
  wholeEnv?: boolean;
  /**
   * Ends the run after this many milliseconds by SIGKILL to the bin's whole process group (the bin then runs
   * detached, as the leader of its own group), so nothing it started outlives a test that hangs; the group is also
   * killed when the bin ends, for a descendant left behind. execa's own `timeout` kills the bin alone.
   */
  groupTimeoutMs?: number;
}

/** THE way tests spawn the bin. Runs it with a PATH that holds no eksctl, unless the test's env says otherwise. */
export function runBin(args: string[], options: BinOptions = {}) {
  const { env, wholeEnv, groupTimeoutMs, ...execaOptions } = options;
  const child = execa(process.execPath, [BIN, ...args], {
    reject: false,
    stripFinalNewline: false,
    extendEnv: false,
    ...(groupTimeoutMs === undefined ? {} : { detached: true }),
    ...execaOptions,
    env: wholeEnv ? { ...env } : { PATH: nodeOnlyPath(), ...env },
  });
  if (groupTimeoutMs !== undefined && child.pid !== undefined) {
    const group = child.pid;
    const timer = setTimeout(() => killGroup(group), groupTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      killGroup(group);
    });
  }
  return child;
}

function killGroup(leader: number): void {
  try {
    process.kill(-leader, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/**
 * One src/ module bundled into a temporary ES module that a child `node` can import (dist/ holds only the bundled
 * entries): for tests whose subject must run in a process of its own. Packages stay in node_modules.
 */
export async function moduleForChild(source: string): Promise<string> {
  const { build } = await import('esbuild');
  // Inside the checkout, so that the packages it imports resolve from node_modules.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'safe-eksctl-child-'));
  tempDirs.push(dir);
  const outfile = join(dir, 'module.mjs');
  await build({ entryPoints: [join(ROOT, source)], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'warning' });
  return outfile;
}
