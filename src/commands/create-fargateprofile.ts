// `safe-eksctl create fargateprofile …`: eksctl adds the profiles to a running cluster, then the same phases as create:
// wait for the new profiles, heal CoreDNS if it is stuck, and with --workloads every other owner the new profiles
// stranded (a profile for `apps-*` strands every Pending pod there that was admitted before it). Both of eksctl's
// forms work: `-f FILE [--name P]`, and the flags `--cluster C [--name P] --namespace N [--labels k=v]`.
import { stringify } from 'yaml';
import { checkLogFile, eksctlVersion, resolveEksctl } from '../adapters/eksctl.js';
import { loadClusterConfig, type LoadedConfig } from '../core/config.js';
import { eksctlTokens, FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG, flagValue, type EksctlFlag } from '../core/eksctl-flags.js';
import type { ArgToken } from '../core/pflag.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { ClusterSession, openSelectedKubeconfig, regionFor, type ClusterDeps } from '../session.js';
import { runOnExistingCluster } from '../tasks/cluster-health.js';
import { eksctlTask } from '../tasks/eksctl.js';
import { phase } from '../tasks/pipeline.js';
import { createFargateProfileOptionsSchema, parseOptions, type CreateFargateProfileOptions } from './options.js';

export type { CreateFargateProfileOptions } from './options.js';

/** What safe-eksctl runs and waits for: the cluster, the profiles (empty: every profile eksctl leaves there). */
interface Target {
  clusterName: string;
  region: string;
  profiles: string[];
  /** For the Preflight title. */
  describe: string;
  eksctlArgs: string[];
  /** Text for eksctl's stdin (`-f -`). */
  input?: string;
  configPath?: string;
}

export async function run(options: Record<string, unknown>, io: Io, deps: ClusterDeps = {}): Promise<number> {
  return createFargateProfile(parseCreateFargateProfileOptions(options), io, deps);
}

export function parseCreateFargateProfileOptions(options: Record<string, unknown>): CreateFargateProfileOptions {
  return parseOptions(createFargateProfileOptionsSchema, options);
}

/** The config's profiles to wait for: all of them, or the one --name picks (which must exist). */
export function profilesToCreate(loaded: LoadedConfig, name: string | undefined): string[] {
  const names = (loaded.config.fargateProfiles ?? []).map((p) => p.name);
  if (names.length === 0) throw new UsageError(`${loaded.displayName}: fargateProfiles is empty: there is no profile to create`);
  if (name === undefined) return names;
  if (!names.includes(name)) throw new UsageError(`${loaded.displayName}: no Fargate profile named "${name}" (the config has ${names.join(', ')})`);
  return [name];
}

const describeProfiles = (profiles: string[]) => (profiles.length === 1 ? `profile ${profiles[0]}` : `${profiles.length} profiles`);

/**
 * `-f FILE`: eksctl refuses --name (and the other profile flags) next to -f (pkg/ctl/cmdutils/configfile.go), so
 * `-f FILE --name P` hands eksctl, on its stdin, the config with P as its only profile.
 */
async function fromConfigFile(file: string, tokens: ArgToken<EksctlFlag>[], eksctlArgs: string[], io: Io): Promise<Target> {
  const loaded = await loadClusterConfig(file, io);
  const refused = FARGATEPROFILE_FLAGS_REFUSED_WITH_CONFIG.find((flag) => flag !== 'name' && flagValue(tokens, flag) !== undefined);
  if (refused) throw new UsageError(`cannot use --${refused} when --config-file/-f is set`);
  if (tokens.some((t) => t.kind === 'argument')) throw new UsageError('cannot use name argument when --config-file/-f is set');
  const name = flagValue(tokens, 'name');
  const profiles = profilesToCreate(loaded, name);
  const { name: clusterName, region } = loaded.config.metadata;
  const common = { clusterName, region, profiles, describe: describeProfiles(profiles), ...(loaded.path ? { configPath: loaded.path } : {}) };
  if (name === undefined) return { ...common, eksctlArgs, ...(loaded.path === undefined ? { input: loaded.text } : {}) };
  const only = { ...loaded.config, fargateProfiles: (loaded.config.fargateProfiles ?? []).filter((p) => p.name === name) };
  return { ...common, eksctlArgs: onlyFromStdin(eksctlArgs, tokens), input: stringify(only) };
}

