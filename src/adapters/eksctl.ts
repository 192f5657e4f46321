// Finding eksctl and running it: always with an argument array, never through a shell (`create` in eksctl-run.ts; the
// pass-through in ./eksctl-binary.ts, which loads nothing but Node).
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { execa, type Result } from 'execa';
import { parseEksctlVersion } from '../core/version.js';
import { ExitCode, SafeEksctlError, UsageError } from '../errors.js';
import { exitCodeOf, signalGroup } from './process-group.js';

import { captureEksctlInProcess, type EksctlRunner } from './eksctl-in-process.js';

export { runEksctl, type EksctlRun, type RunEksctlOptions } from './eksctl-run.js';
export type { EksctlRunner } from './eksctl-in-process.js';

export { EKSCTL_ENV, resolveEksctl } from './eksctl-binary.js';

const VERSION_TIMEOUT_MS = 15_000;

/**
 * What `eksctl version` says ("0.207.0"), or undefined when there is no such binary, it fails or prints no version.
 * A binary that is there but that the system cannot start (a script whose interpreter is missing, say) is a usage
 * error (exit 2): eksctl could not run either.
 */
export async function eksctlVersion(
  binary: string,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number; runner?: EksctlRunner | undefined } = {},
): Promise<string | undefined> {
  if (options.runner) {
    const run = await captureEksctlInProcess(options.runner, ['version'], { env: options.env ?? process.env, cwd: process.cwd(), ...(options.signal ? { signal: options.signal } : {}) });
    return run.exitCode === 0 ? parseEksctlVersion(`${run.stdout}\n${run.stderr}`) : undefined;
  }
  // Its own process group, killed whole on timeout or interrupt: a wrapper script that does not `exec` eksctl leaves
  // eksctl holding our pipe after the wrapper dies, and the pipe would keep `plan` waiting as long as eksctl hangs.
  const child = execa(binary, ['version'], {
    reject: false,
    stdin: 'ignore',
    detached: true,
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  });
  const stop = () => signalGroup(child.pid, 'SIGKILL');
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

/** After the interrupt, how long the dry-run may take to die before its group gets SIGKILL anyway. */
const CAPTURE_INTERRUPT_GRACE_MS = 10_000;

/**
 * eksctl run to its end with what it prints kept, not shown: `create cluster --dry-run`, whose stdout is the
 * ClusterConfig it would create. In its own process group, like `create` (eksctl-run.ts): aborting `signal` gives the
 * group SIGINT, then SIGKILL after the grace, and the group goes when this process exits.
 */
export async function captureEksctl(
  binary: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; signal?: AbortSignal; runner?: EksctlRunner | undefined },
): Promise<CapturedEksctl> {
  if (options.runner) return captureEksctlInProcess(options.runner, args, options);
  const child = execa(binary, args, {
    reject: false,
    stripFinalNewline: false,
    detached: true,
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  const killAll = () => signalGroup(child.pid, 'SIGKILL');
  let graceTimer: NodeJS.Timeout | undefined;
  const stopGently = () => {
    signalGroup(child.pid, 'SIGINT');
    graceTimer ??= setTimeout(killAll, CAPTURE_INTERRUPT_GRACE_MS);
  };
  if (options.signal?.aborted) stopGently();
  options.signal?.addEventListener('abort', stopGently, { once: true });
  process.once('exit', killAll);
  try {
    const result = await child;
    return { exitCode: exitCodeOf(binary, result), stdout: String(result.stdout), stderr: String(result.stderr) };
  } finally {
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', stopGently);
    process.off('exit', killAll);
  }
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
