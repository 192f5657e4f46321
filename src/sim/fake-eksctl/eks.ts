// The EKS side of the fake eksctl: one SDK client pointed wherever the environment says, and eksctl-worded errors.
import { EKSClient } from '@aws-sdk/client-eks';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { SimClock } from '../clock.js';

/** eksctl's Go SDK retryer makes up to 13 attempts on throttling and server errors. */
const EKSCTL_MAX_ATTEMPTS = 13;
/** Its backoff: exponential from 100 ms, at most 20 s, in eksctl's (simulated) time. */
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 20_000;

export interface EksClientOptions {
  region: string;
  env: NodeJS.ProcessEnv;
  /** `-p/--profile`; only consulted when the environment carries no access key, as the SDK would do. */
  profile?: string;
  /** The clock eksctl's other waits run on: its retries are scaled by it, and each call is work it waits for. */
  clock: SimClock;
}

export function createEksClient({ region, env, profile, clock }: EksClientOptions): EKSClient {
  const endpoint = env.AWS_ENDPOINT_URL_EKS || env.AWS_ENDPOINT_URL || undefined;
  // Every other wait of the fake eksctl runs on simulated time; its SDK retries must too, or a throttled run at time
  // scale 0.01 sits through real 20-second backoffs. On virtual time they take no time at all (scale 0), and the
  // call, retries included, is work the clock waits for.
  const client = new EKSClient({
    region,
    retryStrategy: new ConfiguredRetryStrategy(EKSCTL_MAX_ATTEMPTS, (attempt) =>
      Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt) * Math.random() * clock.scale,
    ),
    ...(endpoint ? { endpoint } : {}),
    ...(envCredentials(env) ? { credentials: envCredentials(env) } : profile ? { profile } : {}),
  });
  client.middlewareStack.add((next) => (args) => clock.track(() => next(args)), { step: 'initialize', priority: 'high', name: 'simulatedClockWork' });
  return client;
}

function envCredentials(env: NodeJS.ProcessEnv): AwsCredentialIdentity | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

/** The credentials the EKS client signs with, for the Kubernetes bearer token. */
export async function clientCredentials(eks: EKSClient): Promise<AwsCredentialIdentity> {
  return eks.config.credentials();
}

/** An SDK failure as the Go SDK words it in eksctl's output. */
export function describeAwsError(operation: string, error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const status = e.$metadata?.httpStatusCode;
  const response = status === undefined ? '' : `https response error StatusCode: ${status}, RequestID: ${e.$metadata?.requestId ?? ''}, `;
  return `operation error EKS: ${operation}, ${response}${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}

export function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}
