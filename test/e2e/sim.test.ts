// `safe-eksctl sim` as a user runs it: the built bin in a child process, its one JSON line, the AWS CLI against it
// (where installed), then SIGTERM and a clean exit 0. Needs `npm run build` first.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { assertBuilt, BIN as bin } from '../helpers/bin.js';
import { hasCommand } from '../helpers/commands.js';
import { captureIo } from '../helpers/io.js';
import type { Simulator } from '../../src/sim/index.js';

type Announcement = Pick<Simulator, 'eksEndpoint' | 'kubeServer' | 'caFile' | 'eksctl' | 'region' | 'env'>;

beforeAll(() => assertBuilt());

let child: ResultPromise | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await child.catch(() => undefined);
  }
  child = undefined;
});

function firstLine(process: ResultPromise): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    process.catch(reject);
  });
}

/** Starts `safe-eksctl sim` in a child process and reads its announcement. */
async function startSim(): Promise<Announcement> {
  child = execa(process.execPath, [bin, 'sim', '--time-scale', '0.01', '--fault', 'webhook-delay=5'], { reject: false, buffer: { stdout: false } });
  return JSON.parse(await firstLine(child)) as Announcement;
}

/** SIGTERM ends it with exit 0, its CA file removed. */
async function expectCleanStop(sim: Announcement): Promise<void> {
  child!.kill('SIGTERM');
  const result = await child!;
  expect(result.exitCode).toBe(0);
  expect(existsSync(sim.caFile)).toBe(false);
}

describe('safe-eksctl sim', () => {
  it('prints one JSON line when ready and exits 0 on SIGTERM', async () => {
    const sim = await startSim();
    expect(Object.keys(sim).sort()).toEqual(['caFile', 'eksEndpoint', 'eksctl', 'env', 'kubeServer', 'region']);
    expect(existsSync(sim.caFile)).toBe(true);
    expect(sim.env['SAFE_EKSCTL_SIM_TIME_SCALE']).toBe('0.01');
    expect(sim.env['SAFE_EKSCTL_SIM_FAULTS']).toBe('["webhook-delay=5"]');
    await expectCleanStop(sim);
  });

  // Skipped, and said so (hasCommand warns), where the AWS CLI is not installed.
  it.skipIf(!hasCommand('aws'))('serves the AWS CLI from its announced environment', async () => {
    const sim = await startSim();
    const aws = (...args: string[]) =>
      execa('aws', ['eks', ...args, '--endpoint-url', sim.eksEndpoint, '--output', 'json'], {
        reject: false,
        env: { ...sim.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      });
    const listed = await aws('list-clusters');
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ clusters: [] });
    const missing = await aws('describe-cluster', '--name', 'nope');
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain('ResourceNotFoundException');
    await expectCleanStop(sim);
  });

  // Bad input is refused before anything starts; in process, as the bin's own exit 2 is proved in cli.test.ts.
  it('exits 2 on a bad --fault or --time-scale, starting nothing', async () => {
    const badFault = captureIo();
    expect(await main(['sim', '--fault', 'no-such-fault'], badFault)).toBe(2);
    expect(badFault.out()).toBe('');
    expect(badFault.err()).toContain('unknown fault "no-such-fault"');

    const badScale = captureIo();
    expect(await main(['sim', '--time-scale', '0'], badScale)).toBe(2);
    expect(badScale.err()).toContain('--time-scale 0');
  });
});
