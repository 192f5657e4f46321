import { ListrLogger, ProcessOutput } from 'listr2';
import { PassThrough } from 'node:stream';

/** The test renderer prints one JSON line per event; this logger keeps them out of the test output. */
export function quietLogger(): ListrLogger {
  const sink = new PassThrough();
  sink.resume();
  const stream = sink as unknown as NodeJS.WriteStream;
  return new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
}
