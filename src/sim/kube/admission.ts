// Pod admission as the simulated API server runs it: the defaults of a pod spec, the EKS Fargate mutating webhook, and
// what a create request's options and the faults make of it (dry runs, a slow webhook, a refused dry run).
//
// The webhook is the MutatingWebhookConfiguration 0500-amazon-eks-fargate-mutation.amazonaws.com: CREATE on pods,
// sideEffects None (so the API server calls it on dry runs too), failurePolicy Ignore, timeoutSeconds 5
// (../shared/design/eks-facts.md).
import type { Faults } from '../faults.js';
import { fargateProfileFor, type FargateProfileView } from './matching.js';
import type { Pod } from './types.js';

export const COMPUTE_TYPE_ANNOTATION = 'eks.amazonaws.com/compute-type';
export const FARGATE_PROFILE_LABEL = 'eks.amazonaws.com/fargate-profile';
export const FARGATE_SCHEDULER = 'fargate-scheduler';
export const DEFAULT_SCHEDULER = 'default-scheduler';
/** The webhook's timeoutSeconds: the API server waits no longer for its answer. */
export const WEBHOOK_TIMEOUT_SECONDS = 5;

/** The API server's defaults for a new pod, before the webhook sees it. */
export function applyPodDefaults(pod: Pod): void {
  const spec = pod.spec;
  spec.schedulerName ??= DEFAULT_SCHEDULER;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  const tolerations = (spec.tolerations as { key?: string }[] | undefined) ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 } as { key: string });
  }
  spec.tolerations = tolerations;
  for (const c of spec.containers ?? []) {
    c.imagePullPolicy ??= 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
  }
  pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
}

/**
 * Mutates a pod as the Fargate webhook does when an ACTIVE profile it sees matches: fargate-scheduler and the profile
 * label. Pods carrying `compute-type: ec2` and pods already bound to a node are skipped; a webhook slower than its
 * timeout changes nothing (failurePolicy Ignore: the pod is admitted as it came).
 */
export function admitToFargate(pod: Pod, profiles: readonly FargateProfileView[], faults: Faults): void {
  if ((faults.webhookLatencySeconds ?? 0) > WEBHOOK_TIMEOUT_SECONDS) return;
  if (pod.metadata.annotations?.[COMPUTE_TYPE_ANNOTATION] === 'ec2') return;
  if (pod.spec.nodeName) return;
  const profile = fargateProfileFor(profiles, pod.metadata.namespace ?? 'default', pod.metadata.labels ?? {});
  if (!profile) return;
  pod.spec.schedulerName = FARGATE_SCHEDULER;
  pod.metadata.labels = { ...pod.metadata.labels, [FARGATE_PROFILE_LABEL]: profile.name };
}

/** A create request refused before it reaches storage, as a metav1.Status. */
export interface Refusal {
  code: number;
  reason: string;
  message: string;
}

/**
 * `?dryRun=`: absent or `All` (apimachinery's ValidateDryRun accepts nothing else; the request fails with 422 Invalid
 * on CreateOptions).
 */
export function parseDryRun(params: URLSearchParams): { dryRun: boolean } | Refusal {
  const values = params.getAll('dryRun');
  if (values.length === 0) return { dryRun: false };
  if (values.every((v) => v === 'All')) return { dryRun: true };
  return {
    code: 422,
    reason: 'Invalid',
    message: `CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ${JSON.stringify(values)}: supported values: "All"`,
  };
}

/**
 * The dry-run-refused fault. 403 is RBAC's answer to an identity without `create pods`, which holds for real creates
 * as well; 400 is the API server's answer when another mutating webhook on pods does not declare sideEffects None or
 * NoneOnDryRun (webhook/mutating/dispatcher.go, NewDryRunUnsupportedErr), so only dry runs get it.
 */
export function podCreateRefusal(namespace: string, dryRun: boolean, faults: Faults): Refusal | undefined {
  if (faults.dryRunRefused === 403) {
    return {
      code: 403,
      reason: 'Forbidden',
      message: `pods is forbidden: User "arn:aws:sts::000000000000:assumed-role/ReadOnly/simulated" cannot create resource "pods" in API group "" in the namespace "${namespace}"`,
    };
  }
  if (faults.dryRunRefused === 400 && dryRun) {
    return { code: 400, reason: 'BadRequest', message: 'admission webhook "sidecar-injector.simulated.example.com" does not support dry run' };
  }
  return undefined;
}

/** How long the API server waits on the Fargate webhook for one pod create: its latency, capped by its timeout. */
export function webhookWaitMs(faults: Faults): number {
  return Math.min(faults.webhookLatencySeconds ?? 0, WEBHOOK_TIMEOUT_SECONDS) * 1000;
}
