// AWS credentials, checked before anything starts: the SDK's default chain (env, -p/--profile or AWS_PROFILE, SSO,
// web identity, instance roles), proven with STS GetCallerIdentity. Credentials STS refuses are one line and exit 2;
// an STS that cannot be reached, or fails itself, is exit 1 and says so, with the host, never blaming the credentials.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { cannotReach, networkFailure } from '../core/network-errors.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { hostOf, rememberHosts, requestHandlerOptions, type RequestDeadlines } from './aws-http.js';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface AwsAccessOptions {
  region: string;
  /** `-p/--profile`; without it the chain honours AWS_PROFILE. */
  profile?: string;
  /** Explicit credentials (the demo's) instead of the default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Overrides the STS endpoint; without it the SDK honours AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL. */
  endpoint?: string;
  signal?: AbortSignal;
  /** Per attempt; see adapters/aws-http.ts for the defaults. */
  deadlines?: RequestDeadlines;
}

export interface AwsAccess {
  /** Memoised and refreshed by the SDK; hand it to createEksApi and createEksKubeApi. */
  credentials: AwsCredentialIdentityProvider;
  identity: CallerIdentity;
}

/** Resolves credentials and proves them with GetCallerIdentity. Throws SafeEksctlError (exit 2 or 1), never a secret. */
export async function checkAwsAccess({ region, profile, credentials, endpoint, signal, deadlines }: AwsAccessOptions): Promise<AwsAccess> {
  const provider: AwsCredentialIdentityProvider =
    credentials === undefined
      ? fromNodeProviderChain(profile ? { profile } : {})
      : typeof credentials === 'function'
        ? credentials
        : async () => credentials;
  const where = profile ? ` (profile "${profile}")` : '';
  try {
    await provider();
  } catch (error) {
    throw new SafeEksctlError(`no usable AWS credentials${where}: ${firstLine(error)}`, ExitCode.usage, { cause: error });
  }
  const sts = new STSClient({
    region,
    credentials: provider,
    maxAttempts: 4,
    requestHandler: requestHandlerOptions(deadlines),
    ...(endpoint ? { endpoint } : {}),
  });
  rememberHosts(sts);
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    return {
      credentials: provider,
      identity: { account: answer.Account ?? '', arn: answer.Arn ?? '', userId: answer.UserId ?? '' },
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw stsFailure(error, where);
  } finally {
    sts.destroy();
  }
}

/** Only STS's own answer refusing the request (4xx, not throttling) is about the credentials. */
function stsFailure(error: unknown, where: string): SafeEksctlError {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new SafeEksctlError(`AWS credentials${where} were not accepted by STS GetCallerIdentity: ${firstLine(error)}`, ExitCode.usage, { cause: error });
  }
  const unreachable = status === undefined ? networkFailure(error) : undefined;
  const why = unreachable ? cannotReach('STS', hostOf(error), unreachable) : `STS GetCallerIdentity failed: ${firstLine(error)}`;
  return new SafeEksctlError(`cannot check the AWS credentials${where}: ${why}`, ExitCode.unhealthy, { cause: error });
}

/** SDK messages can run to several lines of advice; the user gets the first, with the error's name. */
function firstLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const line = error.message.split('\n')[0]?.trim() || error.name;
  return error.name && error.name !== 'Error' && !line.startsWith(error.name) ? `${error.name}: ${line}` : line;
}
