// The EKS operations the simulator answers, on the paths and with the answer members of the API model
// (@aws-sdk/client-eks schemas: e.g. CreateFargateProfile = POST /clusters/{clusterName}/fargate-profiles).
import type { World } from '../world.js';
import { paginate, parseRequest } from './requests.js';

export interface EksCall {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface EksRoute {
  operation: string;
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

export const EKS_ROUTES: readonly EksRoute[] = [
  {
    operation: 'CreateCluster',
    method: 'POST',
    path: CLUSTERS,
    handle: (world, { body }) => ({ cluster: world.createCluster(parseRequest('CreateCluster', body)) }),
  },
  {
    operation: 'ListClusters',
    method: 'GET',
    path: CLUSTERS,
    handle: (world, { query }) => {
      const { names, nextToken } = paginate(world.listClusters(), query);
      return { clusters: names, nextToken };
    },
  },
  {
    operation: 'DescribeCluster',
    method: 'GET',
    path: CLUSTER,
    handle: (world, { params: [name] }) => ({ cluster: world.describeCluster(name!) }),
  },
  {
    operation: 'DeleteCluster',
    method: 'DELETE',
    path: CLUSTER,
    handle: (world, { params: [name] }) => ({ cluster: world.deleteCluster(name!) }),
  },
  {
    operation: 'UpdateClusterConfig',
    method: 'POST',
    path: UPDATE_CONFIG,
    handle: (world, { params: [name], body }) => ({ update: world.updateClusterConfig(parseRequest('UpdateClusterConfig', body, { name: name! })) }),
  },
  {
    operation: 'DescribeUpdate',
    method: 'GET',
    path: UPDATE,
    handle: (world, { params: [name, id] }) => ({ update: world.describeUpdate(name!, id!) }),
  },
  {
    operation: 'CreateFargateProfile',
    method: 'POST',
    path: PROFILES,
    handle: (world, { params: [clusterName], body }) => ({
      fargateProfile: world.createFargateProfile(parseRequest('CreateFargateProfile', body, { clusterName: clusterName! })),
    }),
  },
  {
    operation: 'ListFargateProfiles',
    method: 'GET',
    path: PROFILES,
    handle: (world, { params: [clusterName], query }) => {
      const { names, nextToken } = paginate(world.listFargateProfiles(clusterName!), query);
      return { fargateProfileNames: names, nextToken };
    },
  },
  {
    operation: 'DescribeFargateProfile',
    method: 'GET',
    path: PROFILE,
    handle: (world, { params: [clusterName, name] }) => ({ fargateProfile: world.describeFargateProfile(clusterName!, name!) }),
  },
  {
    operation: 'DeleteFargateProfile',
    method: 'DELETE',
    path: PROFILE,
    handle: (world, { params: [clusterName, name] }) => ({ fargateProfile: world.deleteFargateProfile(clusterName!, name!) }),
  },
  {
    operation: 'CreateAddon',
    method: 'POST',
    path: ADDONS,
    handle: (world, { params: [clusterName], body }) => ({
      addon: world.createAddon(parseRequest('CreateAddon', body, { clusterName: clusterName! })),
    }),
  },
  {
    operation: 'ListAddons',
    method: 'GET',
    path: ADDONS,
    handle: (world, { params: [clusterName], query }) => {
      const { names, nextToken } = paginate(world.listAddons(clusterName!), query);
      return { addons: names, nextToken };
    },
  },
  {
    operation: 'DescribeAddon',
    method: 'GET',
    path: ADDON,
    handle: (world, { params: [clusterName, name] }) => ({ addon: world.describeAddon(clusterName!, name!) }),
  },
  {
    operation: 'CreateNodegroup',
    method: 'POST',
    path: NODEGROUPS,
    handle: (world, { params: [clusterName], body }) => ({
      nodegroup: world.createNodegroup(parseRequest('CreateNodegroup', body, { clusterName: clusterName! })),
    }),
  },
  {
    operation: 'ListNodegroups',
    method: 'GET',
    path: NODEGROUPS,
    handle: (world, { params: [clusterName], query }) => {
      const { names, nextToken } = paginate(world.listNodegroups(clusterName!), query);
      return { nodegroups: names, nextToken };
    },
  },
  {
    operation: 'DescribeNodegroup',
    method: 'GET',
    path: NODEGROUP,
    handle: (world, { params: [clusterName, name] }) => ({ nodegroup: world.describeNodegroup(clusterName!, name!) }),
  },
];

/** The route for a method and path, with its decoded path parameters. */
export function findRoute(method: string, pathname: string): { route: EksRoute; params: string[] } | undefined {
  for (const route of EKS_ROUTES) {
    if (route.method !== method) continue;
    const match = route.path.exec(pathname);
    if (match) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
