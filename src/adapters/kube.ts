// Kubernetes as the heal needs it, over @kubernetes/client-node 1.4: reached either with DescribeCluster's endpoint
// and CA plus an in-process EKS token, or through a kubeconfig. The token never leaves this file.
import { ApiException, KubeConfig, PatchStrategy, setHeaderOptions, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createEksToken, TOKEN_LIFETIME_MS } from './token.js';
import { hostOfUrl, kubeClients, noAnswer, type KubeDeadlines } from './kube-deadlines.js';
import { cannotReach, networkFailure } from '../core/network-errors.js';
import type { NodeInfo, PodInfo } from '../core/pods.js';
import { RESTARTED_AT_ANNOTATION, type ProbeAnswer, type ProbePod } from '../core/probe.js';
import {
  labelSelectorText,
  restartPatch,
  toDeploymentInfo,
  toMs,
  toPodInfo,
  toStatefulSetInfo,
  type DeploymentInfo,
  type KubeEvent,
  type RestartableKind,
  type RestartOptions,
  type WorkloadInfo,
} from './kube-objects.js';

export interface KubeApi {
  listPods(namespace: string, labelSelector?: string): Promise<PodInfo[]>;
  getDeployment(namespace: string, name: string): Promise<DeploymentInfo | undefined>;
  /** `kubectl rollout restart`: strategic-merge patch of the template annotation kubectl.kubernetes.io/restartedAt. */
  restartDeployment(namespace: string, name: string, options: RestartOptions): Promise<void>;
  /** Events about one object, oldest first. */
  listEvents(namespace: string, involvedObjectName: string): Promise<KubeEvent[]>;
  listNodes(): Promise<NodeInfo[]>;
  /** A server-side dry-run create (`dryRun=All`): the pod as admission leaves it, nothing persisted, no event. */
  dryRunCreatePod(pod: ProbePod): Promise<ProbeAnswer>;
}

/** What `--workloads` needs beyond the CoreDNS heal. */
export interface KubeWorkloadApi {
  /** Pending pods of every namespace. */
  listPendingPods(): Promise<PodInfo[]>;
  /** A ReplicaSet's controller (a Deployment, usually); undefined for an orphan or a ReplicaSet that is gone. */
  getReplicaSetOwner(namespace: string, name: string): Promise<{ kind: string; name: string } | undefined>;
  getWorkload(kind: RestartableKind, namespace: string, name: string): Promise<WorkloadInfo | undefined>;
  /** `kubectl rollout restart statefulset`: the same restartedAt template annotation as for a Deployment. */
  restartStatefulSet(namespace: string, name: string, options: RestartOptions): Promise<void>;
  /** Deletes one pod; a pod already gone is not an error. */
  deletePod(namespace: string, name: string): Promise<void>;
}

/** Everything the commands that reach a cluster use. */
export type ClusterKubeApi = KubeApi & KubeWorkloadApi;

export { RESTARTED_AT_ANNOTATION };
export type { DeploymentInfo, KubeEvent, NodeInfo, RestartableKind, RestartOptions, WorkloadInfo };

/** A failed Kubernetes call; `retryable` for 429, 5xx and dropped connections. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeApiError';
  }

  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

export interface EksKubeOptions {
  clusterName: string;
  /** DescribeCluster's `id` of a local cluster on Outposts: its tokens are signed for the ID, not the name. */
  clusterId?: string;
  region: string;
  /** DescribeCluster's endpoint. */
  endpoint: string;
  /** DescribeCluster's certificateAuthority.data (base64 PEM). */
  caData: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * Epoch ms for signing and expiry. Keep the real clock even in the demo: EKS (and the simulator) judge a token's
   * age by real time; a shorter simulated lifetime is met by the refresh on 401.
   */
  now?: () => number;
  /** Refresh this long before the token's 14 minutes run out. */
  refreshMarginMs?: number;
  /** Per-request deadline and a budget that aborts every request (see kube-deadlines.ts). */
  deadlines?: KubeDeadlines;
}

const EKS_USER = 'safe-eksctl-eks-token';

/** A Kubernetes client authenticated with in-process EKS tokens, refreshed before they expire and after a 401. */
export function createEksKubeApi(options: EksKubeOptions): ClusterKubeApi {
  const tokens = new EksTokenSource(options);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: options.clusterName, server: options.endpoint, caData: options.caData, skipTLSVerify: false }],
    users: [{ name: EKS_USER }],
    contexts: [{ name: options.clusterName, cluster: options.clusterName, user: EKS_USER }],
    currentContext: options.clusterName,
  });
  kc.addAuthenticator({
    isAuthProvider: (user) => user.name === EKS_USER,
    applyAuthentication: async (_user, opts) => {
      opts.headers = { ...opts.headers, Authorization: `Bearer ${await tokens.get()}` };
    },
  });
  return kubeApiFrom(
    kc,
    async (call) => {
      try {
        return await call();
      } catch (error) {
        // A token can be refused before its advertised expiry (clock skew, a revoked session): refresh once.
        if (!(error instanceof ApiException) || error.code !== 401) throw error;
        tokens.invalidate();
        return await call();
      }
    },
    options.deadlines,
  );
}

/** A Kubernetes client through a kubeconfig already loaded (and checked: see adapters/kubeconfig.ts). */
export function kubeApiFromKubeconfig(kc: KubeConfig, deadlines?: KubeDeadlines): ClusterKubeApi {
  return kubeApiFrom(kc, (call) => call(), deadlines);
}

