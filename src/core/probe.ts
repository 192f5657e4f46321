// The Fargate probe: a server-side dry-run create of a pod built from an owner's pod template asks EKS's Fargate
// webhook exactly what it would do with a pod created now (../shared/design/eks-facts.md, "The race": the webhook
// declares sideEffects None, so a dryRun=All create goes through it and nothing is persisted). Pure: the adapter sends
// the pod and hands back the answer; this builds the pod and says what the answer means.
import { FARGATE_SCHEDULER, type PodInfo } from './pods.js';
import { DEFAULT_SCHEDULER } from './workloads.js';

/** Set by the Fargate webhook on every pod it captures, with the profile that captured it. */
export const FARGATE_PROFILE_LABEL = 'eks.amazonaws.com/fargate-profile';
/** What `kubectl rollout restart` stamps on the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/**
 * Labels the workload controllers stamp on a pod beside the template's own: a profile selector may name them (with
 * wildcards), so the probe pod carries them too. Taken from a stuck pod of the same owner, since the value for the
 * new revision is the controller's to compute; only the keys and the shape of the values can matter to a selector.
 */
const CONTROLLER_LABELS = ['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'];

/** A workload's pod template as the API returns it; `spec` is handed back to the API untouched. */
export interface PodTemplate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
}

/** The pod the probe creates with dryRun=All. */
export interface ProbePod {
  namespace: string;
  generateName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
}

/** What the API server answered: the pod as admission left it. */
export interface ProbeAnswer {
  name: string;
  schedulerName: string | undefined;
  labels: Record<string, string>;
}

/** What the restart about to be made changes in the template: the probe asks about the pods of the new template. */
export interface TemplateChange {
  at: Date;
  /** Template annotations the restart deletes (compute-type: ec2, which the webhook skips). */
  removeAnnotations?: readonly string[];
}

export interface ProbeTarget {
  namespace: string;
  /** The Deployment or StatefulSet. */
  ownerName: string;
  template: PodTemplate;
  /** A pod of the owner now, for the labels and name prefix the controller gives its pods. */
  examplePod?: PodInfo | undefined;
}

/** RFC 3339 to the second, as kubectl writes restartedAt. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The pod the owner's controller would create after the restart: the template's labels and annotations with the
 * restart's changes, the controller's own labels, and its name prefix (a Deployment's pods are named after their
 * ReplicaSet). No ownerReferences: admission does not read them, and blockOwnerDeletion would need a permission on
 * the owner the probe has no use for.
 */
export function probePodFor({ namespace, ownerName, template, examplePod }: ProbeTarget, change: TemplateChange): ProbePod {
  const annotations = { ...template.annotations };
  for (const key of change.removeAnnotations ?? []) delete annotations[key];
  annotations[RESTARTED_AT_ANNOTATION] = rfc3339Seconds(change.at);
  const stamped = Object.fromEntries(Object.entries(examplePod?.labels ?? {}).filter(([key]) => CONTROLLER_LABELS.includes(key)));
  const prefix = examplePod?.ownerReferences[0]?.kind === 'ReplicaSet' ? examplePod.ownerReferences[0].name : ownerName;
  return { namespace, generateName: `${prefix}-`, labels: { ...template.labels, ...stamped }, annotations, spec: structuredClone(template.spec) };
}

export type ProbeVerdict =
  /** A pod created now is admitted by fargate-scheduler; `profile` is the one the webhook named (null if none). */
  | { kind: 'fargate'; profile: string | null }
  /** A pod created now keeps its own scheduler: the webhook does not see a matching profile (yet). */
  | { kind: 'not-fargate'; scheduler: string }
  /** The answer says nothing we can rely on. */
  | { kind: 'unusable'; why: string };

/** What the dry-run answer means. `templateScheduler` is the scheduler the template asks for (default-scheduler). */
export function readProbeAnswer(answer: ProbeAnswer, templateScheduler: string | undefined): ProbeVerdict {
  const scheduler = answer.schedulerName;
  if (scheduler === FARGATE_SCHEDULER) return { kind: 'fargate', profile: answer.labels[FARGATE_PROFILE_LABEL] ?? null };
  if (scheduler === undefined || scheduler === '') return { kind: 'unusable', why: 'the dry-run answer has no schedulerName' };
  if (scheduler === (templateScheduler ?? DEFAULT_SCHEDULER)) return { kind: 'not-fargate', scheduler };
  return { kind: 'unusable', why: `the dry-run answer names scheduler "${scheduler}", neither the template's nor fargate-scheduler` };
}

/** The scheduler a template asks for, as the API server defaults it. */
export function templateScheduler(template: PodTemplate): string {
  const name = template.spec['schedulerName'];
  return typeof name === 'string' && name !== '' ? name : DEFAULT_SCHEDULER;
}

/** "fargate-scheduler (profile fp-kube-system)", "default-scheduler". */
export function describeVerdict(verdict: ProbeVerdict): string {
  if (verdict.kind === 'fargate') return `${FARGATE_SCHEDULER}${verdict.profile ? ` (profile ${verdict.profile})` : ''}`;
  if (verdict.kind === 'not-fargate') return verdict.scheduler;
  return `unusable: ${verdict.why}`;
}
