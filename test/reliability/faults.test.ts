// The fault matrix: every simulator fault alone, and the pairs that meet on the same path, run through `create`
// against the simulator. Each ends with the exit code the README documents, leaves no process behind, and restarts
// CoreDNS only when it was stuck (and always when it was).
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULT_NAMES } from '../../src/sim/faults.js';
import { assertBuilt } from '../helpers/bin.js';
import { expectNoSecrets, runScenario, SCENARIO_TEST_TIMEOUT_MS } from '../helpers/scenario.js';

beforeAll(assertBuilt);

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
   * not, as the real clock falls; the report then says what it did.
   */
  earlyHealMayLook?: true;
  args?: string[];
  /** The heal outlives its first token: the simulator must have refused one (401) and the run still succeeded. */
  tokenRefused?: true;
  /** Real ms before the scenario is killed, when its faults make it longer than most (default 45 s). */
  timeoutMs?: number;
}

const STUCK = { eksctlVersion: '0.207.0', stuck: true } as const;
const HEALED_BY_EKSCTL = { eksctlVersion: '0.230.0', stuck: false } as const;
/** Short deadlines (real time: `create` waits on the real clock) for the cases meant to fail. */
const SHORT_COREDNS = ['--coredns-timeout', '4s'];
/**
 * eksctl waits out a CREATE_FAILED profile until its --timeout: the default 25 minutes are 15 real seconds at time
 * scale 0.01, which a loaded machine could let run out before safe-eksctl's watch stops it (then eksctl's exit 1, exit
 * 5). 2 hours are past the scenario's own limit: only the watch can end eksctl's wait.
 */
const EKSCTL_WAITS_LONG = ['--timeout', '2h'];
/**
 * Tokens live 600 simulated seconds, 6 real seconds at 0.01: a fresh token (X-Amz-Date drops fractions, so it may
 * already look a second old) leaves the retry after a 401 5 s to get through. Fargate pods take 900 s (9 s) to start,
 * so the heal's first token, signed before its restart, is certainly refused before CoreDNS is Ready.
 */
const TOKEN_OUTLIVED = ['token-ttl=600', 'fargate-start=900'];
/** Those runs take up to about 27 real seconds on a loaded machine (with kube-5xx): three times that before a kill. */
const TOKEN_OUTLIVED_TIMEOUT_MS = 90_000;

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
  { faults: ['profile-create-failed=fp-kube-system'], eksctlVersion: '0.207.0', exitCode: 3, args: EKSCTL_WAITS_LONG },
  { faults: ['eksctl-exit=1@addons'], eksctlVersion: '0.207.0', exitCode: 5 },
  { faults: ['eksctl-exit=3@nodegroups'], eksctlVersion: '0.207.0', exitCode: 5, earlyHealMayLook: true },
  { faults: ['webhook-delay=40'], ...STUCK, exitCode: 0 },
  // An identity without RBAC create pods: the dry-run probe is refused, the heal falls back to its guess and still heals.
  { faults: ['dry-run-refused=403'], ...STUCK, exitCode: 0 },
  // A webhook slower than its 5 s timeout captures nothing (failurePolicy Ignore): the probe says so every time, so
  // CoreDNS is never restarted into the same Pending state, and the heal ends at its deadline.
  { faults: ['webhook-latency=8'], ...STUCK, restarted: false, exitCode: 4, args: SHORT_COREDNS },
  // Under eksctl's 30 s sleep, so its own restart lands after the webhook sees the profile (40 s raced it: ~0.1 s real).
  { faults: ['webhook-delay=20'], ...HEALED_BY_EKSCTL, exitCode: 0 },
  { faults: ['fargate-start=120'], ...STUCK, exitCode: 0 },
  { faults: ['rollout-stuck'], ...STUCK, exitCode: 4, args: SHORT_COREDNS },
  // eksctl waits for its own rollout until its --timeout, then fails.
  { faults: ['rollout-stuck'], eksctlVersion: '0.230.0', exitCode: 5, args: ['--timeout', '3m'] },
  // The heal outlives its first token (TOKEN_OUTLIVED).
  { faults: TOKEN_OUTLIVED, ...STUCK, exitCode: 0, tokenRefused: true, timeoutMs: TOKEN_OUTLIVED_TIMEOUT_MS },
  // The bug report's endpoint is public: from outside the VPC it answers all the same (private ones:
  // test/e2e/kinds.test.ts).
  { faults: ['outside-vpc'], ...STUCK, exitCode: 0 },
];

const PAIRS: FaultCase[] = [
  { faults: ['eks-throttle=0.3', 'kube-5xx=0.3'], ...STUCK, exitCode: 0 },
  { faults: ['eks-reset=0.1', 'eks-throttle=0.3'], ...HEALED_BY_EKSCTL, exitCode: 0 },
  { faults: ['webhook-delay=40', 'fargate-start=120'], ...STUCK, exitCode: 0 },
  // A token refused while Kubernetes calls fail too: the refresh after a 401 may itself meet a 500.
  { faults: [...TOKEN_OUTLIVED, 'kube-5xx=0.3'], ...STUCK, exitCode: 0, tokenRefused: true, timeoutMs: TOKEN_OUTLIVED_TIMEOUT_MS },
  { faults: ['profile-create-failed=fp-default', 'eks-5xx=0.2'], eksctlVersion: '0.207.0', exitCode: 3, args: EKSCTL_WAITS_LONG },
  // eksctl fails before it creates any profile: the failed profile is never reached.
  { faults: ['eksctl-exit=1@fargate', 'profile-create-failed=fp-kube-system'], eksctlVersion: '0.207.0', exitCode: 5 },
  { faults: ['rollout-stuck', 'webhook-delay=40'], ...STUCK, exitCode: 4, args: SHORT_COREDNS },
];

it('the matrix has every simulator fault alone', () => {
  const alone = new Set(ALONE.flatMap((c) => c.faults.map((f) => f.split('=')[0])));
  expect([...FAULT_NAMES].filter((name) => !alone.has(name))).toEqual([]);
});

describe.concurrent('fault matrix through create', { timeout: SCENARIO_TEST_TIMEOUT_MS }, () => {
  for (const c of [...ALONE, ...PAIRS]) {
    const title = `${c.faults.join(' + ')} with eksctl ${c.eksctlVersion} → exit ${c.exitCode}`;
    it(title, async () => {
      const run = await runScenario({ faults: c.faults, eksctlVersion: c.eksctlVersion, args: c.args ?? [], ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}) });
      expect(run.exitCode, run.stderr).toBe(c.exitCode);
      expect(run.report?.exitCode).toBe(c.exitCode);
      expect(run.leftover).toEqual([]);
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
