// Whether this machine can reach a cluster's Kubernetes API at all. An endpoint DescribeCluster reports as private
// (endpointPublicAccess false), or public only to some publicAccessCidrs, refuses or drops connections from outside:
// retrying them until --coredns-timeout only delays the verdict by minutes. So on such an endpoint a connection that
// fails before any request has been answered is taken as "not reachable from here" at once (exit 6); a failure after
// one answer stays a transient one for the callers' retries. Connection refused, reset, timed out, unreachable or a
// name that does not resolve all count, whichever of them a network (or a connect deadline) produces.
import type { ClusterInfo } from './eks.js';
import { ExitCode, SafeEksctlError } from '../errors.js';

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);
const OPEN_TO_ALL = '0.0.0.0/0';

/** The API server is out of reach from here (exit 6): one line naming the endpoint and where to run from. */
export class ApiServerUnreachableError extends SafeEksctlError {
  constructor(
    message: string,
    readonly endpoint: string,
    cause?: unknown,
  ) {
    super(message, ExitCode.unreachable, { cause });
    this.name = 'ApiServerUnreachableError';
  }
}

/** True when no HTTP answer came at all: the error (or one of its causes) is a connection-level failure. */
export function isConnectFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code && CONNECT_FAILURES.has(code)) || e.name === 'TimeoutError' || e.name === 'ConnectTimeoutError') return true;
  }
  return false;
}

/** Why this endpoint may refuse a machine outside the VPC, or undefined when it is open to every address. */
export function endpointRestriction(cluster: ClusterInfo): string | undefined {
  if (!cluster.endpointPublicAccess) return 'its endpoint is private (endpointPublicAccess: false), reachable only from inside the cluster VPC';
  if (!cluster.publicAccessCidrs.includes(OPEN_TO_ALL)) {
    return `its public endpoint admits only ${cluster.publicAccessCidrs.join(', ')} (publicAccessCidrs), and this machine may be outside them`;
  }
  return undefined;
}

/**
 * The same client, but on a restricted endpoint a connection failure before the first answer throws an
 * ApiServerUnreachableError instead of a retryable error. Unrestricted endpoints get the client unchanged.
 */
export function failFastWhenUnreachable<T extends object>(client: T, cluster: ClusterInfo, region: string): T {
  const restriction = endpointRestriction(cluster);
  if (restriction === undefined) return client;
  let answered = false;
  const unreachable = (cause: unknown) =>
    new ApiServerUnreachableError(
      `cannot reach the Kubernetes API of cluster "${cluster.name}" at ${cluster.endpoint}: ${restriction}; run ` +
        `safe-eksctl heal --cluster ${cluster.name} --region ${region} from inside the VPC (or a peered VPC, VPN or Direct Connect)`,
      cluster.endpoint,
      cause,
    );
  const guarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(client)) {
    guarded[key] =
      typeof value !== 'function'
        ? value
        : async (...args: unknown[]) => {
            try {
              const result: unknown = await (value as (...a: unknown[]) => unknown).apply(client, args);
              answered = true;
              return result;
            } catch (error) {
              if (!answered && isConnectFailure(error)) throw unreachable(error);
              // Any HTTP answer, even an error status, proves the endpoint reachable from here.
              if (typeof (error as { status?: unknown }).status === 'number') answered = true;
              throw error;
            }
          };
  }
  return guarded as T;
}
