// `safe-eksctl create cluster …` (and its short form `create -f FILE`): plan, preflight, eksctl, wait for Fargate
// profiles, heal CoreDNS, report. eksctl gets the user's own words; what it will create is read from the -f file, or
// from eksctl's own --dry-run when the words change the cluster (./cluster-source.ts). Everything that can be judged
// before eksctl starts is judged before the task list starts.
import { resolve } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { checkLogFile, createInterrupt, eksctlVersion, resolveEksctl } from '../adapters/eksctl.js';
import type { checkAwsAccess } from '../adapters/sts.js';
import { pollDelays, systemClock, type Clock } from '../core/backoff.js';
import { buildPlan, corednsSkipReason, planExitCode, type Plan } from '../core/plan.js';
import { redactor } from '../core/redact.js';
import { EKSCTL_COMPONENT_LABEL_FIX, eksctlAtLeast, isKnownVersion } from '../core/version.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { onStopSignals } from '../signals.js';
import type { Io } from '../io.js';
import { RunRecorder } from '../report.js';
import { eksctlTask } from '../tasks/eksctl.js';
import { lookWhatIsLeft } from '../pipelines/left-in-aws.js';
import { phase, runPipeline } from '../tasks/pipeline.js';
import { clusterSource, EksctlRefused } from './cluster-source.js';
import { eksctlTokens, flagOn, flagValue } from './create-argv.js';
import { createOptionsSchema, parseOptions, type CreateOptions } from './options.js';

export type { CreateOptions } from './options.js';

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

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  return createCluster(parseCreateOptions(options), io);
}

/** `configFile` (the demo's and the bench's way to name the config) is eksctl's `-f`, put first. */
export function parseCreateOptions(options: Record<string, unknown>): CreateOptions {
  return parseOptions(createOptionsSchema, options);
}

