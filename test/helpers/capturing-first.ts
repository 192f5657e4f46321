// The bug report's profiles in the other order, the one that captures CoreDNS first, alone and beside a managed
// nodegroup: the configs of the early-heal scenarios (create-heal.test.ts in process, create-heal-interrupt.test.ts
// with the bin).
/** The bug report's cluster, for the configs below. */
const CLUSTER = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: fargate-demo
  region: us-west-2
  version: "1.31"
`;

/** The bug report's profiles in the other order: the one that captures CoreDNS is created first. */
const PROFILES_CAPTURING_FIRST = `fargateProfiles:
  - name: fp-kube-system
    selectors:
      - namespace: kube-system
        labels:
          eks.amazonaws.com/component: coredns
  - name: fp-default
    selectors:
      - namespace: default
`;

/** The bug report's profiles, the capturing one first: eksctl still creates fp-default when CoreDNS can be healed. */
export const CAPTURING_FIRST = CLUSTER + PROFILES_CAPTURING_FIRST;

/** The same with a managed nodegroup, which eksctl creates after the profiles and its 30 s sleep. */
export const CAPTURING_FIRST_WITH_NODEGROUP = `${CLUSTER}managedNodeGroups:
  - name: ng-system
    instanceType: t3.medium
    desiredCapacity: 2
${PROFILES_CAPTURING_FIRST}`;
