// --log-file is opened, and emptied, before eksctl runs: a log file that is the config itself (by name, symlink or
// hard link), a directory, or a path in a missing directory is bad input, refused before anything starts.
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { EXAMPLES, RECORDING_EKSCTL, recorded, recordingDir, removeTempDirs } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

let sim: Simulator;
let dir: string;
let original: string;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1 });
  // In process, the SDK would read these from process.env: any AWS call would reach the simulator and be counted.
  for (const [key, value] of Object.entries(sim.env)) vi.stubEnv(key, value);
  dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-log-file-'));
  copyFileSync(join(EXAMPLES, 'bug-report.yaml'), join(dir, 'cluster.yaml'));
  original = readFileSync(join(dir, 'cluster.yaml'), 'utf8');
  symlinkSync(join(dir, 'cluster.yaml'), join(dir, 'symlink.yaml'));
  linkSync(join(dir, 'cluster.yaml'), join(dir, 'hardlink.yaml'));
  mkdirSync(join(dir, 'logs'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
  removeTempDirs();
});

const CASES: [string, string][] = [
  ['cluster.yaml', 'safe-eksctl: --log-file cluster.yaml: is the config file (eksctl would read it emptied)'],
  ['./cluster.yaml', 'safe-eksctl: --log-file ./cluster.yaml: is the config file (eksctl would read it emptied)'],
  ['symlink.yaml', 'safe-eksctl: --log-file symlink.yaml: is the config file (eksctl would read it emptied)'],
  ['hardlink.yaml', 'safe-eksctl: --log-file hardlink.yaml: is the config file (eksctl would read it emptied)'],
  ['logs', 'safe-eksctl: --log-file logs: is a directory'],
  ['missing/eksctl.log', `safe-eksctl: --log-file missing/eksctl.log: no such directory: ${'{dir}'}/missing`],
];

describe.each([
  ['create', ['create', '-f', 'cluster.yaml']],
  ['create fargateprofile', ['create', 'fargateprofile', '-f', 'cluster.yaml']],
  ['demo', ['demo', '-f', 'cluster.yaml']],
])('%s --log-file', (_name, command) => {
  it.each(CASES)('%s: exit 2, one line, the config untouched, nothing started', async (logFile, line) => {
    const { log } = recordingDir();
    const io = captureIo({ cwd: dir, env: { ...sim.env, SAFE_EKSCTL_EKSCTL: RECORDING_EKSCTL, RECORDING_EKSCTL_LOG: log } });
    const exitCode = await main([...command, '--log-file', logFile], io);
    expect({ exitCode, err: io.err(), out: io.out() }).toEqual({ exitCode: 2, err: `${line.replace('{dir}', dir)}\n`, out: '' });
    expect(readFileSync(join(dir, 'cluster.yaml'), 'utf8')).toBe(original);
    expect(recorded(log)).toEqual([]);
    expect(sim.requestCounts).toEqual({});
  });
});
