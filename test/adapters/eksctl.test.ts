import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createInterrupt, eksctlVersion, resolveEksctl, runEksctl } from '../../src/adapters/eksctl.js';
import { SafeEksctlError } from '../../src/errors.js';
import { binDir, RECORDING_EKSCTL, recorded, recordingDir, removeTempDirs } from '../helpers/bin.js';

afterAll(removeTempDirs);

function standIn(extra: Record<string, string> = {}) {
  const { dir, log } = recordingDir();
  return { dir, log, env: { ...process.env, RECORDING_EKSCTL_LOG: log, ...extra } };
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the process ends within `timeoutMs` real milliseconds (a generous bound: it only limits a failing test). */
async function ends(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (running(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('resolveEksctl', () => {
  const onPath = binDir('eksctl', RECORDING_EKSCTL);

  it('prefers --eksctl, then SAFE_EKSCTL_EKSCTL, then eksctl on PATH', () => {
    const other = binDir('eksctl', RECORDING_EKSCTL);
    const env = { PATH: onPath, SAFE_EKSCTL_EKSCTL: join(other, 'eksctl') };
    expect(resolveEksctl(RECORDING_EKSCTL, env)).toBe(RECORDING_EKSCTL);
    expect(resolveEksctl(undefined, env)).toBe(join(other, 'eksctl'));
    expect(resolveEksctl(undefined, { PATH: `/nonexistent:${onPath}` })).toBe(join(onPath, 'eksctl'));
  });

  it('resolves a relative path against cwd and a bare name on PATH', () => {
    expect(resolveEksctl('./eksctl', {}, onPath)).toBe(join(onPath, 'eksctl'));
    expect(resolveEksctl('eksctl', { PATH: onPath })).toBe(join(onPath, 'eksctl'));
  });

  it('says eksctl is missing in one line with exit code 2', () => {
    const missing = () => resolveEksctl(undefined, { PATH: '/nonexistent' });
    expect(missing).toThrow(new SafeEksctlError('eksctl not found on PATH; install it or pass --eksctl', 2));
    expect(() => resolveEksctl(undefined, {})).toThrow('eksctl not found on PATH; install it or pass --eksctl');
  });

  it('names a given path that does not exist or cannot run', () => {
    expect(() => resolveEksctl('/no/such/eksctl', {})).toThrow('eksctl not found: /no/such/eksctl (--eksctl) does not exist');
    expect(() => resolveEksctl(undefined, { SAFE_EKSCTL_EKSCTL: '/no/eksctl' })).toThrow(
      'eksctl not found: /no/eksctl (SAFE_EKSCTL_EKSCTL) does not exist',
    );
    expect(() => resolveEksctl('eksctl-9', { PATH: onPath })).toThrow('eksctl not found: eksctl-9 (--eksctl) is not on PATH');
    const { dir } = recordingDir();
    const plain = join(dir, 'eksctl');
    writeFileSync(plain, '#!/bin/sh\n');
    chmodSync(plain, 0o644);
    expect(() => resolveEksctl(plain, {})).toThrow(/is not executable$/);
    expect(() => resolveEksctl(dir, {})).toThrow(/is not a file$/);
    try {
      resolveEksctl(dir, {});
    } catch (error) {
      expect((error as SafeEksctlError).exitCode).toBe(2);
    }
  });
});

/** An eksctl wrapper that hangs in a child of its own (no `exec`), writing that child's pid to `pidFile`. */
function hangingWrapper(): { wrapper: string; pidFile: string } {
  const { dir } = recordingDir();
  const wrapper = join(dir, 'eksctl');
  const pidFile = join(dir, 'hung.pid');
  writeFileSync(wrapper, `#!/bin/sh\nsleep 300 &\necho $! > '${pidFile}'\nwait\n`);
  chmodSync(wrapper, 0o755);
  return { wrapper, pidFile };
}

describe('eksctlVersion', () => {
  it('reads the version eksctl prints', async () => {
    const { env, log } = standIn({ RECORDING_EKSCTL_VERSION: '0.230.0-dev+abc' });
    expect(await eksctlVersion(RECORDING_EKSCTL, { env })).toBe('0.230.0-dev+abc');
    expect(recorded(log)[0]?.argv).toEqual(['version']);
  });

  it('gives undefined when eksctl prints no version or cannot run', async () => {
    expect(await eksctlVersion(RECORDING_EKSCTL, { env: standIn({ RECORDING_EKSCTL_VERSION: 'dev' }).env })).toBeUndefined();
    expect(await eksctlVersion('/no/such/eksctl')).toBeUndefined();
  });

  it('gives up on a hanging wrapper that does not exec eksctl, and stops what it started too', { timeout: 20_000 }, async () => {
    // The wrapper's child (the "eksctl" it runs) holds our stdout pipe; killing only the wrapper would leave us waiting
    // for that pipe as long as the child lives (300 s here, past the test's timeout).
    const { wrapper, pidFile } = hangingWrapper();
    expect(await eksctlVersion(wrapper, { timeoutMs: 300 })).toBeUndefined();
    const hung = Number(readFileSync(pidFile, 'utf8'));
    expect(hung).toBeGreaterThan(0);
    expect(await ends(hung)).toBe(true);
  });

  it('an interrupt stops the version check and what it started', { timeout: 20_000 }, async () => {
    const { wrapper, pidFile } = hangingWrapper();
    const interrupt = new AbortController();
    const checking = eksctlVersion(wrapper, { signal: interrupt.signal });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await new Promise((resolve) => setTimeout(resolve, 20));
    interrupt.abort(new Error('interrupted'));
    expect(await checking).toBeUndefined();
    expect(await ends(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });
});

describe('runEksctl', () => {
  it('streams every line of stdout and stderr, keeps the last 20 and returns the exit code', async () => {
    const { env, log } = standIn({ RECORDING_EKSCTL_LINES: '30', RECORDING_EKSCTL_EXIT: '3' });
    const lines: string[] = [];
    const run = await runEksctl(RECORDING_EKSCTL, ['create', 'cluster', '-f', 'a b.yaml'], {
      env,
      onLine: (line) => lines.push(line),
    });
    expect(run.exitCode).toBe(3);
    expect(run.interrupted).toBe(false);
    expect([...lines].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).sort());
    // Each stream keeps its own order; the two may interleave.
    const odd = lines.filter((line) => Number(line.split(' ')[1]) % 2 === 1);
    expect(odd).toEqual(Array.from({ length: 15 }, (_, i) => `line ${2 * i + 1}`));
    expect(run.lastLines).toEqual(lines.slice(-20));
    expect(recorded(log)[0]?.argv).toEqual(['create', 'cluster', '-f', 'a b.yaml']);
  });

  it('writes every line to the log file and runs in cwd', async () => {
    const { env, dir, log } = standIn({ RECORDING_EKSCTL_LINES: '4' });
    const logFile = join(dir, 'eksctl-output.log');
    const run = await runEksctl(RECORDING_EKSCTL, ['version-less'], { env, cwd: dir, logFile, onLine: () => {} });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(logFile, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    expect(recorded(log)[0]?.cwd).toBe(dir);
  });

  it('refuses a log file it cannot open before starting eksctl', async () => {
    const { env, log } = standIn();
    await expect(
      runEksctl(RECORDING_EKSCTL, [], { env, logFile: '/no/such/dir/x.log', onLine: () => {} }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--log-file \/no\/such\/dir\/x\.log: /) });
    expect(recorded(log)).toEqual([]);
  });

  it('feeds input to stdin', async () => {
    const { dir } = recordingDir();
    const cat = binDir('cat-eksctl', '/bin/cat');
    const lines: string[] = [];
    await runEksctl(join(cat, 'cat-eksctl'), [], { cwd: dir, input: 'kind: ClusterConfig\n', onLine: (l) => lines.push(l) });
    expect(lines).toEqual(['kind: ClusterConfig']);
  });

  it('on interrupt sends SIGINT, waits for eksctl and reports its exit', async () => {
    const { env, log } = standIn({ RECORDING_EKSCTL_WAIT: '1' });
    const interrupt = createInterrupt();
    const run = await runEksctl(RECORDING_EKSCTL, ['create', 'cluster'], {
      env,
      signal: interrupt.signal,
      forceSignal: interrupt.forceSignal,
      onLine: (line) => line === 'ready' && interrupt.interrupt(),
    });
    expect(run).toMatchObject({ exitCode: 130, interrupted: true });
    expect(recorded(log).map((event) => event.signal).filter(Boolean)).toEqual(['SIGINT']);
  });

  it('on a second interrupt kills an eksctl that ignores SIGINT', async () => {
    const { env, log } = standIn({ RECORDING_EKSCTL_WAIT: '1', RECORDING_EKSCTL_STUBBORN: '1' });
    const interrupt = createInterrupt();
    const run = await runEksctl(RECORDING_EKSCTL, [], {
      env,
      signal: interrupt.signal,
      forceSignal: interrupt.forceSignal,
      interruptGraceMs: 60_000,
      onLine: (line) => {
        if (line !== 'ready') return;
        interrupt.interrupt();
        // Give eksctl time to record the SIGINT it ignores, then press Ctrl-C again.
        const again = setInterval(() => {
          if (recorded(log).some((event) => event.signal === 'SIGINT')) {
            clearInterval(again);
            interrupt.interrupt();
          }
        }, 20);
      },
    });
    expect(run).toMatchObject({ exitCode: 128 + 9, interrupted: true });
    expect(recorded(log).map((event) => event.signal).filter(Boolean)).toEqual(['SIGINT']);
  });

  it('kills an eksctl that outlives the grace period after SIGINT', async () => {
    const { env } = standIn({ RECORDING_EKSCTL_WAIT: '1', RECORDING_EKSCTL_STUBBORN: '1' });
    const controller = new AbortController();
    const run = await runEksctl(RECORDING_EKSCTL, [], {
      env,
      signal: controller.signal,
      interruptGraceMs: 200,
      onLine: (line) => line === 'ready' && controller.abort(),
    });
    expect(run).toMatchObject({ exitCode: 137, interrupted: true });
  });

  it('does not start eksctl when already interrupted', async () => {
    const { env, log } = standIn();
    const interrupt = createInterrupt();
    interrupt.interrupt();
    const run = await runEksctl(RECORDING_EKSCTL, [], { env, signal: interrupt.signal, onLine: () => {} });
    expect(run).toEqual({ exitCode: 130, lastLines: [], interrupted: true });
    expect(recorded(log)).toEqual([]);
  });

  it('kills eksctl when the line handler throws', async () => {
    const { env, log } = standIn({ RECORDING_EKSCTL_WAIT: '1' });
    await expect(
      runEksctl(RECORDING_EKSCTL, [], {
        env,
        onLine: () => {
          throw new Error('renderer broke');
        },
      }),
    ).rejects.toThrow('renderer broke');
    const events = recorded(log);
    expect(events).toHaveLength(1);
    // The stand-in waits forever for a signal it records: it is gone, and not by SIGINT, so it was killed.
    const pid = events[0]!.pid!;
    expect(pid).toBeGreaterThan(0);
    expect(await ends(pid)).toBe(true);
    expect(recorded(log)).toHaveLength(1);
  });

  it('rejects with exit code 2 when eksctl cannot start', async () => {
    await expect(runEksctl('/no/such/eksctl', [], { onLine: () => {} })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^cannot run \/no\/such\/eksctl: /),
    });
  });
});

describe('createInterrupt', () => {
  it('aborts the gentle signal first and the force signal on the second call', () => {
    const interrupt = createInterrupt();
    expect([interrupt.signal.aborted, interrupt.forceSignal.aborted]).toEqual([false, false]);
    interrupt.interrupt();
    expect([interrupt.signal.aborted, interrupt.forceSignal.aborted]).toEqual([true, false]);
    interrupt.interrupt();
    expect([interrupt.signal.aborted, interrupt.forceSignal.aborted]).toEqual([true, true]);
  });
});
