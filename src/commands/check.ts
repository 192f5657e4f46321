// `safe-eksctl check --cluster NAME`: the read-only gate. Lists every Fargate profile and every CoreDNS pod and says
// why a stuck one is stuck; exit 0 when every profile is ACTIVE and CoreDNS is fully Ready, else 1, also when it
// could not look, within --check-timeout (2 minutes) whatever the endpoints do. It only reads: DescribeCluster,
// ListFargateProfiles, DescribeFargateProfile, and GETs against Kubernetes; for a stuck CoreDNS also one server-side
// dry-run pod create, which persists nothing, to say whether a restart would land on Fargate now.
import { EksApiError } from '../adapters/eks.js';
import { KubeApiError, type KubeApi } from '../adapters/kube.js';
import { hostOfUrl } from '../adapters/kube-deadlines.js';
import { assertReachesCluster, type OpenedKubeconfig } from '../adapters/kubeconfig.js';
import { COMPUTE_TYPE_ANNOTATION, COREDNS_DEPLOYMENT, COREDNS_NAMESPACE, COREDNS_SELECTOR } from '../core/coredns.js';
import { DEFAULT_MS } from '../core/defaults.js';
import { classifyCoreDnsPods, isUsableEc2Node, type ClassifiedPod } from '../core/pods.js';
import { rolledOut } from '../core/workloads.js';
import { ExitCode, SafeEksctlError } from '../errors.js';
import { restartOutlook, type RestartOutlook } from '../heal/step-toward-restart.js';
import type { Io } from '../io.js';
import { ClusterSession, openSelectedKubeconfig, regionFor, type ClusterDeps } from '../session.js';
import { CheckBudget } from './check-budget.js';
import { failClosed, formatCheck, unreadReport, type CheckedPod, type CheckReport } from './check-report.js';
import { checkOptionsSchema, parseOptions, type CheckOptions } from './options.js';

export type { CheckOptions } from './options.js';
export type { ClusterDeps } from '../session.js';
export { formatCheck, type CheckedPod, type CheckReport } from './check-report.js';

export async function run(options: Record<string, unknown>, io: Io, deps: ClusterDeps = {}): Promise<number> {
  return check(parseCheckOptions(options), io, deps);
}

export function parseCheckOptions(options: Record<string, unknown>): CheckOptions {
  return parseOptions(checkOptionsSchema, options);
}

export async function check(options: CheckOptions, io: Io, deps: ClusterDeps = {}): Promise<number> {
  // A bad --kubeconfig or --context ends here, before any AWS call.
  const kubeconfig = openSelectedKubeconfig(options, io);
  const region = await regionFor(options, io);
  const session = new ClusterSession({ clusterName: options.cluster, region, profile: options.profile, io, deps, kubeconfig: kubeconfig && { opened: kubeconfig } });
  const budget = new CheckBudget(options.checkTimeoutMs ?? DEFAULT_MS.checkTimeout);
  const seen = unreadReport(options.cluster, region);
  let report: CheckReport;
  try {
    report = await inspect(seen, session, budget, kubeconfig);
  } catch (error) {
    // Exit 1 is a gate that could not look, exit 6 one that cannot reach a private endpoint from here: either still
    // answers, with what it read and the rest unknown.
    const couldNot = error instanceof SafeEksctlError && (error.exitCode === ExitCode.unhealthy || error.exitCode === ExitCode.unreachable);
    if (!couldNot) throw error;
    report = failClosed(seen, error.message, error.exitCode);
    io.stderr.write(`safe-eksctl: ${error.message}\n`);
  } finally {
    budget.dispose();
  }
  io.stdout.write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatCheck(report));
  return report.exitCode;
}

