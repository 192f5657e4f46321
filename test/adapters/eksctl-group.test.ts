// eksctl behind a wrapper that does not `exec` it (asdf, a CI shim): the signal reaches the whole process group, a
// descendant that holds eksctl's output cannot keep us waiting once eksctl exited, and nothing of the tree outlives
// the run, nor this process when it crashes.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInterrupt, runEksctl } from '../../src/adapters/eksctl.js';
import { assertBuilt, moduleForChild, RECORDING_EKSCTL, recorded, recordingDir, removeTempDirs } from '../helpers/bin.js';
import { alive } from '../helpers/network.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** Every pid a test's scripts wrote down; whatever a failing test left running goes afterwards. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
});

/** Polls until `pid` is gone (a SIGKILLed process needs a moment to be reaped); false if it still lives after 10 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return !alive(pid);
}

/** An executable sh script in a fresh directory; `{dir}` in the body is that directory. */
function script(body: string): { path: string; dir: string } {
  const { dir } = recordingDir();
  const path = join(dir, 'eksctl');
  writeFileSync(path, `#!/bin/sh\n${body.replaceAll('{dir}', dir)}\n`);
  chmodSync(path, 0o755);
  return { path, dir };
}

/** The pids a script wrote to {dir}/NAME.pid, one file each, once they are all there. */
function pids(dir: string, ...names: string[]): number[] {
  const found = names.map((name) => join(dir, `${name}.pid`)).filter((file) => existsSync(file) && readFileSync(file, 'utf8').trim() !== '');
  if (found.length < names.length) return [];
  const list = found.map((file) => Number(readFileSync(file, 'utf8')));
  started.push(...list);
  return list;
}

describe('runEksctl: eksctl in a process group of its own', () => {
  it('Ctrl-C reaches the eksctl a wrapper runs as its child: both end, exit 130', { timeout: 30_000 }, async () => {
    // The wrapper waits for eksctl in the foreground, as `eksctl "$@"` in a shim does; a SIGINT sent to the wrapper
    // alone would never reach eksctl, which would go on creating the cluster and holding our pipe.
    const { dir, log } = recordingDir();
    const wrapper = script(`echo $$ > '${dir}/wrapper.pid'\n'${RECORDING_EKSCTL}' "$@"`);
    const interrupt = createInterrupt();
    const run = await runEksctl(wrapper.path, ['create', 'cluster'], {
      env: { ...process.env, RECORDING_EKSCTL_LOG: log, RECORDING_EKSCTL_WAIT: '1' },
      signal: interrupt.signal,
      forceSignal: interrupt.forceSignal,
      // Only the signal to the group can end this run in time: the grace period is far beyond the test's timeout.
      interruptGraceMs: 600_000,
      onLine: (line) => line === 'ready' && interrupt.interrupt(),
    });
    expect(run).toMatchObject({ exitCode: 130, interrupted: true });
    const events = recorded(log);
    expect(events.map((e) => e.signal).filter(Boolean)).toEqual(['SIGINT']);
    const [wrapperPid] = pids(dir, 'wrapper');
    expect(await gone(events[0]!.pid!)).toBe(true);
    expect(await gone(wrapperPid!)).toBe(true);
  });

  it('eksctl exits while something it started holds its output: the run ends, and that process is gone too', { timeout: 30_000 }, async () => {
    // A background child of sh ignores SIGINT and keeps the pipe open for 300 s; another one does not hold the pipe.
    const wrapper = script(
      `sleep 300 &\necho $! > '{dir}/holder.pid'\nsleep 300 >/dev/null 2>&1 &\necho $! > '{dir}/quiet.pid'\necho 'eksctl is done'`,
    );
    const lines: string[] = [];
    const run = await runEksctl(wrapper.path, [], { drainMs: 100, onLine: (line) => lines.push(line) });
    expect(run).toMatchObject({ exitCode: 0, interrupted: false });
    expect(lines).toEqual(['eksctl is done']);
    const [holder, quiet] = pids(wrapper.dir, 'holder', 'quiet');
    expect(await gone(holder!)).toBe(true);
    expect(await gone(quiet!)).toBe(true);
  });

  it('a holder that left the group (setsid) cannot keep the run waiting either', { timeout: 30_000 }, async () => {
    const wrapper = script(`setsid sh -c 'echo $$ > "{dir}/escaped.pid"; exec sleep 300' &\nwhile [ ! -s '{dir}/escaped.pid' ]; do sleep 0.05; done\necho done`);
    const run = await runEksctl(wrapper.path, [], { drainMs: 100, onLine: () => {} });
    expect(run).toMatchObject({ exitCode: 0, interrupted: false, lastLines: ['done'] });
    // Out of the group it is out of reach; the test removes it (afterEach).
    expect(pids(wrapper.dir, 'escaped')).toHaveLength(1);
  });

  it('when this process crashes, eksctl and what it started go with it', { timeout: 30_000 }, async () => {
    // A wrapper that stays alive, with a child of its own; the process running eksctl then throws an uncaught error.
    const wrapper = script(`echo $$ > '{dir}/wrapper.pid'\nsleep 300 &\necho $! > '{dir}/child.pid'\necho ready\nwait`);
    const program = [
      `import { runEksctl } from ${JSON.stringify(await moduleForChild('src/adapters/eksctl-run.ts'))};`,
      `await runEksctl(${JSON.stringify(wrapper.path)}, [], { onLine: (line) => { if (line === 'ready') setTimeout(() => { throw new Error('crash'); }, 0); } });`,
    ].join('\n');
    const crashed = await execa(process.execPath, ['--input-type=module', '-e', program], { reject: false, timeout: 20_000 });
    expect(crashed.exitCode, crashed.stderr).toBe(1);
    expect(crashed.stderr).toContain('Error: crash');
    const [wrapperPid, childPid] = pids(wrapper.dir, 'wrapper', 'child');
    expect(wrapperPid).toBeGreaterThan(0);
    expect(await gone(wrapperPid!)).toBe(true);
    expect(await gone(childPid!)).toBe(true);
  });
});
