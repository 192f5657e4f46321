// `safe-eksctl create fargateprofile -f FILE [--name NAME]`: eksctl adds the profiles to a running cluster, then the
// same phases as create: wait for the new profiles, heal CoreDNS if it is stuck, and with --workloads every other owner
// the new profiles stranded (a profile for `apps-*` strands every Pending pod there that was admitted before it).
import { checkLogFile, eksctlVersion, resolveEksctl } from '../adapters/eksctl.js';
import { loadClusterConfig, type LoadedConfig } from '../core/config.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { eksctlTask } from '../tasks/eksctl.js';
import { phase } from '../tasks/pipeline.js';
import { openSelectedKubeconfig, type ClusterDeps } from './check.js';
import { runOnCluster } from './heal.js';
import { eksctlArgsWithout, optionalText, parsePipelineOptions, type PipelineOptions } from './options.js';

export interface CreateFargateProfileOptions extends PipelineOptions {
  configFile: string;
  name?: string;
  eksctl?: string;
  profile?: string;
  logFile?: string;
  eksctlArgs: string[];
}

/** eksctl takes these from the config file and refuses them with -f. */
const FLAGS_EKSCTL_REFUSES_WITH_F = ['--region', '--cluster', '--namespace', '--labels', '-l'];

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  return createFargateProfile(parseCreateFargateProfileOptions(options), io);
}

export function parseCreateFargateProfileOptions(options: Record<string, unknown>): CreateFargateProfileOptions {
  return {
    ...parsePipelineOptions(options),
    configFile: String(options['configFile']),
    eksctlArgs: eksctlArgsWithout(options, FLAGS_EKSCTL_REFUSES_WITH_F),
    ...optionalText(options, 'name'),
    ...optionalText(options, 'eksctl'),
    ...optionalText(options, 'profile'),
    ...optionalText(options, 'logFile'),
  };
}

/** The config's profiles to wait for: all of them, or the one --name picks (which must exist). */
export function profilesToCreate(loaded: LoadedConfig, name: string | undefined): string[] {
  const names = (loaded.config.fargateProfiles ?? []).map((p) => p.name);
  if (names.length === 0) throw new UsageError(`${loaded.displayName}: fargateProfiles is empty: there is no profile to create`);
  if (name === undefined) return names;
  if (!names.includes(name)) throw new UsageError(`${loaded.displayName}: no Fargate profile named "${name}" (the config has ${names.join(', ')})`);
  return [name];
}

export function eksctlCreateFargateProfileArgs(options: CreateFargateProfileOptions, loaded: LoadedConfig): string[] {
  return [
    'create',
    'fargateprofile',
    '-f',
    loaded.path ?? '-',
    ...(options.name ? ['--name', options.name] : []),
    ...(options.profile ? ['--profile', options.profile] : []),
    ...options.eksctlArgs,
  ];
}

export async function createFargateProfile(options: CreateFargateProfileOptions, io: Io, deps: ClusterDeps = {}): Promise<number> {
  // Bad input ends here, before anything starts: one line from the CLI, exit 2.
  const loaded = await loadClusterConfig(options.configFile, io);
  const profiles = profilesToCreate(loaded, options.name);
  if (options.logFile !== undefined) checkLogFile(options.logFile, loaded.path, io.cwd);
  const binary = resolveEksctl(options.eksctl, io.env, io.cwd);
  // eksctl create fargateprofile does not write a kubeconfig: a bad one is known now, before eksctl adds profiles.
  const openedKubeconfig = openSelectedKubeconfig(options, io);
  const { name: clusterName, region } = loaded.config.metadata;
  return runOnCluster({ clusterName, region, profile: options.profile, configProfiles: profiles, openedKubeconfig }, options, io, deps, (timeline, session, interrupt) => [
    phase<object>(timeline, 'Preflight', {
      title: 'Preflight',
      task: async (_ctx, task) => {
        const version = await eksctlVersion(binary, { env: io.env, signal: interrupt.signal });
        const cluster = await session.preflight(clusterName, interrupt.signal, openedKubeconfig);
        task.title = `Preflight: eksctl ${version ?? 'unknown'}, ${cluster}, ${profiles.length === 1 ? `profile ${profiles[0]}` : `${profiles.length} profiles`}`;
      },
      rendererOptions: { persistentOutput: true },
    }),
    phase(
      timeline,
      'eksctl create fargateprofile',
      eksctlTask({
        title: 'eksctl create fargateprofile',
        binary,
        args: eksctlCreateFargateProfileArgs(options, loaded),
        env: io.env,
        cwd: io.cwd,
        interrupt,
        verbose: options.verbose,
        ...(options.logFile ? { logFile: options.logFile } : {}),
        ...(loaded.path === undefined ? { input: loaded.text } : {}),
      }),
    ),
  ]);
}
