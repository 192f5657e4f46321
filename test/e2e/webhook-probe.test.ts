// The Fargate probe end to end: `create` with eksctl 0.207.0 on the bug report's config, in this process on virtual
// time (see helpers/scenario-in-process.ts). Whatever the webhook's delay, CoreDNS is restarted exactly once,
// never before the webhook sees the profile, and the restart follows the webhook's own answer to a dry-run pod. Where
// the dry run is refused, the old guess (a grace, then restart and verify) still heals it, and says why.
import { describe, expect, it } from 'vitest';
import { SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';
import { runScenarioInProcess } from '../helpers/scenario-in-process.js';

describe('create heals CoreDNS with the Fargate probe', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  // 0: the webhook sees the profile at once; 10: the default, inside eksctl's 30 s sleep; 40: after eksctl has ended.
  for (const delay of [0, 10, 40]) {
    it(`webhook delay ${delay} s: exactly one restart, after the webhook saw the profile, on its answer`, async () => {
      const run = await runScenarioInProcess({ config: 'bug-report.yaml', eksctlVersion: '0.207.0', faults: [`webhook-delay=${delay}`] });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.report?.coredns).toMatchObject({ desired: 2, ready: 2, stuckBefore: 2, restarts: 1, restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }] });
      expect(run.report?.coredns?.probes).toBeGreaterThanOrEqual(1);
      expect(run.report?.coredns?.probeFallback).toBeUndefined();
      // The same from the simulator's side: one restart reached the template, and not before the webhook saw the profile.
      expect(run.restartsAt).toHaveLength(1);
      expect(run.webhookSawAt).toBeDefined();
      expect(run.restartsAt[0]).toBeGreaterThanOrEqual(run.webhookSawAt!);
      expect(run.corednsInSim?.readyOnFargate).toBe(2);
    });
  }

  // (The 400 of another webhook without dry-run support, and the JSON fields, are the adapter tests' case.)
  it('the dry run refused (RBAC without create pods): grace and verify heal it, and the summary says once why', async () => {
    const run = await runScenarioInProcess({ config: 'bug-report.yaml', eksctlVersion: '0.207.0', faults: ['dry-run-refused=403'], output: 'text' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout.match(/the dry-run probe was refused: .*HTTP 403: pods is forbidden/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/\n {2}Fargate probe: 1 dry run; restart 1 without it(; restart 2 without it)*; not used: the dry-run probe was refused: /);
    expect(run.corednsInSim?.readyOnFargate).toBe(2);
  });
});
