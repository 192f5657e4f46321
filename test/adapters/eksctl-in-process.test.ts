// eksctl run in this process (CreateDeps.eksctlRunner) keeps the spawn's contract: every line, masked, to onLine and
// the log file; the exit code; an interrupt stops it and reads as eksctl killed by SIGINT (130). And the simulated
// eksctl refuses a simulator on virtual time unless it runs in process, on that simulator's clock.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { captureEksctl, eksctlVersion, runEksctl, type EksctlRunner } from '../../src/adapters/eksctl.js';
import { main } from '../../src/sim/fake-eksctl/main.js';
import { captureIo } from '../helpers/io.js';

const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-in-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'not-a-real-secret-key-but-long-enough-000';
const NO_BINARY = '/nonexistent/eksctl';

/** Resolves when `signal` aborts (maybe already: a line is handed on while eksctl writes it). */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

describe('eksctl through a runner', () => {
  it('hands on every line of both streams, masked, with the exit code; the log file gets them too', async () => {
    const runner: EksctlRunner = async (args, io) => {
      io.stdout.write(`2025-01-01 00:00:00 [ℹ]  args ${args.join(' ')} in ${io.cwd}\n`);
      io.stderr.write(`Error: key ${io.env['AWS_SECRET_ACCESS_KEY']}\n`);
      io.stdout.write(`config: ${await text(io.stdin)}\n`);
      return 3;
    };
    const seen: string[] = [];
    const log = join(dir, 'eksctl.log');
    const run = await runEksctl(NO_BINARY, ['create', 'cluster', '-f', '-'], {
      runner,
      env: { AWS_SECRET_ACCESS_KEY: SECRET },
      cwd: dir,
      input: 'metadata: {name: x}',
      logFile: log,
      onLine: (line) => seen.push(line),
    });
    const expected = [`2025-01-01 00:00:00 [ℹ]  args create cluster -f - in ${dir}`, 'Error: key [redacted]', 'config: metadata: {name: x}'];
    expect(run).toEqual({ exitCode: 3, lastLines: expected, interrupted: false });
    expect(seen).toEqual(expected);
    expect(readFileSync(log, 'utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('a relative --log-file is written in the run\'s working directory, not this process\'s', async () => {
    const runner: EksctlRunner = async (_args, io) => {
      io.stdout.write('2025-01-01 00:00:00 [ℹ]  one line\n');
      return 0;
    };
    const relative = `relative-${process.pid}.log`;
    await runEksctl(NO_BINARY, ['create', 'cluster'], { runner, env: {}, cwd: dir, logFile: relative, onLine: () => {} });
    expect(readFileSync(join(dir, relative), 'utf8')).toBe('2025-01-01 00:00:00 [ℹ]  one line\n');
    expect(existsSync(relative)).toBe(false);
  });

  it('an interrupt aborts the runner\'s signal: eksctl stops, and the run reads as stopped by SIGINT', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const runner: EksctlRunner = async (_args, io) => {
      io.stdout.write('waiting for the control plane\n');
      await aborted(io.signal);
      sawAbort = true;
      return 1;
    };
    const run = await runEksctl(NO_BINARY, ['create', 'cluster'], {
      runner,
      signal: controller.signal,
      onLine: () => controller.abort(),
    });
    expect(sawAbort).toBe(true);
    expect(run).toMatchObject({ exitCode: 130, interrupted: true, lastLines: ['waiting for the control plane'] });
  });

  it('a line handler that throws stops eksctl and the error goes on up', async () => {
    let stopped = false;
    const runner: EksctlRunner = async (_args, io) => {
      io.stdout.write('one\n');
      await aborted(io.signal);
      stopped = true;
      return 1;
    };
    const failing = runEksctl(NO_BINARY, ['create', 'cluster'], {
      runner,
      onLine: () => {
        throw new Error('screen gone');
      },
    });
    await expect(failing).rejects.toThrow('screen gone');
    expect(stopped).toBe(true);
  });

  it('captures each stream apart for the dry run, and reads the version', async () => {
    const runner: EksctlRunner = async (args, io) => {
      if (args[0] === 'version') io.stdout.write('0.207.0\n');
      else {
        io.stdout.write('apiVersion: eksctl.io/v1alpha5\n');
        io.stderr.write('a warning\n');
      }
      return 0;
    };
    await expect(captureEksctl(NO_BINARY, ['create', 'cluster', '--dry-run'], { env: {}, cwd: dir, runner })).resolves.toEqual({
      exitCode: 0,
      stdout: 'apiVersion: eksctl.io/v1alpha5\n',
      stderr: 'a warning\n',
    });
    await expect(eksctlVersion(NO_BINARY, { runner })).resolves.toBe('0.207.0');
  });
});

describe('the simulated eksctl and virtual time', () => {
  it('refuses a simulator on virtual time when it is not given that simulator\'s clock (a spawned fake eksctl)', async () => {
    const io = captureIo({ cwd: dir, env: { SAFE_EKSCTL_SIM_TIME_SCALE: 'virtual', AWS_REGION: 'us-west-2' } });
    const exitCode = await main(['create', 'cluster', '--name', 'x', '--fargate'], io);
    expect(exitCode).toBe(1);
    expect(io.err()).toContain('Error: SAFE_EKSCTL_SIM_TIME_SCALE=virtual: the simulator runs on virtual time, which only a simulated eksctl in its process can keep');
  });
});
