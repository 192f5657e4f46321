// `eksctl create …`: spawned with an argument array, never through a shell, in a process group of its own. Its lines
// are read as fast as it prints them; nothing of its process tree outlives this call, or this process.
import { execa } from 'execa';
import { ExitCode } from '../errors.js';
import { runEksctlInProcess, type EksctlRunner } from './eksctl-in-process.js';
import { eksctlLines } from './eksctl-lines.js';
import { EksctlLogFile } from './log-file.js';
import { exitCodeOf, signalGroup } from './process-group.js';

/** After the interrupt, how long eksctl may take to die before its group gets SIGKILL anyway. */
const DEFAULT_INTERRUPT_GRACE_MS = 10_000;
/**
 * After eksctl itself exited, how long what it left behind may keep its output open. eksctl's own lines are all in
 * the pipe by then; a descendant that holds the pipe (a wrapper's child that ignored the signal, a daemon) is killed
 * with the group when this runs out, so it cannot keep us waiting.
 */
const DEFAULT_DRAIN_MS = 2_000;

export interface RunEksctlOptions {
  /** eksctl's whole environment (not merged with process.env); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Abort → eksctl's group gets SIGINT and eksctl is waited for (SIGKILL after `interruptGraceMs`). */
  signal?: AbortSignal;
  /** Abort → eksctl's group gets SIGKILL at once. */
  forceSignal?: AbortSignal;
  interruptGraceMs?: number;
  /** How long eksctl's output may stay open after eksctl exited (DEFAULT_DRAIN_MS). */
  drainMs?: number;
  /**
   * Every line eksctl prints, stdout and stderr interleaved (eksctl logs on stdout), as it prints it. Called
   * synchronously for each line, so it must be cheap: eksctl waits on its pipe while this runs.
   */
  onLine(line: string): void;
  /** Every line also goes to this file (created or truncated). */
  logFile?: string;
  /** The log file could not be written: called once, with the warning; eksctl and the run go on. */
  onLogFileError?(message: string): void;
  /** Text for eksctl's stdin (`-f -`); stdin is closed otherwise. */
  input?: string;
  /** Secrets to mask in eksctl's lines besides those in its environment (resolved credentials). */
  secrets?: readonly (string | undefined)[];
  /** Runs eksctl in this process instead of spawning `binary` (tests: the simulated eksctl on their clock). */
  runner?: EksctlRunner | undefined;
}

export interface EksctlRun {
  /** eksctl's exit code; 128 + signal number when a signal killed it. */
  exitCode: number;
  /** The last lines eksctl printed, for the error message. */
  lastLines: string[];
  /** The run was interrupted through `signal` or `forceSignal`. */
  interrupted: boolean;
  /** The --log-file warning, when writing it failed. */
  logFileError?: string;
}

/** Runs eksctl to the end, streaming its lines. Resolves with its exit code; rejects only when it cannot start. */
export async function runEksctl(binary: string, args: readonly string[], options: RunEksctlOptions): Promise<EksctlRun> {
  const { signal, forceSignal } = options;
  if (signal?.aborted || forceSignal?.aborted) return { exitCode: ExitCode.interrupted, lastLines: [], interrupted: true };
  if (options.runner) return runEksctlInProcess(options.runner, args, options);
  const log = options.logFile === undefined ? undefined : await EksctlLogFile.open(options.logFile, (message) => options.onLogFileError?.(message), options.cwd);
  const lines = eksctlLines({ env: options.env ?? process.env, secrets: options.secrets, log, onLine: options.onLine });
  const child = execa(binary, args, {
    all: true,
    buffer: false,
    reject: false,
    // Its own process group: signals go to the group, and the group is what gets killed.
    detached: true,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const kill = (name: NodeJS.Signals) => signalGroup(child.pid, name);
  const killAll = () => kill('SIGKILL');
  let graceTimer: NodeJS.Timeout | undefined;
  const stopGently = () => {
    kill('SIGINT');
    graceTimer ??= setTimeout(killAll, options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS);
  };
  let drainTimer: NodeJS.Timeout | undefined;
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const drainThenKill = () => {
    drainTimer = setTimeout(() => {
      // The holder dies with the group; what it wrote before is still read to the end.
      killAll();
      // One that left the group (setsid) survives the kill: stop reading instead of waiting for it.
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, drainMs);
    }, drainMs);
  };
  signal?.addEventListener('abort', stopGently, { once: true });
  forceSignal?.addEventListener('abort', killAll, { once: true });
  // A detached group is not ours to clean up for execa; on every way out of this process (a crash too), it goes.
  process.once('exit', killAll);
  child.once('exit', drainThenKill);
  try {
    for await (const printed of child.iterable({ from: 'all' })) {
      try {
        lines.take(printed);
      } catch (error) {
        // Leaving the loop waits for eksctl's output to end, so eksctl has to be stopped first.
        killAll();
        throw error;
      }
    }
    const result = await child;
    const interrupted = Boolean(signal?.aborted || forceSignal?.aborted);
    await log?.close();
    return { exitCode: exitCodeOf(binary, result), lastLines: lines.lastLines, interrupted, ...(log?.error ? { logFileError: log.error } : {}) };
  } finally {
    clearTimeout(graceTimer);
    clearTimeout(drainTimer);
    signal?.removeEventListener('abort', stopGently);
    forceSignal?.removeEventListener('abort', killAll);
    child.off('exit', drainThenKill);
    process.off('exit', killAll);
    // Whatever happened (a line handler that threw, say), nothing of eksctl's tree outlives this call.
    killAll();
    await log?.close();
  }
}
