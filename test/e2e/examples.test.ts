// The examples a user copies: every target of examples/Makefile and every `run:` step of examples/ci-workflow.yml,
// run as they are written (make, bash -e) against the simulator, with `safe-eksctl` on PATH as after `npm install -g`.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckReport } from '../../src/commands/check.js';
import type { RunReport } from '../../src/report.js';
import { BIN, EXAMPLES } from '../helpers/bin.js';
import { hasCommand } from '../helpers/commands.js';
import { FAST_TIMINGS, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { simulatorPerTest, writes } from '../helpers/sim-workloads.js';

const simulator = simulatorPerTest();
let workDir: string | undefined;
afterEach(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
});

/** A directory holding cluster.yaml (the bug report) and a `safe-eksctl` command, as a user's repository would. */
function userRepo(env: Record<string, string>): { dir: string; env: Record<string, string> } {
  const dir = (workDir = mkdtempSync(join(tmpdir(), 'safe-eksctl-examples-')));
  copyFileSync(join(EXAMPLES, 'bug-report.yaml'), join(dir, 'cluster.yaml'));
  const shim = join(dir, 'safe-eksctl');
  // `make demo` waits on its own simulator's time: the demo's CoreDNS and profile deadlines (10 and 20 simulated
  // minutes) are only 6 and 12 real seconds at its time scale 0.01, which a loaded machine could run out. The shim
  // gives the demo 2 hours, so only a broken run fails it; every other command runs as written.
  const demoDeadlines = '--coredns-timeout 2h --fargate-timeout 2h';
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = demo ]; then shift; set -- demo ${demoDeadlines} "$@"; fi\nexec "${process.execPath}" "${BIN}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  // make and bash from the system; no eksctl, kubectl or aws on PATH: the simulator's eksctl comes through the env.
  return { dir, env: { ...env, PATH: [dir, env['PATH'], '/usr/bin', '/bin'].join(delimiter) } };
}

function json<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe.skipIf(!hasCommand('make'))('examples/Makefile against the simulator', () => {
  it('create, check, report, heal and profiles (no change the second time), plan and demo all work as written', async () => {
    const { s, env: simEnv } = await simulator.start({ timeScale: 0.01, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
    const { dir, env } = userRepo(simEnv);
    const make = (...args: string[]) =>
      execa('make', ['--no-print-directory', '-f', join(EXAMPLES, 'Makefile'), ...args], { cwd: dir, env, extendEnv: false, reject: false, timeout: 90_000 });

    const created = await make('create');
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('safe-eksctl plan -f cluster.yaml');
    expect(created.stdout).toContain('CoreDNS: 2/2 ready; 2 stuck before; restarted once');

    const checked = await make('check', `REGION=${s.region}`);
    expect(checked.exitCode, checked.stdout).toBe(0);
    expect(checked.stdout).toContain('Cluster "fargate-demo" in us-west-2: healthy');

    const report = await make('report');
    expect(report.exitCode, report.stderr).toBe(0);
    expect(json<CheckReport>(join(dir, 'check-fargate-demo.json'))).toMatchObject({ ok: true, exitCode: 0, cluster: 'fargate-demo' });

    const writesBefore = writes(s.kubeRequestsByMethod());
    const healed = await make('heal-workloads');
    expect(healed.exitCode, healed.stderr).toBe(0);
    expect(healed.stdout).toContain('CoreDNS: 2/2 ready; 0 stuck before; not restarted (nothing was stuck)');
    expect(writes(s.kubeRequestsByMethod())).toBe(writesBefore);

    // The profiles of cluster.yaml exist already: eksctl says so, nothing is stranded, nothing restarted.
    const profiles = await make('profiles');
    expect(profiles.exitCode, profiles.stderr).toBe(0);
    expect(profiles.stdout).toContain('Workloads: nothing stranded');
    expect(writes(s.kubeRequestsByMethod())).toBe(writesBefore);

    const planned = await make('plan');
    expect(planned.exitCode, planned.stderr).toBe(0);

    const demo = await make('demo');
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Cluster "fargate-demo" is ready.');
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('check fails the make run when CoreDNS is stuck', async () => {
    const { s, env: simEnv } = await simulator.start({ timeScale: 0.01, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
    const { dir, env } = userRepo(simEnv);
    const eksctl = await execa(process.execPath, [s.eksctl, 'create', 'cluster', '-f', 'cluster.yaml'], { cwd: dir, env, extendEnv: false, reject: false });
    expect(eksctl.exitCode, eksctl.stdout).toBe(0);
    const checked = await execa('make', ['--no-print-directory', '-f', join(EXAMPLES, 'Makefile'), 'check'], { cwd: dir, env, extendEnv: false, reject: false });
    expect(checked.exitCode).toBe(2);
    expect(checked.stdout).toContain('NOT healthy (exit 1)');
    expect(checked.stderr).toMatch(/make: \*\*\* \[.*Makefile:\d+: check\] Error 1/);
  }, SCENARIO_TEST_TIMEOUT_MS);
});

interface Step {
  name: string;
  run?: string;
}

describe.skipIf(!hasCommand('bash'))('examples/ci-workflow.yml against the simulator', () => {
  it("every run step but the install works as written, in order, with the workflow's env", async () => {
    const workflow = parse(readFileSync(join(EXAMPLES, 'ci-workflow.yml'), 'utf8')) as {
      env: Record<string, string>;
      jobs: { cluster: { steps: Step[] } };
    };
    const steps = workflow.jobs.cluster.steps.filter((step): step is Required<Step> => step.run !== undefined);
    // The install step needs GitHub and the network; every other step is run.
    const [install, ...rest] = steps;
    expect(install?.name).toBe('Install eksctl and safe-eksctl');
    expect(rest.map((step) => step.name)).toEqual([
      'Plan',
      'Create the cluster',
      'Add new Fargate profiles and heal what they stranded',
      'Heal the existing cluster (does nothing when it is healthy)',
      'Check (DNS works)',
    ]);

    const { s, env: simEnv } = await simulator.start({ timeScale: 0.01, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
    const { dir, env } = userRepo(simEnv);
    for (const step of rest) {
      // GitHub runs a `run:` step as `bash -e {0}` with the workflow's env.
      const result = await execa('bash', ['-e', '-c', step.run], {
        cwd: dir,
        env: { ...env, ...workflow.env, AWS_REGION: s.region },
        extendEnv: false,
        reject: false,
        timeout: 90_000,
      });
      expect(result.exitCode, `${step.name}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    expect(json<RunReport>(join(dir, 'create-report.json'))).toMatchObject({ ok: true, coredns: { stuckBefore: 2, restarts: 1 }, workloads: [] });
    expect(json<RunReport>(join(dir, 'profiles-report.json'))).toMatchObject({ ok: true, coredns: { stuckBefore: 0, restarts: 0 } });
    expect(json<RunReport>(join(dir, 'heal-report.json'))).toMatchObject({ ok: true, coredns: { stuckBefore: 0, restarts: 0 } });
    expect(json<CheckReport>(join(dir, 'check-report.json'))).toMatchObject({ ok: true, problems: [] });
  }, SCENARIO_TEST_TIMEOUT_MS);
});
