// Which eksctl to run, and the pass-through that hands it the terminal. Only Node's own modules here: a pass-through
// (`alias eksctl=safe-eksctl`, on every call) loads this file and nothing else of ours, so it starts about as fast
// as eksctl itself. Everything else about running eksctl is in ./eksctl.ts.
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, isAbsolute, join, resolve, sep } from 'node:path';
import { ExitCode, SafeEksctlError } from '../errors.js';
import type { Io } from '../io.js';

export const EKSCTL_ENV = 'SAFE_EKSCTL_EKSCTL';

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

/** The signals a pass-through hands to eksctl; our own handlers also keep this process alive to report its end. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * `safe-eksctl <not ours…>`: eksctl with exactly these arguments and our stdio, its exit code unchanged (death by a
 * signal is 128 + its number, as shells report it). SIGINT and SIGTERM are handed to eksctl while it runs.
 */
export function runAttached(binary: string, args: readonly string[], io: Io): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { stdio: 'inherit', env: io.env, cwd: io.cwd });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const settle = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    // A child that could not start emits 'error', then 'close' with a negative code that the settled promise ignores;
    // one that ran emits only 'close', once it exited.
    child.once('error', (error) => {
      settle();
      reject(new SafeEksctlError(`cannot run ${binary}: ${error.message}`, ExitCode.usage, { cause: error }));
    });
    child.once('close', (code, signal) => {
      settle();
      if (code !== null) resolvePromise(code);
      else resolvePromise(128 + (signal === null ? 0 : (osConstants.signals[signal] ?? 0)));
    });
  });
}
