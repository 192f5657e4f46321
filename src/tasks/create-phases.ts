// The phases only `create cluster` has: "Config and plan" (eksctl's version and the plan, which refuses a cluster whose
// CoreDNS can never run unless --force) and "eksctl create cluster", with the profile watch and the early CoreDNS heal
// beside it. What they learn goes on in the run's context for the phases after them.
import type { ListrTask } from 'listr2';
import { eksctlVersion } from '../adapters/eksctl.js';
import type { ClusterConfig } from '../core/config.js';
import { buildPlan, healDuringEksctlFrom, planExitCode, type Plan } from '../core/plan.js';
import { EKSCTL_COMPONENT_LABEL_FIX, eksctlAtLeast, isKnownVersion } from '../core/version.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { watchBesideEksctl } from '../heal/during-eksctl.js';
import type { ClusterSession } from '../session.js';
import type { ClusterRunContext } from './cluster-health.js';
import { eksctlTask } from './eksctl.js';
import { phase, type PhaseTimeline } from './pipeline.js';

export const CONFIG_AND_PLAN_TITLE = 'Config and plan';
export const EKSCTL_CREATE_CLUSTER_TITLE = 'eksctl create cluster';

/** What `create cluster` learns on its way: eksctl's version and the plan, from the first phase on. */
export interface CreateRunContext extends ClusterRunContext {
  eksctlVersion: string | undefined;
  plan: Plan | undefined;
}

export interface ConfigAndPlanOptions {
  config: ClusterConfig;
  /** How messages name the config. */
  displayName: string;
  /** The eksctl binary, found before the list started. */
  binary: string;
  withoutNodegroup: boolean;
  /** `--force`: run even when the plan says CoreDNS can never run. */
  force: boolean;
}

export function configAndPlanPhase<Run extends CreateRunContext>(timeline: PhaseTimeline, session: ClusterSession, run: Run, options: ConfigAndPlanOptions): ListrTask<Run> {
  const { config, displayName } = options;
  return phase<Run>(timeline, CONFIG_AND_PLAN_TITLE, {
    title: CONFIG_AND_PLAN_TITLE,
    task: async (_ctx, task) => {
      run.eksctlVersion = await eksctlVersion(options.binary, { env: session.io.env, signal: session.interrupt.signal, runner: session.eksctlRunner });
      const plan = buildPlan(config, run.eksctlVersion, { configFile: displayName, withoutNodegroup: options.withoutNodegroup });
      run.plan = plan;
      for (const finding of plan.findings) task.output = `${finding.level}: ${finding.message}`;
      if (planExitCode(plan) !== 0 && !options.force) {
        const reasons = plan.findings.filter((f) => f.level === 'error').map((f) => f.message);
        throw new SafeEksctlError(`${displayName}: ${reasons.join('; ')} (--force runs it anyway)`, ExitCode.unhealthy);
      }
      task.title = `${CONFIG_AND_PLAN_TITLE}: ${session.clusterName} in ${session.region}, ${config.fargateProfiles?.length ?? 0} Fargate profile(s)`;
    },
    // Every finding stays on screen, not only the last.
    rendererOptions: { persistentOutput: true, outputBar: Infinity },
  });
}

/** What the Preflight of create says about the eksctl it found. */
export function eksctlVersionNotes(version: string | undefined, binary: string): string[] {
  if (!isKnownVersion(version)) return [`eksctl version unknown (${binary})`];
  if (!eksctlAtLeast(version, EKSCTL_COMPONENT_LABEL_FIX)) return [`eksctl ${version}: eksctl ≥${EKSCTL_COMPONENT_LABEL_FIX} handles more cases itself`];
  return [];
}

export interface EksctlCreateClusterOptions {
  binary: string;
  /** eksctl's words after `create cluster`. */
  eksctlArgs: string[];
  /** The config text for `-f -`. */
  stdin: string | undefined;
  /** The config's profiles: only their failure stops eksctl. */
  ownProfiles: readonly string[];
  verbose: boolean;
  logFile: string | undefined;
  /** `--no-heal` gives false: no heal during eksctl either. */
  heal: boolean;
  /** Kubernetes is reached through the kubeconfig eksctl writes at its end (--context): not while eksctl runs. */
  viaKubeconfig: boolean;
}

export function eksctlCreateClusterPhase<Run extends CreateRunContext>(timeline: PhaseTimeline, session: ClusterSession, run: Run, options: EksctlCreateClusterOptions): ListrTask<Run> {
  const { io, interrupt, recorder } = session;
  return phase(
    timeline,
    EKSCTL_CREATE_CLUSTER_TITLE,
    eksctlTask<Run>({
      title: EKSCTL_CREATE_CLUSTER_TITLE,
      binary: options.binary,
      args: ['create', 'cluster', ...options.eksctlArgs],
      env: io.env,
      cwd: io.cwd,
      interrupt,
      verbose: options.verbose,
      ...(options.logFile ? { logFile: options.logFile } : {}),
      ...(options.stdin !== undefined ? { input: options.stdin } : {}),
      onWarning: (warning) => recorder.warn(warning),
      runner: session.eksctlRunner,
      secrets: async () => {
        const resolved = await session.credentials();
        return [resolved.secretAccessKey, resolved.sessionToken];
      },
      // eksctl waits its whole --timeout on a CREATE_FAILED profile; stop it as soon as one shows up. The same looks
      // start the CoreDNS heal once the profile that captures it is ACTIVE.
      watch: (signal, note) =>
        watchBesideEksctl(session, {
          own: new Set(options.ownProfiles),
          healCoreDnsFrom: run.plan && healDuringEksctlFrom(run.plan, run.eksctlVersion, options),
          coredns: run.coredns,
          signal,
          note,
        }),
    }),
  );
}
