// eksctl runs as the leader of a process group (and session) of its own, so a signal reaches everything it started:
// a wrapper script (asdf, a CI shim) that does not `exec` eksctl, and eksctl's own children. Without that, a signal
// reaches the wrapper alone, and its child keeps running and keeps our pipe open for as long as it lives.
import { constants as osConstants } from 'node:os';
import type { Result } from 'execa';
import { ExitCode, SafeEksctlError } from '../errors.js';

/** A signal to every process of the group led by `pid`; nothing to do when it never started or is gone. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** The child's own exit code; death by a signal is 128 + its number, as shells report it. */
export function exitCodeOf(binary: string, result: Result): number {
  if (result.exitCode !== undefined) return result.exitCode;
  if (result.signal !== undefined) return 128 + (osConstants.signals[result.signal] ?? 0);
  throw new SafeEksctlError(`cannot run ${binary}: ${result.originalMessage || result.shortMessage}`, ExitCode.usage);
}
