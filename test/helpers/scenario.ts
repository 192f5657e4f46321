// One end-to-end scenario: the built bin against a simulator, with everything a test asserts on collected in one
// result. Shared by the create/demo e2e suites and the fault matrix (needs `npm run build`). This is the spawned half
// of the create harness, for what needs a process (signals, pipes, the bin's exit code, a user's make); everything else
// runs in the test's process on virtual time through its other half, ./scenario-in-process.ts, which takes no slot.
//
//   mode 'create' (default): the test process starts the simulator; the bin runs `create -f FILE --eksctl <fake>` with
//     the simulator's environment, so the simulator's request counts are visible. The bin waits on the real clock.
//   mode 'demo': the bin runs `demo -f FILE` and starts its own simulator; its waits run on simulated time.
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ResultPromise } from 'execa';
import { startSimulator, type Simulator, type SimTimings } from '../../src/sim/index.js';
import type { Deployment, Pod } from '../../src/sim/kube/types.js';
import { SIM_SECRET_ACCESS_KEY } from '../../src/sim/credentials.js';
import type { RunReport } from '../../src/report.js';
import { EXAMPLES, nodeOnlyPath, runBin } from './bin.js';

export { SIM_SECRET_ACCESS_KEY };

/** The env var every process of a scenario inherits, so leftovers can be found by it in /proc. */
export const SCENARIO_ENV = 'SAFE_EKSCTL_TEST_SCENARIO';

/**
 * Simulated timings that keep every ordering of the defaults (eksctl's 30 s sleep after the profiles still outlasts
 * the webhook's 10 s; Fargate pods still start far slower than EC2 pods) but let eksctl finish in about 2 s at 0.01.
 */
export const FAST_TIMINGS: Partial<SimTimings> = { controlPlaneSeconds: 30, fargateProfileSeconds: 30, nodegroupSeconds: 30, addonSeconds: 10 };

/**
 * Half the default time scale: eksctl's phase takes about a second less. Only for scenarios where no fault is measured
 * against real time (token-ttl and the restart backoff are: those keep 0.01).
 */
export const QUICK_TIME_SCALE = 0.005;

/**
 * Scenarios running at once across every test file and worker ($SAFE_EKSCTL_TEST_SLOTS to change). A scenario spends
 * most of its time waiting on simulated time, but each start costs two Node processes loading the AWS SDK: more than
 * about twice the cores at once only makes each slower and its timings less like the real thing.
 */
export const SCENARIO_SLOTS = Number(process.env['SAFE_EKSCTL_TEST_SLOTS'] ?? '4');
const SLOT_DIR = join(tmpdir(), 'safe-eksctl-scenario-slots');

/**
 * The timeout of a test that runs scenarios, or several runs of the bin against a simulator in a row (check, heal,
 * check again…: 28 s alone and 52 s in CI's second leg for one of them, past 90 s with one core for four workers). A
 * scenario may first wait for a slot (about a minute at the busiest point
 * of the suite), so the budget covers that wait, a few runs of up to 45 s, and a loaded machine; a stuck scenario
 * still ends the test, killed at its own `timeoutMs`.
 */
export const SCENARIO_TEST_TIMEOUT_MS = 300_000;

/**
 * A cross-process semaphore of SCENARIO_SLOTS files; a slot whose holder died is taken over. Other suites running at
 * the same time share it. It waits as long as it takes: a scenario let in past the limit would run when the machine is
 * busiest, just when its real-time margins are thinnest.
 */
