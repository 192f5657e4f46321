// The fault matrix: every simulator fault alone, and the pairs that meet on the same path, run through `create`
// against the simulator, in this process on virtual time (../helpers/fault-run.ts): what each case asserts is an order
// of simulated events, which a loaded machine cannot change. Each ends with the exit code the README documents, leaves
// nothing of eksctl running, and restarts CoreDNS only when it was stuck (and always when it was). The bin's own exit
// codes and the processes it leaves are test/e2e/create-interrupted.test.ts's and test/reliability/bad-input.test.ts's.
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES } from '../../src/sim/faults.js';
import { expectNoSecrets, FAST_TIMINGS, runFaultCase } from '../helpers/fault-run.js';

interface FaultCase {
  faults: string[];
  /** 0.207.0 leaves the bug report's CoreDNS stuck (safe-eksctl must restart it); 0.230.0 restarts it itself. */
  eksctlVersion: '0.207.0' | '0.230.0';
  exitCode: 0 | 3 | 4 | 5;
  /** Whether safe-eksctl finds CoreDNS stuck (and so restarts it); undefined when the run never reaches the heal. */
  stuck?: boolean;
  /** Whether it restarts CoreDNS, when that is not simply `stuck`: never while the webhook would not capture the pods. */
  restarted?: boolean;
  /**
   * eksctl fails after its profiles: the heal while eksctl ran may have looked at CoreDNS (and restarted it) first, or
   * not; the report then says what it did.
   */
  earlyHealMayLook?: true;
  args?: string[];
  /** The heal outlives its first token: the simulator must have refused one (401) and the run still succeeded. */
  tokenRefused?: true;
}

const STUCK = { eksctlVersion: '0.207.0', stuck: true } as const;
const HEALED_BY_EKSCTL = { eksctlVersion: '0.230.0', stuck: false } as const;
/**
 * A CoreDNS deadline (simulated time, as every wait of the run) for the cases meant to end at it: two simulated
 * minutes are well past the heal's first look and restart, and cost fewer polls than the default ten.
 */
const SHORT_COREDNS = ['--coredns-timeout', '2m'];
/**
 * Tokens live 60 simulated seconds from their first use; Fargate pods take 180 s to start (within the heal's default
 * 10-minute CoreDNS deadline), so the heal's first token, used before its restart, is certainly refused before CoreDNS
 * is Ready, and the fresh one signed after the 401 is accepted. (safe-eksctl refreshes by its own 14 minutes on the
 * real clock, which a test never reaches: only the refresh after a 401 can get it through.)
 */
const TOKEN_OUTLIVED = ['token-ttl=60', 'fargate-start=180'];

const ALONE: FaultCase[] = [
  { faults: ['eks-throttle=0.3'], ...STUCK, exitCode: 0 },
  { faults: ['eks-5xx=0.2'], ...STUCK, exitCode: 0 },
  { faults: ['eks-reset=0.1'], ...STUCK, exitCode: 0 },
  { faults: ['kube-5xx=0.3'], ...STUCK, exitCode: 0 },
  // eksctl gives up on its first Kubernetes API error; safe-eksctl reports eksctl's failure and heals nothing.
  { faults: ['kube-5xx=1'], eksctlVersion: '0.230.0', exitCode: 5 },
  // The same role runs eksctl, and eksctl needs DescribeCluster first: its failure is reported. (A role that can run
  // eksctl but not safe-eksctl's own calls is `heal`'s case: test/e2e/check-heal.test.ts.)
  { faults: ['eks-access-denied=DescribeCluster'], eksctlVersion: '0.207.0', exitCode: 5 },
  // eksctl waits out a CREATE_FAILED profile until its --timeout (25 simulated minutes): safe-eksctl's watch stops it
  // long before, so the exit is 3, the profile's, not eksctl's 5.
  { faults: ['profile-create-failed=fp-kube-system'], eksctlVersion: '0.207.0', exitCode: 3 },
  { faults: ['eksctl-exit=1@addons'], eksctlVersion: '0.207.0', exitCode: 5 },
  { faults: ['eksctl-exit=3@nodegroups'], eksctlVersion: '0.207.0', exitCode: 5, earlyHealMayLook: true },
  { faults: ['webhook-delay=40'], ...STUCK, exitCode: 0 },
  // An identity without RBAC create pods: the dry-run probe is refused, the heal falls back to its guess and still heals.
  { faults: ['dry-run-refused=403'], ...STUCK, exitCode: 0 },
  // A webhook slower than its 5 s timeout captures nothing (failurePolicy Ignore): the probe says so every time, so
  // CoreDNS is never restarted into the same Pending state, and the heal ends at its deadline.
  { faults: ['webhook-latency=8'], ...STUCK, restarted: false, exitCode: 4, args: SHORT_COREDNS },
  // Under eksctl's 30 s sleep, so its own restart lands after the webhook sees the profile (40 s would race it).
  { faults: ['webhook-delay=20'], ...HEALED_BY_EKSCTL, exitCode: 0 },
  { faults: ['fargate-start=120'], ...STUCK, exitCode: 0 },
  { faults: ['rollout-stuck'], ...STUCK, exitCode: 4, args: SHORT_COREDNS },
  // eksctl waits for its own rollout until its --timeout, then fails.
  { faults: ['rollout-stuck'], eksctlVersion: '0.230.0', exitCode: 5, args: ['--timeout', '3m'] },
  // The heal outlives its first token (TOKEN_OUTLIVED).
  { faults: TOKEN_OUTLIVED, ...STUCK, exitCode: 0, tokenRefused: true },
  // The bug report's endpoint is public: from outside the VPC it answers all the same (private ones:
  // test/e2e/kinds.test.ts).
  { faults: ['outside-vpc'], ...STUCK, exitCode: 0 },
];

