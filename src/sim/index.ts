// One call starts the whole simulated AWS: the EKS endpoint (+ STS), the Kubernetes API every cluster answers on,
// the world behind both, and the environment a shell or a child process needs to use them.
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_EKSCTL_LINK, isStandalone, packageRoot } from '../package-files.js';
import { SimClock, type VirtualClockOptions } from './clock.js';
import { SIM_ACCESS_KEY_ID, SIM_REGION, SIM_SECRET_ACCESS_KEY } from './credentials.js';
import { startEksServer } from './eks/server.js';
import { VIRTUAL_TIME_SCALE } from './fake-eksctl/settings.js';
import { faultSpecs } from './fault-specs.js';
import { parseFaults, type Faults } from './faults.js';
import { KubeCluster } from './kube/cluster.js';
import { startKubeServer } from './kube/server.js';
import { World, type SimTimings } from './world.js';

export { World, DEFAULT_TIMINGS, type SimTimings } from './world.js';

export const DEFAULT_EKSCTL_VERSION = '0.230.0';

export interface SimulatorOptions {
  /** Real seconds per simulated second (0.01: two simulated minutes in 1.2 s). Default 1. */
  timeScale?: number;
  /**
   * Virtual time instead (src/sim/clock.ts): for tests that run the pipeline and the simulated eksctl in this process
   * (inProcessEksctl). `timeScale` is then unused; the clock stops when the simulator closes.
   */
  virtualTime?: boolean | VirtualClockOptions;
  /** Parsed faults, or `--fault` specs (`eks-throttle=0.3`, …). */
  faults?: Faults | readonly string[];
  /** The version the fake eksctl reports and follows. Default 0.230.0. */
  eksctlVersion?: string;
  /** EKS API port; default 0 (any free port). The Kubernetes API always takes a free one. */
  port?: number;
  /** Simulated durations to override (seconds). */
  timings?: Partial<SimTimings>;
  /** Seed of the fault draws. Default 1. */
  randomSeed?: number;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT`: EKS REST-JSON and STS GetCallerIdentity. */
  eksEndpoint: string;
  /** `https://127.0.0.1:PORT`: the Kubernetes API of every cluster. */
  kubeServer: string;
  /** The Kubernetes server's CA certificate (PEM), removed on close. */
  caFile: string;
  /**
   * Absolute path of the fake eksctl executable: bin/fake-eksctl.js, or inside the standalone executable a link to
   * the executable itself in the simulator's directory, removed on close.
   */
  eksctl: string;
  region: string;
  /** What a shell exports to use the simulator (docs/design.md). */
  env: Record<string, string>;
  /** Tests reach each cluster's Kubernetes objects through `world.kubeCluster(name)`. */
  world: World<KubeCluster>;
  clock: SimClock;
  /** The faults in force; live, so a test can change them between steps (the fake eksctl got its own at start). */
  faults: Faults;
  /** EKS/STS requests received per operation name; live, mutated as requests arrive. */
  requestCounts: Record<string, number>;
  /** Kubernetes API requests received per HTTP method, so far. */
  kubeRequestsByMethod(): Record<string, number>;
  /** Kubernetes API requests refused with 401 so far (an expired token, say). */
  kubeUnauthorizedCount(): number;
  /** TLS connections the Kubernetes API server accepted so far: tests prove a client keeps its connection. */
  kubeConnectionCount(): number;
  /** Closes every connection to the Kubernetes API server, as a load balancer's idle timeout does. */
  closeKubeConnections(): void;
  close(): Promise<void>;
}

/** The fake eksctl to start as eksctl; `dir` is the simulator's own directory, removed on close. */
async function fakeEksctl(dir: string): Promise<string> {
  if (!isStandalone()) return join(packageRoot(), 'bin', 'fake-eksctl.js');
  // No Node on the machine to run bin/fake-eksctl.js: the executable plays eksctl when started by this name.
  const link = join(dir, FAKE_EKSCTL_LINK);
  await symlink(process.execPath, link);
  return link;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const timeScale = options.timeScale ?? 1;
  const faults = isParsed(options.faults) ? options.faults : parseFaults(options.faults ?? []);
  const eksctlVersion = options.eksctlVersion ?? DEFAULT_EKSCTL_VERSION;
  const clock = options.virtualTime ? SimClock.virtual(options.virtualTime === true ? {} : options.virtualTime) : new SimClock({ scale: timeScale });
  // Closed last: the servers and the world stop first, then no timer fires any more.
  const closers: (() => Promise<void>)[] = [async () => clock.stop()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };

  try {
    let world: World<KubeCluster> | undefined;
    const kube = await startKubeServer({
      clock,
      faults,
      randomSeed: options.randomSeed,
      // Tokens name a cluster by its ID on Outposts, by its name elsewhere.
      lookupCluster: (id) => world?.kubeClusterForToken(id),
      clusterNames: () => world?.tokenIds() ?? [],
      refusesConnection: (id) => world?.refusesConnection(id) ?? false,
    });
    closers.push(() => kube.close());
    world = new World<KubeCluster>({
      clock,
      faults,
      kubeEndpoint: kube.url,
      caPem: kube.caPem,
      timings: options.timings,
      createKubeCluster: (spec) => new KubeCluster(spec),
    });
    const worldRef = world;
    closers.push(async () => worldRef.close());
    const eks = await startEksServer({ world, faults, randomSeed: options.randomSeed, port: options.port });
    closers.push(() => eks.close());

    const dir = await mkdtemp(join(tmpdir(), 'safe-eksctl-sim-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, kube.caPem, { mode: 0o600 });
    const eksctl = await fakeEksctl(dir);

    const env: Record<string, string> = {
      AWS_ENDPOINT_URL_EKS: eks.url,
      AWS_ENDPOINT_URL_STS: eks.url,
      AWS_ACCESS_KEY_ID: SIM_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SIM_SECRET_ACCESS_KEY,
      AWS_REGION: SIM_REGION,
      AWS_DEFAULT_REGION: SIM_REGION,
      SAFE_EKSCTL_EKSCTL: eksctl,
      SAFE_EKSCTL_SIM_TIME_SCALE: clock.virtual ? VIRTUAL_TIME_SCALE : String(timeScale),
      SAFE_EKSCTL_SIM_EKSCTL_VERSION: eksctlVersion,
      SAFE_EKSCTL_SIM_FAULTS: JSON.stringify(faultSpecs(faults)),
      SAFE_EKSCTL_SIM_CA_FILE: caFile,
    };
    return {
      eksEndpoint: eks.url,
      kubeServer: kube.url,
      caFile,
      eksctl,
      region: SIM_REGION,
      env,
      world,
      clock,
      faults,
      requestCounts: eks.requestCounts,
      kubeRequestsByMethod: () => kube.requestsByMethod(),
      kubeUnauthorizedCount: () => kube.unauthorizedCount(),
      kubeConnectionCount: () => kube.connectionCount(),
      closeKubeConnections: () => kube.closeConnections(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function isParsed(faults: SimulatorOptions['faults']): faults is Faults {
  return faults !== undefined && !Array.isArray(faults);
}
