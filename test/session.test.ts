// The session a cluster command is wired through, in process against the simulator: one Kubernetes connection for the
// whole run, made afresh after a failed attempt, and the one preflight that refuses a cluster that does not answer yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, SafeEksctlError } from '../src/errors.js';
import { ClusterSession } from '../src/session.js';
import type { Simulator } from '../src/sim/index.js';
import { startVirtualSimulator } from './helpers/in-process.js';
import { createSimCluster, simClock, simCredentials, until } from './helpers/sim.js';
import { captureIo } from './helpers/io.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startVirtualSimulator();
  createSimCluster(sim, 'demo', '1.31');
  await until(sim, 'cluster ACTIVE', () => sim.world.describeCluster('demo').status === 'ACTIVE');
});

afterAll(() => sim?.close());

const session = (on: Simulator = sim, clusterName = 'demo') =>
  new ClusterSession({
    clusterName,
    region: on.region,
    io: captureIo(),
    deps: { clock: simClock(on), credentials: simCredentials, eksEndpoint: on.eksEndpoint, stsEndpoint: on.eksEndpoint },
  });

const describeCalls = () => sim.requestCounts['DescribeCluster'] ?? 0;

describe('ClusterSession', () => {
  it('makes one Kubernetes connection per run: every phase that asks, at once or later, gets it after one DescribeCluster', async () => {
    const s = session();
    await s.proveAccess(new AbortController().signal);
    const before = describeCalls();
    const [first, second] = await Promise.all([s.kube(), s.kube()]);
    const later = await s.kube();
    expect(describeCalls() - before).toBe(1);
    expect(second).toBe(first);
    expect(later).toBe(first);
    expect(s.cluster()).toMatchObject({ name: 'demo', status: 'ACTIVE' });
    expect((await first.getDeployment('kube-system', 'coredns'))?.desired).toBe(2);
  });

  it('a connection that failed (its caller gave up) is made afresh by the next caller', async () => {
    const s = session();
    await s.proveAccess(new AbortController().signal);
    const stopped = new AbortController();
    stopped.abort(new Error('eksctl ended'));
    await expect(s.kube(stopped.signal)).rejects.toThrow();
    const kube = await s.kube();
    expect((await kube.getDeployment('kube-system', 'coredns'))?.name).toBe('coredns');
  });

  it('the preflight of a cluster that exists already refuses one that does not answer yet: exit 1, its state named', async () => {
    // A control plane that takes a simulated year: CREATING whatever the machine's load.
    const slow = await startVirtualSimulator({ timings: { controlPlaneSeconds: 365 * 86_400 } });
    try {
      createSimCluster(slow, 'young', '1.31');
      const failure = await session(slow, 'young').preflight(new AbortController().signal, { existing: true }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SafeEksctlError);
      expect(failure).toMatchObject({ exitCode: ExitCode.unhealthy, message: 'cluster "young" is CREATING, not ACTIVE' });
    } finally {
      await slow.close();
    }
    expect(await session().preflight(new AbortController().signal, { existing: true })).toMatch(/^AWS account \d+, cluster ACTIVE \(Kubernetes 1\.31\)$/);
  });
});
