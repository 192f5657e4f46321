// eksctl's CoreDNS step (pkg/fargate/coredns): patch the compute-type annotation to fargate, then wait until the
// Deployment reports every replica ready and every CoreDNS pod carries the annotation and runs on a `fargate-` node.
// Any API error ends it.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { pollWithBackoff, type PollOptions } from './backoff.js';
import { describeKubeError, type KubeAccess } from './kube.js';
import type { Logger } from './log.js';

const NAMESPACE = 'kube-system';
const NAME = 'coredns';
const COMPUTE_TYPE = 'eks.amazonaws.com/compute-type';

export async function scheduleCoreDnsOnFargate(kube: KubeAccess, log: Logger, wait: PollOptions): Promise<void> {
  if (await isScheduledOnFargate(kube, log)) return;
  await patchComputeType(kube);
  log.info(`"${NAME}" is now schedulable onto Fargate`);
  const outcome = await pollWithBackoff(() => isScheduledOnFargate(kube, log), wait);
  if (outcome === 'timed-out') throw new Error(`timed out while waiting for "${NAME}" to be scheduled on Fargate`);
}

async function patchComputeType(kube: KubeAccess): Promise<void> {
  const patch = { spec: { template: { metadata: { annotations: { [COMPUTE_TYPE]: 'fargate' } } } } };
  let patched;
  try {
    patched = await kube.call(({ apps }) =>
      apps.patchNamespacedDeployment(
        { name: NAME, namespace: NAMESPACE, body: patch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  } catch (error) {
    throw new Error(`failed to make "${NAME}" deployment schedulable on Fargate: failed to patch deployment: ${describeKubeError(error)}`);
  }
  const value = patched.spec?.template.metadata?.annotations?.[COMPUTE_TYPE];
  if (value !== 'fargate') {
    throw new Error(
      `failed to make "${NAME}" deployment schedulable on Fargate: unexpected value "${value ?? ''}" for annotation "${COMPUTE_TYPE}" on "${NAME}" patched deployment`,
    );
  }
}

/** eksctl's IsScheduledOnFargate: the Deployment first, then its pods; each logs when it holds. */
async function isScheduledOnFargate(kube: KubeAccess, log: Logger): Promise<boolean> {
  const deploymentReady = await isDeploymentOnFargate(kube, log);
  const podsReady = await arePodsOnFargate(kube, log);
  return deploymentReady && podsReady;
}

async function isDeploymentOnFargate(kube: KubeAccess, log: Logger): Promise<boolean> {
  const deployment = await kube.call(({ apps }) => apps.readNamespacedDeployment({ name: NAME, namespace: NAMESPACE })).catch(rethrow);
  const replicas = deployment.spec?.replicas;
  if (replicas === undefined) throw new Error(`nil spec.replicas in ${NAME} deployment`);
  const computeType = deployment.spec?.template.metadata?.annotations?.[COMPUTE_TYPE];
  const ready = deployment.status?.readyReplicas ?? 0;
  log.debug(`deployment "${NAME}" with compute type "${computeType ?? ''}" currently has ${ready}/${replicas} replicas running`);
  const scheduled = computeType === 'fargate' && replicas === ready;
  if (scheduled) log.info(`"${NAME}" is now scheduled onto Fargate`);
  return scheduled;
}

async function arePodsOnFargate(kube: KubeAccess, log: Logger): Promise<boolean> {
  const pods = await kube
    .call(({ core }) => core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `eks.amazonaws.com/component=${NAME}` }))
    .catch(rethrow);
  for (const pod of pods.items) {
    const node = pod.spec?.nodeName ?? '';
    const computeType = pod.metadata?.annotations?.[COMPUTE_TYPE];
    log.debug(`pod "${pod.metadata?.name ?? ''}" with compute type "${computeType ?? ''}" and status "${pod.status?.phase ?? ''}" is scheduled on "${node}"`);
    if (computeType !== 'fargate' || pod.status?.phase !== 'Running' || !node.startsWith('fargate-')) return false;
  }
  log.info(`"${NAME}" pods are now scheduled onto Fargate`);
  return true;
}

function rethrow(error: unknown): never {
  throw new Error(describeKubeError(error));
}
