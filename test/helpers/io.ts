// An Io that captures what a command writes, for in-process tests.
import { PassThrough, Readable } from 'node:stream';
import type { Io } from '../../src/io.js';

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
}

export function captureIo({ cwd = process.cwd(), stdin = '', env = {} as NodeJS.ProcessEnv } = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    stdout,
    stderr,
    stdin: Readable.from([Buffer.from(stdin)]),
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
