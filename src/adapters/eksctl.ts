// eksctl run by our own commands: always with an argument array, never through a shell. The pass-through spawns it
// in ./eksctl-binary.ts, which loads nothing but Node.
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { execa, type Result } from 'execa';
import { redactor } from '../core/redact.js';
import { parseEksctlVersion } from '../core/version.js';
import { ExitCode, SafeEksctlError, UsageError } from '../errors.js';

export { EKSCTL_ENV, resolveEksctl } from './eksctl-binary.js';

const VERSION_TIMEOUT_MS = 15_000;
/** After the interrupt, how long eksctl may take to die before it gets SIGKILL anyway. */
const DEFAULT_INTERRUPT_GRACE_MS = 10_000;
const LAST_LINES = 20;

/**
 * What `eksctl version` says ("0.207.0"), or undefined when there is no such binary, it fails or prints no version.
 * A binary that is there but that the system cannot start (a script whose interpreter is missing, say) is a usage
 * error (exit 2): eksctl could not run either.
 */
export async function eksctlVersion(
  binary: string,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string | undefined> {
  // Its own process group, killed whole on timeout or interrupt: a wrapper script that does not `exec` eksctl leaves
  // eksctl holding our pipe after the wrapper dies, and the pipe would keep `plan` waiting as long as eksctl hangs.
  const child = execa(binary, ['version'], {
    reject: false,
    stdin: 'ignore',
    detached: true,
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  });
  const stop = () => killGroup(child.pid);
  const timer = setTimeout(stop, options.timeoutMs ?? VERSION_TIMEOUT_MS);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  // execa does not clean up a detached child when we exit: this does.
  process.once('exit', stop);
  let result: Result;
  try {
    result = await child;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    process.off('exit', stop);
  }
  // Neither an exit code nor a signal (our timeout and interrupt kill with SIGKILL): it never ran.
  const notStarted = result.failed && result.exitCode === undefined && result.signal === undefined;
  if (notStarted && existsSync(binary)) {
    // The file is there, so ENOENT here means what it starts (its interpreter) is missing.
    const why = result.code === 'ENOENT' ? 'the system cannot start it (a script whose interpreter is missing?)' : result.originalMessage || result.shortMessage;
    throw new SafeEksctlError(`cannot run eksctl ${binary}: ${why}`, ExitCode.usage, { cause: result });
  }
  if (result.failed) return undefined;
  return parseEksctlVersion(`${result.stdout}\n${result.stderr}`);
}

export interface CapturedEksctl {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * eksctl run to its end with what it prints kept, not shown: `create cluster --dry-run`, whose stdout is the
 * ClusterConfig it would create. Aborting `signal` gives it SIGINT (SIGKILL after the grace); execa kills it if we exit.
 */
export async function captureEksctl(
  binary: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; signal?: AbortSignal },
): Promise<CapturedEksctl> {
  const result = await execa(binary, args, {
    reject: false,
    stripFinalNewline: false,
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    killSignal: 'SIGINT',
    forceKillAfterDelay: DEFAULT_INTERRUPT_GRACE_MS,
  });
  return { exitCode: exitCodeOf(binary, result), stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** SIGKILL to a detached child and everything it started; nothing to do when it never started or is gone. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** The child's own exit code; death by a signal is 128 + its number, as shells report it. */
function exitCodeOf(binary: string, result: Result): number {
  if (result.exitCode !== undefined) return result.exitCode;
  if (result.signal !== undefined) return 128 + (osConstants.signals[result.signal] ?? 0);
  throw new SafeEksctlError(`cannot run ${binary}: ${result.originalMessage || result.shortMessage}`, ExitCode.usage);
}

/**
 * Two-step interrupt, wired by the caller to Ctrl-C: the first `interrupt()` aborts `signal` (eksctl gets SIGINT and
 * every wait stops), the next aborts `forceSignal` (eksctl gets SIGKILL).
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  readonly forceSignal: AbortSignal;
  interrupt(): void;
}

export function createInterrupt(): Interrupt {
  const gentle = new AbortController();
  const force = new AbortController();
  return {
    signal: gentle.signal,
    forceSignal: force.signal,
    interrupt() {
      if (gentle.signal.aborted) force.abort(new Error('interrupted twice'));
      else gentle.abort(new Error('interrupted'));
    },
  };
}

export interface RunEksctlOptions {
  /** eksctl's whole environment (not merged with process.env); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Abort → eksctl gets SIGINT and is waited for (SIGKILL after `interruptGraceMs`). */
  signal?: AbortSignal;
  /** Abort → eksctl gets SIGKILL at once. */
  forceSignal?: AbortSignal;
  interruptGraceMs?: number;
  /** Every line eksctl prints, stdout and stderr interleaved (eksctl logs on stdout). */
  onLine(line: string): void;
  /** Every line also goes to this file (created or truncated). */
  logFile?: string;
  /** Text for eksctl's stdin (`-f -`); stdin is closed otherwise. */
  input?: string;
  /** Secrets to mask in eksctl's lines besides those in its environment (resolved credentials). */
  secrets?: readonly (string | undefined)[];
}

export interface EksctlRun {
  /** eksctl's exit code; 128 + signal number when a signal killed it. */
  exitCode: number;
  /** The last lines eksctl printed, for the error message. */
  lastLines: string[];
  /** The run was interrupted through `signal` or `forceSignal`. */
  interrupted: boolean;
}

/** Runs eksctl to the end, streaming its lines. Resolves with its exit code; rejects only when it cannot start. */
export async function runEksctl(binary: string, args: readonly string[], options: RunEksctlOptions): Promise<EksctlRun> {
  const { signal, forceSignal } = options;
  if (signal?.aborted || forceSignal?.aborted) return { exitCode: ExitCode.interrupted, lastLines: [], interrupted: true };
  const log = options.logFile === undefined ? undefined : await openLog(options.logFile);
  const lastLines: string[] = [];
  const redact = redactor(options.env ?? process.env, options.secrets);
  try {
    const child = execa(binary, args, {
      all: true,
      buffer: false,
      reject: false,
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      ...(options.env ? { env: options.env, extendEnv: false } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(signal ? { cancelSignal: signal } : {}),
      killSignal: 'SIGINT',
      forceKillAfterDelay: options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS,
    });
    const forceKill = () => child.kill('SIGKILL');
    forceSignal?.addEventListener('abort', forceKill, { once: true });
    try {
      for await (const printed of child.iterable({ from: 'all' })) {
        const line = redact(printed);
        lastLines.push(line);
        if (lastLines.length > LAST_LINES) lastLines.shift();
        try {
          options.onLine(line);
          await log?.write(`${line}\n`);
        } catch (error) {
          // Leaving the loop waits for eksctl to end, so it has to be stopped first.
          child.kill('SIGKILL');
          throw error;
        }
      }
      const result = await child;
      const interrupted = Boolean(signal?.aborted || forceSignal?.aborted);
      return { exitCode: exitCodeOf(binary, result), lastLines, interrupted };
    } finally {
      forceSignal?.removeEventListener('abort', forceKill);
      // Whatever went wrong on our side, eksctl must not outlive this call.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  } finally {
    await log?.close();
  }
}

async function openLog(logFile: string) {
  try {
    return await open(logFile, 'w');
  } catch (error) {
    throw new SafeEksctlError(`--log-file ${logFile}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  }
}

/**
 * `--log-file`, judged before anything starts: it is opened (and emptied) before eksctl runs, so it must not be the
 * config eksctl is about to read, nor a directory, and its directory must exist.
 */
export function checkLogFile(logFile: string, configPath: string | undefined, cwd: string): void {
  const path = resolve(cwd, logFile);
  const bad = (problem: string) => new UsageError(`--log-file ${logFile}: ${problem}`);
  const stat = statOrUndefined(path);
  if (stat?.isDirectory()) throw bad('is a directory');
  const config = configPath === undefined ? undefined : statOrUndefined(configPath);
  // Same device and inode: the same file, also through a symlink or a hard link.
  if (stat && config && stat.dev === config.dev && stat.ino === config.ino) throw bad('is the config file (eksctl would read it emptied)');
  const parent = statOrUndefined(dirname(path));
  if (!parent?.isDirectory()) throw bad(`no such directory: ${dirname(path)}`);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
