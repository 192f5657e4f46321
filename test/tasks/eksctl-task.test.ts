import { Listr, ListrTaskEventType } from 'listr2';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createInterrupt } from '../../src/adapters/eksctl.js';
import { ExitCode, SafeEksctlError } from '../../src/errors.js';
import { eksctlDisplayLine, eksctlTask } from '../../src/tasks/eksctl.js';
import { FLUSH_INTERVAL_MS, TAIL_LINES } from '../../src/tasks/eksctl-screen.js';
import { chooseRenderer, listrRendererOptions } from '../../src/tasks/renderer.js';
import { nodeOnlyPath, RECORDING_EKSCTL, recorded, recordingDir, removeTempDirs } from '../helpers/bin.js';
import { quietLogger } from '../helpers/listr-helpers.js';

afterAll(removeTempDirs);

/**
 * The eksctl phase alone, with the recording eksctl waiting for a signal. `output` is the phase's --log-file: eksctl's
 * lines as they came, where the stand-in's "ready" says its signal handlers are in place.
 */
async function runPhase(
  watch: (signal: AbortSignal, log: string, note: (line: string) => void, output: string) => Promise<unknown>,
  extraEnv: Record<string, string> = {},
) {
  const { dir, log } = recordingDir();
  const output = join(dir, 'eksctl-output.log');
  const task = eksctlTask<object>({
    title: 'eksctl create cluster',
    binary: RECORDING_EKSCTL,
    args: ['create', 'cluster', '-f', 'cluster.yaml'],
    env: { PATH: nodeOnlyPath(), RECORDING_EKSCTL_LOG: log, RECORDING_EKSCTL_WAIT: '1', ...extraEnv },
    cwd: dir,
    interrupt: createInterrupt(),
    verbose: false,
    logFile: output,
    watch: (signal, note) => watch(signal, log, note, output),
  });
  const list = new Listr([task], { renderer: 'test', rendererOptions: { logger: quietLogger() }, exitOnError: true });
  const error = await list.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, events: recorded(log), title: list.tasks[0]?.title };
}

function ready(output: string): boolean {
  return existsSync(output) && readFileSync(output, 'utf8').split('\n').includes('ready');
}