/** The words with every --name left out and the last -f reading stdin instead of the file. */
function onlyFromStdin(eksctlArgs: string[], tokens: ArgToken<EksctlFlag>[]): string[] {
  const words: (string | undefined)[] = [...eksctlArgs];
  const flags = tokens.filter((t): t is Extract<ArgToken<EksctlFlag>, { kind: 'flag' }> => t.kind === 'flag');
  for (const t of flags.filter((t) => t.spec?.long === 'name')) for (let i = t.words[0]; i <= t.words[1]; i++) words[i] = undefined;
  const file = flags.filter((t) => t.spec?.long === 'config-file').at(-1)!;
  if (file.words[1] > file.words[0]) words[file.words[1]] = '-';
  else words[file.words[0]] = `${file.written}=-`;
  return words.filter((w): w is string => w !== undefined);
}

/**
 * The flag form, by eksctl's rules (pkg/ctl/cmdutils/fargate.go, pkg/fargate/create.go): --cluster is required, the
 * profile's name is --name or the argument (not both), else eksctl makes one up, so every profile of the cluster is
 * waited for; the selector's namespace is required.
 */
async function fromFlags(tokens: ArgToken<EksctlFlag>[], eksctlArgs: string[], io: Io): Promise<Target> {
  const clusterName = flagValue(tokens, 'cluster');
  if (!clusterName) throw new UsageError('--cluster must be set');
  const args = tokens.filter((t) => t.kind === 'argument').map((t) => t.value);
  if (args.length > 1) throw new UsageError('only one argument is allowed to be used as a name');
  const flagName = flagValue(tokens, 'name');
  if (flagName && args[0]) throw new UsageError(`--name=${flagName} and argument ${args[0]} cannot be used at the same time`);
  const name = flagName || args[0];
  if (name?.startsWith('eks-')) throw new UsageError('invalid Fargate profile: name should NOT start with "eks-"');
  if (!flagValue(tokens, 'namespace')) throw new UsageError('invalid Fargate profile: empty selector namespace');
  const profile = flagValue(tokens, 'profile');
  // eksctl's Go SDK also reads AWS_DEFAULT_REGION (the JS SDK does not): the region eksctl will use.
  const fromEnv = io.env['AWS_REGION'] || io.env['AWS_DEFAULT_REGION'] || undefined;
  const region = flagValue(tokens, 'region') ?? fromEnv ?? (await regionFor(profile ? { profile } : {}, io));
  return { clusterName, region, profiles: name ? [name] : [], describe: name ? `profile ${name}` : 'a new profile eksctl names', eksctlArgs };
}

export async function createFargateProfile(options: CreateFargateProfileOptions, io: Io, deps: ClusterDeps = {}): Promise<number> {
  // Bad input ends here, before anything starts: one line from the CLI, exit 2.
  const tokens = eksctlTokens('fargateprofile', options.eksctlArgs);
  const file = flagValue(tokens, 'config-file');
  const target = file === undefined ? await fromFlags(tokens, options.eksctlArgs, io) : await fromConfigFile(file, tokens, options.eksctlArgs, io);
  if (options.logFile !== undefined) checkLogFile(options.logFile, target.configPath, io.cwd);
  const binary = resolveEksctl(options.eksctl, io.env, io.cwd);
  // eksctl create fargateprofile does not write a kubeconfig: a bad one is known now, before eksctl adds profiles.
  const opened = openSelectedKubeconfig(options, io);
  const session = new ClusterSession({ clusterName: target.clusterName, region: target.region, profile: flagValue(tokens, 'profile'), io, deps, waits: options, kubeconfig: opened && { opened } });
  return runOnExistingCluster(session, {
    ...options,
    preflight: { eksctlVersion: () => eksctlVersion(binary, { env: io.env, signal: session.interrupt.signal, runner: session.eksctlRunner }), describe: target.describe },
    between: (timeline) => [
      phase(
        timeline,
        'eksctl create fargateprofile',
        eksctlTask({
          title: 'eksctl create fargateprofile',
          binary,
          args: ['create', 'fargateprofile', ...target.eksctlArgs],
          env: io.env,
          cwd: io.cwd,
          interrupt: session.interrupt,
          verbose: options.verbose,
          ...(options.logFile ? { logFile: options.logFile } : {}),
          ...(target.input !== undefined ? { input: target.input } : {}),
          runner: session.eksctlRunner,
        }),
      ),
    ],
    configProfiles: target.profiles,
  });
}
