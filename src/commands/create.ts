// `safe-eksctl create -f FILE` (= `create cluster -f FILE`): plan, preflight, eksctl, wait for Fargate profiles, heal
// CoreDNS, report. Everything that can be judged before eksctl starts is judged before the task list starts.
import type { AwsCredentialIdentity } from '@smithy/types';
import { checkLogFile, createInterrupt, eksctlVersion, resolveEksctl } from '../adapters/eksctl.js';
import type { checkAwsAccess } from '../adapters/sts.js';
import { pollDelays, systemClock, type Clock } from '../core/backoff.js';
import { loadClusterConfig, type LoadedConfig } from '../core/config.js';
import { buildPlan, planExitCode, type Plan } from '../core/plan.js';
import { EKSCTL_COMPONENT_LABEL_FIX, eksctlAtLeast, isKnownVersion } from '../core/version.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { onStopSignals } from '../signals.js';
import type { Io } from '../io.js';
import { RunRecorder } from '../report.js';
import { eksctlTask } from '../tasks/eksctl.js';
import { phase, runPipeline } from '../tasks/pipeline.js';
import { eksctlArgsWithout, optionalText, parsePipelineOptions, type PipelineOptions } from './options.js';

export interface CreateOptions extends PipelineOptions {
  configFile: string;
  eksctl?: string;
  force: boolean;
  heal: boolean;
  logFile?: string;
  profile?: string;
  timeout?: string;
  eksctlVerbosity?: string;
  eksctlArgs: string[];
}

/** What the demo (and tests) swap in: the simulator's clock, credentials and endpoints. */
export interface CreateDeps {
  clock?: Clock;
  credentials?: AwsCredentialIdentity;
  eksEndpoint?: string;
  stsEndpoint?: string;
  /** One more line under the text summary. */
  summaryNote?: string;
  /** The demo's time scale: the report says its durations are simulated. */
  simulatedTimeScale?: number;
}

/** eksctl takes these from the config file and refuses them with -f. */
const FLAGS_EKSCTL_REFUSES_WITH_F = ['--region', '--name', '--version', '--zones', '--nodes', '--node-type'];

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  return createCluster(parseCreateOptions(options), io);
}

export function parseCreateOptions(options: Record<string, unknown>): CreateOptions {
  return {
    ...parsePipelineOptions(options),
    configFile: String(options['configFile']),
    force: options['force'] === true,
    heal: options['heal'] !== false,
    eksctlArgs: eksctlArgsWithout(options, FLAGS_EKSCTL_REFUSES_WITH_F),
    ...optionalText(options, 'eksctl'),
    ...optionalText(options, 'logFile'),
    ...optionalText(options, 'profile'),
    ...optionalText(options, 'timeout'),
    ...optionalText(options, 'eksctlVerbosity'),
  };
}

export function eksctlCreateArgs(options: CreateOptions, loaded: LoadedConfig): string[] {
  return [
    'create',
    'cluster',
    '-f',
    loaded.path ?? '-',
    ...(options.profile ? ['--profile', options.profile] : []),
    ...(options.timeout ? ['--timeout', options.timeout] : []),
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
    ...(options.eksctlVerbosity ? ['-v', options.eksctlVerbosity] : []),
    ...options.eksctlArgs,
  ];
}

