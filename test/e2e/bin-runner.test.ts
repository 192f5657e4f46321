// test/helpers/bin.ts runBin, the one way tests spawn the bin: what its options promise the tests that lean on them.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, recorded, recordingDir, recordingEnv, removeTempDirs, runBin } from '../helpers/bin.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** Whether the process runs; a zombie (killed, not yet reaped by a PID 1 that may never reap) does not. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) return existsSync(stat) && !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Until the process is gone: SIGKILL is delivered, not waited for. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 250 && running(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return !running(pid);
}

describe('runBin', () => {
  it('groupTimeoutMs ends a hung run with everything it started, eksctl included', async () => {
    // A pass-through to a stand-in that waits for a signal it never gets: only the group kill ends it. The timeout
    // is on fake timers, fired once eksctl is up, so the kill cannot come before there is something to kill.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { log, env } = recordingEnv({ RECORDING_EKSCTL_WAIT: '1', RECORDING_EKSCTL_STUBBORN: '1' });
      const bin = runBin(['get', 'cluster'], { env, groupTimeoutMs: 60_000 });
      await new Promise<void>((resolve) => bin.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
      vi.advanceTimersByTime(60_000);
      const result = await bin;
      expect(result.signal).toBe('SIGKILL');
      const [eksctl] = recorded(log);
      expect(eksctl?.pid).toBeGreaterThan(0);
      vi.useRealTimers();
      expect(await gone(eksctl!.pid!)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('wholeEnv hands the env over exactly as given: no PATH added', async () => {
    // An "eksctl" that needs no PATH to start and writes down the environment it got.
    const { dir } = recordingDir();
    const eksctl = join(dir, 'eksctl');
    writeFileSync(eksctl, `#!/bin/sh\n/usr/bin/env > "${dir}/env-$1"\n`);
    chmodSync(eksctl, 0o755);
    const names = (word: string) => readFileSync(join(dir, `env-${word}`), 'utf8').split('\n').map((line) => line.split('=')[0]);
    expect((await runBin(['whole'], { env: { SAFE_EKSCTL_EKSCTL: eksctl, ONLY: '1' }, wholeEnv: true })).exitCode).toBe(0);
    expect(names('whole')).toContain('ONLY');
    expect(names('whole')).not.toContain('PATH');
    expect((await runBin(['usual'], { env: { SAFE_EKSCTL_EKSCTL: eksctl } })).exitCode).toBe(0);
    expect(names('usual')).toContain('PATH');
  });

  it('passes cwd and input through to the bin', async () => {
    const { dir, log, env } = recordingEnv();
    const result = await runBin(['get', 'cluster'], { env, cwd: dir, input: '' });
    expect(result.exitCode).toBe(0);
    expect(recorded(log)[0]?.cwd).toBe(dir);
  });
});