const PAIRS: FaultCase[] = [
  { faults: ['eks-throttle=0.3', 'kube-5xx=0.3'], ...STUCK, exitCode: 0 },
  { faults: ['eks-reset=0.1', 'eks-throttle=0.3'], ...HEALED_BY_EKSCTL, exitCode: 0 },
  { faults: ['webhook-delay=40', 'fargate-start=120'], ...STUCK, exitCode: 0 },
  // A token refused while Kubernetes calls fail too: the refresh after a 401 may itself meet a 500.
  { faults: [...TOKEN_OUTLIVED, 'kube-5xx=0.3'], ...STUCK, exitCode: 0, tokenRefused: true },
  { faults: ['profile-create-failed=fp-default', 'eks-5xx=0.2'], eksctlVersion: '0.207.0', exitCode: 3 },
  // eksctl fails before it creates any profile: the failed profile is never reached.
  { faults: ['eksctl-exit=1@fargate', 'profile-create-failed=fp-kube-system'], eksctlVersion: '0.207.0', exitCode: 5 },
  { faults: ['rollout-stuck', 'webhook-delay=40'], ...STUCK, exitCode: 4, args: SHORT_COREDNS },
];

it('the matrix has every simulator fault alone', () => {
  const alone = new Set(ALONE.flatMap((c) => c.faults.map((f) => f.split('=')[0])));
  expect([...FAULT_NAMES].filter((name) => !alone.has(name))).toEqual([]);
});

// One case at a time: virtual time moves only when all the work of this process waits on the clock.
describe('fault matrix through create', () => {
  for (const c of [...ALONE, ...PAIRS]) {
    const title = `${c.faults.join(' + ')} with eksctl ${c.eksctlVersion} → exit ${c.exitCode}`;
    it(title, async () => {
      const run = await runFaultCase({ faults: c.faults, eksctlVersion: c.eksctlVersion, timings: FAST_TIMINGS, args: c.args ?? [] });
      expect(run.exitCode, run.stderr).toBe(c.exitCode);
      expect(run.report?.exitCode).toBe(c.exitCode);
      expect(run.callsAfterExit).toEqual({});
      expectNoSecrets(run);
      if (c.tokenRefused) expect(run.kubeUnauthorized).toBeGreaterThanOrEqual(1);
      const coredns = run.report?.coredns;
      if (c.stuck === undefined) {
        if (c.earlyHealMayLook && coredns) expect(run.corednsInSim?.changesByOthers ?? 0).toBe(coredns.restarts);
        else expect(coredns ?? null).toBeNull();
        return;
      }
      expect(coredns).toBeTruthy();
      // Restarted only when stuck, and always when stuck (unless a restart could not help).
      const stuck = coredns!.stuckBefore === null ? null : coredns!.stuckBefore > 0;
      expect({ stuck, restarted: coredns!.restarts > 0 }).toEqual({ stuck: c.stuck, restarted: c.restarted ?? c.stuck });
      // The same from the simulator's side: every template change that eksctl did not make is one of our restarts
      // (the bug report's config has no compute-type: ec2 annotation to remove), and nothing else touched CoreDNS.
      const sim = run.corednsInSim!;
      expect(sim.patchedByEksctl).toBe(c.eksctlVersion === '0.230.0');
      expect(sim.changesByOthers).toBe(coredns!.restarts);
      if (c.exitCode === 0) {
        expect(coredns).toMatchObject({ desired: 2, ready: 2 });
        expect(sim.readyOnFargate).toBe(2);
      }
    });
  }
});
