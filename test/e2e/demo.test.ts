// `safe-eksctl demo`: the create pipeline against an in-process simulator, on simulated time.
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/bin.js';
import { expectNoSecrets, runScenario } from '../helpers/scenario.js';

beforeAll(assertBuilt);

describe.concurrent('safe-eksctl demo', { timeout: 120_000 }, () => {
  it('replays the bug report by default: CoreDNS stuck, healed with one restart, times said to be simulated', async () => {
    const run = await runScenario({ mode: 'demo', output: 'text' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('warning: profile "fp-kube-system" captures CoreDNS but eksctl does not recognise its selector');
    expect(run.stdout).toContain('Preflight: eksctl 0.207.0, AWS account 000000000000');
    expect(run.stdout).toMatch(/^ {2}eksctl create cluster +ok +\d+m\d\ds$/m);
    expect(run.stdout).toContain('CoreDNS: 2/2 ready; 2 stuck before; restarted once while eksctl ran\n');
    expect(run.stdout.endsWith('Times are simulated (time scale 0.01: one simulated second took 10ms here).\n')).toBe(true);
    expect(run.leftover).toEqual([]);
    expectNoSecrets(run);
  });

  it('takes faults: a CREATE_FAILED profile stops the simulated eksctl with exit 3 and a JSON report', async () => {
    const run = await runScenario({ mode: 'demo', faults: ['profile-create-failed=fp-default'] });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.report).toMatchObject({ ok: false, exitCode: 3, cluster: 'fargate-demo', coredns: null });
    expect(run.report?.profiles).toEqual([{ name: 'fp-default', status: 'CREATE_FAILED', waitedMs: expect.any(Number), polls: expect.any(Number) }]);
    expect(run.stderr).toMatch(/safe-eksctl: Fargate profile "fp-default" is CREATE_FAILED: PodExecutionRoleAlreadyInUse: /);
    expect(run.leftover).toEqual([]);
    expectNoSecrets(run);
  });
});
