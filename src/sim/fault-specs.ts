// Faults back into their `--fault` spelling, so a child process (the fake eksctl) gets exactly the faults of the
// simulator through SAFE_EKSCTL_SIM_FAULTS and parses them with the same parseFaults.
import type { Faults } from './faults.js';

export function faultSpecs(faults: Faults): string[] {
  const specs: string[] = [];
  const rate = (name: string, value: number) => {
    if (value > 0) specs.push(`${name}=${value}`);
  };
  const seconds = (name: string, value: number | undefined) => {
    if (value !== undefined) specs.push(`${name}=${value}`);
  };
  rate('eks-throttle', faults.eksThrottle);
  rate('eks-5xx', faults.eks5xx);
  rate('eks-reset', faults.eksReset);
  rate('kube-5xx', faults.kube5xx);
  for (const operation of faults.eksAccessDenied) specs.push(`eks-access-denied=${operation}`);
  for (const name of faults.profileCreateFailed) specs.push(`profile-create-failed=${name}`);
  if (faults.eksctlExit) specs.push(`eksctl-exit=${faults.eksctlExit.code}@${faults.eksctlExit.phase}`);
  seconds('webhook-delay', faults.webhookDelaySeconds);
  seconds('webhook-latency', faults.webhookLatencySeconds);
  if (faults.dryRunRefused !== undefined) specs.push(`dry-run-refused=${faults.dryRunRefused}`);
  seconds('fargate-start', faults.fargateStartSeconds);
  if (faults.rolloutStuck) specs.push('rollout-stuck');
  seconds('token-ttl', faults.tokenTtlSeconds);
  if (faults.outsideVpc) specs.push('outside-vpc');
  return specs;
}
