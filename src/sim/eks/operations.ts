// The EKS operations the simulator answers, by their API model names. A list of its own, importing nothing, so the
// fault table can name them (eks-access-denied=OPERATION) without reaching the routes and, through them, the world.
export const EKS_OPERATIONS = [
  'CreateCluster',
  'ListClusters',
  'DescribeCluster',
  'DeleteCluster',
  'UpdateClusterConfig',
  'DescribeUpdate',
  'CreateFargateProfile',
  'ListFargateProfiles',
  'DescribeFargateProfile',
  'DeleteFargateProfile',
  'CreateAddon',
  'ListAddons',
  'DescribeAddon',
  'CreateNodegroup',
  'ListNodegroups',
  'DescribeNodegroup',
] as const;

export type EksOperation = (typeof EKS_OPERATIONS)[number];