export async function acquireSlot(): Promise<() => void> {
  mkdirSync(SLOT_DIR, { recursive: true });
  for (;;) {
    for (let i = 0; i < SCENARIO_SLOTS; i++) {
      const path = join(SLOT_DIR, `slot-${i}`);
      try {
        closeSync(openSync(path, 'wx'));
        writeFileSync(path, String(process.pid));
        return () => rmSync(path, { force: true });
      } catch {
        if (!holderAlive(path)) rmSync(path, { force: true });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function fresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 5_000;
  } catch {
    return true;
  }
}

/** False only for a slot whose holder's pid is written and no longer runs; a slot being taken right now counts as held. */
function holderAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8'));
  } catch {
    return true;
  }
  // Empty only between its creation and the write of the pid: for long, only if its holder died right there.
  if (!(pid > 0)) return fresh(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ScenarioOptions {
  /**
   * An example's file name (`bug-report.yaml`), a path, or YAML text (contains a newline). Default bug-report.yaml
   * (demo: no -f, so the demo's own default).
   */
  config?: string;
  /** Version the fake eksctl reports and follows. Default 0.230.0 (demo: the demo's default, 0.207.0). */
  eksctlVersion?: string;
  /** Simulator fault specs: `eks-throttle=0.3`, `profile-create-failed=fp-default`, … */
  faults?: string[];
  /** Real seconds per simulated second. Default 0.01; QUICK_TIME_SCALE where no real-time relation matters. */
  timeScale?: number;
  /** Simulated timings (create mode only: demo starts its own simulator with the defaults). Default FAST_TIMINGS. */
  timings?: Partial<SimTimings>;
  mode?: 'create' | 'demo';
  /** The command words in create mode: ['create'] (default) or ['create', 'cluster'], which must be the same. */
  command?: string[];
  /** More arguments for the bin, after the ones the helper builds. */
  args?: string[];
  /** 'json' adds `--output json` and parses stdout into `report`. Default 'json'. */
  output?: 'json' | 'text';
  /** Pass the config as `-f -` on stdin instead of a file. */
  stdin?: boolean;
  /** More environment for the bin (over the simulator's). */
  env?: Record<string, string>;
  /**
   * Send `signal` to the bin once its output (stdout + stderr so far) matches `when`; again once `againWhen` (given the
   * scratch directory, polled every 20 ms) says so, e.g. when the stand-in eksctl has recorded the first signal.
   */
  interrupt?: { when: RegExp; signal?: NodeJS.Signals; againWhen?: (dir: string) => boolean };
  /**
   * Close our end of the bin's stdout (or stderr) once its first chunk arrived, as `| head -1` does: the bin's later
   * writes there fail with EPIPE. What it wrote after that is missing from the result.
   */
  closeAfterFirstChunk?: 'stdout' | 'stderr';
  /** Called with the scratch directory after the bin ended, before it is removed (to read files the run wrote). */
  onEnd?: (dir: string) => void;
  /** Kill the bin after this long (real ms). Default 45 s. */
  timeoutMs?: number;
}

export interface ScenarioResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** stdout parsed, with output 'json'; undefined when stdout is not one JSON document. */
  report: RunReport | undefined;
  /** EKS/STS requests the simulator received per operation (create mode; {} in demo mode). */
  requestCounts: Record<string, number>;
  /** Kubernetes requests the simulator refused with 401, an expired token say (create mode; undefined in demo mode). */
  kubeUnauthorized: number | undefined;
  /** Pids of the scenario's other processes (the fake eksctl) seen when the interrupt was sent. */
  pidsAtInterrupt: number[];
  /** Pids of the scenario's processes still alive after the bin ended (should be []). */
  leftover: number[];
  /** Real time the bin ran. */
  durationMs: number;
  /**
   * CoreDNS as the simulator holds it when the bin ended, seen from the simulator's side rather than the report's
   * (create mode, once the cluster exists; undefined otherwise).
   */
  corednsInSim: CoreDnsInSim | undefined;
  /** Real time from the last interrupt sent until the bin ended; undefined without an interrupt. */
  endedAfterLastInterruptMs: number | undefined;
  /** The scratch directory (HOME, KUBECONFIG, the config file); removed when the scenario ends. */
  dir: string;
}

/** The config as a file name in `dir` (or a path, which may be missing on purpose) and its text, read when needed. */
export function resolveConfig(config: string, dir: string): { path: string; text: () => string } {
  if (config.includes('\n')) {
    const path = join(dir, 'cluster.yaml');
    writeFileSync(path, config);
    return { path, text: () => config };
  }
  const path = isAbsolute(config) || config.includes('/') ? config : join(EXAMPLES, config);
  return { path, text: () => readFileSync(path, 'utf8') };
}

/** Pids (other than `except`) whose environment carries this scenario's marker. */
export function scenarioPids(id: string, except: number[] = []): number[] {
  const marker = `${SCENARIO_ENV}=${id}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || except.includes(pid)) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      // A zombie keeps no environment; one that is exiting may still show it for a moment.
      if (environ.split('\0').includes(marker)) pids.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** The scenario's pids still alive once a child killed at the very end had a moment to be reaped. */
export async function settleLeftovers(id: string): Promise<number[]> {
  // A child that got SIGKILL at the very end may need a moment to be reaped.
  for (let i = 0; i < 20; i++) {
    const pids = scenarioPids(id);
    if (pids.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return scenarioPids(id);
}

export interface CoreDnsInSim {
  /** Template changes since CoreDNS was installed: eksctl's own compute-type patch plus every restart. */
  templateChanges: number;
  /** eksctl's CoreDNS step ran: the template carries `eks.amazonaws.com/compute-type: fargate`. */
  patchedByEksctl: boolean;
  /** Template changes eksctl did not make: safe-eksctl's restarts and annotation removal. */
  changesByOthers: number;
  /** Pods Running and Ready on a Fargate node, admitted by fargate-scheduler. */
  readyOnFargate: number;
  /** CoreDNS pods in the store, terminating ones included. */
  pods: number;
}

export function corednsInSim(sim: Simulator): CoreDnsInSim | undefined {
  const [name] = sim.world.listClusters();
  const cluster = name === undefined ? undefined : sim.world.kubeCluster(name);
  const deployment = cluster?.get<Deployment>('deployments', 'kube-system', 'coredns');
  if (!cluster || !deployment) return undefined;
  const templateChanges = (deployment.metadata.generation ?? 1) - 1;
  const patchedByEksctl = deployment.spec.template.metadata?.annotations?.['eks.amazonaws.com/compute-type'] === 'fargate';
  const pods = cluster.listPods('kube-system', { 'k8s-app': 'kube-dns' });
  const readyOnFargate = pods
    .filter((pod: Pod) => !pod.metadata.deletionTimestamp)
    .filter((pod) => pod.spec.schedulerName === 'fargate-scheduler' && (pod.spec.nodeName ?? '').startsWith('fargate-'))
    .filter((pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  return { templateChanges, patchedByEksctl, changesByOthers: templateChanges - (patchedByEksctl ? 1 : 0), readyOnFargate, pods: pods.length };
}

/** Runs one scenario when a slot is free (see SCENARIO_SLOTS); a test that runs several should allow for the wait. */
export async function runScenario(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const release = await acquireSlot();
  try {
    return await runScenarioInSlot(options);
  } finally {
    release();
  }
}

async function runScenarioInSlot(options: ScenarioOptions): Promise<ScenarioResult> {
  const {
    config = 'bug-report.yaml',
    eksctlVersion = '0.230.0',
    faults = [],
    timings = FAST_TIMINGS,
    mode = 'create',
    args = [],
    output = 'json',
    timeoutMs = 45_000,
  } = options;
  const timeScale = options.timeScale ?? 0.01;
  const id = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'safe-eksctl-scenario-'));
  const sim = mode === 'create' ? await startSimulator({ timeScale, faults, eksctlVersion, timings }) : undefined;
  try {
    const { path, text } = resolveConfig(config, dir);
    const file = options.stdin ? '-' : path;
    const outputArgs = output === 'json' ? ['--output', 'json'] : [];
    const argv =
      mode === 'create'
        ? [...(options.command ?? ['create']), '-f', file, '--eksctl', sim!.eksctl, ...outputArgs, ...args]
        : [
            'demo',
            // Left out, the demo's own defaults apply: the bug report with eksctl 0.207.0.
            ...(options.config !== undefined || options.stdin ? ['-f', file] : []),
            ...(options.eksctlVersion !== undefined ? ['--eksctl-version', eksctlVersion] : []),
            '--time-scale',
            String(timeScale),
            ...faults.flatMap((f) => ['--fault', f]),
            ...outputArgs,
            ...args,
          ];
    const env: Record<string, string> = {
      PATH: nodeOnlyPath(),
      HOME: dir,
      KUBECONFIG: join(dir, 'kubeconfig'),
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      ...(sim?.env ?? {}),
      [SCENARIO_ENV]: id,
      ...options.env,
    };
    const started = Date.now();
    const child = runBin(argv, {
      wholeEnv: true,
      env,
      cwd: dir,
      timeout: timeoutMs,
      forceKillAfterDelay: 2_000,
      ...(options.stdin ? { input: text() } : { stdin: 'ignore' as const }),
    });
    if (options.closeAfterFirstChunk) closeAfterFirstChunk(child, options.closeAfterFirstChunk);
    const interrupts: number[] = [];
    const pidsAtInterrupt = options.interrupt ? await interruptWhen(child, id, dir, options.interrupt, interrupts) : [];
    const result = await child;
    const ended = Date.now();
    const durationMs = ended - started;
    const lastInterrupt = interrupts.at(-1);
    options.onEnd?.(dir);
    // For tuning the suite: SAFE_EKSCTL_SCENARIO_LOG=file collects one line per scenario with its real durations.
    const timesLog = process.env['SAFE_EKSCTL_SCENARIO_LOG'];
    if (timesLog) {
      appendFileSync(timesLog, `${JSON.stringify({ mode, config: config.includes('\n') ? 'inline' : config, faults, args, exitCode: result.exitCode, durationMs })}\n`);
    }
    const stdout = String(result.stdout ?? '');
    let report: RunReport | undefined;
    if (output === 'json') {
      try {
        report = JSON.parse(stdout) as RunReport;
      } catch {
        report = undefined;
      }
    }
    return {
      exitCode: result.exitCode,
      stdout,
      stderr: String(result.stderr ?? ''),
      report,
      requestCounts: { ...(sim?.requestCounts ?? {}) },
      kubeUnauthorized: sim?.kubeUnauthorizedCount(),
      pidsAtInterrupt,
      leftover: await settleLeftovers(id),
      durationMs,
      endedAfterLastInterruptMs: lastInterrupt === undefined ? undefined : ended - lastInterrupt,
      corednsInSim: sim ? corednsInSim(sim) : undefined,
      dir,
    };
  } finally {
    // Nothing of the scenario may outlive it, whatever the assertions say.
    for (const pid of scenarioPids(id)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Watches the bin's output and sends the signal once it matches; resolves with the scenario's other pids then.
 * `sentAt` gets the real time of every signal sent.
 */
function interruptWhen(
  child: ResultPromise,
  id: string,
  dir: string,
  { when, signal = 'SIGINT', againWhen }: NonNullable<ScenarioOptions['interrupt']>,
  sentAt: number[],
): Promise<number[]> {
  return new Promise((resolve) => {
    let seen = '';
    let sent = false;
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (sent || !when.test(seen)) return;
      sent = true;
      const pids = scenarioPids(id, child.pid === undefined ? [] : [child.pid]);
      const send = () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        sentAt.push(Date.now());
        child.kill(signal);
      };
      send();
      if (againWhen) {
        const poll = setInterval(() => {
          if (child.exitCode !== null || child.signalCode !== null) return clearInterval(poll);
          if (!ready(() => againWhen(dir))) return;
          clearInterval(poll);
          send();
        }, 20);
        poll.unref();
      }
      resolve(pids);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void child.finally(() => resolve([]));
  });
}

/** The reader of one of the bin's streams goes away after the first chunk, like `head` once it has its line. */
function closeAfterFirstChunk(child: ResultPromise, name: 'stdout' | 'stderr'): void {
  const stream = child[name];
  stream?.once('data', () => stream.destroy());
}

/** A condition that throws (a log line half written, say) is not met yet. */
function ready(condition: () => boolean): boolean {
  try {
    return condition();
  } catch {
    return false;
  }
}

/** Nothing a scenario printed may hold the simulator's secret key or an EKS bearer token. */
export function expectNoSecrets(run: Pick<ScenarioResult, 'stdout' | 'stderr'>): void {
  for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    if (text.includes(SIM_SECRET_ACCESS_KEY)) throw new Error(`${name} shows the secret access key`);
    if (text.includes('k8s-aws-v1.')) throw new Error(`${name} shows an EKS bearer token`);
  }
}
