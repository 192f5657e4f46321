// What a failed create lists as left in AWS: looked up once at the end, against the simulator's EKS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEksApi } from '../../src/adapters/eks.js';
import type { Simulator } from '../../src/sim/index.js';
import { startVirtualSimulator } from '../helpers/in-process.js';
import { deleteCommand, lookWhatIsLeft } from '../../src/pipelines/left-in-aws.js';
import { createSimCluster, simCredentials, until } from '../helpers/sim.js';
import { closedPort } from '../helpers/network.js';

let sim: Simulator;

beforeAll(async () => {
  // The control plane of `creating` stays CREATING for the whole test: its timing holds it there.
  sim = await startVirtualSimulator({ timings: { controlPlaneSeconds: 1_000_000 } });
  createSimCluster(sim, 'creating', '1.31');
});

afterAll(() => sim?.close());

const eks = () => createEksApi({ region: sim.region, credentials: simCredentials, endpoint: sim.eksEndpoint });
const base = { region: 'us-west-2', configFile: 'cluster.yaml', seenProfiles: [] as string[] };

describe('lookWhatIsLeft', () => {
  it('a control plane still CREATING is listed with its status and the command that removes it', async () => {
    expect(await lookWhatIsLeft(eks(), { ...base, clusterName: 'creating' })).toEqual({
      cluster: 'creating',
      region: 'us-west-2',
      clusterStatus: 'CREATING',
      fargateProfiles: [],
      checked: true,
      deleteCommand: 'eksctl delete cluster -f cluster.yaml',
    });
  });

  it('the profiles EKS lists and those the run saw, once each', async () => {
    const fast = await startVirtualSimulator();
    try {
      createSimCluster(fast, 'demo', '1.31');
      await until(fast, 'cluster ACTIVE', () => fast.world.describeCluster('demo').status === 'ACTIVE');
      fast.world.createFargateProfile({ clusterName: 'demo', fargateProfileName: 'fp-b', podExecutionRoleArn: 'arn:aws:iam::000000000000:role/pod', selectors: [{ namespace: 'b' }] });
      const api = createEksApi({ region: fast.region, credentials: simCredentials, endpoint: fast.eksEndpoint });
      const left = await lookWhatIsLeft(api, { ...base, clusterName: 'demo', seenProfiles: ['fp-b', 'fp-a'] });
      expect(left).toMatchObject({ clusterStatus: 'ACTIVE', fargateProfiles: ['fp-a', 'fp-b'], checked: true });
    } finally {
      await fast.close();
    }
  });

  it('no EKS cluster yet: eksctl may still have made its stack, so the cluster is listed as what may exist', async () => {
    expect(await lookWhatIsLeft(eks(), { ...base, clusterName: 'not-yet' })).toMatchObject({
      clusterStatus: null,
      checked: true,
      detail: "no EKS cluster yet; eksctl's CloudFormation stack eksctl-not-yet-cluster may exist",
      deleteCommand: 'eksctl delete cluster -f cluster.yaml',
    });
  });

  it('EKS cannot be reached: what the run saw, marked as not checked, with why', async () => {
    const refused = await closedPort();
    const unreachable = createEksApi({ region: 'us-west-2', credentials: simCredentials, endpoint: `http://${refused}`, maxAttempts: 1 });
    expect(await lookWhatIsLeft(unreachable, { ...base, clusterName: 'demo', seenProfiles: ['fp-default'] })).toEqual({
      cluster: 'demo',
      region: 'us-west-2',
      clusterStatus: null,
      fargateProfiles: ['fp-default'],
      checked: false,
      detail: `could not look: DescribeCluster: cannot reach EKS at ${refused}: connection refused (ECONNREFUSED)`,
      deleteCommand: 'eksctl delete cluster -f cluster.yaml',
    });
  });
});

describe('deleteCommand', () => {
  it('by file, or by name and region for a config read from stdin; the AWS profile goes along; odd words quoted', () => {
    expect(deleteCommand({ clusterName: 'demo', region: 'us-west-2', configFile: 'configs/cluster.yaml' })).toBe('eksctl delete cluster -f configs/cluster.yaml');
    expect(deleteCommand({ clusterName: 'demo', region: 'us-west-2', configFile: undefined, profile: 'ops' })).toBe(
      'eksctl delete cluster --name demo --region us-west-2 --profile ops',
    );
    expect(deleteCommand({ clusterName: 'demo', region: 'us-west-2', configFile: "my cluster's.yaml" })).toBe(`eksctl delete cluster -f 'my cluster'\\''s.yaml'`);
  });
});
