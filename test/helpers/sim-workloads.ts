// Clusters left half-healthy in the simulator, for the check / heal / create fargateprofile suites: the fake eksctl
// run on its own, workloads created over HTTPS with client-node (an EKS token signed with the simulator's key), and
// safe-eksctl run against it all: in this process when the simulator is on virtual time, else the built bin (needs
// `npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { captureEksctlInProcess } from '../../src/adapters/eksctl-in-process.js';
import { createEksToken } from '../../src/adapters/token.js';
import type { RunReport } from '../../src/report.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import { inProcessEksctl } from '../../src/sim/fake-eksctl/in-process.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { assertBuilt, nodeOnlyPath, removeTempDirs, runBin } from './bin.js';
import { runCli } from './in-process.js';

/** HOME, KUBECONFIG and AWS files of one test, so nothing reads or writes the user's. */
export function scratchEnv(sim: Simulator): { env: Record<string, string>; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-heal-test-'));
  return {
    env: {
      PATH: nodeOnlyPath(),
      HOME: dir,
      KUBECONFIG: join(dir, 'kubeconfig'),
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      ...sim.env,
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * For a suite of the built bin against the simulator: checks the build first, and closes each test's simulator and
 * removes its scratch environment after the test, whatever it did.
 */
export function simulatorPerTest(): { start(options: SimulatorOptions): Promise<{ s: Simulator; env: Record<string, string> }> } {
  let sim: Simulator | undefined;
  let cleanup: (() => void) | undefined;
  beforeAll(() => assertBuilt());
  afterAll(() => removeTempDirs());
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    cleanup?.();
    cleanup = undefined;
  });
  return {
    async start(options) {
      const s = (sim = await startSimulator(options));
      const scratch = scratchEnv(s);
      cleanup = scratch.cleanup;
      return { s, env: scratch.env };
    },
  };
}

/** Runs the fake eksctl itself (no safe-eksctl), as a user of plain eksctl would: in this process on virtual time. */
export async function plainEksctl(sim: Simulator, env: Record<string, string>, args: string[]) {
  if (sim.clock.virtual) return sim.clock.track(() => captureEksctlInProcess(inProcessEksctl(sim.clock), args, { env, cwd: env['HOME'] ?? process.cwd() }));
  return execa(process.execPath, [sim.eksctl, ...args], { reject: false, extendEnv: false, env, timeout: 60_000 });
}

export interface BinResult<T> {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  json: T | undefined;
}

/** safe-eksctl ARGS against `sim`: in this process on virtual time (./in-process.ts), else the bin. */
export async function safeEksctlOn<T = RunReport>(sim: Simulator, args: string[], env: Record<string, string>, cwd?: string): Promise<BinResult<T>> {
  if (!sim.clock.virtual) return runSafeEksctl<T>(args, env, cwd);
  const run = await runCli(sim, args, { wholeEnv: env, ...(cwd ? { cwd } : {}) });
  return { exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr, json: run.report as T | undefined };
}

/** The bin (./bin.ts runBin), for what needs a process of its own; stdout parsed when it is a JSON report. */
export async function runSafeEksctl<T = RunReport>(args: string[], env: Record<string, string>, cwd?: string): Promise<BinResult<T>> {
  const result = await runBin(args, { env, stripFinalNewline: true, timeout: 60_000, forceKillAfterDelay: 2_000, ...(cwd ? { cwd } : {}) });
  const stdout = String(result.stdout ?? '');
  let json: T | undefined;
  try {
    json = JSON.parse(stdout) as T;
  } catch {
    json = undefined;
  }
  return { exitCode: result.exitCode, stdout, stderr: String(result.stderr ?? ''), json };
}

/** client-node against the simulated cluster, as kubectl with an EKS token would reach it. */
export async function simKube(sim: Simulator, clusterName: string) {
  const { token } = await createEksToken({
    clusterName,
    region: sim.region,
    credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: clusterName, server: sim.kubeServer, caFile: sim.caFile, skipTLSVerify: false }],
    users: [{ name: 'test', token }],
    contexts: [{ name: clusterName, cluster: clusterName, user: 'test' }],
    currentContext: clusterName,
  });
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

const container = [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27' }];

function template(labels: Record<string, string>) {
  return { metadata: { labels }, spec: { containers: container } };
}

/**
 * The namespace `apps` with one of each kind of owner, all admitted before any profile selects `apps`: a Deployment
 * (web, 2 replicas), a StatefulSet (db, 2 replicas), a bare Pod (debug), a ReplicaSet without a Deployment (legacy),
 * and a pod that names a DaemonSet as its owner (node-agent; the simulator only places DaemonSet pods on EC2 nodes,
 * so the pod is made by hand with a non-controller reference the simulator's controllers leave alone).
 */
export async function createStrandableWorkloads(sim: Simulator, clusterName: string): Promise<void> {
  const { core, apps } = await simKube(sim, clusterName);
  const namespace = 'apps';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } } });
  await apps.createNamespacedStatefulSet({
    namespace,
    body: { metadata: { name: 'db' }, spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) } },
  });
  await apps.createNamespacedReplicaSet({ namespace, body: { metadata: { name: 'legacy' }, spec: { replicas: 1, selector: { matchLabels: { app: 'legacy' } }, template: template({ app: 'legacy' }) } } });
  await core.createNamespacedPod({ namespace, body: { metadata: { name: 'debug', labels: { app: 'debug' } }, spec: { containers: container } } });
  const ds = await apps.createNamespacedDaemonSet({ namespace, body: { metadata: { name: 'node-agent' }, spec: { selector: { matchLabels: { app: 'node-agent' } }, template: template({ app: 'node-agent' }) } } });
  const pod: V1Pod = {
    metadata: {
      name: 'node-agent-x7k2p',
      labels: { app: 'node-agent' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent', uid: ds.metadata!.uid! }],
    },
    spec: { containers: container },
  };
  await core.createNamespacedPod({ namespace, body: pod });
}

/** Pods of the namespace as name → scheduler and phase. */
export async function podStates(sim: Simulator, clusterName: string, namespace: string): Promise<Record<string, string>> {
  const { core } = await simKube(sim, clusterName);
  const list = await core.listNamespacedPod({ namespace });
  return Object.fromEntries(list.items.map((p) => [p.metadata!.name!, `${p.spec?.schedulerName} ${p.status?.phase}`]));
}

/** Kubernetes requests that change something, out of per-method counts. */
export function writes(byMethod: Record<string, number>): number {
  return (byMethod['POST'] ?? 0) + (byMethod['PUT'] ?? 0) + (byMethod['PATCH'] ?? 0) + (byMethod['DELETE'] ?? 0);
}