class EksTokenSource {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: EksKubeOptions) {}

  get(): Promise<string> {
    const now = this.now();
    const margin = this.options.refreshMarginMs ?? 60_000;
    if (this.current && now < this.current.expiresAt - margin) return Promise.resolve(this.current.token);
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.current = undefined;
  }

  private async refresh(): Promise<string> {
    const { credentials, clusterName, clusterId, region } = this.options;
    const identity = typeof credentials === 'function' ? await credentials() : credentials;
    const signedAt = this.now();
    const { token } = await createEksToken({ clusterName: clusterId ?? clusterName, region, credentials: identity, now: new Date(signedAt) });
    this.current = { token, expiresAt: signedAt + TOKEN_LIFETIME_MS };
    return token;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

type Retry = <T>(call: () => Promise<T>) => Promise<T>;

function kubeApiFrom(kc: KubeConfig, retry401: Retry, deadlines: KubeDeadlines = {}): ClusterKubeApi {
  const { core, apps } = kubeClients(kc, deadlines);
  const server = kc.getCurrentCluster()?.server;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await retry401(fn);
    } catch (error) {
      // An abort is the request's deadline, unless the command's budget ran out (then it is the caller's to say).
      if (error instanceof Error && error.name === 'AbortError' && !deadlines.signal?.aborted) {
        throw new KubeApiError(undefined, `${what}: ${noAnswer(server, deadlines)}`, { cause: error });
      }
      throw toKubeApiError(what, error, server);
    }
  };
  return {
    listPods: (namespace, labelSelector) =>
      call(`list pods in ${namespace}`, async () => {
        const list = await core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) });
        return list.items.map(toPodInfo);
      }),
    getDeployment: async (namespace, name) => {
      try {
        return toDeploymentInfo(await call(`read deployment ${namespace}/${name}`, () => apps.readNamespacedDeployment({ namespace, name })));
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    restartDeployment: async (namespace, name, options) => {
      await call(`restart deployment ${namespace}/${name}`, () =>
        // client-node 1.x sends PATCH as JSON patch unless told otherwise; kubectl uses a strategic merge patch.
        apps.patchNamespacedDeployment(
          { namespace, name, body: restartPatch(options) },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
      );
    },
    restartStatefulSet: async (namespace, name, options) => {
      await call(`restart statefulset ${namespace}/${name}`, () =>
        apps.patchNamespacedStatefulSet(
          { namespace, name, body: restartPatch(options) },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
      );
    },
    listPendingPods: () =>
      call('list Pending pods', async () => {
        const list = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending' });
        return list.items.map(toPodInfo).filter((p) => p.phase === 'Pending');
      }),
    getReplicaSetOwner: async (namespace, name) => {
      const rs = await orMissing(call(`read replicaset ${namespace}/${name}`, () => apps.readNamespacedReplicaSet({ namespace, name })));
      const owner = rs?.metadata?.ownerReferences?.find((o) => o.controller) ?? rs?.metadata?.ownerReferences?.[0];
      return owner ? { kind: owner.kind, name: owner.name } : undefined;
    },
    getWorkload: async (kind, namespace, name) => {
      if (kind === 'Deployment') {
        const d = await orMissing(call(`read deployment ${namespace}/${name}`, () => apps.readNamespacedDeployment({ namespace, name })));
        return d && { ...toDeploymentInfo(d), kind, selector: labelSelectorText(d.spec?.selector) };
      }
      const s = await orMissing(call(`read statefulset ${namespace}/${name}`, () => apps.readNamespacedStatefulSet({ namespace, name })));
      return s && toStatefulSetInfo(s);
    },
    deletePod: async (namespace, name) => {
      await orMissing(call(`delete pod ${namespace}/${name}`, () => core.deleteNamespacedPod({ namespace, name })));
    },
    listEvents: (namespace, involvedObjectName) =>
      call(`list events of ${namespace}/${involvedObjectName}`, async () => {
        const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${involvedObjectName}` });
        return list.items
          // Not every API server honours every field selector; filter again so the answer is right either way.
          .filter((e) => e.involvedObject?.name === involvedObjectName)
          .map((e) => ({
            type: e.type ?? 'Normal',
            reason: e.reason ?? '',
            message: e.message ?? '',
            count: e.count ?? 1,
            lastSeen: toMs(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp),
          }))
          .sort((a, b) => a.lastSeen - b.lastSeen);
      }),
    dryRunCreatePod: ({ namespace, generateName, labels, annotations, spec }) =>
      call(`dry-run create of a pod in ${namespace}`, async () => {
        const body: V1Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, generateName, labels, annotations }, spec: spec as unknown as V1PodSpec };
        const pod = await core.createNamespacedPod({ namespace, body, dryRun: 'All' });
        return { name: pod.metadata?.name ?? '', schedulerName: pod.spec?.schedulerName, labels: { ...(pod.metadata?.labels ?? {}) } };
      }),
    listNodes: () =>
      call('list nodes', async () => {
        const list = await core.listNode();
        return list.items.map((n) => ({
          name: n.metadata?.name ?? '',
          labels: { ...(n.metadata?.labels ?? {}) },
          ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          unschedulable: n.spec?.unschedulable === true,
          taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })),
        }));
      }),
  };
}

/** A 404 as undefined: the object is gone, which the callers treat as an answer. */
async function orMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Never includes request headers, so no token can reach a message. */
function toKubeApiError(what: string, error: unknown, server?: string): unknown {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? error.body : error.body === undefined ? '' : JSON.stringify(error.body);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: keep the text
    }
    return new KubeApiError(error.code, `${what}: HTTP ${error.code}${message ? `: ${message.slice(0, 300)}` : ''}`, { cause: error });
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  const unreachable = networkFailure(error);
  if (unreachable) return new KubeApiError(undefined, `${what}: ${cannotReach('the Kubernetes API', server === undefined ? undefined : hostOfUrl(server), unreachable)}`, { cause: error });
  return new KubeApiError(undefined, `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

