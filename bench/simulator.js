// The test bed's own speed, which every suite pays for: how long `startSimulator` takes in process, and how long the
// fake eksctl takes for a full `create cluster` at time scale 0.01 against the floor the scale sets (the simulated
// waits × the scale). Measured here, side by side with that floor, rather than asserted in a timed test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { FARGATE_WEBHOOK_GRACE_MS } from './.build/sim/fake-eksctl/create-cluster.js';
import { startSimulator } from './.build/sim/index.js';
import { DEFAULT_TIMINGS } from './.build/sim/world.js';

const CREATE_TIME_SCALE = 0.01;

/** @param {number[]} samples */
function spread(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

const round = (/** @type {number} */ n) => Math.round(n * 100) / 100;

/** @param {{ runs: number, createRuns: number }} options */
export async function measureSimulator({ runs, createRuns }) {
  const startMs = [];
  for (let i = 0; i <= runs; i++) {
    const begin = performance.now();
    const sim = await startSimulator({ timeScale: 1 });
    startMs.push(performance.now() - begin);
    await sim.close();
  }
  // The first start also builds the TLS context and warms the HTTP servers; the rest show the steady cost.
  const [firstStartMs = 0, ...steady] = startMs;

  const createSeconds = [];
  for (let i = 0; i < createRuns; i++) createSeconds.push(await fakeCreate());
  const create = spread(createSeconds);
  // What eksctl must wait for one profile that captures nothing of kube-system (so no CoreDNS step): the control
  // plane, the profile, and its sleep for the webhook after the last profile.
  const simulatedWaitS = DEFAULT_TIMINGS.controlPlaneSeconds + DEFAULT_TIMINGS.fargateProfileSeconds + FARGATE_WEBHOOK_GRACE_MS / 1000;
  const floor = round(simulatedWaitS * CREATE_TIME_SCALE);
  return {
    runs,
    firstStartMs: round(firstStartMs),
    startMs: spread(steady),
    createTimeScale: CREATE_TIME_SCALE,
    createRuns,
    createRealS: create,
    createSimulatedWaitS: simulatedWaitS,
    createFloorS: floor,
    // Real time over the floor: Node's start, the SDK, HTTP and eksctl's own backoff overshoot on top of the waits.
    createVsFloor: round(create.median / floor),
  };
}

/** Real seconds of one `eksctl create cluster` by the fake eksctl, as a user would run it, with default timings. */
async function fakeCreate() {
  const sim = await startSimulator({ timeScale: CREATE_TIME_SCALE, eksctlVersion: '0.230.0' });
  const dir = await mkdtemp(join(tmpdir(), 'safe-eksctl-bench-sim-'));
  try {
    const file = join(dir, 'cluster.yaml');
    await writeFile(
      file,
      'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: bench, region: us-west-2, version: "1.31"}\n' +
        'fargateProfiles:\n  - name: fp-default\n    selectors: [{namespace: default}]\n',
    );
    const begin = performance.now();
    const result = await execa(process.execPath, [sim.eksctl, 'create', 'cluster', '-f', file], {
      env: { ...sim.env, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') },
      reject: false,
    });
    const realS = (performance.now() - begin) / 1000;
    if (result.exitCode !== 0) throw new Error(`fake eksctl create cluster exited ${result.exitCode}: ${result.stdout}`);
    return realS;
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
