// The npm package as a user gets it: `npm pack` of this checkout (its dist/ as `npm run build` left it), installed
// globally into a temporary prefix, then run from outside the checkout with nothing but node on PATH.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, nodeOnlyPath, removeTempDirs, ROOT } from '../helpers/bin.js';
import { hasCommand } from '../helpers/commands.js';
import { SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';

let work: string;
const prefix = () => join(work, 'prefix');

describe.skipIf(!hasCommand('npm'))('the packed tarball, installed globally', () => {
  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'safe-eksctl-package-'));
    // --ignore-scripts: pack the dist/ this run built (prepare would rebuild it under the other tests' feet).
    const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, reject: false });
    expect(packed.exitCode, packed.stderr).toBe(0);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    // --offline: every package is inside the bundle, so the install must need nothing from a registry.
    const installed = await execa('npm', ['install', '--global', '--prefix', prefix(), '--offline', '--no-audit', '--no-fund', join(work, tarball!)], {
      cwd: work,
      reject: false,
    });
    expect(installed.exitCode, installed.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    removeTempDirs();
  });

  const installedBin = (args: string[]) =>
    execa('safe-eksctl', args, {
      cwd: work,
      reject: false,
      extendEnv: false,
      timeout: 120_000,
      env: { PATH: [join(prefix(), 'bin'), nodeOnlyPath()].join(delimiter), HOME: work },
    });

  it('brings no dependency along and answers --version', async () => {
    expect(existsSync(join(prefix(), 'lib', 'node_modules', 'safe-eksctl', 'node_modules'))).toBe(false);
    const version = await installedBin(['--version']);
    expect([version.exitCode, version.stderr]).toEqual([0, '']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs safe-eksctl demo', async () => {
    // Deadlines far beyond need: the demo's are 6 and 12 real seconds at its time scale.
    const demo = await installedBin(['demo', '--coredns-timeout', '2h', '--fargate-timeout', '2h']);
    expect(demo.exitCode, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/CoreDNS: 2\/2 ready; 2 stuck before; restarted once( while eksctl ran)?\n/);
    expect(demo.stdout).toContain('Cluster "fargate-demo" is ready.');
  }, SCENARIO_TEST_TIMEOUT_MS);
});