export async function createCluster(options: CreateOptions, io: Io, deps: CreateDeps = {}): Promise<number> {
  // Bad input ends here, before anything starts: one line from the CLI, exit 2.
  const loaded = await loadClusterConfig(options.configFile, io);
  if (options.logFile !== undefined) checkLogFile(options.logFile, loaded.path, io.cwd);
  const binary = resolveEksctl(options.eksctl, io.env, io.cwd);
  // eksctl writes the kubeconfig itself; a file already there must be one it can merge into and we can read back.
  if (options.kubeconfig) (await import('../adapters/kubeconfig.js')).checkKubeconfigBeforeEksctl(options.kubeconfig, io.cwd);
  // The AWS SDK and the Kubernetes client take about a second to load: bad input is answered before that.
  const [{ createEksApi }, { checkAwsAccess }, { clusterHealthTasks, eksKubeConnector }, { watchForFailedProfiles }, { ProfileWaitError }, { newHealState }, { EarlyCoreDnsHeal }] =
    await Promise.all([
      import('../adapters/eks.js'),
      import('../adapters/sts.js'),
      import('../tasks/cluster-health.js'),
      import('../tasks/profile-watch.js'),
      import('../tasks/wait-profiles.js'),
      import('../tasks/heal-coredns.js'),
      import('../tasks/early-heal.js'),
    ]);
  const { config } = loaded;
  const clusterName = config.metadata.name;
  const region = config.metadata.region;
  const clock = deps.clock ?? systemClock;
  const recorder = new RunRecorder(clusterName, () => clock.now());
  if (deps.simulatedTimeScale !== undefined) recorder.simulated = { timeScale: deps.simulatedTimeScale };
  const interrupt = createInterrupt();
  const stopListening = onStopSignals(() => interrupt.interrupt());
  const eks = createEksApi({
    region,
    ...(deps.credentials ? { credentials: deps.credentials } : options.profile ? { profile: options.profile } : {}),
    ...(deps.eksEndpoint ? { endpoint: deps.eksEndpoint } : {}),
  });
  let credentials: Awaited<ReturnType<typeof checkAwsAccess>>['credentials'] | undefined;
  const checkedCredentials = async () => {
    if (!credentials) throw new Error('credentials were not checked');
    return credentials();
  };
  let version: string | undefined;
  let plan: Plan | undefined;
  // One heal of CoreDNS in two parts, the one while eksctl runs and the phase after it, counting as one.
  const healState = newHealState();
  const connectEks = eksKubeConnector({ eks, clusterName, region, credentials: checkedCredentials, clock, signal: interrupt.signal });
  /**
   * Only where eksctl's own CoreDNS step will not run (it patches and waits itself; a restart from us would fight
   * it), and only with a known eksctl: an unknown one may be new enough to handle the selector after all. Not with
   * --kubeconfig or --context either: Kubernetes is then to be reached only through the file eksctl writes at its end.
   */
  const earlyHealFor = (signal: AbortSignal, note: (line: string) => void) => {
    const coredns = plan?.coredns;
    if (options.kubeconfig || options.context) return undefined;
    if (!options.heal || !coredns || coredns.eksctlHandles || coredns.capturedBy === null || !isKnownVersion(version)) return undefined;
    return new EarlyCoreDnsHeal({
      capturedBy: coredns.capturedBy,
      connect: (s) => connectEks(s),
      state: healState,
      clock,
      signal,
      timeoutMs: options.corednsTimeoutMs,
      onStatus: note,
    });
  };
  try {
    return await runPipeline(
      (timeline) => [
        phase<object>(timeline, 'Config and plan', {
          title: 'Config and plan',
          task: async (_ctx, task) => {
            version = await eksctlVersion(binary, { env: io.env, signal: interrupt.signal });
            plan = buildPlan(config, version, { configFile: loaded.displayName });
            for (const finding of plan.findings) task.output = `${finding.level}: ${finding.message}`;
            if (planExitCode(plan) !== 0 && !options.force) {
              const reasons = plan.findings.filter((f) => f.level === 'error').map((f) => f.message);
              throw new SafeEksctlError(`${loaded.displayName}: ${reasons.join('; ')} (--force runs it anyway)`, ExitCode.unhealthy);
            }
            task.title = `Config and plan: ${clusterName} in ${region}, ${config.fargateProfiles?.length ?? 0} Fargate profile(s)`;
          },
          // Every finding stays on screen, not only the last.
          rendererOptions: { persistentOutput: true, outputBar: Infinity },
        }),
        phase(timeline, 'Preflight', {
          title: 'Preflight',
          task: async (_ctx, task) => {
            if (!isKnownVersion(version)) task.output = `eksctl version unknown (${binary})`;
            else if (!eksctlAtLeast(version, EKSCTL_COMPONENT_LABEL_FIX)) {
              task.output = `eksctl ${version}: eksctl ≥${EKSCTL_COMPONENT_LABEL_FIX} handles more cases itself`;
            }
            const access = await checkAwsAccess({
              region,
              signal: interrupt.signal,
              ...(options.profile ? { profile: options.profile } : {}),
              ...(deps.credentials ? { credentials: deps.credentials } : {}),
              ...(deps.stsEndpoint ? { endpoint: deps.stsEndpoint } : {}),
            });
            credentials = access.credentials;
            task.title = `Preflight: eksctl ${version ?? 'unknown'}, AWS account ${access.identity.account}`;
          },
          rendererOptions: { persistentOutput: true },
        }),
        phase(
          timeline,
          'eksctl create cluster',
          eksctlTask({
            title: 'eksctl create cluster',
            binary,
            args: eksctlCreateArgs(options, loaded),
            env: io.env,
            cwd: io.cwd,
            interrupt,
            verbose: options.verbose,
            ...(options.logFile ? { logFile: options.logFile } : {}),
            ...(loaded.path === undefined ? { input: loaded.text } : {}),
            secrets: async () => {
              const resolved = await checkedCredentials();
              return [resolved.secretAccessKey, resolved.sessionToken];
            },
            // eksctl waits its whole --timeout on a CREATE_FAILED profile; stop it as soon as one shows up. The same
            // looks start the CoreDNS heal once the profile that captures it is ACTIVE.
            watch: async (signal, note) => {
              const stop = new AbortController();
              const early = earlyHealFor(AbortSignal.any([signal, stop.signal]), note);
              try {
                await watchForFailedProfiles(eks, clusterName, {
                  clock,
                  signal,
                  delays: pollDelays({ maxIntervalMs: options.pollIntervalMs }),
                  ...(early ? { onActive: (profile) => early.profileActive(profile) } : {}),
                });
              } catch (error) {
                if (error instanceof ProfileWaitError) recorder.profile(error.profile);
                throw error;
              } finally {
                stop.abort();
                await early?.settled();
                // Recorded now in case eksctl failed: the report then still says what was done to CoreDNS.
                if (healState.looked) recorder.coredns = { ...healState.record };
              }
            },
          }),
        ),
        ...clusterHealthTasks<object>(timeline, {
          eks,
          clusterName,
          region,
          credentials: checkedCredentials,
          healState,
          connectEks,
          configProfiles: (config.fargateProfiles ?? []).map((p) => p.name),
          recorder,
          clock,
          signal: interrupt.signal,
          pollIntervalMs: options.pollIntervalMs,
          fargateTimeoutMs: options.fargateTimeoutMs,
          corednsTimeoutMs: options.corednsTimeoutMs,
          workloadsTimeoutMs: options.workloadsTimeoutMs,
          heal: options.heal,
          workloads: options.workloads,
          deleteStrandedPods: options.deleteStrandedPods,
          ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
          ...(options.context ? { context: options.context } : {}),
          env: io.env,
          cwd: io.cwd,
        }),
      ],
      recorder,
      {},
      {
        io,
        output: options.output,
        verbose: options.verbose,
        clock,
        interruptSignal: interrupt.signal,
        ...(deps.summaryNote ? { summaryNote: deps.summaryNote } : {}),
      },
    );
  } finally {
    stopListening();
  }
}
