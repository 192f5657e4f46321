// `safe-eksctl get-token`: the ExecCredential `aws eks get-token` prints, for kubeconfigs on machines without the AWS
// CLI. The token goes to stdout only, because that is the exec-plugin protocol; nothing else ever prints it.
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { hostOf, rememberHostsPlugin, requestHandlerOptions } from '../adapters/aws-http.js';
import { resolveRegion } from '../adapters/region.js';
import { cannotReach, networkFailure } from '../core/network-errors.js';
import { createEksToken, DEFAULT_EXEC_CREDENTIAL_VERSION, EXEC_CREDENTIAL_VERSIONS, execCredential } from '../adapters/token.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import type { Io } from '../io.js';
import { getTokenOptionsSchema, parseOptions } from './options.js';

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  const { signedFor, region: regionFlag, roleArn, profile } = parseOptions(getTokenOptionsSchema, options);
  const apiVersion = requestedApiVersion(io.env['KUBERNETES_EXEC_INFO'], io);
  const region = await resolveRegion({ flag: regionFlag, profile });
  const base = fromNodeProviderChain(profile ? { profile } : {});
  const provider = roleArn
    ? fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: `safe-eksctl-${Date.now()}` },
        masterCredentials: base,
        // As an exec plugin this runs under kubectl: a silent STS must not hold it (and kubectl) for ever.
        clientConfig: { region, maxAttempts: 3, requestHandler: requestHandlerOptions() },
        clientPlugins: [rememberHostsPlugin],
      })
    : base;
  let credentials;
  try {
    credentials = await provider();
  } catch (error) {
    const unreachable = networkFailure(error);
    if (unreachable) throw new SafeEksctlError(`no AWS credentials: ${cannotReach('STS', hostOf(error), unreachable)}`, ExitCode.unhealthy, { cause: error });
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SafeEksctlError(`no usable AWS credentials: ${reason}`, ExitCode.usage, { cause: error });
  }
  const token = await createEksToken({ clusterName: signedFor, region, credentials });
  io.stdout.write(`${JSON.stringify(execCredential(token, apiVersion))}\n`);
  return ExitCode.ok;
}

/**
 * The apiVersion kubectl's exec plugin asked for in KUBERNETES_EXEC_INFO, as `aws eks get-token` reads it: absent is
 * v1beta1 silently; unreadable or unknown is v1beta1 with a warning on stderr (kubectl shows it), never a failure.
 */
export function requestedApiVersion(info: string | undefined, io: Pick<Io, 'stderr'>): string {
  if (!info) return DEFAULT_EXEC_CREDENTIAL_VERSION;
  let asked: unknown;
  try {
    asked = (JSON.parse(info) as { apiVersion?: unknown } | null)?.apiVersion;
  } catch {
    io.stderr.write(`safe-eksctl: KUBERNETES_EXEC_INFO is not JSON; answering in ${DEFAULT_EXEC_CREDENTIAL_VERSION}\n`);
    return DEFAULT_EXEC_CREDENTIAL_VERSION;
  }
  if (typeof asked === 'string' && EXEC_CREDENTIAL_VERSIONS.includes(asked)) return asked;
  io.stderr.write(`safe-eksctl: KUBERNETES_EXEC_INFO asks for apiVersion ${String(asked)}, which is unknown; answering in ${DEFAULT_EXEC_CREDENTIAL_VERSION}\n`);
  return DEFAULT_EXEC_CREDENTIAL_VERSION;
}
