// eksctl's lines go to the screen, the --log-file and error messages: a credential or token eksctl prints (at a high
// -v, or a wrapper script echoing its environment) is masked in all three.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runEksctl } from '../../src/adapters/eksctl.js';

const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'not-a-real-secret-key-but-long-enough-000';
const SESSION = 'not-a-real-session-token-FwoGZXIvYXdzEJr';
const RESOLVED = 'a-secret-resolved-from-an-aws-profile-0001';

it('masks secrets from the environment, resolved ones and EKS tokens in every line, the log and the last lines', async () => {
  const leaky = join(dir, 'leaky-eksctl.js');
  writeFileSync(
    leaky,
    [
      'console.log(`key=${process.env.AWS_SECRET_ACCESS_KEY} session=${process.env.AWS_SESSION_TOKEN}`);',
      `console.log('profile secret ${RESOLVED}');`,
      "console.error('Error: token k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20v_-x refused');",
      'process.exit(1);',
    ].join('\n'),
  );
  const seen: string[] = [];
  const log = join(dir, 'eksctl.log');
  const run = await runEksctl(process.execPath, [leaky], {
    env: { PATH: process.env['PATH'] ?? '', AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: SESSION },
    secrets: [RESOLVED],
    logFile: log,
    onLine: (line) => seen.push(line),
  });
  expect(run.exitCode).toBe(1);
  const expected = ['key=[redacted] session=[redacted]', 'profile secret [redacted]', 'Error: token k8s-aws-v1.[redacted] refused'];
  expect([...seen].sort()).toEqual([...expected].sort());
  expect([...run.lastLines].sort()).toEqual([...expected].sort());
  const written = readFileSync(log, 'utf8');
  for (const secret of [SECRET, SESSION, RESOLVED, 'aHR0cHM6Ly9zdHM']) expect(written).not.toContain(secret);
  expect(written.split('\n').filter(Boolean).sort()).toEqual([...expected].sort());
});
