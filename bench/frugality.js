// API frugality of the profile wait: N profiles CREATING at once, each waited for by safe-eksctl's poller (the one
// `create`, `create fargateprofile` and `heal` use), counting DescribeFargateProfile calls at the simulator.
// EKS lets a cluster create one profile at a time, so N profiles at once means N clusters.
import { CreateClusterCommand, CreateFargateProfileCommand, EKSClient } from '@aws-sdk/client-eks';
import { createEksApi } from './.build/adapters/eks.js';
import { pollDelays } from './.build/core/backoff.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from './.build/sim/credentials.js';
import { seededRandom } from './.build/sim/faults.js';
import { startSimulator } from './.build/sim/index.js';
import { waitForProfile } from './.build/heal/wait-profiles.js';

/**
 * @typedef {{ profiles: number, describeCalls: number, creatingMinutes: number, callsPerProfilePerMinute: number, waitedS: number, realMs: number }} FrugalityResult
 */

/**
 * @param {{ profiles: number, timeScale: number }} options
 * @returns {Promise<FrugalityResult>}
 */
export async function measureProfileWait({ profiles, timeScale }) {
  const sim = await startSimulator({ timeScale, timings: { controlPlaneSeconds: 1 } });
  const credentials = { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY };
  const sdk = new EKSClient({ region: sim.region, endpoint: sim.eksEndpoint, credentials });
  const clock = { now: () => sim.clock.now(), sleep: (/** @type {number} */ ms, /** @type {AbortSignal | undefined} */ signal) => sim.clock.sleep(ms, signal) };
  const realStart = performance.now();
  try {
    const clusters = Array.from({ length: profiles }, (_, i) => `bench-${i + 1}`);
    for (const name of clusters) {
      await sdk.send(new CreateClusterCommand({ name, roleArn: 'arn:aws:iam::111122223333:role/bench', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
    }
    await sim.clock.sleep(2_000);
    const before = sim.requestCounts['DescribeFargateProfile'] ?? 0;
    const createdAt = sim.clock.now();
    await Promise.all(
      clusters.map((clusterName) =>
        sdk.send(
          new CreateFargateProfileCommand({
            clusterName,
            fargateProfileName: 'fp',
            podExecutionRoleArn: 'arn:aws:iam::111122223333:role/pods',
            selectors: [{ namespace: 'default' }],
          }),
        ),
      ),
    );
    // The default schedule (1 s growing to the 5 s --poll-interval) with seeded jitter, so runs compare.
    const random = seededRandom(7);
    const eks = createEksApi({ region: sim.region, credentials, endpoint: sim.eksEndpoint });
    const results = await Promise.all(clusters.map((clusterName) => waitForProfile(eks, clusterName, 'fp', { clock, delays: pollDelays({ random }) })));
    if (results.some((r) => r.status !== 'ACTIVE')) throw new Error('a profile did not turn ACTIVE');
    const describeCalls = (sim.requestCounts['DescribeFargateProfile'] ?? 0) - before;
    // Minutes the profiles spent CREATING, as EKS timed them (the polls after ACTIVE are the wait's own lag).
    const creatingMinutes = sim.world.timings.fargateProfileSeconds / 60;
    return {
      profiles,
      describeCalls,
      creatingMinutes,
      callsPerProfilePerMinute: describeCalls / profiles / creatingMinutes,
      realMs: performance.now() - realStart,
      waitedS: (sim.clock.now() - createdAt) / 1000,
    };
  } finally {
    sdk.destroy();
    await sim.close();
  }
}
