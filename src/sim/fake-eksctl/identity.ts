// eksctl checks the caller's identity first and names kubeconfig users after it (`NAME@cluster.region.eksctl.io`).
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { Logger } from './log.js';

export interface CallerIdentity {
  account: string;
  /** The last part of the ARN: `user/alice` → `alice`, root → `iam-root-account`. */
  username: string;
}

/** Placeholders when STS is not reachable: the simulator's EKS does not check role ARNs. */
const FALLBACK: CallerIdentity = { account: '000000000000', username: 'eksctl' };

export async function callerIdentity(eks: EKSClient, region: string, env: NodeJS.ProcessEnv, log: Logger): Promise<CallerIdentity> {
  const endpoint = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
  const sts = new STSClient({ region, credentials: eks.config.credentials, ...(endpoint ? { endpoint } : {}) });
  try {
    const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return { account: Account ?? FALLBACK.account, username: usernameOf(Arn ?? '') };
  } catch (error) {
    log.debug(`could not get caller identity, using placeholders: ${(error as Error).message}`);
    return FALLBACK;
  } finally {
    sts.destroy();
  }
}

export function usernameOf(arn: string): string {
  if (/:root$/.test(arn)) return 'iam-root-account';
  const resource = arn.split(':').slice(5).join(':');
  return resource.split('/').pop() || FALLBACK.username;
}
