// `--log-file`: every eksctl line, as eksctl printed it (secrets masked). The file is a copy for the user, never a
// reason to stop eksctl: a full disk (ENOSPC) or a FIFO whose reader went away (EPIPE) halfway through a
// CloudFormation stack would otherwise leave a half-made cluster. A failed write is reported once and the run goes
// on; the lines still reach the screen and the summary.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { ExitCode, SafeEksctlError } from '../errors.js';

export class EksctlLogFile {
  private failure: string | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
    onFailure: (message: string) => void,
  ) {
    stream.on('error', (error: Error) => {
      if (this.failure !== undefined) return;
      this.failure = `--log-file ${path}: ${error.message}`;
      onFailure(this.failure);
    });
  }

  /**
   * Opened (and emptied) before eksctl starts: a file that cannot be opened is bad input, exit 2, nothing started. A
   * relative path is the command's working directory's (where eksctl runs), not this process's.
   */
  static async open(path: string, onFailure: (message: string) => void, cwd = process.cwd()): Promise<EksctlLogFile> {
    let handle;
    try {
      handle = await open(resolve(cwd, path), 'w');
    } catch (error) {
      throw new SafeEksctlError(`--log-file ${path}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
    }
    return new EksctlLogFile(path, handle.createWriteStream(), onFailure);
  }

  /** Queued, never awaited: eksctl's pace is not the disk's. After a failure, nothing more is written. */
  write(line: string): void {
    if (this.failure === undefined) this.stream.write(`${line}\n`);
  }

  /** What went wrong, as the one-line warning; undefined while every write succeeded. */
  get error(): string | undefined {
    return this.failure;
  }

  /** Flushes and closes; a write that fails now is reported like any other. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure === undefined) this.stream.end();
      else this.stream.destroy();
      await finished(this.stream).catch(() => undefined);
    })();
    return this.closing;
  }
}
