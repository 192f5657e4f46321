// action.yml and examples/ci-workflow.yml, run as a GitHub runner would run them (test/helpers/github-actions.ts)
// against the simulator, the workflow's `uses:` of the safe-eksctl action resolved to this checkout. The job's PATH
// holds node and the system's commands, as a runner's does after setup-node: the action brings its own safe-eksctl.
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckReport } from '../../src/commands/check.js';
import type { Plan } from '../../src/core/plan.js';
import type { RunReport } from '../../src/report.js';
import { EXAMPLES, ROOT } from '../helpers/bin.js';
import { hasCommand } from '../helpers/commands.js';
import { userRepo } from '../helpers/examples.js';
import { LocalJob, type Step } from '../helpers/github-actions.js';
import { FAST_TIMINGS, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { plainEksctl, simulatorPerTest } from '../helpers/sim-workloads.js';

/** How examples/ci-workflow.yml names the action; a user replaces it with where they keep safe-eksctl. */
const ACTION = 'your-org/safe-eksctl@v0.1.0';

const simulator = simulatorPerTest();
let job: LocalJob | undefined;
afterEach(() => {
  job?.close();
  job = undefined;
});

function json<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A user's repository and a job in it, with the runner's PATH. */
function runnerJob(simEnv: Record<string, string>) {
  const { dir, env } = userRepo(simEnv, { installed: false });
  const runnerEnv = { ...env, PATH: [env['PATH'], '/usr/bin', '/bin'].join(delimiter) };
  return { dir, env: runnerEnv, job: (job = new LocalJob({ workspace: dir, env: runnerEnv, actions: { [ACTION]: ROOT } })) };
}

async function simulatedRepo() {
  const { s, env: simEnv } = await simulator.start({ timeScale: 0.01, eksctlVersion: '0.207.0', timings: FAST_TIMINGS });
  return { s, ...runnerJob(simEnv) };
}

describe.skipIf(!hasCommand('bash'))('the safe-eksctl action against the simulator', () => {
  it('examples/ci-workflow.yml: every step that needs no GitHub and no download, in order, with the action', async () => {
    const workflow = parse(readFileSync(join(EXAMPLES, 'ci-workflow.yml'), 'utf8')) as {
      env: Record<string, string>;
      jobs: { cluster: { steps: Step[] } };
    };
    const steps = workflow.jobs.cluster.steps;
    // Steps of GitHub's own actions, and the eksctl download, cannot run here; every other step does.
    const elsewhere = steps.filter((step) => (step.uses !== undefined && step.uses !== ACTION) || step.name === 'Install eksctl');
    expect(elsewhere.map((step) => step.uses ?? step.name)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'aws-actions/configure-aws-credentials@v4',
      'Install eksctl',
      'actions/upload-artifact@v4',
    ]);
    const ours = steps.filter((step) => !elsewhere.includes(step));
    expect(ours.map((step) => [step.name, step.uses])).toEqual([
      ['Plan', ACTION],
      ['Create the cluster', ACTION],
      ['Add new Fargate profiles and heal what they stranded', ACTION],
      ['Heal the existing cluster (does nothing when it is healthy)', ACTION],
      ['Check (DNS works)', ACTION],
    ]);

    const { s, dir, job } = await simulatedRepo();
    const summaries: string[] = [];
    for (const step of ours) {
      const result = await job.run(step, { ...workflow.env, AWS_REGION: s.region });
      expect(result.exitCode, `${step.name}\n${result.log}`).toBe(0);
      expect(result.outputs).toEqual({ 'exit-code': '0', report: step.with?.['report'] });
      summaries.push(result.summary);
    }
    expect(json<Plan>(join(dir, 'plan-report.json'))).toMatchObject({ cluster: { name: 'fargate-demo' }, coredns: { capturedBy: 'fp-kube-system' } });
    expect(json<RunReport>(join(dir, 'create-report.json'))).toMatchObject({ ok: true, coredns: { stuckBefore: 2, restarts: 1 }, workloads: [] });
    expect(json<RunReport>(join(dir, 'profiles-report.json'))).toMatchObject({ ok: true, coredns: { stuckBefore: 0, restarts: 0 } });
    expect(json<RunReport>(join(dir, 'heal-report.json'))).toMatchObject({ ok: true, coredns: { stuckBefore: 0, restarts: 0 } });
    expect(json<CheckReport>(join(dir, 'check-report.json'))).toMatchObject({ ok: true, problems: [] });

    const [plan, create, profiles, heal, check] = summaries;
    expect(plan).toMatch(/^### safe-eksctl plan: ok \(the cluster is healthy\)\n\n```text\nPlan for cluster "fargate-demo"/);
    expect(create).toContain('### safe-eksctl create: ok');
    expect(create).toMatch(/CoreDNS: 2\/2 ready; 2 stuck before; restarted once/);
    expect(profiles).toContain('### safe-eksctl create fargateprofile: ok');
    expect(heal).toContain('CoreDNS: 2/2 ready; 0 stuck before; not restarted (nothing was stuck)');
    expect(check).toContain('Cluster "fargate-demo" in us-west-2: healthy');
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('a failing gate fails its step with the exit code, names the stuck pods on the job page and keeps the report', async () => {
    const { s, dir, env, job } = await simulatedRepo();
    // A cluster made by plain eksctl 0.207.0: CoreDNS Pending on default-scheduler.
    const eksctl = await plainEksctl(s, { ...env, HOME: dir }, ['create', 'cluster', '-f', join(dir, 'cluster.yaml')]);
    expect(eksctl.exitCode, eksctl.stdout).toBe(0);

    const gate: Step = { uses: ACTION, with: { command: 'check', cluster: 'fargate-demo', region: s.region } };
    const failed = await job.run(gate);
    expect(failed.exitCode).toBe(1);
    expect(failed.outputs).toEqual({ 'exit-code': '1', report: 'safe-eksctl-report.json' });
    expect(failed.summary).toMatch(/^### safe-eksctl check: exit 1 \(not healthy, or the operation failed\)\n/);
    expect(failed.summary).toContain('Cluster "fargate-demo" in us-west-2: NOT healthy (exit 1)');
    expect(failed.summary).toMatch(/ stuck {9}Pending on default-scheduler/);
    expect(json<CheckReport>(join(dir, 'safe-eksctl-report.json'))).toMatchObject({ ok: false, exitCode: 1 });

    const healed = await job.run({ uses: ACTION, with: { command: 'heal', cluster: 'fargate-demo', region: s.region, args: '--workloads' } });
    expect(healed.exitCode, healed.log).toBe(0);
    expect(healed.summary).toMatch(/CoreDNS: 2\/2 ready; 2 stuck before; restarted once/);
    expect((await job.run(gate)).exitCode).toBe(0);
  }, SCENARIO_TEST_TIMEOUT_MS);

  it('refuses a command it does not run, and says when a command stopped before its report', async () => {
    const { job } = runnerJob({});
    const refused = await job.run({ uses: ACTION, with: { command: 'delete cluster', cluster: 'fargate-demo' } });
    expect(refused.exitCode).toBe(2);
    expect(refused.log).toContain("::error::safe-eksctl action: command must be create, create fargateprofile, heal, check or plan, not 'delete cluster'");
    expect(refused.outputs).toEqual({ 'exit-code': '', report: '' });

    // The action put its bin/ on the job's PATH: later `run:` steps call safe-eksctl by name.
    const later = await job.run({ run: 'safe-eksctl --version' });
    expect([later.exitCode, later.log]).toEqual([0, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version]);

    const usage = await job.run({ uses: ACTION, with: { command: 'check' } });
    expect(usage.exitCode).toBe(2);
    expect(usage.log).toContain("safe-eksctl: required option '--cluster <name>' not specified");
    expect(usage.summary).toBe(
      "### safe-eksctl check: exit 2 (usage or config error, nothing started)\n\nNo JSON report: the command stopped before it wrote one (see the step's log).\n",
    );
  });
});
