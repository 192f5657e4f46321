// What the bin loads before it answers: `--version`, `--help` and a pass-through must not pay for the AWS SDK or the
// Kubernetes client (a pass-through runs on every `alias eksctl=safe-eksctl` call), and a pass-through loads no
// package at all, only Node's child_process. Read off the modules Node resolves, and the bundle's own markers of
// which package each part of a chunk came from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, EXAMPLES, recordingDir, removeTempDirs, ROOT } from '../helpers/bin.js';

beforeAll(assertBuilt);
afterAll(removeTempDirs);

const RECORDER = join(ROOT, 'test', 'fixtures', 'record-loads.js');
const ENTRY = join(ROOT, 'dist', 'safe-eksctl.js');

/** The modules the bin resolved for these arguments, and the npm packages bundled into the dist/ files among them. */
async function loads(args: string[]): Promise<{ builtins: string[]; distFiles: string[]; packages: string[]; exitCode: number | undefined }> {
  const { dir } = recordingDir();
  const log = join(dir, 'loads.log');
  const run = await execa(process.execPath, ['--import', RECORDER, BIN, ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: '/usr/bin:/bin', RECORD_LOADS_LOG: log },
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter((url) => url !== '');
  const distFiles = [...new Set(urls.filter((url) => url.startsWith('file:') && url.includes('/dist/')).map((url) => fileURLToPath(url)))];
  const packages = new Set<string>();
  for (const file of distFiles) {
    // esbuild heads what it bundled from a package with `// node_modules/<package>/<file>`.
    for (const match of readFileSync(file, 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)) packages.add(match[1]!);
  }
  const builtins = urls.filter((url) => url.startsWith('node:'));
  return { builtins, distFiles, packages: [...packages].sort(), exitCode: run.exitCode };
}

describe('what the bin loads', () => {
  it('a pass-through to eksctl loads no package and no other file of ours: only the entry and Node child_process', async () => {
    const run = await loads(['--eksctl', '/bin/true', 'get', 'cluster']);
    expect(run.exitCode).toBe(0);
    expect(run.distFiles).toEqual([ENTRY]);
    expect(run.packages).toEqual([]);
    expect(run.builtins).toContain('node:child_process');
  });

  it('--version alone loads no package and no other file of ours', async () => {
    const run = await loads(['--version']);
    expect(run.exitCode).toBe(0);
    expect(run.distFiles).toEqual([ENTRY]);
    expect(run.packages).toEqual([]);
  });

  it('--help loads commander and nothing else', async () => {
    const run = await loads(['--help']);
    expect(run.exitCode).toBe(0);
    expect(run.packages).toEqual(['commander']);
  });

  it('plan loads the config reader but neither the AWS SDK nor the Kubernetes client', async () => {
    const run = await loads(['plan', '-f', join(EXAMPLES, 'bug-report.yaml'), '--eksctl-version', '0.207.0']);
    expect(run.exitCode).toBe(0);
    expect(run.packages).toContain('yaml');
    expect(run.packages.filter((name) => /^@aws-sdk\/|^@smithy\/|^@kubernetes\//.test(name))).toEqual([]);
  });
});
