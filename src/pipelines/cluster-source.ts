// What `eksctl create cluster <the user's words>` will create: the -f file as it is, or, when the words change the
// cluster (the flag form: `--name x --fargate`, `--without-nodegroup`, …), the ClusterConfig eksctl itself prints for
// the same words with `--dry-run` (pkg/ctl/create/cluster.go prints it with cmdutils.PrintDryRunConfig, to stdout,
// and creates nothing). eksctl's own answer, not our reading of its flags: it knows its defaults, its generated
// names and what it refuses.
import { captureEksctl, createInterrupt, type CapturedEksctl, type EksctlRunner } from '../adapters/eksctl.js';
import { loadClusterConfig, parseClusterConfig, type ClusterConfig } from '../core/config.js';
import { CREATE_CLUSTER_FLAGS_THAT_CHANGE_NOTHING, eksctlTokens, flagValue, FLAGS_DRY_RUN_REFUSES, type EksctlFlag } from '../core/eksctl-flags.js';
import type { ArgToken } from '../core/pflag.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import type { Io } from '../io.js';
import { onStopSignals } from '../signals.js';

/** How plan messages name a config that came from eksctl's dry-run. */
export const DRY_RUN_NAME = 'eksctl create cluster --dry-run';

export interface ClusterSource {
  config: ClusterConfig;
  /** How messages name it: the file as the user wrote it, `<stdin>`, or DRY_RUN_NAME. */
  displayName: string;
  /** The user's -f file (absolute); undefined for stdin and the flag form. */
  path: string | undefined;
  /** For `-f -`: the text, which eksctl reads from its stdin. */
  stdin: string | undefined;
  /** The words eksctl gets after `create cluster`: the user's, plus `--name` where eksctl would make one up. */
  eksctlArgs: string[];
}

/** eksctl refused the command line in its dry-run: its own output and exit code are the answer. */
export class EksctlRefused extends Error {
  constructor(readonly run: CapturedEksctl) {
    super(`eksctl create cluster --dry-run exited with ${run.exitCode}`);
  }
}

/** Words that may change what eksctl creates: any flag but those that change nothing, and any argument (a name). */
export function changesTheCluster(tokens: readonly ArgToken<EksctlFlag>[]): boolean {
  return tokens.some((t) => t.kind === 'argument' || (t.kind === 'flag' && !CREATE_CLUSTER_FLAGS_THAT_CHANGE_NOTHING.has(t.spec?.long ?? '')));
}

export async function clusterSource(eksctlArgs: string[], binary: () => string, io: Io, runner?: EksctlRunner): Promise<ClusterSource> {
  const tokens = eksctlTokens('cluster', eksctlArgs);
  const file = flagValue(tokens, 'config-file');
  const loaded = file === undefined ? undefined : await loadClusterConfig(file, io);
  const stdin = loaded?.path === undefined ? loaded?.text : undefined;
  if (loaded && !changesTheCluster(tokens)) return { config: loaded.config, displayName: loaded.displayName, path: loaded.path, stdin, eksctlArgs };
  const config = await dryRun(binary(), eksctlArgs, tokens, io, stdin, runner);
  // Without a name eksctl makes one up on every run (pkg/utils/names ForCluster): the cluster safe-eksctl waits for
  // must be the one eksctl creates, so eksctl gets the name its dry-run made up.
  const named = flagValue(tokens, 'name') !== undefined || tokens.some((t) => t.kind === 'argument') || loaded !== undefined;
  return {
    config,
    displayName: loaded?.displayName ?? DRY_RUN_NAME,
    path: loaded?.path,
    stdin,
    eksctlArgs: named ? eksctlArgs : [...eksctlArgs, '--name', config.metadata.name],
  };
}

async function dryRun(binary: string, eksctlArgs: string[], tokens: readonly ArgToken<EksctlFlag>[], io: Io, stdin: string | undefined, runner: EksctlRunner | undefined): Promise<ClusterConfig> {
  const dropped = new Set<number>();
  for (const t of tokens) {
    if (t.kind === 'flag' && FLAGS_DRY_RUN_REFUSES.includes(t.spec?.long ?? '')) for (let i = t.words[0]; i <= t.words[1]; i++) dropped.add(i);
  }
  const args = ['create', 'cluster', ...eksctlArgs.filter((_, i) => !dropped.has(i)), '--dry-run'];
  const profile = flagValue(tokens, 'profile');
  const interrupt = createInterrupt();
  const stopListening = onStopSignals(() => interrupt.interrupt());
  let run: CapturedEksctl;
  try {
    run = await captureEksctl(binary, args, {
      env: profile === undefined ? io.env : { ...io.env, AWS_PROFILE: profile },
      cwd: io.cwd,
      signal: interrupt.signal,
      ...(stdin !== undefined ? { input: stdin } : {}),
      ...(runner ? { runner } : {}),
    });
  } finally {
    stopListening();
  }
  if (interrupt.signal.aborted) throw new SafeEksctlError('interrupted: eksctl create cluster --dry-run was stopped', ExitCode.interrupted);
  if (run.exitCode !== 0) throw new EksctlRefused(run);
  return parseClusterConfig(withoutLogLines(run.stdout), DRY_RUN_NAME);
}

/** eksctl's log lines (`2006-01-02 15:04:05 [!]  …`, maybe coloured) that may come before the YAML on stdout. */
function withoutLogLines(stdout: string): string {
  // eslint-disable-next-line no-control-regex
  const logLine = /^(?:\x1b\[[0-9;]*m)*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[/;
  return stdout
    .split('\n')
    .filter((line) => !logLine.test(line))
    .join('\n');
}
