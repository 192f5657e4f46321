// One create against a fresh simulator, by safe-eksctl (the create pipeline in this process, on the simulator's
// clock, as `demo` runs it) or by the fake eksctl alone (a child process, as a user would run eksctl). Both are timed
// on simulated time from the moment the run starts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { execa } from 'execa';
import { createCluster, parseCreateOptions } from './.build/commands/create.js';
import { SIM_ACCESS_KEY_ID, SIM_SECRET_ACCESS_KEY } from './.build/sim/credentials.js';
import { startSimulator } from './.build/sim/index.js';
import { capturingProfile, observeCoreDns } from './observe.js';

export const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

/**
 * @typedef {{
 *   tool: 'safe-eksctl' | 'eksctl',
 *   config: string, eksctlVersion: string, exitCode: number,
 *   healthyAfterS: number | undefined,
 *   webhookToHealthyS: number | undefined,
 *   healLatencyS: number | undefined,
 *   restartBy: string | undefined,
 *   restarts: number,
 *   describeProfileCalls: number,
 *   kubeCalls: number,
 *   kubeCallsByMethod: Record<string, number>,
 *   kubeConnections: number,
 *   probes: number | undefined,
 *   own: { beforeEksctlS: number, eksctlS: number, eksctlExitToRestartS: number, restartBeforeEksctlExitS: number } | undefined,
 *   floorS: number,
 *   profiles: number,
 *   fargateProfileSeconds: number,
 *   fargatePodStartS: number,
 *   realMs: number,
 * }} ScenarioResult
 */

/**
 * @param {{ tool: 'safe-eksctl' | 'eksctl', config: string, eksctlVersion: string, timeScale: number }} options
 * @returns {Promise<ScenarioResult>}
 */
