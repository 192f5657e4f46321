// The EKS API as the pipeline needs it: the real SDK over HTTP(S), with errors sorted into what a poller can act on.
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  paginateListFargateProfiles,
} from '@aws-sdk/client-eks';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { cannotReach, networkFailure } from '../core/network-errors.js';
import { hostOf, rememberHosts, requestHandlerOptions, type RequestDeadlines } from './aws-http.js';

export interface ClusterInfo {
  name: string;
  /** https URL of the Kubernetes API. */
  endpoint: string;
  /** Base64 of the cluster CA's PEM, as DescribeCluster returns it. */
  caData: string;
  status: string;
  version: string;
  /** A local cluster on Outposts has an ID, and its tokens are signed for it instead of the name. */
  id?: string;
  /** DescribeCluster's computeConfig.enabled: EKS Auto Mode runs DNS itself and launches nodes for unclaimed pods. */
  autoMode: boolean;
  /** computeConfig.nodePools: Auto Mode launches nodes only with at least one. */
  autoModeNodePools: string[];
  /** resourcesVpcConfig: false means the API server answers only inside the cluster's VPC. */
  endpointPublicAccess: boolean;
  /** The sources the public endpoint admits (0.0.0.0/0 unless restricted). */
  publicAccessCidrs: string[];
}

export interface ProfileSelector {
  namespace: string;
  labels?: Record<string, string>;
}

export interface ProfileHealthIssue {
  code: string;
  message: string;
}

export interface FargateProfileState {
  name: string;
  /** CREATING, ACTIVE, DELETING, CREATE_FAILED or DELETE_FAILED. */
  status: string;
  selectors: ProfileSelector[];
  healthIssues: ProfileHealthIssue[];
}

export interface EksApi {
  describeCluster(clusterName: string, signal?: AbortSignal): Promise<ClusterInfo>;
  describeFargateProfile(clusterName: string, profileName: string, signal?: AbortSignal): Promise<FargateProfileState>;
  /** Every profile name of the cluster, across pages. */
  listFargateProfiles(clusterName: string, signal?: AbortSignal): Promise<string[]>;
}

/** What a poller can do about a failed call: retry (throttled, server, network), wait a while (notFound), or stop. */
export type EksErrorKind = 'throttled' | 'server' | 'network' | 'notFound' | 'accessDenied' | 'other';

export class EksApiError extends Error {
  constructor(
    readonly kind: EksErrorKind,
    readonly operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EksApiError';
  }

  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'server' || this.kind === 'network';
  }
}

export interface EksApiOptions {
  region: string;
  /** Explicit credentials (the demo's); otherwise the SDK's default chain, with `profile` when given. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  profile?: string;
  /** Overrides the endpoint; without it the SDK honours AWS_ENDPOINT_URL_EKS / AWS_ENDPOINT_URL itself. */
  endpoint?: string;
  /**
   * SDK attempts per call, with the SDK's own jittered backoff (about 1.5 s in all). One-shot reads such as `check`'s
   * DescribeCluster have no loop of ours, so a passing throttle must not fail them; the profile poller's schedule
   * and deadline stay in charge beyond that.
   */
  maxAttempts?: number;
  /** Per attempt; see adapters/aws-http.ts for the defaults. */
  deadlines?: RequestDeadlines;
  /** Runs each call, retries included (ClusterDeps.awsCall). */
  around?: <T>(call: () => Promise<T>) => Promise<T>;
  /** The pause before a retry, instead of the SDK's own backoff (ClusterDeps.awsRetryDelayMs). */
  retryDelayMs?: (attempt: number) => number;
}

export function createEksApi({ region, credentials, profile, endpoint, maxAttempts = 4, deadlines, around, retryDelayMs }: EksApiOptions): EksApi {
  const client = new EKSClient({
    region,
    ...(retryDelayMs ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, retryDelayMs) } : { maxAttempts }),
    credentials: credentials ?? fromNodeProviderChain(profile ? { profile } : {}),
    requestHandler: requestHandlerOptions(deadlines),
    ...(endpoint ? { endpoint } : {}),
  });
  rememberHosts(client);
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await (around ? around(fn) : fn());
    } catch (error) {
      throw toEksApiError(operation, error);
    }
  };
  return {
    describeCluster: (name, signal) =>
      call('DescribeCluster', async () => {
        const { cluster } = await client.send(new DescribeClusterCommand({ name }), { abortSignal: signal });
        return {
          name: cluster?.name ?? name,
          endpoint: cluster?.endpoint ?? '',
          caData: cluster?.certificateAuthority?.data ?? '',
          status: cluster?.status ?? 'UNKNOWN',
          version: cluster?.version ?? '',
          ...(cluster?.id ? { id: cluster.id } : {}),
          autoMode: cluster?.computeConfig?.enabled === true,
          autoModeNodePools: cluster?.computeConfig?.nodePools ?? [],
          endpointPublicAccess: cluster?.resourcesVpcConfig?.endpointPublicAccess ?? true,
          publicAccessCidrs: cluster?.resourcesVpcConfig?.publicAccessCidrs ?? ['0.0.0.0/0'],
        };
      }),
    describeFargateProfile: (clusterName, fargateProfileName, signal) =>
      call('DescribeFargateProfile', async () => {
        const { fargateProfile: p } = await client.send(
          new DescribeFargateProfileCommand({ clusterName, fargateProfileName }),
          { abortSignal: signal },
        );
        return {
          name: p?.fargateProfileName ?? fargateProfileName,
          status: p?.status ?? 'UNKNOWN',
          selectors: (p?.selectors ?? []).map((s) => ({
            namespace: s.namespace ?? '',
            ...(s.labels && Object.keys(s.labels).length > 0 ? { labels: { ...s.labels } } : {}),
          })),
          healthIssues: (p?.health?.issues ?? []).map((i) => ({ code: i.code ?? 'Unknown', message: i.message ?? '' })),
        };
      }),
    listFargateProfiles: (clusterName, signal) =>
      call('ListFargateProfiles', async () => {
        const names: string[] = [];
        for await (const page of paginateListFargateProfiles({ client }, { clusterName }, { abortSignal: signal })) {
          names.push(...(page.fargateProfileNames ?? []));
        }
        return names;
      }),
  };
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded']);

/** Sorts an SDK failure by what the caller can do about it; an abort passes through unchanged. */
export function toEksApiError(operation: string, error: unknown): unknown {
  if (!(error instanceof Error)) return new EksApiError('other', operation, `${operation}: ${String(error)}`);
  if (error.name === 'AbortError') return error;
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; code?: string };
  const status = e.$metadata?.httpStatusCode;
  // No answer at all: say so, with the host, rather than the SDK's bare `connect ECONNREFUSED …`.
  const unreachable = status === undefined ? networkFailure(error) : undefined;
  if (unreachable) return new EksApiError('network', operation, `${operation}: ${cannotReach('EKS', hostOf(error), unreachable)}`, { cause: error });
  const kind: EksErrorKind = THROTTLING.has(e.name) || status === 429
    ? 'throttled'
    : e.name === 'ResourceNotFoundException' || status === 404
      ? 'notFound'
      : e.name === 'AccessDeniedException' || status === 403
        ? 'accessDenied'
        : (status !== undefined && status >= 500) || e.$fault === 'server'
          ? 'server'
          : 'other';
  return new EksApiError(kind, operation, `${operation}: ${e.name}: ${e.message}`, { cause: error });
}
