// Where the API server answers, as eksctl sets it up (v0.230.0): vpc.clusterEndpoints with the defaults of
// pkg/apis/eksctl.io/v1alpha5/defaults.go (public on, private off); a fully private cluster (privateCluster.enabled)
// is created with both on so eksctl itself can reach it, and its public access is turned off as the very last step
// (pkg/ctl/create/cluster.go, then pkg/eks/update.go waitForUpdateToSucceed); Outposts control planes are private only
// (pkg/ctl/cmdutils/configfile.go).
import { DescribeUpdateCommand, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import { pollEvery } from './backoff.js';
import type { ClusterConfig } from './config.js';
import type { ClusterRun } from './context.js';
import { describeAwsError } from './eks.js';

/** eksctl's update waiter starts at 30 s between looks (pkg/eks/waiter/waiter.go MinDelay). */
const UPDATE_POLL_MS = 30_000;

export function endpointAccess(cfg: ClusterConfig): { endpointPublicAccess: boolean; endpointPrivateAccess: boolean } {
  if (cfg.outpost) return { endpointPublicAccess: false, endpointPrivateAccess: true };
  if (cfg.privateCluster) return { endpointPublicAccess: true, endpointPrivateAccess: true };
  return { endpointPublicAccess: cfg.clusterEndpoints.publicAccess ?? true, endpointPrivateAccess: cfg.clusterEndpoints.privateAccess ?? false };
}

/** The warning eksctl gives for a private-only endpoint (api.ErrClusterEndpointPrivateOnly). */
export const PRIVATE_ONLY_WARNING =
  'warning, having public access disallowed will subsequently interfere with some features of eksctl. This will require running subsequent eksctl (and Kubernetes) commands/API calls from within the VPC.  Running these in the VPC requires making updates to some AWS resources.  See: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html for more details';

/** A fully private cluster's last step: public access off, waited for. */
export async function disablePublicAccess(ctx: ClusterRun, cfg: ClusterConfig, timeoutMs: number): Promise<void> {
  ctx.log.info('disabling public endpoint access for the cluster');
  let update;
  try {
    ({ update } = await ctx.eks.send(
      new UpdateClusterConfigCommand({ name: cfg.name, resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } }),
    ));
  } catch (error) {
    throw new Error(`error disabling public endpoint access for the cluster: ${describeAwsError('UpdateClusterConfig', error)}`);
  }
  const outcome = await pollEvery(
    async () => {
      const { update: now } = await ctx.eks.send(new DescribeUpdateCommand({ name: cfg.name, updateId: update?.id }));
      if (now?.status === 'Failed' || now?.status === 'Cancelled') throw new Error(`error disabling public endpoint access for the cluster: update ${now.status}`);
      if (now?.status !== 'Successful') ctx.log.info(`waiting for requested "${update?.type}" in cluster "${cfg.name}" to succeed`);
      return now?.status === 'Successful';
    },
    { intervalMs: UPDATE_POLL_MS, timeoutMs, sleep: ctx.sleep, signal: ctx.signal },
  );
  if (outcome === 'timed-out') throw new Error('error disabling public endpoint access for the cluster: timed out waiting for the update');
  ctx.log.info(
    `fully private cluster "${cfg.name}" has been created. For subsequent operations, eksctl must be run from within the cluster's VPC, a peered VPC or some other means like AWS Direct Connect`,
  );
}
