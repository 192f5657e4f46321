// `--kubeconfig PATH` / `--context NAME`, judged before anything starts: a missing file, a directory, bad YAML, no
// contexts or an unknown context is one line and exit 2, not client-node's stack trace half-way through a run. And a
// kubeconfig that reaches another cluster than the one named is refused, so a gate never passes on the wrong pods.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';

export interface KubeconfigSelection {
  /** A kubeconfig file; without it KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
}

/** A kubeconfig that loaded, with the context it will use and that context's API server. */
export interface OpenedKubeconfig {
  kc: KubeConfig;
  /** How messages name it: `--kubeconfig PATH` or the default file(s). */
  label: string;
  context: string;
  server: string;
}

/** Loads the kubeconfig the flags select and its context, or throws a one-line UsageError. */
/** Relative paths are relative to `cwd`, the command's working directory. */
export function openKubeconfig(selection: KubeconfigSelection, env: NodeJS.ProcessEnv, cwd: string): OpenedKubeconfig {
  const files = selection.kubeconfig ? [selection.kubeconfig] : defaultKubeconfigFiles(env);
  const where = files.join(delimiter);
  const label = selection.kubeconfig ? `--kubeconfig ${selection.kubeconfig}` : `kubeconfig ${where}`;
  // Several KUBECONFIG files merge as kubectl merges them: the first one's entries and current-context win.
  const [first, ...rest] = files.map((file) => loadKubeconfigFile(resolve(cwd, file), selection.kubeconfig ? label : `kubeconfig ${file}`));
  const kc = first!;
  for (const more of rest) mergeFirstWins(kc, more);
  if (kc.getContexts().length === 0) throw new UsageError(`${label}: has no contexts`);
  const context = selection.context ?? kc.getCurrentContext();
  if (!context) throw new UsageError(`${label}: no current-context (pass --context NAME)`);
  const entry = kc.getContextObject(context);
  if (!entry) throw new UsageError(`${selection.context ? '--context' : 'current-context'} ${context}: not in ${where}`);
  kc.setCurrentContext(context);
  const server = kc.getCluster(entry.cluster)?.server;
  if (!server) throw new UsageError(`${label}: context ${context} names cluster ${entry.cluster}, which has no server in ${where}`);
  return { kc, label, context, server };
}

/**
 * For `create`, where eksctl writes the kubeconfig itself: only what can be known before it runs. A file that is
 * there must be one eksctl can merge into and we can read back afterwards.
 */
export function checkKubeconfigBeforeEksctl(path: string, cwd: string): void {
  const file = resolve(cwd, path);
  if (fileKind(file, `--kubeconfig ${path}`) === 'missing') return;
  loadKubeconfigFile(file, `--kubeconfig ${path}`);
}

/** Refuses a kubeconfig whose context reaches another API server than DescribeCluster's endpoint for the cluster. */
export function assertReachesCluster(opened: Pick<OpenedKubeconfig, 'label' | 'context' | 'server'>, clusterName: string, endpoint: string): void {
  if (sameServer(opened.server, endpoint)) return;
  throw new UsageError(`${opened.label}: context ${opened.context} reaches ${opened.server}, but cluster ${clusterName}'s endpoint is ${endpoint}`);
}

/** Two API server URLs are the same server when scheme, host (any case), port (default filled in) and path agree. */
export function sameServer(a: string, b: string): boolean {
  const left = normalizedServer(a);
  return left !== undefined && left === normalizedServer(b);
}

function normalizedServer(url: string): string | undefined {
  try {
    // URL lowercases scheme and host and drops a scheme's default port; a trailing slash is no different server.
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/** kubectl's merge of KUBECONFIG files: an entry or current-context already set is never replaced. */
function mergeFirstWins(kc: KubeConfig, more: KubeConfig): void {
  if (!kc.getCurrentContext() && more.getCurrentContext()) kc.setCurrentContext(more.getCurrentContext());
  for (const cluster of more.getClusters()) if (!kc.getCluster(cluster.name)) kc.addCluster(cluster);
  for (const user of more.getUsers()) if (!kc.getUser(user.name)) kc.addUser(user);
  for (const context of more.getContexts()) if (!kc.getContextObject(context.name)) kc.addContext(context);
}

function defaultKubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f !== '');
  return fromEnv.length > 0 ? fromEnv : [join(env['HOME'] || homedir(), '.kube', 'config')];
}

/** `file` is absolute; `label` names it as the user did. */
function loadKubeconfigFile(file: string, label: string): KubeConfig {
  if (fileKind(file, label) === 'missing') throw new UsageError(`${label}: no such file`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${label}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UsageError(`${label}: not valid YAML: ${firstLine(error).replace(/:$/, '')}`, { cause: error });
  }
  if (doc === null || doc === undefined) throw new UsageError(`${label}: is empty`);
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${label}: must be a kubeconfig map, not ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}`);
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
    // Relative certificate and key paths are relative to the file, as kubectl reads them.
    kc.makePathsAbsolute(dirname(file));
  } catch (error) {
    throw new UsageError(`${label}: not a valid kubeconfig: ${firstLine(error)}`, { cause: error });
  }
  return kc;
}

function fileKind(path: string, label: string): 'missing' | 'file' {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${label}: is a directory, not a kubeconfig file`);
    return 'file';
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new UsageError(`${label}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
