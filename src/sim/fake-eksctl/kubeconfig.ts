// The kubeconfig eksctl writes (pkg/utils/kubeconfig): cluster `NAME.REGION.eksctl.io`, context and user
// `USER@NAME.REGION.eksctl.io`, an exec plugin calling `aws eks get-token`, merged into whatever file is there.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

export interface KubeconfigTarget {
  clusterName: string;
  /** An Outposts cluster's ID, which its tokens are signed for. */
  clusterId?: string;
  region: string;
  endpoint: string;
  /** Base64 PEM, as DescribeCluster returns it. */
  caData: string;
  /** The IAM identity's name, as eksctl derives it from the caller ARN. */
  username: string;
  /** `-p/--profile`, passed to the plugin as AWS_PROFILE. */
  profile?: string;
}

export interface KubeconfigPathOptions {
  kubeconfig?: string;
  autoKubeconfig?: boolean;
  env: NodeJS.ProcessEnv;
}

/** --kubeconfig, else --auto-kubeconfig's per-cluster file, else $KUBECONFIG (its first file), else ~/.kube/config. */
export function kubeconfigPath({ kubeconfig, autoKubeconfig, env }: KubeconfigPathOptions, clusterName: string): string {
  const home = env.HOME || homedir();
  if (kubeconfig) return kubeconfig;
  if (autoKubeconfig) return join(home, '.kube', 'eksctl', 'clusters', clusterName);
  const fromEnv = env.KUBECONFIG?.split(':').find((p) => p !== '');
  return fromEnv ?? join(home, '.kube', 'config');
}

interface Named {
  name: string;
  [key: string]: unknown;
}

interface KubeconfigFile {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  contexts?: Named[];
  users?: Named[];
  'current-context'?: string;
  [key: string]: unknown;
}

export function kubeconfigEntries(target: KubeconfigTarget) {
  const clusterId = `${target.clusterName}.${target.region}.eksctl.io`;
  const contextName = `${target.username}@${clusterId}`;
  const env = [{ name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' }];
  if (target.profile) env.push({ name: 'AWS_PROFILE', value: target.profile });
  return {
    contextName,
    cluster: { name: clusterId, cluster: { 'certificate-authority-data': target.caData, server: target.endpoint } },
    context: { name: contextName, context: { cluster: clusterId, user: contextName } },
    user: {
      name: contextName,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          args: ['eks', 'get-token', '--output', 'json', '--cluster-name', target.clusterId ?? target.clusterName, '--region', target.region],
          command: 'aws',
          env,
          interactiveMode: 'IfAvailable',
          provideClusterInfo: false,
        },
      },
    },
  };
}

/** Merges the cluster's entries into the file at `path` (replacing same-named ones) and writes it back, mode 0600. */
export function writeKubeconfig(path: string, target: KubeconfigTarget, setContext: boolean): void {
  const existing = readExisting(path);
  const entries = kubeconfigEntries(target);
  const merged: KubeconfigFile = {
    ...existing,
    apiVersion: 'v1',
    kind: 'Config',
    clusters: upsert(existing.clusters, entries.cluster),
    contexts: upsert(existing.contexts, entries.context),
    users: upsert(existing.users, entries.user),
  };
  if (setContext || !existing['current-context']) merged['current-context'] = entries.contextName;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(merged), { mode: 0o600 });
}

function readExisting(path: string): KubeconfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = parse(text) as unknown;
  return typeof parsed === 'object' && parsed !== null ? (parsed as KubeconfigFile) : {};
}

function upsert(list: Named[] | undefined, entry: Named): Named[] {
  const others = (list ?? []).filter((item) => item.name !== entry.name);
  return [...others, entry];
}
