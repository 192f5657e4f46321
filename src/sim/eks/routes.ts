// The EKS operations the simulator answers, on the paths and with the answer members of the API model
// (@aws-sdk/client-eks schemas: e.g. CreateFargateProfile = POST /clusters/{clusterName}/fargate-profiles).
import type { World } from '../world.js';
import { EKS_OPERATIONS, type EksOperation } from './operations.js';
import { paginate, parseRequest } from './requests.js';

export interface EksCall {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface EksRoute {
  operation: EksOperation;
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  handle(world: World, call: EksCall): object;
}

const CLUSTERS = /^\/clusters$/;
const CLUSTER = /^\/clusters\/([^/]+)$/;
const PROFILES = /^\/clusters\/([^/]+)\/fargate-profiles$/;
const PROFILE = /^\/clusters\/([^/]+)\/fargate-profiles\/([^/]+)$/;
const ADDONS = /^\/clusters\/([^/]+)\/addons$/;
const ADDON = /^\/clusters\/([^/]+)\/addons\/([^/]+)$/;
const NODEGROUPS = /^\/clusters\/([^/]+)\/node-groups$/;
const NODEGROUP = /^\/clusters\/([^/]+)\/node-groups\/([^/]+)$/;
const UPDATE_CONFIG = /^\/clusters\/([^/]+)\/update-config$/;
const UPDATE = /^\/clusters\/([^/]+)\/updates\/([^/]+)$/;

/** One route per operation: the type makes the operation list and the routes agree. */
const ROUTES: Record<EksOperation, Omit<EksRoute, 'operation'>> = {
  CreateCluster: {
    method: 'POST',
    path: CLUSTERS,
    handle: (world, { body }) => ({ cluster: world.createCluster(parseRequest('CreateCluster', body)) }),
  },
  ListClusters: {
    method: 'GET',
    path: CLUSTERS,
    handle: (world, { query }) => {
      const { names, nextToken } = paginate(world.listClusters(), query);
      return { clusters: names, nextToken };
    },
  },
  DescribeCluster: {
    method: 'GET',
    path: CLUSTER,
    handle: (world, { params: [name] }) => ({ cluster: world.describeCluster(name!) }),
  },
  DeleteCluster: {
    method: 'DELETE',
    path: CLUSTER,
    handle: (world, { params: [name] }) => ({ cluster: world.deleteCluster(name!) }),
  },
  UpdateClusterConfig: {
    method: 'POST',
    path: UPDATE_CONFIG,
    handle: (world, { params: [name], body }) => ({ update: world.updateClusterConfig(parseRequest('UpdateClusterConfig', body, { name: name! })) }),
  },
  DescribeUpdate: {
    method: 'GET',
    path: UPDATE,
    handle: (world, { params: [name, id] }) => ({ update: world.describeUpdate(name!, id!) }),
  },
  CreateFargateProfile: {
    method: 'POST',
    path: PROFILES,
    handle: (world, { params: [clusterName], body }) => ({
      fargateProfile: world.createFargateProfile(parseRequest('CreateFargateProfile', body, { clusterName: clusterName! })),
    }),
  },
  ListFargateProfiles: {
    method: 'GET',
    path: PROFILES,
    handle: (world, { params: [clusterName], query }) => {
      const { names, nextToken } = paginate(world.listFargateProfiles(clusterName!), query);
      return { fargateProfileNames: names, nextToken };
    },
  },
  DescribeFargateProfile: {
    method: 'GET',
    path: PROFILE,
    handle: (world, { params: [clusterName, name] }) => ({ fargateProfile: world.describeFargateProfile(clusterName!, name!) }),
  },
  DeleteFargateProfile: {
    method: 'DELETE',
    path: PROFILE,
    handle: (world, { params: [clusterName, name] }) => ({ fargateProfile: world.deleteFargateProfile(clusterName!, name!) }),
  },
  CreateAddon: {
    method: 'POST',
    path: ADDONS,
    handle: (world, { params: [clusterName], body }) => ({
      addon: world.createAddon(parseRequest('CreateAddon', body, { clusterName: clusterName! })),
    }),
  },
  ListAddons: {
    method: 'GET',
    path: ADDONS,
    handle: (world, { params: [clusterName], query }) => {
      const { names, nextToken } = paginate(world.listAddons(clusterName!), query);
      return { addons: names, nextToken };
    },
  },
  DescribeAddon: {
    method: 'GET',
    path: ADDON,
    handle: (world, { params: [clusterName, name] }) => ({ addon: world.describeAddon(clusterName!, name!) }),
  },
  CreateNodegroup: {
    method: 'POST',
    path: NODEGROUPS,
    handle: (world, { params: [clusterName], body }) => ({
      nodegroup: world.createNodegroup(parseRequest('CreateNodegroup', body, { clusterName: clusterName! })),
    }),
  },
  ListNodegroups: {
    method: 'GET',
    path: NODEGROUPS,
    handle: (world, { params: [clusterName], query }) => {
      const { names, nextToken } = paginate(world.listNodegroups(clusterName!), query);
      return { nodegroups: names, nextToken };
    },
  },
  DescribeNodegroup: {
    method: 'GET',
    path: NODEGROUP,
    handle: (world, { params: [clusterName, name] }) => ({ nodegroup: world.describeNodegroup(clusterName!, name!) }),
  },
};

export const EKS_ROUTES: readonly EksRoute[] = EKS_OPERATIONS.map((operation) => ({ operation, ...ROUTES[operation] }));

/** The route for a method and path, with its decoded path parameters. */
export function findRoute(method: string, pathname: string): { route: EksRoute; params: string[] } | undefined {
  for (const route of EKS_ROUTES) {
    if (route.method !== method) continue;
    const match = route.path.exec(pathname);
    if (match) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
