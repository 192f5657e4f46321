// When eksctl's dry-run refuses the command line, its own output and exit code are the answer, and nothing else runs;
// a credential in what it printed is still masked (safe-eksctl never prints one).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { nodeOnlyPath, recordingDir, removeTempDirs } from '../helpers/bin.js';
import { captureIo } from '../helpers/io.js';

afterAll(removeTempDirs);

it('eksctl refusing the dry-run: its stdout and stderr, its exit code, the secret key masked, no second eksctl run', async () => {
  const { dir, log } = recordingDir();
  const eksctl = join(dir, 'eksctl');
  writeFileSync(
    eksctl,
    [
      '#!/usr/bin/env node',
      "require('fs').appendFileSync(process.env.LOG, JSON.stringify(process.argv.slice(2)) + '\\n');",
      "process.stdout.write('2026-01-01 00:00:00 [!]  warned\\n');",
      "process.stderr.write('Error: refused, key ' + process.env.AWS_SECRET_ACCESS_KEY + '\\n');",
      'process.exit(3);',
      '',
    ].join('\n'),
  );
  chmodSync(eksctl, 0o755);
  const io = captureIo({ cwd: dir, env: { PATH: nodeOnlyPath(), LOG: log, AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-key-but-long', SAFE_EKSCTL_EKSCTL: eksctl } });
  const exitCode = await main(['create', 'cluster', '--name', 'x', '--poll-interval', '2', '--zones', 'nowhere-1a'], io);
  expect({ exitCode, out: io.out(), err: io.err() }).toEqual({
    exitCode: 3,
    out: '2026-01-01 00:00:00 [!]  warned\n',
    err: 'Error: refused, key [redacted]\n',
  });
  expect(readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[])).toEqual([['create', 'cluster', '--name', 'x', '--zones', 'nowhere-1a', '--dry-run']]);
});
