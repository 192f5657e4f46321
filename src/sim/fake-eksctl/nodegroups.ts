// Managed nodegroups: eksctl deploys one CloudFormation stack each, in parallel, and waits for all of them.
// Here the stack is the CreateNodegroup call itself, polled every 20 s like eksctl's stack waiter.
import { CreateNodegroupCommand, DescribeNodegroupCommand, type EKSClient } from '@aws-sdk/client-eks';
import { pollEvery } from './backoff.js';
import type { ManagedNodeGroupConfig } from './config.js';
import type { RunContext } from './context.js';
import { describeAwsError } from './eks.js';

export const STACK_POLL_MS = 20_000;

export interface NodegroupContext extends RunContext {
  eks: EKSClient;
  clusterName: string;
  subnetIds: string[];
  defaultNodeRoleArn: string;
  timeoutMs: number;
}

export async function createManagedNodegroups(ctx: NodegroupContext, nodegroups: readonly ManagedNodeGroupConfig[]): Promise<void> {
  const results = await Promise.allSettled(nodegroups.map((ng) => createNodegroup(ctx, ng)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (errors.length > 0) {
    ctx.log.warning(`${errors.length} error(s) occurred and post actions have failed, you may wish to check CloudFormation console`);
    throw new AggregateError(errors);
  }
}

async function createNodegroup(ctx: NodegroupContext, ng: ManagedNodeGroupConfig): Promise<void> {
  const { eks, log, clusterName } = ctx;
  const stack = `eksctl-${clusterName}-nodegroup-${ng.name}`;
  log.info(`building managed nodegroup stack "${stack}"`);
  log.info(`deploying stack "${stack}"`);
  try {
    await eks.send(
      new CreateNodegroupCommand({
        clusterName,
        nodegroupName: ng.name,
        nodeRole: ng.iamRoleARN ?? ctx.defaultNodeRoleArn,
        subnets: ctx.subnetIds,
        instanceTypes: ng.instanceTypes,
        scalingConfig: { minSize: ng.minSize, maxSize: ng.maxSize, desiredSize: ng.desiredCapacity },
        ...(ng.labels ? { labels: ng.labels } : {}),
        ...(ng.tags ? { tags: ng.tags } : {}),
      }),
    );
  } catch (error) {
    throw new Error(`creating CloudFormation stack "${stack}": ${describeAwsError('CreateNodegroup', error)}`);
  }
  const outcome = await pollEvery(
    async () => {
      log.info(`waiting for CloudFormation stack "${stack}"`);
      let status: string | undefined;
      try {
        status = (await eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName: ng.name }))).nodegroup?.status;
      } catch (error) {
        throw new Error(`waiting for CloudFormation stack "${stack}": ${describeAwsError('DescribeNodegroup', error)}`);
      }
      if (status === 'CREATE_FAILED' || status === 'DEGRADED') {
        throw new Error(`waiter state transitioned to Failure: nodegroup "${ng.name}" is ${status}`);
      }
      return status === 'ACTIVE';
    },
    { intervalMs: STACK_POLL_MS, timeoutMs: ctx.timeoutMs, sleep: ctx.sleep, signal: ctx.signal },
  );
  if (outcome === 'timed-out') throw new Error(`waiting for CloudFormation stack "${stack}": exceeded max wait time for StackCreateComplete waiter`);
}
