// Secret scan: whatever happens — success, eksctl failing, a profile failing, CoreDNS unreachable, --more-lines,
// --output json, --log-file — no access key id, secret key, session token or EKS bearer token reaches stdout, stderr,
// the log file or the JSON report.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { assertBuilt } from '../helpers/bin.js';
import { runScenario, SCENARIO_TEST_TIMEOUT_MS, type ScenarioOptions } from '../helpers/scenario.js';

/** The simulator accepts any session token; this one is easy to find if it is ever printed. */
const SESSION_TOKEN = 'SESSION-TOKEN-MARKER-7f3a9c';
const SECRETS = {
  'access key id': SIM_ACCESS_KEY_ID,
  'secret access key': SIM_SECRET_ACCESS_KEY,
  'session token': SESSION_TOKEN,
  'EKS bearer token': 'k8s-aws-v1.',
} as const;

let logDir: string;

beforeAll(() => {
  assertBuilt();
  logDir = mkdtempSync(join(tmpdir(), 'safe-eksctl-secrets-'));
});

afterAll(() => rmSync(logDir, { recursive: true, force: true }));

/** Names each secret found in a text, with where it was. */
function findSecrets(where: string, text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => `${name} in ${where}`);
}

/**
 * eksctl waits out a CREATE_FAILED profile until its --timeout (the default 25 minutes are 15 real seconds at time
 * scale 0.01, which a loaded machine could let run out first: exit 5). 2 hours leave stopping it to safe-eksctl.
 */
const EKSCTL_WAITS_LONG = ['--timeout', '2h'];
/**
 * Tokens live 6 real seconds at 0.01, 5 s for the retry after a 401 (a fresh token may look a second old); Fargate pods
 * take 9 s to start, so the heal's first token is certainly refused and a fresh one signed.
 */
const TOKEN_OUTLIVED = ['token-ttl=600', 'fargate-start=900'];
/**
 * The demo waits on simulated time: its default CoreDNS and profile deadlines (10 and 20 minutes) are only 6 and 12
 * real seconds at its time scale 0.01. 2 hours leave ending the run to the heal.
 */
const DEMO_DEADLINES_LONG = ['--coredns-timeout', '2h', '--fargate-timeout', '2h'];

const SCENARIOS: [string, ScenarioOptions, number][] = [
  ['success, text, --more-lines', { eksctlVersion: '0.207.0', output: 'text', args: ['--more-lines'] }, 0],
  ['success, --output json', { eksctlVersion: '0.207.0', output: 'json' }, 0],
  ['eksctl fails, --more-lines', { faults: ['eksctl-exit=1@fargate'], output: 'text', args: ['--more-lines'] }, 5],
  ['a profile fails, --output json', { faults: ['profile-create-failed=fp-kube-system'], output: 'json', args: EKSCTL_WAITS_LONG }, 3],
  [
    'CoreDNS unreachable (every Kubernetes call fails), --more-lines',
    { eksctlVersion: '0.207.0', faults: ['kube-5xx=1'], output: 'text', args: ['--more-lines', '--coredns-timeout', '3s'] },
    4,
  ],
  [
    'tokens expire and are refreshed, --more-lines',
    // About 20 real seconds on a loaded machine: three times that before the run is killed.
    { eksctlVersion: '0.207.0', faults: TOKEN_OUTLIVED, output: 'text', args: ['--more-lines'], timeoutMs: 60_000 },
    0,
  ],
  ['demo, --more-lines --output json', { mode: 'demo', eksctlVersion: '0.207.0', output: 'json', args: ['--more-lines', ...DEMO_DEADLINES_LONG] }, 0],
];

describe.concurrent('no secret in any output', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  for (const [title, options, exitCode] of SCENARIOS) {
    it(title, async () => {
      // demo has no --log-file; everywhere else eksctl's every line goes to one.
      const logFile = options.mode === 'demo' ? undefined : join(logDir, `${title.replace(/\W+/g, '-')}.log`);
      const run = await runScenario({
        ...options,
        args: [...(options.args ?? []), ...(logFile ? ['--log-file', logFile] : [])],
        env: { AWS_SESSION_TOKEN: SESSION_TOKEN },
      });
      expect(run.exitCode, run.stderr).toBe(exitCode);
      const log = logFile ? readFileSync(logFile, 'utf8') : '';
      if (logFile) expect(log).toMatch(/\[ℹ\]/);
      expect([
        ...findSecrets('stdout', run.stdout),
        ...findSecrets('stderr', run.stderr),
        ...findSecrets('the log file', log),
        ...findSecrets('the JSON report', run.report ? JSON.stringify(run.report) : ''),
      ]).toEqual([]);
      if (options.output === 'json') expect(run.report?.exitCode).toBe(exitCode);
      // The refresh happened, so the scan above covered the output of a refreshed token too.
      if (options.faults === TOKEN_OUTLIVED) expect(run.kubeUnauthorized).toBeGreaterThanOrEqual(1);
    });
  }

  it('the scan sees a secret when one is printed', () => {
    expect(findSecrets('stdout', `token: k8s-aws-v1.abc, key ${SIM_SECRET_ACCESS_KEY}`)).toEqual(['secret access key in stdout', 'EKS bearer token in stdout']);
  });
});
