// A --log-file that fails halfway (a full disk, a FIFO whose reader went away) is a warning, never a reason to stop
// eksctl: killing it mid-CloudFormation would leave a half-made cluster.
import { spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEksctl } from '../../src/adapters/eksctl.js';
import { RECORDING_EKSCTL, recordingDir, removeTempDirs } from '../helpers/bin.js';

afterAll(removeTempDirs);

const FULL_DISK = '/dev/full';

describe('runEksctl --log-file that fails', () => {
  it.skipIf(!existsSync(FULL_DISK))('a full disk (ENOSPC): one warning naming the file, every line still shown, eksctl\'s own exit code', async () => {
    const { dir } = recordingDir();
    const lines: string[] = [];
    const warnings: string[] = [];
    const run = await runEksctl(RECORDING_EKSCTL, ['create', 'cluster'], {
      env: { ...process.env, RECORDING_EKSCTL_LOG: join(dir, 'events.log'), RECORDING_EKSCTL_LINES: '30', RECORDING_EKSCTL_EXIT: '3' },
      logFile: FULL_DISK,
      onLogFileError: (warning) => warnings.push(warning),
      onLine: (line) => lines.push(line),
    });
    expect(run.exitCode).toBe(3);
    expect(run.interrupted).toBe(false);
    expect([...lines].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).sort());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^--log-file \/dev\/full: ENOSPC: /);
    expect(run.logFileError).toBe(warnings[0]);
  });

  it('a FIFO whose reader goes away (EPIPE): eksctl goes on to its end and every line still arrives', async () => {
    const { dir } = recordingDir();
    const fifo = join(dir, 'eksctl.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // eksctl prints its second and third lines only once the FIFO's reader is gone: the write that follows is EPIPE.
    const go = join(dir, 'reader-gone');
    const eksctl = join(dir, 'eksctl');
    writeFileSync(eksctl, `#!/bin/sh\necho first\nwhile [ ! -e '${go}' ]; do sleep 0.05; done\necho second\necho third\n`);
    chmodSync(eksctl, 0o755);
    const reader = createReadStream(fifo);
    const readerClosed = new Promise<void>((resolve) => reader.once('close', () => resolve()));
    const read: string[] = [];
    reader.on('data', (chunk) => {
      read.push(String(chunk));
      reader.destroy();
    });
    const lines: string[] = [];
    const warnings: string[] = [];
    const run = await runEksctl(eksctl, [], {
      logFile: fifo,
      onLogFileError: (warning) => warnings.push(warning),
      onLine: (line) => {
        lines.push(line);
        if (line === 'first') void readerClosed.then(() => writeFileSync(go, ''));
      },
    });
    expect(run).toMatchObject({ exitCode: 0, interrupted: false });
    expect(lines).toEqual(['first', 'second', 'third']);
    expect(read.join('')).toBe('first\n');
    expect(warnings).toEqual([`--log-file ${fifo}: EPIPE: broken pipe, write`]);
  });
});
