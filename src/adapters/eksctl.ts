// Finding eksctl and running it: always with an argument array, never through a shell (`create` in eksctl-run.ts).
import { accessSync, existsSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { execa, type Result } from 'execa';
import { parseEksctlVersion } from '../core/version.js';
import { ExitCode, SafeEksctlError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { exitCodeOf, signalGroup } from './process-group.js';

export { runEksctl, type EksctlRun, type RunEksctlOptions } from './eksctl-run.js';

export const EKSCTL_ENV = 'SAFE_EKSCTL_EKSCTL';
const VERSION_TIMEOUT_MS = 15_000;

/** The eksctl to run: `--eksctl`, else $SAFE_EKSCTL_EKSCTL, else `eksctl` on PATH. Throws (exit 2) when missing. */
export function resolveEksctl(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  if (flag !== undefined && flag !== '') return requireBinary(flag, '--eksctl', env, cwd);
  const fromEnv = env[EKSCTL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return requireBinary(fromEnv, EKSCTL_ENV, env, cwd);
  const found = findOnPath('eksctl', env);
  if (found === undefined) {
    throw new SafeEksctlError('eksctl not found on PATH; install it or pass --eksctl', ExitCode.usage);
  }
  return found;
}

function requireBinary(value: string, source: string, env: NodeJS.ProcessEnv, cwd: string): string {
  // A bare name is looked up on PATH, as a shell would; anything with a slash is a path.
  if (!value.includes('/') && !value.includes(sep)) {
    const found = findOnPath(value, env);
    if (found === undefined) throw new SafeEksctlError(`eksctl not found: ${value} (${source}) is not on PATH`, 2);
    return found;
  }
  const path = isAbsolute(value) ? value : resolve(cwd, value);
  const problem = binaryProblem(path);
  if (problem !== undefined) throw new SafeEksctlError(`eksctl not found: ${value} (${source}) ${problem}`, 2);
  return path;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  return dirs.map((dir) => join(dir, name)).find((candidate) => binaryProblem(candidate) === undefined);
}

function binaryProblem(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'is not a file';
    accessSync(path, fsConstants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not executable';
  }
}

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

/**
 * `safe-eksctl <not ours…>`: eksctl with exactly these arguments and our stdio, its exit code unchanged. SIGINT and
 * SIGTERM are handed to eksctl while it runs; having our own handlers also keeps this process alive to report it.
 */
export async function passThrough(binary: string, args: readonly string[], io: Io): Promise<number> {
  const child = execa(binary, args, { stdio: 'inherit', reject: false, env: io.env, extendEnv: false, cwd: io.cwd });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, forward);
  try {
    return exitCodeOf(binary, await child);
  } finally {
    for (const signal of signals) process.off(signal, forward);
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
