import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, pathWithRecordingEksctl, RECORDING_EKSCTL, recorded, recordingDir, recordingEnv, runBin, removeTempDirs } from '../helpers/bin.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

/** Starts the bin with a waiting stand-in, sends `signal` to the bin alone once eksctl is ready. */
async function interruptBin(signal: NodeJS.Signals, extra: Record<string, string> = {}) {
  const { log, env } = recordingEnv({ RECORDING_EKSCTL_WAIT: '1', ...extra });
  const bin = runBin(['delete', 'cluster', '--name', 'x'], { env });
  await new Promise<void>((resolve, reject) => {
    bin.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    bin.on('exit', () => reject(new Error('the bin exited before eksctl was ready')));
  });
  bin.kill(signal);
  return { result: await bin, log };
}

describe('pass-through to eksctl', () => {
  it('passes exactly the same arguments', async () => {
    const args = ['get', 'cluster', '--region', 'eu-west-1', '-o', 'json', '', 'with space', '*', '--', '-f'];
    const { log, env } = recordingEnv();
    const result = await runBin(args, { env });
    expect(result.exitCode).toBe(0);
    expect(recorded(log)).toEqual([expect.objectContaining({ argv: args })]);
  });

  it.each([
    [['version']],
    [['utils', 'describe-stacks', '--cluster', 'c']],
    [['create', 'nodegroup', '--cluster', 'c']],
    [['delete', 'cluster', '-f', 'c.yaml', '--wait']],
  ])('sends %j to eksctl', async (args) => {
    const { log, env } = recordingEnv();
    await runBin(args, { env });
    expect(recorded(log)[0]?.argv).toEqual(args);
  });

  it("shares stdio: eksctl's output is ours", async () => {
    const { env } = recordingEnv({ RECORDING_EKSCTL_VERSION: '0.207.0', RECORDING_EKSCTL_LINES: '2' });
    expect((await runBin(['version'], { env })).stdout).toBe('0.207.0\n');
    const lines = await runBin(['get', 'cluster'], { env });
    expect([lines.stdout, lines.stderr]).toEqual(['line 1\n', 'line 2\n']);
  });

  it("returns eksctl's exit code unchanged", async () => {
    for (const code of ['1', '42', '0']) {
      const { env } = recordingEnv({ RECORDING_EKSCTL_EXIT: code });
      expect((await runBin(['get', 'cluster'], { env })).exitCode).toBe(Number(code));
    }
  });

  it('forwards SIGINT and returns the code eksctl exits with', async () => {
    const { result, log } = await interruptBin('SIGINT', { RECORDING_EKSCTL_EXIT: '7' });
    expect(result.exitCode).toBe(7);
    expect(recorded(log).filter((event) => event.signal)).toEqual([{ signal: 'SIGINT' }]);
  });

  it('forwards SIGTERM', async () => {
    const { result, log } = await interruptBin('SIGTERM');
    expect(result.exitCode).toBe(128 + 15);
    expect(recorded(log).filter((event) => event.signal)).toEqual([{ signal: 'SIGTERM' }]);
  });

  it('reports death by a signal as 128 + its number', async () => {
    const { log, env } = recordingEnv({ RECORDING_EKSCTL_WAIT: '1' });
    const bin = runBin(['get', 'cluster'], { env });
    await new Promise<void>((resolve) => bin.stdout?.on('data', () => resolve()));
    process.kill(recorded(log)[0]!.pid!, 'SIGKILL');
    expect((await bin).exitCode).toBe(137);
  });

  it('takes --eksctl PATH before $SAFE_EKSCTL_EKSCTL and PATH, and does not pass it on', async () => {
    const { log, env } = recordingEnv();
    const result = await runBin(['--eksctl', RECORDING_EKSCTL, 'get', 'cluster'], {
      env: { ...env, SAFE_EKSCTL_EKSCTL: '/no/such/eksctl' },
    });
    expect(result.exitCode).toBe(0);
    expect(recorded(log)[0]?.argv).toEqual(['get', 'cluster']);
  });

  it('finds eksctl through $SAFE_EKSCTL_EKSCTL and on PATH', async () => {
    const { log } = recordingDir();
    await runBin(['get', 'nodegroup'], { env: { SAFE_EKSCTL_EKSCTL: RECORDING_EKSCTL, RECORDING_EKSCTL_LOG: log } });
    await runBin(['get', 'addon'], { env: { PATH: pathWithRecordingEksctl(), RECORDING_EKSCTL_LOG: log } });
    expect(recorded(log).map((event) => event.argv)).toEqual([['get', 'nodegroup'], ['get', 'addon']]);
  });

  it('says eksctl is missing in one line and exits 2', async () => {
    const result = await runBin(['get', 'cluster']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('safe-eksctl: eksctl not found on PATH; install it or pass --eksctl\n');
    const missing = await runBin(['--eksctl', join('/no', 'eksctl'), 'get', 'cluster']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('safe-eksctl: eksctl not found: /no/eksctl (--eksctl) does not exist\n');
  });

  it('says in one line, exit 2, that an eksctl which is there cannot be started', async () => {
    const { dir } = recordingDir();
    const wrapper = join(dir, 'eksctl');
    writeFileSync(wrapper, '#!/no/such/interpreter\n');
    chmodSync(wrapper, 0o755);
    const result = await runBin(['--eksctl', wrapper, 'get', 'cluster']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`safe-eksctl: cannot run ${wrapper}: spawn ${wrapper} ENOENT\n`);
  });
});
