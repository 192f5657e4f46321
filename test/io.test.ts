// outliveReader: a reader that went away (EPIPE) is not an error; anything else still is.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { outliveReader } from '../src/io.js';

const failure = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('outliveReader', () => {
  it('drops EPIPE, every time it comes', () => {
    const stream = new PassThrough();
    outliveReader(stream);
    expect(() => stream.emit('error', failure('EPIPE'))).not.toThrow();
    expect(() => stream.emit('error', failure('EPIPE'))).not.toThrow();
  });

  it('lets any other error through, as an uncaught exception would have been', () => {
    const stream = new PassThrough();
    outliveReader(stream);
    expect(() => stream.emit('error', failure('EIO'))).toThrow('write EIO');
  });

  it('listens once however often it is asked', () => {
    const stream = new PassThrough();
    outliveReader(stream);
    outliveReader(stream);
    expect(stream.listenerCount('error')).toBe(1);
  });
});