/** Reads what the gate judges, filling `seen` in as it goes, so a failure half-way keeps what was read. */
async function inspect(seen: CheckReport, session: ClusterSession, budget: CheckBudget, kubeconfig: OpenedKubeconfig | undefined): Promise<CheckReport> {
  const { clusterName: name, eks } = session;
  await budget.step('STS GetCallerIdentity', (signal) => session.proveAccess(signal));
  const cluster = await budget.step('EKS DescribeCluster', (signal) => session.describeExisting(signal));
  const profiles = await budget.step('EKS ListFargateProfiles and DescribeFargateProfile', (signal) =>
    eks
      .listFargateProfiles(name, signal)
      .then((names) => Promise.all(names.map((p) => eks.describeFargateProfile(name, p, signal))))
      .catch((error: unknown) => {
        if (signal.aborted) throw error;
        throw cannot(`read the Fargate profiles of "${name}"`, error);
      }),
  );
  seen.profiles = profiles.map(({ name: n, status, selectors, healthIssues }) => ({ name: n, status, selectors, healthIssues }));
  // A kubeconfig whose context reaches another cluster would pass (or fail) the gate on that cluster's pods.
  if (kubeconfig) assertReachesCluster(kubeconfig, name, cluster.endpoint);
  seen.autoMode = cluster.autoMode;
  // A private endpoint seen from outside its VPC ends the check at once (exit 6) instead of failing every read.
  const kube: KubeApi = session.kubeFor(cluster, { signal: budget.signal });
  const active = profiles.filter((p) => p.status === 'ACTIVE');
  const { deployment, pods, restartNow } = await budget.step(`the Kubernetes API at ${hostOfUrl(kubeconfig?.server ?? cluster.endpoint)}`, async () => {
    try {
      const found = await kube.getDeployment(COREDNS_NAMESPACE, COREDNS_DEPLOYMENT);
      const nodes = await kube.listNodes();
      const classified = classifyCoreDnsPods(await kube.listPods(COREDNS_NAMESPACE, COREDNS_SELECTOR), {
        profiles: active,
        now: session.clock.now(),
        // Auto Mode launches a node for a pod no profile takes: that pod is waiting, not unschedulable.
        ec2NodesAvailable: (cluster.autoMode && cluster.autoModeNodePools.length > 0) || nodes.some(isUsableEc2Node),
      });
      const checked = await Promise.all(classified.map((c) => checkedPod(kube, c)));
      const stuck = classified.find((c) => c.state === 'stuck');
      let outlook: RestartOutlook | null = null;
      if (found && stuck) {
        const removeAnnotations = found.templateAnnotations[COMPUTE_TYPE_ANNOTATION] === 'ec2' ? [COMPUTE_TYPE_ANNOTATION] : [];
        const target = { namespace: COREDNS_NAMESPACE, ownerName: COREDNS_DEPLOYMENT, template: found.template, examplePod: stuck.pod };
        outlook = await restartOutlook(kube, target, { at: new Date(session.clock.now()), removeAnnotations }, stuck.profile);
      }
      return { deployment: found, pods: checked, restartNow: outlook };
    } catch (error) {
      if (budget.signal.aborted) throw error;
      throw cannot(`read CoreDNS in "${name}"`, error);
    }
  });

  const problems: string[] = [];
  for (const p of profiles) {
    if (p.status !== 'ACTIVE') problems.push(`Fargate profile ${p.name} is ${p.status}${p.healthIssues.map((i) => `; ${i.code}: ${i.message}`).join('')}`);
  }
  if (!deployment) {
    // Auto Mode's DNS is part of the cluster; elsewhere a missing CoreDNS (its addon removed) means no DNS at all.
    if (!cluster.autoMode) problems.push(`no CoreDNS Deployment (${COREDNS_NAMESPACE}/${COREDNS_DEPLOYMENT}): nothing resolves names`);
  } else {
    const live = pods.filter((p) => p.state !== 'terminating');
    for (const p of live) if (p.state !== 'healthy') problems.push(`CoreDNS pod ${p.name} is ${p.state}: ${p.reason}`);
    if (deployment.desired === 0) problems.push('CoreDNS is scaled to 0 replicas');
    else if (!rolledOut(deployment) || deployment.ready < deployment.desired) {
      problems.push(`CoreDNS is ${deployment.ready}/${deployment.desired} ready${rolledOut(deployment) ? '' : ', its rollout is not finished'}`);
    }
  }
  const exitCode = problems.length === 0 ? ExitCode.ok : ExitCode.unhealthy;
  return {
    ...seen,
    ok: exitCode === ExitCode.ok,
    exitCode,
    coredns: { found: deployment !== undefined, desired: deployment?.desired ?? 0, ready: deployment?.ready ?? 0, updated: deployment?.updated ?? 0, pods, restartNow },
    problems,
  };
}

async function checkedPod(kube: KubeApi, c: ClassifiedPod): Promise<CheckedPod> {
  const { pod } = c;
  const latest = c.state === 'healthy' || c.state === 'terminating' ? undefined : (await kube.listEvents(pod.namespace, pod.name)).at(-1);
  return {
    name: pod.name,
    state: c.state,
    phase: pod.phase,
    scheduler: pod.schedulerName,
    node: pod.nodeName ?? null,
    profile: c.profile ?? null,
    reason: c.reason,
    conditions: pod.conditions
      .filter((k) => k.status !== 'True')
      .map((k) => `${k.type}=${k.status}${k.reason || k.message ? ` (${[k.reason, k.message].filter(Boolean).join(': ')})` : ''}`),
    latestEvent: latest ? { reason: latest.reason, message: latest.message } : null,
  };
}

/** A check that cannot look fails the gate (exit 1), with what it could not read. */
function cannot(what: string, error: unknown): SafeEksctlError {
  if (error instanceof SafeEksctlError) return error;
  const message = error instanceof EksApiError || error instanceof KubeApiError || error instanceof Error ? error.message : String(error);
  return new SafeEksctlError(`cannot ${what}: ${message}`, ExitCode.unhealthy, { cause: error });
}

