// Secret scan: whatever happens — success, eksctl failing, a profile failing, CoreDNS unreachable, --more-lines,
// --output json, --log-file — no access key id, secret key, session token or EKS bearer token reaches stdout, stderr,
// the log file or the JSON report.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { startSimulator } from '../../src/sim/index.js';
import { assertBuilt, EXAMPLES, nodeOnlyPath, removeTempDirs, runBin } from '../helpers/bin.js';
import { FAST_TIMINGS, runFaultCase, type FaultRunOptions } from '../helpers/fault-run.js';
import { simCredentials } from '../helpers/sim.js';
import { scratchEnv } from '../helpers/sim-workloads.js';

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

afterAll(() => {
  rmSync(logDir, { recursive: true, force: true });
  removeTempDirs();
});

/** Names each secret found in a text, with where it was. */
function findSecrets(where: string, text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => `${name} in ${where}`);
}

function logFileFor(title: string): string {
  return join(logDir, `${title.replace(/\W+/g, '-')}.log`);
}

/**
 * Tokens live 60 simulated seconds from their first use; Fargate pods take 180 s to start (within the default CoreDNS
 * deadline), so the heal's first token is certainly refused and a fresh one signed.
 */
const TOKEN_OUTLIVED = ['token-ttl=60', 'fargate-start=180'];

/**
 * The demo waits on simulated time: its default CoreDNS and profile deadlines (10 and 20 minutes) are only 6 and 12
 * real seconds at its time scale 0.01. 2 hours leave ending the run to the heal.
 */
const DEMO_DEADLINES_LONG = ['--coredns-timeout', '2h', '--fargate-timeout', '2h'];

type Scenario = [string, FaultRunOptions & { output: 'json' | 'text' }, number];

// In this process on virtual time (../helpers/fault-run.ts), the product signing with the session token as the bin
// would from AWS_SESSION_TOKEN, the simulated eksctl reading it from its environment: what the command prints is all
// in the captured stdout and stderr, and eksctl's every line in the log file.
const SCENARIOS: Scenario[] = [
  ['success, text, --more-lines', { eksctlVersion: '0.207.0', output: 'text', args: ['--more-lines'] }, 0],
  ['success, --output json', { eksctlVersion: '0.207.0', output: 'json' }, 0],
  ['eksctl fails, --more-lines', { faults: ['eksctl-exit=1@fargate'], output: 'text', args: ['--more-lines'] }, 5],
  // eksctl waits out the failed profile until its 25-minute --timeout: safe-eksctl's watch stops it first (exit 3).
  ['a profile fails, --output json', { faults: ['profile-create-failed=fp-kube-system'], output: 'json' }, 3],
  [
    'CoreDNS unreachable (every Kubernetes call fails), --more-lines',
    { eksctlVersion: '0.207.0', faults: ['kube-5xx=1'], output: 'text', args: ['--more-lines', '--coredns-timeout', '1m'] },
    4,
  ],
  ['tokens expire and are refreshed, --more-lines', { eksctlVersion: '0.207.0', faults: TOKEN_OUTLIVED, output: 'text', args: ['--more-lines'] }, 0],
];

describe('no secret in any output', () => {
  for (const [title, options, exitCode] of SCENARIOS) {
    it(title, async () => {
      const logFile = logFileFor(title);
      const run = await runFaultCase({
        timings: FAST_TIMINGS,
        ...options,
        args: [...(options.args ?? []), '--log-file', logFile],
        env: { AWS_SESSION_TOKEN: SESSION_TOKEN },
        deps: { credentials: { ...simCredentials, sessionToken: SESSION_TOKEN } },
      });
      expect(run.exitCode, run.stderr).toBe(exitCode);
      const log = readFileSync(logFile, 'utf8');
      expect(log).toMatch(/\[ℹ\]/);
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

  /**
   * The bin as a shell runs it: a process prints what an in-process run does not (uncaught errors, Node's warnings),
   * and a failing run is where those would come. Against a simulator on scaled real time: the bin waits on the real
   * clock.
   */
  it('the bin: eksctl fails, text, --more-lines, --log-file', async () => {
    const sim = await startSimulator({ timeScale: 0.01, faults: ['eksctl-exit=1@fargate'], timings: FAST_TIMINGS });
    const scratch = scratchEnv(sim);
    try {
      const logFile = logFileFor('the bin');
      const run = await runBin(['create', '-f', join(EXAMPLES, 'bug-report.yaml'), '--eksctl', sim.eksctl, '--more-lines', '--log-file', logFile], {
        env: { ...scratch.env, AWS_SESSION_TOKEN: SESSION_TOKEN },
        cwd: scratch.env['HOME'],
        timeout: 60_000,
        forceKillAfterDelay: 2_000,
      });
      expect(run.exitCode, String(run.stderr)).toBe(5);
      const log = readFileSync(logFile, 'utf8');
      expect(log).toMatch(/\[ℹ\]/);
      expect([...findSecrets('stdout', String(run.stdout)), ...findSecrets('stderr', String(run.stderr)), ...findSecrets('the log file', log)]).toEqual([]);
    } finally {
      await sim.close();
      scratch.cleanup();
    }
  });

  it('the bin: demo, --more-lines --output json', async () => {
    const home = mkdtempSync(join(tmpdir(), 'safe-eksctl-secrets-demo-'));
    try {
      const run = await runBin(['demo', '--eksctl-version', '0.207.0', '--time-scale', '0.01', '--more-lines', '--output', 'json', ...DEMO_DEADLINES_LONG], {
        env: { PATH: nodeOnlyPath(), HOME: home, KUBECONFIG: join(home, 'kubeconfig'), AWS_SESSION_TOKEN: SESSION_TOKEN },
        cwd: home,
        timeout: 60_000,
        forceKillAfterDelay: 2_000,
      });
      expect(run.exitCode, String(run.stderr)).toBe(0);
      const report = JSON.parse(String(run.stdout)) as { exitCode: number };
      expect(report.exitCode).toBe(0);
      expect([...findSecrets('stdout', String(run.stdout)), ...findSecrets('stderr', String(run.stderr))]).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('the scan sees a secret when one is printed', () => {
    expect(findSecrets('stdout', `token: k8s-aws-v1.abc, key ${SIM_SECRET_ACCESS_KEY}`)).toEqual(['secret access key in stdout', 'EKS bearer token in stdout']);
  });
});
