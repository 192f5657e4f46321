// Managed nodegroups in the simulated world: CREATING, then ACTIVE after `nodegroupSeconds`, when the cluster's
// Kubernetes side gets EC2 nodes for its Pending default-scheduler pods.
import { randomUUID } from 'node:crypto';
import type { CreateNodegroupRequest, Nodegroup } from '@aws-sdk/client-eks';
import { inUse } from '../eks/errors.js';
import type { ClusterState, WorldContext } from './state.js';

export function createNodegroup(ctx: WorldContext, state: ClusterState, request: CreateNodegroupRequest): Nodegroup {
  const clusterName = request.clusterName!;
  const name = request.nodegroupName!;
  if (state.nodegroups.has(name)) {
    throw inUse(`NodeGroup already exists with name ${name} and cluster name ${clusterName}`, { clusterName, nodegroupName: name });
  }
  const now = ctx.clock.date();
  const version = request.version ?? state.cluster.version;
  const nodegroup: Nodegroup = {
    nodegroupName: name,
    nodegroupArn: ctx.arn(`nodegroup/${clusterName}/${name}/${randomUUID()}`),
    clusterName,
    version,
    releaseVersion: request.releaseVersion ?? `${version}.0-20250101`,
    createdAt: now,
    modifiedAt: now,
    status: 'CREATING',
    capacityType: request.capacityType ?? 'ON_DEMAND',
    scalingConfig: request.scalingConfig ?? { minSize: 1, maxSize: 2, desiredSize: 2 },
    instanceTypes: request.instanceTypes ?? ['t3.medium'],
    subnets: request.subnets ?? [],
    amiType: request.amiType ?? 'AL2023_x86_64_STANDARD',
    nodeRole: request.nodeRole,
    labels: request.labels ?? {},
    taints: request.taints ?? [],
    diskSize: request.diskSize ?? 20,
    health: { issues: [] },
    tags: request.tags ?? {},
  };
  state.nodegroups.set(name, nodegroup);
  ctx.after(ctx.timings.nodegroupSeconds, () => {
    nodegroup.status = 'ACTIVE';
    nodegroup.modifiedAt = ctx.clock.date();
    ctx.notify(state);
  });
  return structuredClone(nodegroup);
}
