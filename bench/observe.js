// Watches one simulated cluster from inside the simulator, on simulated time: when CoreDNS's pod template changed
// (a restart or eksctl's annotation patch) and when every CoreDNS replica was first Ready. Read-only.

/**
 * @typedef {{ at: number, by: 'safe-eksctl' | 'eksctl' | 'addon' | 'other', generation: number }} TemplateChange
 * @typedef {{ templateChanges: TemplateChange[], healthyAt: number | undefined, stop(): void }} CoreDnsObservation
 */

/**
 * Starts watching as soon as the cluster exists (CreateCluster arrives from eksctl, a child process).
 * @param {import('./.build/sim/index.js').Simulator} sim
 * @param {string} clusterName
 * @returns {CoreDnsObservation}
 */
export function observeCoreDns(sim, clusterName) {
  /** @type {CoreDnsObservation} */
  const observation = { templateChanges: [], healthyAt: undefined, stop: () => {} };
  let lastTemplate;
  let unwatch = () => {};
  const onEvent = (/** @type {any} */ event) => {
    const { resource, object } = event;
    if (object.metadata?.namespace !== 'kube-system') return;
    if (resource === 'deployments' && object.metadata.name === 'coredns') {
      const template = JSON.stringify(object.spec.template);
      if (lastTemplate !== undefined && template !== lastTemplate) {
        observation.templateChanges.push({ at: sim.clock.now(), by: changedBy(JSON.parse(lastTemplate), object.spec.template), generation: object.metadata.generation });
      }
      lastTemplate = template;
    }
    if ((resource === 'pods' || resource === 'deployments') && observation.healthyAt === undefined) {
      const kube = sim.world.kubeCluster(clusterName);
      if (kube && everyReplicaReady(kube)) observation.healthyAt = sim.clock.now();
    }
  };
  // The cluster appears when eksctl's CreateCluster arrives; two simulated minutes pass before CoreDNS exists.
  const timer = setInterval(() => {
    const kube = sim.world.kubeCluster(clusterName);
    if (!kube) return;
    clearInterval(timer);
    unwatch = kube.store.watch(onEvent);
  }, 2);
  observation.stop = () => {
    clearInterval(timer);
    unwatch();
  };
  return observation;
}

/** @param {any} kube */
function everyReplicaReady(kube) {
  const deployment = kube.get('deployments', 'kube-system', 'coredns');
  if (!deployment) return false;
  const pods = kube.listPods('kube-system', { 'k8s-app': 'kube-dns' });
  const ready = pods.filter((/** @type {any} */ p) => p.status?.phase === 'Running' && p.status.conditions?.some((/** @type {any} */ c) => c.type === 'Ready' && c.status === 'True'));
  return pods.length > 0 && ready.length === pods.length && ready.length >= (deployment.spec.replicas ?? 1);
}

/** Who changed the template: safe-eksctl stamps restartedAt, eksctl sets compute-type fargate, the addon drops it. */
function changedBy(/** @type {any} */ before, /** @type {any} */ after) {
  const was = before.metadata?.annotations ?? {};
  const now = after.metadata?.annotations ?? {};
  if (now['kubectl.kubernetes.io/restartedAt'] !== was['kubectl.kubernetes.io/restartedAt']) return 'safe-eksctl';
  if (now['eks.amazonaws.com/compute-type'] === 'fargate' && was['eks.amazonaws.com/compute-type'] !== 'fargate') return 'eksctl';
  if (was['eks.amazonaws.com/compute-type'] && !now['eks.amazonaws.com/compute-type']) return 'addon';
  return 'other';
}

/**
 * The profile CoreDNS's healthy pods were captured by (the webhook labels them), or undefined.
 * @param {import('./.build/sim/index.js').Simulator} sim
 * @param {string} clusterName
 */
export function capturingProfile(sim, clusterName) {
  const kube = sim.world.kubeCluster(clusterName);
  const pods = kube?.listPods('kube-system', { 'k8s-app': 'kube-dns' }) ?? [];
  for (const pod of pods) {
    const profile = pod.metadata.labels?.['eks.amazonaws.com/fargate-profile'];
    if (profile) return profile;
  }
  return undefined;
}