export async function runScenario({ tool, config, eksctlVersion, timeScale }) {
  const configFile = join(EXAMPLES, config);
  const { metadata, fargateProfiles = [] } = parse(await readFile(configFile, 'utf8'));
  const sim = await startSimulator({ timeScale, eksctlVersion });
  const scratch = await mkdtemp(join(tmpdir(), 'safe-eksctl-bench-'));
  const env = { ...process.env, ...sim.env, KUBECONFIG: join(scratch, 'kubeconfig'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env['AWS_PROFILE'];
  const observation = observeCoreDns(sim, metadata.name);
  const startedAt = sim.clock.now();
  const realStart = performance.now();
  let exitCode;
  let report = '';
  try {
    if (tool === 'eksctl') {
      const child = await execa(sim.eksctl, ['create', 'cluster', '-f', configFile], { env, extendEnv: false, reject: false, cwd: scratch });
      exitCode = child.exitCode ?? 1;
      // eksctl says "ready" whatever CoreDNS does; give a stuck CoreDNS the time safe-eksctl would take to heal it.
      if (observation.healthyAt === undefined) await sim.clock.sleep(120_000);
    } else {
      const io = quietIo(env, scratch, (text) => (report += text));
      const options = parseCreateOptions({ configFile, eksctlArgs: [], output: 'json' });
      exitCode = await createCluster({ ...options, eksctl: sim.eksctl }, io, {
        clock: { now: () => sim.clock.now(), sleep: (ms, signal) => sim.clock.sleep(ms, signal) },
        credentials: { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY },
        eksEndpoint: sim.eksEndpoint,
        stsEndpoint: sim.eksEndpoint,
      });
    }
    const realMs = performance.now() - realStart;
    observation.stop();
    const { healthyAt, templateChanges } = observation;
    const profile = capturingProfile(sim, metadata.name);
    const visibleAt = profile ? sim.world.profileVisibleAt(metadata.name, profile) : undefined;
    // The restart that healed: the last template change before every replica was Ready.
    const healing = healthyAt === undefined ? undefined : templateChanges.filter((c) => c.at <= healthyAt).at(-1);
    const t = sim.world.timings;
    return {
      tool,
      config,
      eksctlVersion,
      exitCode,
      healthyAfterS: healthyAt === undefined ? undefined : (healthyAt - startedAt) / 1000,
      // From the webhook seeing the capturing profile: free of eksctl's 2^n profile backoff, which moves the start
      // figure by tens of seconds from run to run. Its floor is the Fargate pod start.
      webhookToHealthyS: healthyAt === undefined || visibleAt === undefined ? undefined : (healthyAt - visibleAt) / 1000,
      healLatencyS: healing && visibleAt !== undefined ? (healing.at - visibleAt) / 1000 : undefined,
      restartBy: healing?.by,
      restarts: templateChanges.filter((c) => c.by === 'safe-eksctl').length,
      describeProfileCalls: sim.requestCounts['DescribeFargateProfile'] ?? 0,
      // Every Kubernetes request the run's tools made (the simulator serves nothing else); eksctl makes some only in its
      // own CoreDNS step, so where eksctl misses CoreDNS these are all safe-eksctl's.
      kubeCalls: Object.values(sim.kubeRequestsByMethod()).reduce((sum, n) => sum + n, 0),
      kubeCallsByMethod: sim.kubeRequestsByMethod(),
      // TLS connections those calls came over: a client that keeps its connection makes one for many calls.
      kubeConnections: sim.kubeConnectionCount(),
      probes: report ? JSON.parse(report).coredns?.probes : undefined,
      own: ownTime(report, startedAt, healing),
      // EKS creates one profile at a time, a pod is captured only once the webhook sees its profile, then starts.
      floorS: t.controlPlaneSeconds + fargateProfiles.length * t.fargateProfileSeconds + t.webhookDelaySeconds + t.fargatePodStartSeconds,
      profiles: fargateProfiles.length,
      fargateProfileSeconds: t.fargateProfileSeconds,
      fargatePodStartS: t.fargatePodStartSeconds,
      realMs,
    };
  } finally {
    observation.stop();
    await sim.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** An Io that swallows the pipeline's output: the bench reports its own figures. */
function quietIo(/** @type {NodeJS.ProcessEnv} */ env, /** @type {string} */ cwd, /** @type {(text: string) => void} */ onStdout) {
  const sink = () => {
    const stream = new PassThrough();
    stream.resume();
    return stream;
  };
  const stdout = sink();
  stdout.on('data', (chunk) => onStdout(String(chunk)));
  return { stdout, stderr: sink(), stdin: Readable.from([]), env, cwd };
}

/**
 * safe-eksctl's own time on the way to healthy DNS: its phases before eksctl starts, plus the time from eksctl's
 * exit to its restart (when it restarted after eksctl). Everything else is eksctl, EKS and Fargate. A restart made
 * while eksctl still ran costs nothing here; how long before eksctl's exit it came is kept beside.
 * @param {string} report the JSON report
 * @param {number} startedAt @param {{ at: number, by: string } | undefined} healing
 */
function ownTime(report, startedAt, healing) {
  if (!report) return undefined;
  const phases = /** @type {{ name: string, durationMs: number }[]} */ (JSON.parse(report).phases);
  const index = phases.findIndex((p) => p.name === 'eksctl create cluster');
  if (index === -1) return undefined;
  const beforeMs = phases.slice(0, index).reduce((sum, p) => sum + p.durationMs, 0);
  const eksctlExitAt = startedAt + beforeMs + (phases[index]?.durationMs ?? 0);
  const ours = healing?.by === 'safe-eksctl';
  const afterMs = ours ? Math.max(0, healing.at - eksctlExitAt) : 0;
  const beforeExitMs = ours ? Math.max(0, eksctlExitAt - healing.at) : 0;
  return {
    beforeEksctlS: beforeMs / 1000,
    eksctlS: (phases[index]?.durationMs ?? 0) / 1000,
    eksctlExitToRestartS: afterMs / 1000,
    restartBeforeEksctlExitS: beforeExitMs / 1000,
  };
}
