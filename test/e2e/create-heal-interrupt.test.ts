// Ctrl-C while `safe-eksctl create` heals CoreDNS beside a running eksctl: a signal needs a process, so this spawns
// the bin (the rest of the early heal runs in process: create-heal.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/bin.js';
import { CAPTURING_FIRST_WITH_NODEGROUP } from '../helpers/capturing-first.js';
import { runScenario, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';

beforeAll(assertBuilt);

// Ctrl-C needs a process: the demo waits on its own simulator's clock, so the early heal comes while eksctl runs.
describe('safe-eksctl create: Ctrl-C during the early heal (the bin, simulated time)', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  it('Ctrl-C while the early heal follows CoreDNS: exit 130, eksctl and the heal stopped, nothing left running', async () => {
    // Fargate pods take 600 s here, so the heal that restarted CoreDNS about 10 s after fp-kube-system turned ACTIVE is
    // still waiting for them when eksctl reports fp-default, 134 s after that ACTIVE. At 0.05 the restart comes over
    // 5 real seconds before the Ctrl-C, and the Ctrl-C over 20 before the pods would be Ready.
    const run = await runScenario({
      mode: 'demo',
      config: CAPTURING_FIRST_WITH_NODEGROUP,
      eksctlVersion: '0.207.0',
      faults: ['fargate-start=600'],
      args: ['--more-lines'],
      interrupt: { when: /created Fargate profile "fp-default"/ },
      timeScale: 0.05,
      timeoutMs: 90_000,
    });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.report).toMatchObject({ ok: false, exitCode: 130 });
    expect(run.report?.coredns).toMatchObject({ stuckBefore: 2, restarts: 1, ready: 0, healedDuringEksctl: true });
    expect(run.leftover).toEqual([]);
  });
});
