// `create cluster` as a list of phases: plan, preflight, eksctl, wait for Fargate profiles, heal CoreDNS, report. eksctl
// gets the user's own words; what it will create is read from the -f file, or from eksctl's own --dry-run when the
// words change the cluster (./cluster-source.ts). Everything that can be judged before eksctl starts is judged
// before the task list starts. `demo` runs this same pipeline against the simulator.
import { resolve } from 'node:path';
import { checkLogFile, resolveEksctl } from '../adapters/eksctl.js';
import type { CreateOptions } from '../commands/options.js';
import { eksctlTokens, flagOn, flagValue, type EksctlFlag } from '../core/eksctl-flags.js';
import type { ArgToken } from '../core/pflag.js';
import { corednsSkipReason } from '../core/plan.js';
import { redactor } from '../core/redact.js';
import type { Io } from '../io.js';
import type { ClusterDeps } from '../session.js';
import type { CreateRunContext } from '../tasks/create-phases.js';
import { clusterSource, EksctlRefused, type ClusterSource } from './cluster-source.js';

/** What the demo (and tests) swap in: the simulator's clock, credentials and endpoints. */
export interface CreateDeps extends ClusterDeps {
  /** One more line under the text summary. */
  summaryNote?: string;
  /** The demo's time scale: the report says its durations are simulated. */
  simulatedTimeScale?: number;
}

/** What create runs, judged before anything starts. */
interface CreateInput {
  source: ClusterSource;
  /** The eksctl binary. */
  eksctl: string;
  tokens: ArgToken<EksctlFlag>[];
  /** eksctl's `-p/--profile`. */
  profile: string | undefined;
  /** eksctl's --kubeconfig, read back after eksctl wrote it when --context asks to reach Kubernetes through it. */
  kubeconfig: string | undefined;
}

/**
 * Bad input ends here, before anything starts: one line from the CLI, exit 2. A command line eksctl's dry-run refuses
 * ends here too, with eksctl's own words and exit code (the number returned).
 */
async function readInput(options: CreateOptions, io: Io, deps: CreateDeps): Promise<CreateInput | number> {
  let binary: string | undefined;
  const eksctlBinary = () => (binary ??= resolveEksctl(options.eksctl, io.env, io.cwd));
  const file = flagValue(eksctlTokens('cluster', options.eksctlArgs), 'config-file');
  if (options.logFile !== undefined) checkLogFile(options.logFile, file === undefined || file === '-' ? undefined : resolve(io.cwd, file), io.cwd);
  let source: ClusterSource;
  try {
    source = await clusterSource(options.eksctlArgs, eksctlBinary, io, deps.eksctlRunner);
  } catch (error) {
    if (!(error instanceof EksctlRefused)) throw error;
    // eksctl's own answer, as a pass-through shows it; only what safe-eksctl never prints (credentials) is masked.
    const redact = redactor(io.env);
    io.stdout.write(redact(error.run.stdout));
    io.stderr.write(redact(error.run.stderr));
    return error.run.exitCode;
  }
  const eksctl = eksctlBinary();
  const tokens = eksctlTokens('cluster', source.eksctlArgs);
  // --kubeconfig is eksctl's: where it writes the kubeconfig. safe-eksctl reads that file back only when --context
  // asks it to reach Kubernetes through a kubeconfig context; otherwise it uses DescribeCluster and its own token.
  const kubeconfig = options.context ? flagValue(tokens, 'kubeconfig') : undefined;
  if (kubeconfig) (await import('../adapters/kubeconfig.js')).checkKubeconfigBeforeEksctl(kubeconfig, io.cwd);
  return { source, eksctl, tokens, profile: flagValue(tokens, 'profile'), kubeconfig };
}

export async function createCluster(options: CreateOptions, io: Io, deps: CreateDeps = {}): Promise<number> {
  const input = await readInput(options, io, deps);
  if (typeof input === 'number') return input;
  const { source, eksctl, tokens, profile, kubeconfig } = input;
  // The AWS SDK and the Kubernetes client take about a second to load: bad input is answered before that.
  const [{ ClusterSession }, { clusterHealthTasks, newClusterRunContext }, phases, { preflightPhase }, { runClusterPipeline }, { lookWhatIsLeft }] = await Promise.all([
    import('../session.js'),
    import('../tasks/cluster-health.js'),
    import('../tasks/create-phases.js'),
    import('../tasks/preflight.js'),
    import('../tasks/pipeline.js'),
    import('./left-in-aws.js'),
  ]);
  const { config } = source;
  const session = new ClusterSession({
    clusterName: config.metadata.name,
    region: config.metadata.region,
    profile,
    io,
    deps,
    waits: options,
    kubeconfig: options.context ? { kubeconfig, context: options.context } : undefined,
  });
  if (deps.simulatedTimeScale !== undefined) session.recorder.simulated = { timeScale: deps.simulatedTimeScale };
  const run: CreateRunContext = { ...newClusterRunContext(), eksctlVersion: undefined, plan: undefined };
  const ownProfiles = (config.fargateProfiles ?? []).map((p) => p.name);
  const { recorder } = session;
  return runClusterPipeline(
    session,
    run,
    (timeline) => [
      phases.configAndPlanPhase(timeline, session, run, {
        config,
        displayName: source.displayName,
        binary: eksctl,
        withoutNodegroup: flagOn(tokens, 'without-nodegroup') === true,
        force: options.force,
      }),
      preflightPhase(timeline, session, {
        existing: false,
        eksctlVersion: async () => run.eksctlVersion,
        versionNotes: (version) => phases.eksctlVersionNotes(version, eksctl),
      }),
      phases.eksctlCreateClusterPhase(timeline, session, run, {
        binary: eksctl,
        eksctlArgs: source.eksctlArgs,
        stdin: source.stdin,
        ownProfiles,
        verbose: options.verbose,
        logFile: options.logFile,
        heal: options.heal,
        viaKubeconfig: Boolean(options.context),
      }),
      ...clusterHealthTasks(timeline, session, run, {
        configProfiles: ownProfiles,
        heal: options.heal,
        // No CoreDNS (Auto Mode's DNS, default addons disabled) or nothing to run it yet: the plan said so, and why.
        corednsSkip: ({ plan }) => (plan ? corednsSkipReason(plan) : undefined),
        lookAtDefaultAddons: true,
        workloads: options.workloads,
        deleteStrandedPods: options.deleteStrandedPods,
      }),
    ],
    {
      output: options.output,
      verbose: options.verbose,
      ...(deps.summaryNote ? { summaryNote: deps.summaryNote } : {}),
      // Once eksctl started, a failed run may have left a cluster behind: say what, and how to remove it. The demo's
      // cluster is the simulator's, gone with it.
      afterFailure: async () => {
        if (deps.simulatedTimeScale !== undefined || !recorder.phases.some((p) => p.name === phases.EKSCTL_CREATE_CLUSTER_TITLE)) return;
        recorder.leftInAws = await lookWhatIsLeft(session.eks, {
          clusterName: session.clusterName,
          region: session.region,
          configFile: source.path === undefined ? undefined : source.displayName,
          ...(profile ? { profile } : {}),
          seenProfiles: recorder.profiles.map((p) => p.name),
          signal: session.interrupt.forceSignal,
        });
      },
    },
  );
}
