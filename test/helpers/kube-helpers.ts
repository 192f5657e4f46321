// Shared set-up for the simulated Kubernetes server tests: one server, named clusters, tokens signed with the
// simulator's test credentials.
import { createEksToken } from '../../src/adapters/token.js';
import { SimClock } from '../../src/sim/clock.js';
import { SIM_ACCESS_KEY_ID, SIM_REGION, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { noFaults, type Faults } from '../../src/sim/faults.js';
import { KubeCluster, type FargateProfileView } from '../../src/sim/kube/cluster.js';
import { startKubeServer, type KubeServer } from '../../src/sim/kube/server.js';

export interface TestBed {
  server: KubeServer;
  clock: SimClock;
  faults: Faults;
  clusters: Map<string, KubeCluster>;
  profiles: Map<string, FargateProfileView[]>;
  addCluster(name: string, version?: string): KubeCluster;
  token(clusterName: string, now?: Date): Promise<string>;
  close(): Promise<void>;
}

export interface TestBedOptions {
  /** Real seconds per simulated second; ignored with `virtual`. */
  scale?: number;
  /** On virtual time (SimClock.virtual), which moves only while everything in this process waits on it. */
  virtual?: boolean;
  faults?: Partial<Faults>;
  realNow?: () => number;
}

export async function startTestBed(options: TestBedOptions = {}): Promise<TestBed> {
  const clock = options.virtual ? SimClock.virtual() : new SimClock({ scale: options.scale ?? 0.001 });
  const faults = { ...noFaults(), ...options.faults };
  const clusters = new Map<string, KubeCluster>();
  const profiles = new Map<string, FargateProfileView[]>();
  const server = await startKubeServer({
    clock,
    faults,
    lookupCluster: (name) => clusters.get(name),
    clusterNames: () => [...clusters.keys()],
    realNow: options.realNow,
  });
  return {
    server,
    clock,
    faults,
    clusters,
    profiles,
    addCluster(name, version = '1.31') {
      const cluster = new KubeCluster({
        name,
        clock,
        faults,
        kubernetesVersion: version,
        admissionProfiles: () => profiles.get(name) ?? [],
        ec2NodesAvailable: () => false,
      });
      clusters.set(name, cluster);
      return cluster;
    },
    async token(clusterName, now) {
      const { token } = await createEksToken({
        clusterName,
        region: SIM_REGION,
        credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
        now,
      });
      return token;
    },
    async close() {
      for (const c of clusters.values()) c.stop();
      await server.close();
      clock.stop();
    },
  };
}
