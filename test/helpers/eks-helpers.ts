// A world and its EKS server without the Kubernetes side: a recording stand-in takes the KubeCluster's place, so
// these tests see exactly when the world calls installCoreDns / reconcile and what admission would see.
import { EKSClient } from '@aws-sdk/client-eks';
import { SimClock } from '../../src/sim/clock.js';
import { SIM_ACCESS_KEY_ID, SIM_REGION, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { startEksServer, type EksServer } from '../../src/sim/eks/server.js';
import { noFaults, type Faults } from '../../src/sim/faults.js';
import { World, type KubeClusterHandle, type KubeClusterSpec, type SimTimings } from '../../src/sim/world.js';

export const TEST_CA_PEM = '-----BEGIN CERTIFICATE-----\nTUlJQ1Rlc3Q=\n-----END CERTIFICATE-----\n';
export const TEST_KUBE_URL = 'https://127.0.0.1:6443';

export class RecordingKube implements KubeClusterHandle {
  readonly calls: string[] = [];
  constructor(readonly spec: KubeClusterSpec) {}
  installCoreDns(): void {
    this.calls.push('installCoreDns');
  }
  reconcile(): void {
    this.calls.push('reconcile');
  }
  installAddon(name: string): void {
    this.calls.push(`installAddon ${name}`);
  }
  setCoreDnsComputeTypeFargate(): void {
    this.calls.push('setCoreDnsComputeTypeFargate');
  }
  stop(): void {
    this.calls.push('stop');
  }
}

export function testWorld(options: { scale?: number; faults?: Partial<Faults>; timings?: Partial<SimTimings> } = {}) {
  const clock = new SimClock({ scale: options.scale ?? 1 });
  const kubes = new Map<string, RecordingKube>();
  const world = new World({
    clock,
    faults: { ...noFaults(), ...options.faults },
    kubeEndpoint: TEST_KUBE_URL,
    caPem: TEST_CA_PEM,
    timings: options.timings,
    createKubeCluster: (spec) => {
      const kube = new RecordingKube(spec);
      kubes.set(spec.name, kube);
      return kube;
    },
  });
  return { clock, world, kubes };
}

export interface TestEks {
  world: World;
  clock: SimClock;
  kubes: Map<string, RecordingKube>;
  server: EksServer;
  client(options?: { maxAttempts?: number }): EKSClient;
  close(): Promise<void>;
}

export async function startTestEks(
  options: { scale?: number; faults?: Partial<Faults>; timings?: Partial<SimTimings>; randomSeed?: number } = {},
): Promise<TestEks> {
  const { clock, world, kubes } = testWorld(options);
  const server = await startEksServer({ world, faults: world.faults, randomSeed: options.randomSeed });
  const clients: EKSClient[] = [];
  return {
    world,
    clock,
    kubes,
    server,
    client: ({ maxAttempts = 1 } = {}) => {
      const client = new EKSClient({
        endpoint: server.url,
        region: SIM_REGION,
        credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
        maxAttempts,
      });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      world.close();
      await server.close();
    },
  };
}

export const clusterRequest = (name: string, version = '1.31') => ({
  name,
  version,
  roleArn: 'arn:aws:iam::000000000000:role/eks-cluster',
  resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] },
});

export const profileRequest = (clusterName: string, name: string, selectors: { namespace: string; labels?: Record<string, string> }[] = [{ namespace: 'kube-system' }]) => ({
  clusterName,
  fargateProfileName: name,
  podExecutionRoleArn: 'arn:aws:iam::000000000000:role/fargate-pod-execution',
  subnets: ['subnet-a'],
  selectors,
});
