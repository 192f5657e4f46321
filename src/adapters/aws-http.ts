// Deadlines for every EKS and STS request, with the SDK's own knobs: NodeHttpHandler's connection and request
// timeouts and the retry strategy's maxAttempts. Without them an endpoint that accepts a connection and never answers
// (a broken proxy, a black-holed VPC endpoint) holds a call — and `check`, the gate that must fail closed — for ever.
import type { Client, MetadataBearer, Pluggable } from '@smithy/types';
import { HttpRequest } from '@smithy/protocol-http';

/** Connect (TCP and TLS) within this; real endpoints take well under a second. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** The answer to one attempt within this, and no longer silence on the socket; describe and list calls take < 1 s. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface RequestDeadlines {
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** Client options: the handler's deadlines, with a timeout that throws (the SDK only warns unless told so). */
export function requestHandlerOptions({ connectTimeoutMs = CONNECT_TIMEOUT_MS, requestTimeoutMs = REQUEST_TIMEOUT_MS }: RequestDeadlines = {}) {
  return {
    connectionTimeout: connectTimeoutMs,
    requestTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: requestTimeoutMs,
  };
}

const HOST = Symbol('safe-eksctl.host');

/**
 * Marks every error a call ends with with the host the request went to (`eks.us-west-2.amazonaws.com`,
 * `127.0.0.1:4566`): an error without an answer carries no trace of where it was going. A plugin, so clients the SDK
 * makes itself (the STS client behind an assumed role) can carry it too.
 */
export const rememberHostsPlugin: Pluggable<any, MetadataBearer> = {
  applyToStack: (stack) => {
    stack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (error instanceof Error && HttpRequest.isInstance(args.request)) {
            const { hostname, port } = args.request;
            Object.defineProperty(error, HOST, { value: port ? `${hostname}:${port}` : hostname, enumerable: false });
          }
          throw error;
        }
      },
      // After serialization (the endpoint is resolved), outside the retries: the last attempt's error is the one thrown.
      { step: 'build', name: 'safeEksctlRememberHost' },
    );
  },
};

export function rememberHosts(client: Client<any, MetadataBearer, any>): void {
  client.middlewareStack.use(rememberHostsPlugin);
}

/** The host `rememberHosts` marked the error with, if any. */
export function hostOf(error: unknown): string | undefined {
  return error instanceof Error ? ((error as unknown as Record<symbol, string | undefined>)[HOST] ?? undefined) : undefined;
}
