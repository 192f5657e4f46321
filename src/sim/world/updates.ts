// UpdateClusterConfig's endpoint-access update, as the API model describes it: an Update (InProgress, then
// Successful) that DescribeUpdate reports, the cluster UPDATING meanwhile, the new access only once it is done.
import { randomUUID } from 'node:crypto';
import type { Cluster, Update, UpdateClusterConfigRequest, UpdateParam } from '@aws-sdk/client-eks';
import { invalidParameter } from '../eks/errors.js';

export function startEndpointUpdate(
  cluster: Cluster,
  updates: Map<string, Update>,
  request: UpdateClusterConfigRequest,
  { now, after }: { now: Date; after(apply: () => void): void },
): Update {
  const vpc = request.resourcesVpcConfig ?? {};
  const params: UpdateParam[] = [
    ...(vpc.endpointPublicAccess !== undefined ? [{ type: 'EndpointPublicAccess' as const, value: String(vpc.endpointPublicAccess) }] : []),
    ...(vpc.endpointPrivateAccess !== undefined ? [{ type: 'EndpointPrivateAccess' as const, value: String(vpc.endpointPrivateAccess) }] : []),
    ...(vpc.publicAccessCidrs !== undefined ? [{ type: 'PublicAccessCidrs' as const, value: JSON.stringify(vpc.publicAccessCidrs) }] : []),
  ];
  if (params.length === 0) throw invalidParameter('No changes needed for the cluster configuration', { clusterName: cluster.name! });
  const update: Update = { id: randomUUID(), status: 'InProgress', type: 'EndpointAccessUpdate', params, createdAt: now, errors: [] };
  updates.set(update.id!, update);
  cluster.status = 'UPDATING';
  after(() => {
    const config = (cluster.resourcesVpcConfig ??= {});
    if (vpc.endpointPublicAccess !== undefined) config.endpointPublicAccess = vpc.endpointPublicAccess;
    if (vpc.endpointPrivateAccess !== undefined) config.endpointPrivateAccess = vpc.endpointPrivateAccess;
    if (vpc.publicAccessCidrs !== undefined) config.publicAccessCidrs = vpc.publicAccessCidrs;
    cluster.status = 'ACTIVE';
    update.status = 'Successful';
  });
  return structuredClone(update);
}