export async function createCluster(options: CreateOptions, io: Io, deps: CreateDeps = {}): Promise<number> {
  // Bad input ends here, before anything starts: one line from the CLI, exit 2. A command line eksctl's dry-run
  // refuses ends here too, with eksctl's own words and exit code.
  let binary: string | undefined;
  const eksctlBinary = () => (binary ??= resolveEksctl(options.eksctl, io.env, io.cwd));
  const file = flagValue(eksctlTokens('cluster', options.eksctlArgs), 'config-file');
  if (options.logFile !== undefined) checkLogFile(options.logFile, file === undefined || file === '-' ? undefined : resolve(io.cwd, file), io.cwd);
  let source: Awaited<ReturnType<typeof clusterSource>>;
  try {
    source = await clusterSource(options.eksctlArgs, eksctlBinary, io);
  } catch (error) {
    if (!(error instanceof EksctlRefused)) throw error;
    // eksctl's own answer, as a pass-through shows it; only what safe-eksctl never prints (credentials) is masked.
    const redact = redactor(io.env);
    io.stdout.write(redact(error.run.stdout));
    io.stderr.write(redact(error.run.stderr));
    return error.run.exitCode;
  }
  eksctlBinary();
  const tokens = eksctlTokens('cluster', source.eksctlArgs);
  const profile = flagValue(tokens, 'profile');
  // --kubeconfig is eksctl's: where it writes the kubeconfig. safe-eksctl reads that file back only when --context
  // asks it to reach Kubernetes through a kubeconfig context; otherwise it uses DescribeCluster and its own token.
  const kubeconfig = options.context ? flagValue(tokens, 'kubeconfig') : undefined;
  if (kubeconfig) (await import('../adapters/kubeconfig.js')).checkKubeconfigBeforeEksctl(kubeconfig, io.cwd);
  // The AWS SDK and the Kubernetes client take about a second to load: bad input is answered before that.
  const [{ createEksApi }, { checkAwsAccess }, { clusterHealthTasks, eksKubeConnector }, { watchForFailedProfiles }, { ProfileWaitError }, { newHealState }, { EarlyCoreDnsHeal }] =
    await Promise.all([
      import('../adapters/eks.js'),
      import('../adapters/sts.js'),
      import('../tasks/cluster-health.js'),
      import('../heal/profile-watch.js'),
      import('../heal/wait-profiles.js'),
      import('../heal/coredns.js'),
      import('../heal/early-heal.js'),
    ]);
  const { config } = source;
  const clusterName = config.metadata.name;
  const region = config.metadata.region;
  const clock = deps.clock ?? systemClock;
  const recorder = new RunRecorder(clusterName, () => clock.now());
  if (deps.simulatedTimeScale !== undefined) recorder.simulated = { timeScale: deps.simulatedTimeScale };
  const interrupt = createInterrupt();
  const stopListening = onStopSignals(() => interrupt.interrupt());
  const eks = createEksApi({
    region,
    ...(deps.credentials ? { credentials: deps.credentials } : profile ? { profile } : {}),
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
    // With --context the heal reaches Kubernetes through the kubeconfig eksctl writes at its end: not while it runs.
    if (options.context) return undefined;
    if (!options.heal || !coredns?.exists || coredns.eksctlHandles || coredns.capturedBy === null || !isKnownVersion(version)) return undefined;
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
            version = await eksctlVersion(eksctlBinary(), { env: io.env, signal: interrupt.signal });
            plan = buildPlan(config, version, { configFile: source.displayName, withoutNodegroup: flagOn(tokens, 'without-nodegroup') === true });
            for (const finding of plan.findings) task.output = `${finding.level}: ${finding.message}`;
            if (planExitCode(plan) !== 0 && !options.force) {
              const reasons = plan.findings.filter((f) => f.level === 'error').map((f) => f.message);
              throw new SafeEksctlError(`${source.displayName}: ${reasons.join('; ')} (--force runs it anyway)`, ExitCode.unhealthy);
            }
            task.title = `Config and plan: ${clusterName} in ${region}, ${config.fargateProfiles?.length ?? 0} Fargate profile(s)`;
          },
          // Every finding stays on screen, not only the last.
          rendererOptions: { persistentOutput: true, outputBar: Infinity },
        }),
        phase(timeline, 'Preflight', {
          title: 'Preflight',
          task: async (_ctx, task) => {
            if (!isKnownVersion(version)) task.output = `eksctl version unknown (${eksctlBinary()})`;
            else if (!eksctlAtLeast(version, EKSCTL_COMPONENT_LABEL_FIX)) {
              task.output = `eksctl ${version}: eksctl ≥${EKSCTL_COMPONENT_LABEL_FIX} handles more cases itself`;
            }
            const access = await checkAwsAccess({
              region,
              signal: interrupt.signal,
              ...(profile ? { profile } : {}),
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
            binary: eksctlBinary(),
            args: ['create', 'cluster', ...source.eksctlArgs],
            env: io.env,
            cwd: io.cwd,
            interrupt,
            verbose: options.verbose,
            ...(options.logFile ? { logFile: options.logFile } : {}),
            ...(source.stdin !== undefined ? { input: source.stdin } : {}),
            onWarning: (warning) => recorder.warn(warning),
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
                  own: new Set((config.fargateProfiles ?? []).map((p) => p.name)),
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
          // No CoreDNS (Auto Mode's DNS, default addons disabled) or nothing to run it yet: the plan said so, and why.
          corednsSkip: () => (plan ? corednsSkipReason(plan) : undefined),
          lookAtDefaultAddons: true,
          workloads: options.workloads,
          deleteStrandedPods: options.deleteStrandedPods,
          ...(kubeconfig ? { kubeconfig } : {}),
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
        // Once eksctl started, a failed run may have left a cluster behind: say what, and how to remove it. The demo's
        // cluster is the simulator's, gone with it.
        afterFailure: async () => {
          if (deps.simulatedTimeScale !== undefined || !recorder.phases.some((p) => p.name === 'eksctl create cluster')) return;
          recorder.leftInAws = await lookWhatIsLeft(eks, {
            clusterName,
            region,
            configFile: source.path === undefined ? undefined : source.displayName,
            ...(profile ? { profile } : {}),
            seenProfiles: recorder.profiles.map((p) => p.name),
            signal: interrupt.forceSignal,
          });
        },
      },
    );
  } finally {
    stopListening();
  }
}
