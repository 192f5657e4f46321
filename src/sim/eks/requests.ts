// What EKS checks in a request before touching any resource, answered as InvalidParameterException the way EKS
// does. Members nobody here checks pass through untouched (`looseObject`), as EKS ignores what it does not need.
import type {
  CreateAddonRequest,
  CreateClusterRequest,
  UpdateClusterConfigRequest,
  CreateFargateProfileRequest,
  CreateNodegroupRequest,
} from '@aws-sdk/client-eks';
import { z } from 'zod';
import { invalidParameter } from './errors.js';

const resourceName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[0-9A-Za-z][A-Za-z0-9\-_]*$/, 'must start with a letter or digit and contain only letters, digits, - and _');
const stringMap = z.record(z.string(), z.string());

const selector = z.looseObject({
  namespace: z.string().min(1, 'namespace is required'),
  labels: stringMap.refine((labels) => Object.keys(labels).length <= 5, 'at most 5 labels per selector').optional(),
});

const schemas = {
  CreateCluster: z.looseObject({
    name: resourceName,
    roleArn: z.string().min(1),
    resourcesVpcConfig: z.looseObject({ subnetIds: z.array(z.string()).optional() }),
    version: z.string().optional(),
    tags: stringMap.optional(),
  }),
  CreateFargateProfile: z.looseObject({
    fargateProfileName: resourceName,
    podExecutionRoleArn: z.string().min(1),
    selectors: z.array(selector).min(1, 'at least one selector is required').max(5, 'at most 5 selectors'),
    subnets: z.array(z.string()).optional(),
    tags: stringMap.optional(),
  }),
  CreateNodegroup: z.looseObject({
    nodegroupName: resourceName,
    nodeRole: z.string().min(1),
    subnets: z.array(z.string()).min(1),
    scalingConfig: z
      .looseObject({ minSize: z.number().int().min(0).optional(), maxSize: z.number().int().min(1).optional(), desiredSize: z.number().int().min(0).optional() })
      .optional(),
    labels: stringMap.optional(),
    tags: stringMap.optional(),
  }),
  UpdateClusterConfig: z.looseObject({
    resourcesVpcConfig: z
      .looseObject({ endpointPublicAccess: z.boolean().optional(), endpointPrivateAccess: z.boolean().optional(), publicAccessCidrs: z.array(z.string()).optional() })
      .optional(),
  }),
  CreateAddon: z.looseObject({
    addonName: z.string().min(1),
    addonVersion: z.string().optional(),
    configurationValues: z.string().optional(),
    tags: stringMap.optional(),
  }),
};

type Parsed = {
  CreateCluster: CreateClusterRequest;
  CreateFargateProfile: CreateFargateProfileRequest;
  CreateNodegroup: CreateNodegroupRequest;
  CreateAddon: CreateAddonRequest;
  UpdateClusterConfig: UpdateClusterConfigRequest;
};

/** The request body checked and merged with the path's `clusterName`, or an InvalidParameterException naming the field. */
export function parseRequest<K extends keyof typeof schemas>(operation: K, body: unknown, path: { clusterName?: string; name?: string } = {}): Parsed[K] {
  const result = schemas[operation].safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw invalidParameter(`${field ? `${field}: ` : ''}${issue.message}`, path);
  }
  return { ...result.data, ...path } as Parsed[K];
}

/** ListX pagination: `maxResults` 1–100 (default 100) and an opaque `nextToken`. */
export function paginate(names: string[], query: URLSearchParams): { names: string[]; nextToken?: string } {
  const maxText = query.get('maxResults');
  const max = maxText === null ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw invalidParameter('maxResults must be an integer from 1 to 100');
  }
  const token = query.get('nextToken');
  let start = 0;
  if (token !== null) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('The nextToken provided is invalid');
  }
  const page = names.slice(start, start + max);
  const end = start + page.length;
  return end < names.length ? { names: page, nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : { names: page };
}
