// examples/Makefile, a user copies: every target run as written (make) against the simulator, with `safe-eksctl` on
// PATH as after `npm install -g`, and without it: the Makefile then finds the clone's bin/ or the project's
// node_modules. The workflow and the action are in github-action.test.ts.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/commands/check.js';
import { BIN, binDir, EXAMPLES, nodeOnlyPath, recordingDir, ROOT } from '../helpers/bin.js';
import { commandPath, hasCommand } from '../helpers/commands.js';
import { userRepo } from '../helpers/examples.js';
import { FAST_TIMINGS, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { simulatorPerTest, writes } from '../helpers/sim-workloads.js';

const simulator = simulatorPerTest();
/** By its path: the PATH of a run without safe-eksctl holds node alone. */
const MAKE = commandPath('make') ?? 'make';

function json<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe.skipIf(!hasCommand('make'))('examples/Makefile against the simulator', () => {
  it('create, check, report, heal and profiles (no change the second time), plan and demo all work as written', async () => {
    const { s, env: simEnv } = await simulator.start({ timeScale: 0.01, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
    const { dir, env } = userRepo(simEnv, { installed: true });
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

  it('check fails the make run when CoreDNS is stuck; with no safe-eksctl on PATH it runs the clone\'s bin/', async () => {
    const { s, env: simEnv } = await simulator.start({ timeScale: 0.01, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
    const { dir, env } = userRepo(simEnv, { installed: false });
    const eksctl = await execa(process.execPath, [s.eksctl, 'create', 'cluster', '-f', 'cluster.yaml'], { cwd: dir, env, extendEnv: false, reject: false });
    expect(eksctl.exitCode, eksctl.stdout).toBe(0);
    const checked = await execa(MAKE, ['--no-print-directory', '-f', join(EXAMPLES, 'Makefile'), 'check'], { cwd: dir, env, extendEnv: false, reject: false });
    expect(checked.exitCode).toBe(2);
    expect(checked.stdout).toContain(`node ${BIN} check --cluster fargate-demo`);
    expect(checked.stdout).toContain('NOT healthy (exit 1)');
    expect(checked.stderr).toMatch(/make: \*\*\* \[.*Makefile:\d+: check\] Error 1/);
  }, SCENARIO_TEST_TIMEOUT_MS);
});

describe.skipIf(!hasCommand('make'))('examples/Makefile with no safe-eksctl on PATH', () => {
  it("right after the README's set-up: make plan on an example config, from the clone's root", async () => {
    const planned = await execa(MAKE, ['--no-print-directory', '-f', 'examples/Makefile', 'plan', 'CONFIG=examples/kube-dns-label.yaml'], {
      cwd: ROOT,
      env: { PATH: nodeOnlyPath() },
      extendEnv: false,
      reject: false,
    });
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`node ${BIN} plan -f examples/kube-dns-label.yaml`);
    expect(planned.stdout).toContain('Plan for cluster "fargate-demo" in us-west-2');
  });

  it.skipIf(!hasCommand('npx'))("a copy next to cluster.yaml runs the project's node_modules safe-eksctl through npx --no", async () => {
    const { dir } = recordingDir();
    copyFileSync(join(EXAMPLES, 'Makefile'), join(dir, 'Makefile'));
    copyFileSync(join(EXAMPLES, 'bug-report.yaml'), join(dir, 'cluster.yaml'));
    // As `npm install --save-dev ./safe-eksctl-0.1.0.tgz` leaves it: a link in node_modules/.bin.
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BIN, join(dir, 'node_modules', '.bin', 'safe-eksctl'));
    const planned = await execa(MAKE, ['--no-print-directory', 'plan'], {
      cwd: dir,
      // npx starts the bin through `sh`.
      env: { PATH: [nodeOnlyPath(), binDir('npx', commandPath('npx')!), binDir('sh', commandPath('sh')!)].join(delimiter), HOME: dir },
      extendEnv: false,
      reject: false,
    });
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('npx --no safe-eksctl plan -f cluster.yaml');
    expect(planned.stdout).toContain('Plan for cluster "fargate-demo" in us-west-2');
  });
});
