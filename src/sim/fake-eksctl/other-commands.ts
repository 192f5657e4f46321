// `create fargateprofile`, `get cluster` and `delete cluster`, worded as eksctl words them.
import {
  DeleteClusterCommand,
  DeleteNodegroupCommand,
  DescribeClusterCommand,
  ListClustersCommand,
  ListNodegroupsCommand,
  type Cluster,
} from '@aws-sdk/client-eks';
import { pollEvery } from './backoff.js';
import type { ClusterConfig } from './config.js';
import { EksctlError } from './errors.js';
import { enterPhase, type ClusterRun } from './context.js';
import { CREATE_FARGATEPROFILE_FARGATE, createFargateAndCoreDns } from './fargate-step.js';
import { describeAwsError, errorName } from './eks.js';
import { deleteFargateProfiles } from './fargate.js';
import { callerIdentity } from './identity.js';
import { STACK_POLL_MS } from './nodegroups.js';

export async function createFargateProfile(ctx: ClusterRun, cfg: ClusterConfig, timeoutMs: number): Promise<void> {
  const profiles = cfg.fargateProfiles;
  let status: string | undefined;
  try {
    status = (await ctx.eks.send(new DescribeClusterCommand({ name: cfg.name }))).cluster?.status;
  } catch (error) {
    throw new EksctlError(`couldn't create cluster provider from command line options: ${describeAwsError('DescribeCluster', error)}`);
  }
  if (status !== 'ACTIVE') {
    throw new EksctlError(`couldn't check cluster operable status: cluster "${cfg.name}" is not ACTIVE (status ${status})`);
  }
  enterPhase(ctx, 'fargate', `could not create fargate profiles`);
  const identity = await callerIdentity(ctx.eks, cfg.region, ctx.env, ctx.log);
  // pkg/actions/fargate/create.go Manager.Create: the profiles, then at once (no sleep) the CoreDNS step.
  try {
    await createFargateAndCoreDns(ctx, { ...cfg, fargateProfiles: profiles }, identity, timeoutMs, CREATE_FARGATEPROFILE_FARGATE);
  } catch (error) {
    throw new EksctlError((error as Error).message);
  }
}

export async function getClusters(ctx: ClusterRun, region: string, name: string | undefined, output: string): Promise<string> {
  if (name !== undefined) {
    let cluster: Cluster | undefined;
    try {
      ({ cluster } = await ctx.eks.send(new DescribeClusterCommand({ name })));
    } catch (error) {
      throw new EksctlError(`unable to describe control plane "${name}": ${describeAwsError('DescribeCluster', error)}`);
    }
    if (output === 'json') return `${JSON.stringify([goFields(cluster ?? {})], null, '    ')}\n`;
    const vpc = cluster?.resourcesVpcConfig;
    return table(
      ['NAME', 'VERSION', 'STATUS', 'CREATED', 'VPC', 'SUBNETS', 'SECURITYGROUPS', 'PROVIDER'],
      [[
        cluster?.name ?? name,
        cluster?.version ?? '',
        cluster?.status ?? '',
        cluster?.createdAt?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? '',
        vpc?.vpcId ?? '',
        (vpc?.subnetIds ?? []).join(','),
        (vpc?.securityGroupIds ?? []).join(','),
        'EKS',
      ]],
    );
  }
  const names: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await ctx.eks.send(new ListClustersCommand({ nextToken }));
      names.push(...(page.clusters ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw new EksctlError(describeAwsError('ListClusters', error));
  }
  if (output === 'json') {
    return `${JSON.stringify(names.map((n) => ({ Name: n, Region: region, Owned: 'True' })), null, '    ')}\n`;
  }
  if (names.length === 0) {
    ctx.log.info(`no EKS clusters found`);
    return '';
  }
  return table(['NAME', 'REGION', 'EKSCTL CREATED'], names.map((n) => [n, region, 'True']));
}

export async function deleteCluster(ctx: ClusterRun, name: string, region: string, timeoutMs: number, wait: boolean): Promise<void> {
  const { eks, log } = ctx;
  log.info(`deleting EKS cluster "${name}"`);
  try {
    await eks.send(new DescribeClusterCommand({ name }));
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new EksctlError(`unable to describe cluster control plane: ${describeAwsError('DescribeCluster', error)}`);
    }
    throw new EksctlError(describeAwsError('DescribeCluster', error));
  }
  const failed = (message: string) => new EksctlError(`failed to delete cluster "${name}": ${message}`);
  const send = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw failed(describeAwsError(operation, error));
    }
  };
  await deleteFargateProfiles({
    eks,
    log,
    clusterName: name,
    region,
    defaultPodExecutionRoleArn: '',
    wait: { timeoutMs, sleep: ctx.sleep, signal: ctx.signal },
  }).catch((error: unknown) => {
    throw failed((error as Error).message);
  });
  const { nodegroups = [] } = await send('ListNodegroups', () => eks.send(new ListNodegroupsCommand({ clusterName: name })));
  for (const nodegroup of nodegroups) {
    log.info(`will delete stack "eksctl-${name}-nodegroup-${nodegroup}"`);
    await send('DeleteNodegroup', () => eks.send(new DeleteNodegroupCommand({ clusterName: name, nodegroupName: nodegroup })));
  }
  log.info(`will delete stack "eksctl-${name}-cluster"`);
  await send('DeleteCluster', () => eks.send(new DeleteClusterCommand({ name })));
  if (wait) await waitForDeletion(ctx, name, timeoutMs);
  log.success('all cluster resources were deleted');
}

async function waitForDeletion(ctx: ClusterRun, name: string, timeoutMs: number): Promise<void> {
  const outcome = await pollEvery(
    async () => {
      try {
        await ctx.eks.send(new DescribeClusterCommand({ name }));
        ctx.log.info(`waiting for stack "eksctl-${name}-cluster" to get deleted`);
        return false;
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return true;
        throw new EksctlError(describeAwsError('DescribeCluster', error));
      }
    },
    { intervalMs: STACK_POLL_MS, timeoutMs, sleep: ctx.sleep, signal: ctx.signal },
  );
  if (outcome === 'timed-out') throw new EksctlError(`timed out waiting for cluster "${name}" to be deleted`);
}

/** eksctl's table printer: columns padded to the widest cell plus three spaces. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('') + '\n';
  return line(header) + rows.map(line).join('');
}

/** The Go SDK's JSON of a type: exported field names are capitalised; tag maps keep their keys. */
function goFields(value: unknown, keepKeys = false): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => goFields(v));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [keepKeys ? k : k.charAt(0).toUpperCase() + k.slice(1), goFields(v, k === 'tags')]),
  );
}
