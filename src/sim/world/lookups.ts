// Finding what a request names, with EKS's answer when it is not there (ResourceNotFoundException) or not ready
// (InvalidRequestException for a cluster that is not ACTIVE).
import { invalidRequest, notFound } from '../eks/errors.js';
import type { ClusterState, ProfileState } from './state.js';

export function clusterNamed(clusters: ReadonlyMap<string, ClusterState>, name: string): ClusterState {
  const state = clusters.get(name);
  if (!state) throw notFound(`No cluster found for name: ${name}.`, { clusterName: name });
  return state;
}

export function activeClusterNamed(clusters: ReadonlyMap<string, ClusterState>, name: string): ClusterState {
  const state = clusterNamed(clusters, name);
  if (state.cluster.status !== 'ACTIVE') {
    throw invalidRequest(`Cluster '${name}' is not in ACTIVE status`, { clusterName: name });
  }
  return state;
}

export function profileNamed(clusters: ReadonlyMap<string, ClusterState>, clusterName: string, name: string): ProfileState {
  const profileState = clusterNamed(clusters, clusterName).profiles.get(name);
  if (!profileState) {
    throw notFound(`No Fargate Profile found with name: ${name}.`, { clusterName, fargateProfileName: name });
  }
  return profileState;
}