describe('eksctlTask with a watch', () => {
  it('a watch that fails stops eksctl with SIGINT and fails the phase with its error and exit code', async () => {
    let watchSignal: AbortSignal | undefined;
    const { error, events } = await runPhase(async (signal, _log, _note, output) => {
      watchSignal = signal;
      // Fail only once eksctl would record the SIGINT: it prints "ready" after installing its signal handlers.
      while (!ready(output)) {
        // An eksctl that ends without "ready" ends the wait too, and the test fails on what follows.
        signal.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new SafeEksctlError('Fargate profile "fp" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: in use', ExitCode.fargateProfile);
    });
    expect(error).toBeInstanceOf(SafeEksctlError);
    expect((error as SafeEksctlError).exitCode).toBe(ExitCode.fargateProfile);
    expect((error as Error).message).toBe(
      'Fargate profile "fp" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: in use\n  eksctl was stopped: it would have waited for this until its --timeout',
    );
    expect(events.map((e) => e.signal).filter(Boolean)).toEqual(['SIGINT']);
    expect(watchSignal?.aborted).toBe(true);
  });

  it('when eksctl ends first, the watch is aborted and the phase succeeds', async () => {
    let watchSignal: AbortSignal | undefined;
    const { error, events } = await runPhase(
      (signal) => {
        watchSignal = signal;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
      { RECORDING_EKSCTL_WAIT: '0', RECORDING_EKSCTL_EXIT: '0' },
    );
    expect(error).toBeUndefined();
    expect(watchSignal?.aborted).toBe(true);
    expect(events.filter((e) => e.signal)).toEqual([]);
  });
});

describe('eksctlTask: the watch\'s note', () => {
  it('stays beside the title to the end, the last note winning, also when noted as eksctl ends', async () => {
    const { error, title } = await runPhase(
      async (signal, _log, note) => {
        note('CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl runs: waiting for Fargate pods');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        note('CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl ran');
      },
      { RECORDING_EKSCTL_WAIT: '0', RECORDING_EKSCTL_EXIT: '0' },
    );
    expect(error).toBeUndefined();
    expect(title).toBe('eksctl create cluster: done; CoreDNS stuck on default-scheduler (2 pods); restarted once while eksctl ran');
  });
});

describe('eksctlDisplayLine', () => {
  it("drops eksctl's date and keeps its time; other lines are left alone", () => {
    expect(eksctlDisplayLine('2026-11-28 12:38:01 [✔]  EKS cluster "x" in "r" region is ready')).toBe('12:38:01 [✔]  EKS cluster "x" in "r" region is ready');
    expect(eksctlDisplayLine('2 sequential tasks: { create cluster control plane "x", ')).toBe('2 sequential tasks: { create cluster control plane "x", ');
    expect(eksctlDisplayLine('Error: cannot use --region when --config-file/-f is set')).toBe('Error: cannot use --region when --config-file/-f is set');
  });
});

/** A stream that takes what a renderer writes; `isTTY` makes safe-eksctl choose the live tree for it. */
function screenStream(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; text(): string };
  if (isTTY) {
    stream.isTTY = true;
    stream.columns = 120;
  }
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

/**
 * The eksctl phase with the renderer safe-eksctl picks for a terminal (`terminal`) or for CI, writing to a captured
 * stream; every output the task hands its renderer is counted, with the real time the phase took.
 */
async function runOnScreen(options: { terminal: boolean; binary?: string; env?: Record<string, string>; logFile?: string; verbose?: boolean }) {
  const { dir } = recordingDir();
  const stream = screenStream(options.terminal);
  const io = { stdout: stream, stderr: stream, env: options.terminal ? {} : { CI: 'true' } };
  const warnings: string[] = [];
  const task = eksctlTask<object>({
    title: 'eksctl create cluster',
    binary: options.binary ?? RECORDING_EKSCTL,
    args: ['create', 'cluster', '-f', 'cluster.yaml'],
    env: { PATH: nodeOnlyPath(), RECORDING_EKSCTL_LOG: join(dir, 'events.log'), ...options.env },
    cwd: dir,
    interrupt: createInterrupt(),
    verbose: options.verbose ?? false,
    onWarning: (warning) => warnings.push(warning),
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  const list = new Listr([task], { ...listrRendererOptions(chooseRenderer('text', io), io), exitOnError: true, registerSignalListeners: false });
  const outputs: string[] = [];
  list.tasks[0]!.on(ListrTaskEventType.OUTPUT, (output: string) => outputs.push(output));
  const started = performance.now();
  const error = await list.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, outputs, elapsedMs: performance.now() - started, text: stream.text(), warnings, title: list.tasks[0]?.title };
}

describe('eksctlTask on screen: eksctl is never held back by rendering', () => {
  const LINES = 2_000;
  const numbered = Array.from({ length: LINES }, (_, i) => `line ${i + 1}`);

  it('a live tree redraws at most once per interval, with a bounded tail; the log file has every line', async () => {
    const { dir } = recordingDir();
    const logFile = join(dir, 'eksctl.log');
    const run = await runOnScreen({ terminal: true, env: { RECORDING_EKSCTL_LINES: String(LINES) }, logFile });
    expect(run.error).toBeUndefined();
    // One handover per interval at most, plus the last one when eksctl ends.
    expect(run.outputs.length).toBeLessThanOrEqual(Math.ceil(run.elapsedMs / FLUSH_INTERVAL_MS) + 1);
    for (const output of run.outputs) expect(output.split('\n').length).toBeLessThanOrEqual(TAIL_LINES);
    expect(readFileSync(logFile, 'utf8').split('\n').filter(Boolean).sort()).toEqual([...numbered].sort());
  });

  it('CI gets every line once, in order per stream, a batch at a time', async () => {
    const run = await runOnScreen({ terminal: false, env: { RECORDING_EKSCTL_LINES: String(LINES) } });
    expect(run.error).toBeUndefined();
    expect(run.outputs.length).toBeLessThanOrEqual(Math.ceil(run.elapsedMs / FLUSH_INTERVAL_MS) + 1);
    const shown = run.outputs.join('\n').split('\n');
    expect([...shown].sort()).toEqual([...numbered].sort());
    // stdout's lines (the odd ones) keep their order; so do stderr's.
    expect(shown.filter((l) => Number(l.split(' ')[1]) % 2 === 1)).toEqual(numbered.filter((_, i) => i % 2 === 0));
    expect(run.text).toContain(`line ${LINES}`);
  });

  it("eksctl's escape sequences are dropped on screen and in the error message, and kept in the log file", async () => {
    const { dir } = recordingDir();
    const eksctl = join(dir, 'eksctl');
    writeFileSync(eksctl, "#!/bin/sh\nprintf 'clear\\033[2J title\\033]0;owned\\007 done\\n'\nprintf 'Error: bad \\033[31mred\\n'\nexit 1\n");
    chmodSync(eksctl, 0o755);
    const logFile = join(dir, 'eksctl.log');
    const run = await runOnScreen({ terminal: false, binary: eksctl, logFile });
    expect(run.text).toContain('clear title done');
    expect(run.text).not.toContain('\x1b');
    expect((run.error as Error).message).toBe('eksctl failed with exit code 1:\n  Error: bad red');
    expect(readFileSync(logFile, 'utf8')).toBe('clear\x1b[2J title\x1b]0;owned\x07 done\nError: bad \x1b[31mred\n');
  });

  it.skipIf(!existsSync('/dev/full'))('a log file that cannot be written: the phase succeeds, the warning is shown once and reported', async () => {
    const run = await runOnScreen({ terminal: false, env: { RECORDING_EKSCTL_LINES: '3' }, logFile: '/dev/full' });
    expect(run.error).toBeUndefined();
    expect(run.warnings).toEqual([expect.stringMatching(/^--log-file \/dev\/full: ENOSPC: /)]);
    expect(run.text.match(/warning: --log-file \/dev\/full: ENOSPC/g)).toHaveLength(1);
    for (const line of ['line 1', 'line 2', 'line 3']) expect(run.text).toContain(line);
    expect(run.title).toBe('eksctl create cluster: done');
  });
});
