// `create` in this process on virtual time: the bug report (eksctl 0.207.0, CoreDNS stuck, healed with one restart)
// through createCluster, with the simulated eksctl in process too, at the simulator's default (real-world) timings.
// The end state is the one the spawned scenario of test/e2e/create-heal.test.ts asserts; here it also holds exactly,
// run after run, because nothing depends on how fast the machine is.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../src/sim/faults.js';
import { createOnVirtualTime, type VirtualCreate } from '../helpers/virtual-create.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const bugReport = () => createOnVirtualTime({ config: 'bug-report.yaml', eksctlVersion: '0.207.0' });

function expectHealedOnce(run: VirtualCreate) {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.report).toMatchObject({ ok: true, exitCode: 0, cluster: 'fargate-demo' });
  expect(run.report.phases.map((p) => [p.name, p.status])).toEqual([
    ['Config and plan', 'ok'],
    ['Preflight', 'ok'],
    ['eksctl create cluster', 'ok'],
    ['Wait for Fargate profiles', 'ok'],
    ['Heal CoreDNS', 'ok'],
  ]);
  expect(run.report.profiles.map((p) => [p.name, p.status]).sort()).toEqual([
    ['fp-default', 'ACTIVE'],
    ['fp-kube-system', 'ACTIVE'],
  ]);
  expect(run.report.coredns).toMatchObject({
    desired: 2,
    ready: 2,
    stuckBefore: 2,
    restarts: 1,
    annotationRemoved: false,
    restartProbes: [{ probe: 'fargate', profile: 'fp-kube-system' }],
  });
  // Seen from the simulator: one change to CoreDNS's template (the restart; eksctl 0.207.0 does not patch it), and both
  // pods Running and Ready on Fargate nodes.
  expect(run.coredns).toEqual({ templateChanges: 1, patchedByEksctl: false, readyOnFargate: 2, pods: 2 });
}

describe('safe-eksctl create on virtual time, everything in this process', () => {
  it('bug report labels with eksctl 0.207.0: CoreDNS stuck, healed with exactly one restart', async () => {
    const run = await bugReport();
    expectHealedOnce(run);
    // Two profiles of two simulated minutes each, one at a time, after a two-minute control plane: well over six
    // simulated minutes, none of them waited for in real time.
    expect(run.simulatedMs).toBeGreaterThan(6 * 60_000);
  });

  it('runs the same, event for event, every time: two runs give the same report and the same eksctl lines', async () => {
    // The pipeline's poll jitter and everything else random, the same sequence in both runs.
    const runs: VirtualCreate[] = [];
    for (let i = 0; i < 2; i++) {
      vi.spyOn(Math, 'random').mockImplementation(seededRandom(42));
      runs.push(await bugReport());
      vi.restoreAllMocks();
    }
    const [first, second] = runs as [VirtualCreate, VirtualCreate];
    expectHealedOnce(first);
    expect(second.report).toEqual(first.report);
    expect(eksctlLines(second)).toEqual(eksctlLines(first));
    expect(second.simulatedMs).toBe(first.simulatedMs);
  });
});

/** eksctl's own lines (timestamped with the virtual clock) as the pipeline passed them on. */
function eksctlLines(run: VirtualCreate): string[] {
  return run.stderr.split('\n').filter((line) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[/.test(line));
}
