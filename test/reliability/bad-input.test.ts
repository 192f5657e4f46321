// The bad-input corpus (test/fixtures/bad/cases.yaml): every bad config and flag set exits 2 with one line that
// names the file and field (or the flag), before anything starts: the simulator sees no AWS request and the
// stand-in eksctl is never run.
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { assertBuilt, EXAMPLES, RECORDING_EKSCTL, recorded, recordingDir, removeTempDirs, ROOT, runBin } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

const BAD = join(ROOT, 'test', 'fixtures', 'bad');

interface BadCase {
  args: string[];
  stderr: string;
  stdin?: string;
  pending?: string;
}

const cases = parse(readFileSync(join(BAD, 'cases.yaml'), 'utf8')) as BadCase[];
const expand = (arg: string) => arg.replaceAll('{examples}', EXAMPLES);

let sim: Simulator;

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ timeScale: 1 });
  // In process, the SDK would read these from process.env: any AWS call would reach the simulator and be counted.
  for (const [key, value] of Object.entries(sim.env)) vi.stubEnv(key, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
  removeTempDirs();
});

function env(log: string): NodeJS.ProcessEnv {
  return { ...sim.env, SAFE_EKSCTL_EKSCTL: RECORDING_EKSCTL, RECORDING_EKSCTL_LOG: log, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}

/** All of stderr, as lines: exactly one is wanted, with nothing before or after it. */
const errorLines = (stderr: string) => (stderr.endsWith('\n') ? stderr.slice(0, -1) : stderr).split('\n');

/**
 * Every case runs in this process through main (the bin's own entry); the bin is spawned once for the exit code a shell
 * sees (one case), and once for a pipe on stdin, which only a process has.
 */

describe('bad input corpus', () => {
  it('holds at least 20 cases, configs and flag sets alike', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => c.args.includes('-f') && !c.args.some((a) => a.startsWith('{examples}'))).length).toBeGreaterThanOrEqual(10);
  });

  for (const badCase of cases) {
    const title = `${badCase.args.join(' ')} → exit 2, one line`;
    if (badCase.pending) {
      it.skip(`${title} (pending: ${badCase.pending})`, () => {});
      continue;
    }
    it(title, async () => {
      const { log } = recordingDir();
      const io = captureIo({ cwd: BAD, stdin: badCase.stdin ?? '', env: env(log) });
      const exitCode = await main(badCase.args.map(expand), io);
      expect({ exitCode, lines: errorLines(io.err()) }).toEqual({ exitCode: 2, lines: [expand(badCase.stderr)] });
      expect(io.out()).toBe('');
      expect(recorded(log)).toEqual([]);
      expect(sim.requestCounts).toEqual({});
    });
  }
});

describe('bad input through the bin', () => {
  const badCase = cases.find((c) => !c.pending && c.args[0] === 'create')!;
  it(`safe-eksctl ${badCase.args.join(' ')} exits 2`, async () => {
    const { log } = recordingDir();
    const run = await runBin(badCase.args.map(expand), { cwd: BAD, input: badCase.stdin ?? '', env: env(log) });
    expect({ exitCode: run.exitCode, lines: errorLines(String(run.stderr)) }).toEqual({ exitCode: 2, lines: [expand(badCase.stderr)] });
    expect(recorded(log)).toEqual([]);
    expect(sim.requestCounts).toEqual({});
  });
});

// Oversize input cannot be written into cases.yaml: a sparse file made here, megabytes on stdin, an endless device.
describe('oversize input', () => {
  const overCap = (megabytes: number) => Buffer.alloc(megabytes * 1024 * 1024, 'a\n');

  async function expectRefused(args: string[], cwd: string | undefined, line: string) {
    const { dir, log } = recordingDir();
    const io = captureIo({ cwd: cwd ?? dir, env: env(log) });
    const exitCode = await main(args, io);
    expect({ exitCode, lines: errorLines(io.err()) }).toEqual({ exitCode: 2, lines: [line] });
    expect(recorded(log)).toEqual([]);
    expect(sim.requestCounts).toEqual({});
  }

  it('safe-eksctl plan -f a 300 MB sparse file exits 2', async () => {
    const { dir } = recordingDir();
    writeFileSync(join(dir, 'huge.yaml'), 'apiVersion: eksctl.io/v1alpha5\n');
    truncateSync(join(dir, 'huge.yaml'), 300 * 1024 * 1024);
    await expectRefused(['plan', '-f', 'huge.yaml'], dir, 'safe-eksctl: huge.yaml: larger than 4 MiB: not a ClusterConfig');
  });

  it.skipIf(!existsSync('/dev/urandom'))('safe-eksctl plan -f /dev/urandom exits 2', async () => {
    await expectRefused(['plan', '-f', '/dev/urandom'], undefined, 'safe-eksctl: /dev/urandom: larger than 4 MiB: not a ClusterConfig');
  });

  // A pipe that holds more than the cap: the bin stops reading at the cap and refuses, whatever the writer still sends.
  it('the bin: safe-eksctl create -f - fed 5 MiB on a pipe exits 2', async () => {
    const { dir, log } = recordingDir();
    const run = await runBin(['create', '-f', '-'], { cwd: dir, input: overCap(5), env: env(log) });
    expect({ exitCode: run.exitCode, lines: errorLines(String(run.stderr)) }).toEqual({ exitCode: 2, lines: ['safe-eksctl: <stdin>: larger than 4 MiB: not a ClusterConfig'] });
    expect(recorded(log)).toEqual([]);
    expect(sim.requestCounts).toEqual({});
  });
});

if (cases.some((c) => c.pending)) {
  console.warn(`bad-input: ${cases.filter((c) => c.pending).length} case(s) pending, see test/fixtures/bad/cases.yaml`);
}
