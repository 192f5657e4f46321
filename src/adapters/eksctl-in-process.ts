// eksctl run inside this process instead of spawned: what a test hands the product (CreateDeps.eksctlRunner) to run
// the simulated eksctl on the test's own clock. The contract is the spawn's: eksctl's lines, masked, to onLine and
// the log file, its exit code, and the interrupt (which stops it as SIGINT stops the real one: exit 130).
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ExitCode } from '../errors.js';
import { eksctlLines } from './eksctl-lines.js';
import { EksctlLogFile } from './log-file.js';

export interface EksctlRunnerIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The config for `-f -`; empty otherwise. */
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborts on an interrupt: eksctl is to stop. */
  signal: AbortSignal;
}

/** Runs `eksctl ARGS` to its end in this process; resolves with its exit code. */
export type EksctlRunner = (args: readonly string[], io: EksctlRunnerIo) => Promise<number>;

/** What a run needs of runEksctl's options (./eksctl-run.ts RunEksctlOptions). */
export interface InProcessRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  forceSignal?: AbortSignal;
  onLine(line: string): void;
  logFile?: string;
  onLogFileError?(message: string): void;
  input?: string;
  secrets?: readonly (string | undefined)[];
}

/** `runEksctl` with a runner: the same lines, exit code and interrupt, with no process. */
export async function runEksctlInProcess(
  runner: EksctlRunner,
  args: readonly string[],
  options: InProcessRunOptions,
): Promise<{ exitCode: number; lastLines: string[]; interrupted: boolean; logFileError?: string }> {
  const log = options.logFile === undefined ? undefined : await EksctlLogFile.open(options.logFile, (message) => options.onLogFileError?.(message), options.cwd);
  const env = options.env ?? process.env;
  const taken = eksctlLines({ env, secrets: options.secrets, log, onLine: options.onLine });
  const stop = new AbortController();
  const interrupted = () => Boolean(options.signal?.aborted || options.forceSignal?.aborted);
  const onInterrupt = () => stop.abort(new Error('interrupted'));
  options.signal?.addEventListener('abort', onInterrupt, { once: true });
  options.forceSignal?.addEventListener('abort', onInterrupt, { once: true });
  // stdout and stderr interleaved, as the spawned eksctl's are (eksctl logs on stdout).
  const output = new PassThrough();
  const lines = createInterface({ input: output, crlfDelay: Infinity });
  let lineFailure: { error: unknown } | undefined;
  lines.on('line', (printed) => {
    if (lineFailure) return;
    try {
      taken.take(printed);
    } catch (error) {
      // As with a spawned eksctl: it is stopped, then the failure goes on up.
      lineFailure = { error };
      stop.abort(error);
    }
  });
  try {
    let exitCode = await runner(args, {
      stdout: output,
      stderr: output,
      stdin: Readable.from(options.input === undefined ? [] : [options.input]),
      env,
      cwd: options.cwd ?? process.cwd(),
      signal: stop.signal,
    });
    output.end();
    await once(lines, 'close');
    if (lineFailure) throw lineFailure.error;
    if (interrupted()) exitCode = ExitCode.interrupted;
    await log?.close();
    return { exitCode, lastLines: taken.lastLines, interrupted: interrupted(), ...(log?.error ? { logFileError: log.error } : {}) };
  } finally {
    options.signal?.removeEventListener('abort', onInterrupt);
    options.forceSignal?.removeEventListener('abort', onInterrupt);
    await log?.close();
  }
}

/** `captureEksctl` with a runner: its exit code and what it printed on each stream. */
export async function captureEksctlInProcess(
  runner: EksctlRunner,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; signal?: AbortSignal },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const printed = Promise.all([text(stdout), text(stderr)]);
  const stop = new AbortController();
  const onInterrupt = () => stop.abort(new Error('interrupted'));
  if (options.signal?.aborted) onInterrupt();
  options.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    const exitCode = await runner(args, {
      stdout,
      stderr,
      stdin: Readable.from(options.input === undefined ? [] : [options.input]),
      env: options.env,
      cwd: options.cwd,
      signal: stop.signal,
    });
    stdout.end();
    stderr.end();
    const [out, err] = await printed;
    return { exitCode: stop.signal.aborted ? ExitCode.interrupted : exitCode, stdout: out, stderr: err };
  } finally {
    options.signal?.removeEventListener('abort', onInterrupt);
  }
}
