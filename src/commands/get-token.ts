// `safe-eksctl get-token`: the ExecCredential `aws eks get-token` prints, for kubeconfigs on machines without the AWS
// CLI. The token goes to stdout only, because that is the exec-plugin protocol; nothing else ever prints it.
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { hostOf, rememberHostsPlugin, requestHandlerOptions } from '../adapters/aws-http.js';
import { resolveRegion } from '../adapters/region.js';
import { cannotReach, networkFailure } from '../core/network-errors.js';
import { createEksToken, execCredential } from '../adapters/token.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import type { Io } from '../io.js';

export interface GetTokenOptions {
  clusterName: string;
  region?: string;
  roleArn?: string;
  profile?: string;
}

export async function run(options: Record<string, unknown>, io: Io): Promise<number> {
  const { clusterName, region: regionFlag, roleArn, profile } = options as unknown as GetTokenOptions;
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
  const token = await createEksToken({ clusterName, region, credentials });
  io.stdout.write(`${JSON.stringify(execCredential(token))}\n`);
  return ExitCode.ok;
}
