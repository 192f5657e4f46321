/** Where a command writes. Tests pass buffers; the bin passes the process streams. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function defaultIo(): Io {
  outliveReader(process.stdout);
  outliveReader(process.stderr);
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

const outlived = new WeakSet<NodeJS.WritableStream>();

/**
 * A reader that goes away (`| head -1`) must not stop the run: killing it halfway would leave eksctl's cluster with
 * CoreDNS stuck, the very thing safe-eksctl exists to prevent. EPIPE on the stream is dropped, so is everything
 * written after it (Node keeps the process streams writable, and each later write fails the same way). Any other
 * error stays an uncaught exception, as it was without this listener.
 */
export function outliveReader(stream: NodeJS.WritableStream): void {
  if (outlived.has(stream)) return;
  outlived.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
